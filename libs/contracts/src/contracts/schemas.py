"""The JSON Schemas of every message, as checked in under `libs/contracts/schemas/`.

`write_schemas(directory)` regenerates them (`make schemas`); a test fails when
the checked-in files differ from the models, so a change shows in review.  The
schemas as last released are kept under `libs/contracts/released/`
(`make schemas-release` copies them when a release is cut); a test fails on a
change that breaks one of them (`compatibility.breaking_changes`).
"""

from __future__ import annotations

import json
from pathlib import Path

from .catalog import CATALOG, schema_of

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"
RELEASED_DIR = SCHEMA_DIR.parent / "released"


def rendered_schemas() -> dict[str, str]:
    """File name -> text, for every message in the catalog."""
    return {
        f"{entry.routing_key}.json": json.dumps(schema_of(entry), indent=2, sort_keys=True) + "\n"
        for entry in CATALOG
    }


def write_schemas(directory: Path = SCHEMA_DIR) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in rendered_schemas().items():
        (directory / name).write_text(text, encoding="utf-8")
        written.append(name)
    return written

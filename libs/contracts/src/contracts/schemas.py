"""The JSON Schemas of every message, as checked in under `libs/contracts/schemas/`.

`write_schemas(directory)` regenerates them (`make schemas`); a test fails when
the checked-in files differ from the models, so a breaking change shows in review.
"""

from __future__ import annotations

import json
from pathlib import Path

from .catalog import CATALOG, schema_of

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"


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

"""Write each service's AsyncAPI document to `docs/asyncapi/<service>.json`
(`make asyncapi`); tests/test_asyncapi.py fails when one differs from the code."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from service_kit.asyncapi import rendered

ROOT = Path(__file__).resolve().parents[1]
DOCS_DIR = ROOT / "docs" / "asyncapi"
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "pyproject.toml").exists())


def rendered_document(service: str) -> str:
    """The document of `service`'s app, built as it starts (settings of development:
    nothing is connected to)."""
    module = service.replace("-", "_")
    settings = importlib.import_module(f"{module}.settings").Settings(environment="development")
    app = importlib.import_module(f"{module}.app").create_app(settings)
    return rendered(service, app.state.runtime.broker)


if __name__ == "__main__":
    DOCS_DIR.mkdir(parents=True, exist_ok=True)
    for service in sys.argv[1:] or SERVICES:
        (DOCS_DIR / f"{service}.json").write_text(rendered_document(service), encoding="utf-8")
        print(f"docs/asyncapi/{service}.json")

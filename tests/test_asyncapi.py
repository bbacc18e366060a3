"""The checked-in AsyncAPI documents (`docs/asyncapi/`) are those the code
describes: a handler, a queue or a published event changed without `make asyncapi`
fails here, so the change shows in review."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_asyncapi", ROOT / "scripts" / "generate_asyncapi.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()


@pytest.mark.parametrize("service", GENERATOR.SERVICES)
def test_the_checked_in_document_is_the_code_s(service: str) -> None:
    checked_in = GENERATOR.DOCS_DIR / f"{service}.json"
    assert checked_in.exists(), f"run `make asyncapi`: {checked_in} is missing"
    assert checked_in.read_text(encoding="utf-8") == GENERATOR.rendered_document(service), (
        f"run `make asyncapi`: docs/asyncapi/{service}.json differs from the code"
    )


def test_a_service_serves_its_document() -> None:
    from starlette.testclient import TestClient

    app = importlib.import_module("scheduler.app").create_app(
        importlib.import_module("scheduler.settings").Settings(environment="development")
    )
    client = TestClient(app)  # not entered: the lifespan (broker, database) does not run
    served = client.get("/asyncapi.json")
    assert served.status_code == 200
    assert served.text == (GENERATOR.DOCS_DIR / "scheduler.json").read_text(encoding="utf-8")
    assert "scheduler.deliveries" in client.get("/asyncapi.yaml").text

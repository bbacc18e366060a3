"""Every error answer is RFC 9457 problem details (`application/problem+json`),
the router's own 404 and 405 too, and the OpenAPI document says so for every
route.  The app runs without its broker and database: no request here gets past
the router, the body limit, the dependencies (stood in for) or validation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from campaign_api.api import deps
from campaign_api.api.errors import install_error_handlers
from campaign_api.app import create_app
from campaign_api.domain.model import Principal
from campaign_api.settings import Settings
from fastapi import FastAPI

PROBLEM = "application/problem+json"
ADMIN = Principal(tenant_id="acme", role="admin", key_id="k1")


def app(**settings: Any) -> FastAPI:
    made = create_app(Settings(**settings))
    made.dependency_overrides[deps.services] = lambda: None
    made.dependency_overrides[deps.tenant_admin] = lambda: ADMIN
    return made


async def call(made: FastAPI, method: str, path: str, **kw: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=made, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://campaign-api") as client:
        return await client.request(method, path, **kw)


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:problem:{code}"
    assert (body["status"], body["code"]) == (status, code)
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert len(body["detail"]) >= 9, body
    return body


async def test_an_unknown_path_is_a_404_problem() -> None:
    assert_problem(await call(app(), "GET", "/v1/nothing-here"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("POST", "/v1/templates/promo", "DELETE, GET, PATCH"),
        ("PUT", "/v1/templates", "GET, POST"),
        ("GET", "/v1/templates/promo/steps", "POST"),
        ("POST", "/v1/templates/promo/steps/1", "DELETE, PATCH"),
    ],
)
async def test_a_405_names_every_method_the_path_takes(
    method: str, path: str, allowed: str
) -> None:
    answered = await call(app(), method, path)
    assert_problem(answered, 405, "method_not_allowed")
    assert answered.headers["allow"] == allowed


async def test_a_body_over_the_limit_is_a_413_problem() -> None:
    answered = await call(
        app(max_json_body_bytes=100), "POST", "/v1/templates", json={"name": "x" * 200}
    )
    body = assert_problem(answered, 413, "too_large")
    assert "limit of 100 bytes (MAX_JSON_BODY_BYTES)" in body["detail"]


async def test_an_invalid_body_is_a_422_problem_naming_each_field() -> None:
    steps = [{"content": {"kind": "text", "text": "Hi"}, "delay": "soon"}]
    answered = await call(
        app(), "POST", "/v1/templates", json={"name": "promo", "steps": steps, "colour": 1}
    )
    body = assert_problem(answered, 422, "invalid")
    fields = {error["field"]: error["message"] for error in body["errors"]}
    assert set(fields) == {"steps[0].delay", "colour"}
    assert "steps[0].delay" in body["detail"]
    assert "colour" in body["detail"]


async def test_no_key_is_a_401_problem_with_its_challenge() -> None:
    made = app()
    del made.dependency_overrides[deps.tenant_admin]
    answered = await call(made, "POST", "/v1/templates", json={"name": "promo"})
    assert_problem(answered, 401, "unauthenticated")
    assert answered.headers["www-authenticate"] == "Bearer"


async def test_a_failure_is_a_500_problem() -> None:
    made = FastAPI()
    install_error_handlers(made)

    @made.get("/fails")
    async def fails() -> None:
        raise RuntimeError("a bug")

    assert_problem(await call(made, "GET", "/fails"), 500, "internal_error")


def test_the_document_names_every_error_each_route_answers() -> None:
    document = create_app(Settings()).openapi()
    problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {"401", "403", "413", "422", "503"}
            if "{" in path and method != "put":
                expected.add("404")
            assert expected <= set(responses), f"{method} {path}: {sorted(responses)}"
            for status, response in responses.items():
                if status >= "400":
                    assert response["content"] == {PROBLEM: problem}, f"{method} {path} {status}"
    assert "HTTPValidationError" not in document["components"]["schemas"]


@pytest.mark.parametrize(
    ("delay", "code", "says"),
    [
        ("400d", "bad_delay", "steps[0].delay: a step's delay must be between 0 and 366 days"),
        (31_622_401, "invalid", "steps[0].delay: Value error, a step's delay is from 0 to"),
        (True, "invalid", "delay: a number, not true"),
        ("soon", "invalid", "steps[0].delay: Value error, cannot read 'soon'"),
    ],
)
async def test_a_delay_past_its_maximum_or_of_no_form_is_refused_naming_it(
    delay: object, code: str, says: str
) -> None:
    steps = [{"content": {"kind": "text", "text": "Hi"}, "delay": delay}]
    answered = await call(app(), "POST", "/v1/templates", json={"name": "promo", "steps": steps})
    body = assert_problem(answered, 422, code)
    assert says in body["detail"]


def test_the_document_says_what_the_validators_take() -> None:
    schemas = create_app(Settings()).openapi()["components"]["schemas"]
    number, text = schemas["TemplateStepIn"]["properties"]["delay"]["anyOf"]
    assert (number["minimum"], number["maximum"]) == (0, 366 * 86_400)
    assert text["pattern"].startswith("^")
    assert schemas["TextContent"]["required"][0] == "kind", "a tagged union's tag is required"
    assert len(schemas["ListAudience"]["oneOf"]) == 2, "external_ids or list_id, not both"
    labels = schemas["FilterAudience"]["properties"]["labels_any"]["anyOf"][0]
    assert labels["items"]["pattern"] == r"\S"

"""The API against its own OpenAPI document: schemathesis with every check, valid
and invalid requests alike, on a campaign-api process of its own (the real broker
and database), as a tenant's admin (the platform key for `/v1/tenants`).  Every
answer is one the document describes (status, media type, body, headers), no
request gets a 5xx, and every error says what to fix.  The findings accepted
are `accepted`'s, each with its reason."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import requests
import schemathesis
from campaign_api.app import create_app
from campaign_api.settings import Settings
from platform_sim.client import RunningSimulators
from schemathesis import GenerationMode
from schemathesis.errors import FailureGroup
from test_support.processes import ServiceProcess
from test_support.system import free_port

from .conftest import BOT_TOKEN, PLATFORM_KEY, Api

schemathesis.serializer.alias("application/x-ndjson", "text/plain")  # contact imports
schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi())
schema.config.generation.update(  # the same cases every run, in about a minute
    modes=list(GenerationMode), max_examples=8, deterministic=True, database="none"
)


TEXT_BODIES = ("text/csv", "text/plain", "application/x-ndjson")


def _a_time_the_document_cannot_bound(problem: dict[str, object]) -> bool:
    """A time the document's pattern allows but a rule of the contracts refuses as
    the body is read, so its code is `invalid`: a start no calendar has (month 93),
    or a duration longer than ten years (`last_inbound_within` of 9999999w).  It is
    the rule the document cannot say, not a disagreement."""
    errors = problem.get("errors")
    return (
        isinstance(errors, list)
        and bool(errors)
        and all(isinstance(e, dict) and _unboundable(e) for e in errors)
    )


def _unboundable(error: dict[str, object]) -> bool:
    message = str(error.get("message"))
    no_such_date = error.get("field") == "start_at" and "cannot read" in message
    return no_such_date or "longer than ten years" in message


def accepted(failure: Exception, response: requests.Response) -> bool:
    """Whether a finding is one the API means, rather than a disagreement with its
    document.  Two kinds are, each for its reason:

    - a request the document allows that a rule refuses, with the rule's own
      `code` (a cursor the API never returned, an unknown template or connection,
      an empty list, a delay over 366 days, a date that does not exist or a
      duration over ten years, an import without a header row): JSON Schema
      cannot say these, and the document names 422 on every route for them.  A
      422 `invalid` (a value the API reads differently from its document) is
      never accepted, but for the times `_a_time_the_document_cannot_bound`;
    - a text body (CSV, plain text, JSON lines) "of the wrong type":
      schemathesis sends its object or number as text, and every text is a body
      of these (the rows or ids it holds are checked one by one);
    - a request "invalid" only for a query parameter the document does not name
      (every route ignores those, as FastAPI does) and a missing `Authorization`
      (this test adds it to every call).
    """
    checks = getattr(failure, "checks", ())
    if "negative_data_rejection" in checks and _only_ignored(str(getattr(failure, "message", ""))):
        return True
    if "positive_data_acceptance" in checks and response.status_code == 422:
        code: str = response.json()["code"]
        return code != "invalid" or _a_time_the_document_cannot_bound(response.json())
    sent_as = str(response.request.headers.get("content-type", "")).split(";")[0]
    in_body = "body" in str(getattr(failure, "message", ""))
    return "negative_data_rejection" in checks and sent_as in TEXT_BODIES and in_body


IGNORED = (
    "query: violates `additionalProperties`",
    "header: violates `required` (was Authorization)",
)


def _only_ignored(message: str) -> bool:
    """The failure names only invalid components that `IGNORED` lists."""
    listed = message.split("Invalid component:", 1)
    if len(listed) < 2:
        return False
    lines = [line.strip() for line in listed[1].splitlines() if line.strip().startswith("- ")]
    return bool(lines) and all(line[2:] in IGNORED for line in lines)


@dataclass(frozen=True)
class Target:
    url: str
    admin: str


@pytest.fixture(scope="module")
async def target(
    api: Api, sims: RunningSimulators, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Target]:
    """A campaign-api process of its own beside the in-process one (same database
    and broker), and a tenant with a connection and a template to aim at."""
    port = free_port()
    process = ServiceProcess(
        "campaign-api-conformance",
        "campaign_api",
        port,
        env={
            "DATABASE_URL": api.database_url,
            "RABBITMQ_URL": api.rabbitmq_url,
            "PLATFORM_API_KEY": PLATFORM_KEY,
            "CAMPAIGN_API_PORT": str(port),
            "ESTIMATE_TIMEOUT_SECONDS": "5",
            "CONNECTION_CHECK_TIMEOUT_SECONDS": "2",
            "TELEGRAM_API_BASE": sims.base_url("telegram"),
            "WHATSAPP_API_BASE": sims.base_url("whatsapp"),
            "INSTAGRAM_API_BASE": sims.base_url("instagram"),
        },
        log_dir=Path(tmp_path_factory.mktemp("conformance")),
    )
    process.start()
    try:
        await process.wait_healthy()
        yield Target(url=process.base_url, admin=await _tenant(process.base_url))
    finally:
        process.stop()


async def _tenant(base_url: str) -> str:
    """A tenant `fuzz` with a connection `tg-main` and a template `promo`: its admin key."""
    async with httpx.AsyncClient(base_url=base_url) as client:
        platform = {"Authorization": f"Bearer {PLATFORM_KEY}"}
        await client.put("/v1/tenants/fuzz", json={"plan": "paid"}, headers=platform)
        made = await client.post(
            "/v1/tenants/fuzz/api-keys", json={"role": "admin"}, headers=platform
        )
        admin: str = made.json()["key"]
        headers = {"Authorization": f"Bearer {admin}"}
        await client.put(
            "/v1/connections/tg-main",
            json={"channel": "telegram_bot", "credentials": {"token": BOT_TOKEN}},
            headers=headers,
        )
        await client.post(
            "/v1/templates",
            json={"name": "promo", "steps": [{"content": {"kind": "text", "text": "Hi"}}]},
            headers=headers,
        )
    return admin


@schema.parametrize()
def test_every_answer_is_one_the_document_describes(
    case: schemathesis.Case, target: Target
) -> None:
    key = PLATFORM_KEY if case.path.startswith("/v1/tenants") else target.admin
    headers = {"Authorization": f"Bearer {key}"}
    response = case.call(base_url=target.url, headers=headers)
    try:
        case.validate_response(
            response, headers=headers, transport_kwargs={"base_url": target.url, "headers": headers}
        )
    except FailureGroup as found:
        findings = [f for f in found.exceptions if not accepted(f, response)]
        if findings:
            raise FailureGroup(findings, str(found)) from None
    what = f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
    if response.status_code >= 400 and response.request.method != "HEAD":
        detail = response.json().get("detail")
        assert isinstance(detail, str), what
        assert len(detail) >= 12, f"an error must say what to fix: {what}"

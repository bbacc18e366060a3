"""`POST /v1/commands`: one `/send` command as text, carried out through the
HTTP API itself (in-process, with the caller's own key), answered in words."""

from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import APIRouter, Header, Request

from ..commands.grammar import CommandError, Vocabulary, parse
from ..commands.runner import Answered, ApiCall, CallFailed, Context, Dialog, Http, run
from ..repo import accounts as accounts_repo
from ..repo import templates as templates_repo
from .deps import Member, Services, tenant_of
from .problems import MEMBER_CALL, PROBLEM_MEDIA_TYPE, ProblemResponse, problem_response, problems
from .schemas import CallOut, CommandIn, CommandOut, DialogPlace

router = APIRouter(prefix="/v1/commands", tags=["commands"], responses=MEMBER_CALL)


def loopback(request: Request, idempotency_key: str | None) -> Http:
    """The API itself, called with the caller's own credentials."""
    authorization = request.headers.get("authorization", "")

    async def http(call: ApiCall) -> Answered:
        headers = {"Authorization": authorization}
        if call.content is not None:
            headers["Content-Type"] = "text/plain"
        if idempotency_key and call.method == "POST" and call.path == "/v1/campaigns":
            headers["Idempotency-Key"] = idempotency_key
        transport = httpx.ASGITransport(app=request.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://campaign-api") as client:
            response = await client.request(
                call.method,
                call.path,
                json=call.json,
                content=call.content,
                params=call.params,
                headers=headers,
            )
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        json_body = media_type in ("application/json", PROBLEM_MEDIA_TYPE)
        return Answered(response.status_code, response.json() if json_body else None)

    return http


@router.post(
    "",
    response_model=CommandOut,
    responses=problems(404, 409, 415),
)
async def run_command(
    body: CommandIn,
    request: Request,
    svc: Services,
    caller: Member,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> CommandOut | ProblemResponse:
    """Parse and carry out one `/send` command; the answer says what it did."""
    tenant_id = tenant_of(caller)
    vocabulary = Vocabulary(
        templates=frozenset(
            t.name for t in await templates_repo.list_templates(svc.pool, tenant_id)
        ),
        connections=frozenset(
            c.connection.id for c in await accounts_repo.list_connections(svc.pool, tenant_id)
        ),
    )
    dialog = None
    if isinstance(body.place, DialogPlace):
        if body.place.connection_id not in vocabulary.connections:
            return problem_response(
                422,
                f"unknown connection {body.place.connection_id!r} in place.connection_id",
                "bad_place",
                errors=[{"field": "place.connection_id", "message": "no such connection"}],
            )
        dialog = Dialog(body.place.connection_id, body.place.external_id)
    context = Context(
        dialog=dialog,
        reply_to=body.reply_to.model_dump(mode="json") if body.reply_to else None,
        file=body.file,
        external_id=body.external_id,
        interval_seconds=body.interval_seconds,
        name=body.name,
    )
    try:
        command = parse(body.command, vocabulary)
        outcome = await run(command, context, vocabulary, loopback(request, idempotency_key))
    except CommandError as error:
        return problem_response(
            422,
            str(error),
            "bad_command",
            errors=[{"field": "command", "message": error.message}],
            position=error.position,
        )
    except CallFailed as failed:
        return problem_response(
            failed.status,
            failed.detail,
            failed.code or "refused",
            calls=[{"method": c.method, "path": c.path, "status": s} for c, s in failed.calls],
        )
    return CommandOut(
        command=body.command,
        action=outcome.action,
        answer="\n".join(outcome.lines),
        lines=outcome.lines,
        calls=[CallOut(method=c.method, path=c.path, status=s) for c, s in outcome.calls],
        result=outcome.result,
    )

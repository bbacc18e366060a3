"""`POST /v1/commands`: one `/send` command as text, carried out by the use cases
the HTTP API's routes call, answered in words."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header

from ..commands.actions import Actions
from ..commands.grammar import CommandError, parse
from ..commands.runner import CallFailed, Context, Dialog, run
from .deps import Member, Services
from .problems import MEMBER_CALL, ProblemResponse, problem_response, problems
from .schemas import CallOut, CommandIn, CommandOut, DialogPlace

router = APIRouter(prefix="/v1/commands", tags=["commands"], responses=MEMBER_CALL)


@router.post(
    "",
    response_model=CommandOut,
    responses=problems(404, 409, 415),
)
async def run_command(
    body: CommandIn,
    svc: Services,
    caller: Member,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> CommandOut | ProblemResponse:
    """Parse and carry out one `/send` command; the answer says what it did."""
    act = Actions(svc, caller, idempotency_key)
    vocabulary = await act.vocabulary()
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
        outcome = await run(command, context, vocabulary, act)
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

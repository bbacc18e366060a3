"""`POST /v1/commands`: one `/send` command as text, carried out by the use cases
the HTTP API's routes call, answered in words in the caller's language
(`Accept-Language`: en, ru or de; English by default)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response

from ..commands import refusals
from ..commands.actions import Actions
from ..commands.grammar import Command, CommandError, parse
from ..commands.runner import CallFailed, Context, Dialog, run
from ..commands.texts import Text, language_of, render_all, translations
from .deps import Member, Services
from .problems import MEMBER_CALL, ProblemResponse, problem_response, problems
from .schemas import CallOut, CommandIn, CommandOut, DialogPlace

router = APIRouter(prefix="/v1/commands", tags=["commands"], responses=MEMBER_CALL)


def _failed(failed: CallFailed, command: Command | None, language: str) -> ProblemResponse:
    """A refused call, said as what to type instead (`reason`: the API's own words)."""
    text = refusals.said(failed.code, command) or failed.text
    return problem_response(
        failed.status,
        text.render(translations(language)),
        failed.code or "refused",
        headers={"Content-Language": language},
        reason=failed.detail,
        calls=[{"method": c.method, "path": c.path, "status": s} for c, s in failed.calls],
    )


def _unreadable(error: CommandError, language: str) -> ProblemResponse:
    found = translations(language)
    return problem_response(
        422,
        error.render(found),
        "bad_command",
        headers={"Content-Language": language},
        errors=[{"field": "command", "message": error.text.render(found)}],
        position=error.position,
    )


def _bad_place(connection_id: str, language: str) -> ProblemResponse:
    unknown = Text("unknown connection %(id)r in place.connection_id", id=connection_id)
    return problem_response(
        422,
        unknown.render(translations(language)),
        "bad_place",
        headers={"Content-Language": language},
        errors=[{"field": "place.connection_id", "message": "no such connection"}],
    )


@router.post(
    "",
    response_model=CommandOut,
    responses=problems(404, 409, 415),
)
async def run_command(
    body: CommandIn,
    svc: Services,
    caller: Member,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
    accept_language: Annotated[
        str | None,
        Header(description="The language of the answer: en (default), ru or de"),
    ] = None,
) -> CommandOut | ProblemResponse:
    """Parse and carry out one `/send` command; the answer says what it did, and
    every refusal what to type instead, in the language `Accept-Language` asks for."""
    language = language_of(accept_language)
    act = Actions(svc, caller, idempotency_key)
    vocabulary = await act.vocabulary()
    dialog = None
    if isinstance(body.place, DialogPlace):
        if body.place.connection_id not in vocabulary.connections:
            return _bad_place(body.place.connection_id, language)
        dialog = Dialog(body.place.connection_id, body.place.external_id)
    context = Context(
        dialog=dialog,
        reply_to=body.reply_to.model_dump(mode="json") if body.reply_to else None,
        file=body.file,
        external_id=body.external_id,
        interval_seconds=body.interval_seconds,
        name=body.name,
    )
    command: Command | None = None
    try:
        command = parse(body.command, vocabulary)
        outcome = await run(command, context, vocabulary, act)
    except CommandError as error:
        return _unreadable(error, language)
    except CallFailed as failed:
        return _failed(failed, command, language)
    lines = render_all(outcome.lines, language)
    response.headers["Content-Language"] = language
    return CommandOut(
        command=body.command,
        action=outcome.action,
        answer="\n".join(lines),
        lines=lines,
        calls=[CallOut(method=c.method, path=c.path, status=s) for c, s in outcome.calls],
        result=outcome.result,
    )

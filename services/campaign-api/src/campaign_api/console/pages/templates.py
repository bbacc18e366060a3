"""The templates pages: every template of the tenant, and one template's chain of
steps.  Admins create, rename and delete templates and add, retime and delete
steps (the last two and a template's deletion after a confirmation page);
operators read them.  Each form posts, then redirects to the page it changed; a
refusal shows on the page next to the form it answers."""

from __future__ import annotations

from typing import Annotated, Any

from contracts.content import TEXT_LIMIT, StepContent, TextContent
from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from ...api.deps import Services
from ...domain.model import Refusal
from ...domain.templates import Template, TemplateStep, describe_delay
from ...usecases import templates
from ...usecases.access import admin_tenant
from ..deps import Posting, Signed
from ..labels import CONTENT_LABELS
from ..rendering import render
from ..sessions import ConsoleSession

router = APIRouter(prefix="/templates")
NamePath = Annotated[str, Path(max_length=64)]
StepPath = Annotated[int, Path(ge=1, le=1_000_000)]
DelayForm = Annotated[str, Form(max_length=64)]
TextForm = Annotated[str, Form(max_length=TEXT_LIMIT + 100)]
NameForm = Annotated[str, Form(max_length=200)]
"""Fields left empty arrive empty: the use case's refusal then says what to write."""
SUMMARY_LENGTH = 160


def _home(name: str | None = None) -> RedirectResponse:
    return RedirectResponse(f"/console/templates/{name}" if name else "/console/templates", 303)


def _shown_here(refusal: Refusal) -> Refusal:
    """A refusal the form's page shows (what to fix); one it cannot show (not
    allowed, not found) is raised again, for the error page."""
    if refusal.status in (401, 403, 404):
        raise refusal
    return refusal


def text_step(text: str) -> StepContent:
    """A text step as the form wrote it, or a refusal naming the field."""
    try:
        return TextContent(text=text.replace("\r\n", "\n"))
    except ValidationError:
        raise Refusal(
            f"text: write the message, from 1 to {TEXT_LIMIT} characters", "bad_text"
        ) from None


def summary(content: StepContent) -> tuple[str, str]:
    """(kind, what the step says, shortened) for the chain's table."""
    data = content.model_dump()
    said = {
        "text": data.get("text"),
        "media": f"{data.get('media_type')}: {data.get('caption') or data.get('file')}",
        "ai": data.get("prompt"),
        "whatsapp_template": data.get("template_name"),
    }.get(content.kind) or ""
    short = said if len(said) <= SUMMARY_LENGTH else said[: SUMMARY_LENGTH - 1] + "…"
    return content.kind, short


def step_rows(template: Template) -> list[dict[str, Any]]:
    """Each step with its position, content summary and time, in words."""
    rows = []
    for position, step in enumerate(template.steps, start=1):
        kind, said = summary(step.content)
        rows.append(
            {
                "step": step,
                "position": position,
                "kind": kind,
                "summary": said,
                "delay": _written_delay(step),
            }
        )
    return rows


def _written_delay(step: TemplateStep) -> str:
    """The step's time as the form takes it back: `5m 30s`, `now` or a UTC date."""
    if step.at is not None:
        return f"{step.at:%Y-%m-%d %H:%M:%S}"
    return describe_delay(step.delay_seconds)


async def _list_page(
    request: Request,
    svc: Services,
    session: ConsoleSession,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    found = await templates.list_templates(svc, session.principal)
    context = {"templates": found, "error": error, "form": form or {}}
    return render(request, "templates.html", session, context, status_code)


@router.get("")
async def templates_page(request: Request, svc: Services, session: Signed) -> Response:
    return await _list_page(request, svc, session)


@router.post("")
async def create_template(
    request: Request,
    svc: Services,
    session: Posting,
    name: NameForm = "",
    text: TextForm = "",
    delay: DelayForm = "now",
) -> Response:
    """A new template with its first step."""
    try:
        content = text_step(text)
        made = await templates.create_template(
            svc, session.principal, name.strip(), [(content, delay)]
        )
    except Refusal as refusal:
        form = {"name": name, "text": text, "delay": delay}
        shown = _shown_here(refusal)
        return await _list_page(request, svc, session, shown.reason, form, shown.status)
    return _home(made.name)


async def _template_page(
    request: Request,
    svc: Services,
    session: ConsoleSession,
    name: str,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """One template's page; `errors`: a refusal's reason by the form it answers
    (`rename`, `add`, or `step-<id>`)."""
    template = await templates.show_template(svc, session.principal, name)
    context = {
        "template": template,
        "rows": step_rows(template),
        "errors": errors or {},
        "content_labels": CONTENT_LABELS,
    }
    return render(request, "template.html", session, context, status_code)


@router.get("/{name}")
async def template_page(
    request: Request, name: NamePath, svc: Services, session: Signed
) -> Response:
    return await _template_page(request, svc, session, name)


@router.post("/{name}/name")
async def rename_template(
    request: Request,
    name: NamePath,
    svc: Services,
    session: Posting,
    new_name: NameForm = "",
) -> Response:
    try:
        renamed = await templates.rename_template(svc, session.principal, name, new_name.strip())
    except Refusal as refusal:
        shown = _shown_here(refusal)
        return await _template_page(
            request, svc, session, name, {"rename": shown.reason}, shown.status
        )
    return _home(renamed.name)


@router.post("/{name}/steps")
async def add_step(
    request: Request,
    name: NamePath,
    svc: Services,
    session: Posting,
    text: TextForm = "",
    delay: DelayForm = "now",
) -> Response:
    """Append a text step to the chain."""
    try:
        await templates.add_step(svc, session.principal, name, text_step(text), delay)
    except Refusal as refusal:
        shown = _shown_here(refusal)
        return await _template_page(
            request, svc, session, name, {"add": shown.reason}, shown.status
        )
    return _home(name)


@router.post("/{name}/steps/{step_id}/time")
async def retime_step(
    request: Request,
    name: NamePath,
    step_id: StepPath,
    svc: Services,
    session: Posting,
    delay: DelayForm = "",
) -> Response:
    try:
        await templates.retime_step(svc, session.principal, name, step_id, delay)
    except Refusal as refusal:
        shown = _shown_here(refusal)
        errors = {f"step-{step_id}": shown.reason}
        return await _template_page(request, svc, session, name, errors, shown.status)
    return _home(name)


@router.get("/{name}/steps/{step_id}/delete")
async def confirm_delete_step(
    request: Request, name: NamePath, step_id: StepPath, svc: Services, session: Signed
) -> Response:
    admin_tenant(session.principal)
    template = await templates.show_template(svc, session.principal, name)
    step = template.step(step_id)
    context = {
        "template": template,
        "step": step,
        "position": template.steps.index(step) + 1,
        "summary": summary(step.content)[1],
    }
    return render(request, "template_delete.html", session, context)


@router.post("/{name}/steps/{step_id}/delete")
async def delete_step(
    name: NamePath, step_id: StepPath, svc: Services, session: Posting
) -> Response:
    await templates.delete_step(svc, session.principal, name, step_id)
    return _home(name)


@router.get("/{name}/delete")
async def confirm_delete_template(
    request: Request, name: NamePath, svc: Services, session: Signed
) -> Response:
    admin_tenant(session.principal)
    template = await templates.show_template(svc, session.principal, name)
    return render(request, "template_delete.html", session, {"template": template, "step": None})


@router.post("/{name}/delete")
async def delete_template(name: NamePath, svc: Services, session: Posting) -> Response:
    await templates.delete_template(svc, session.principal, name)
    return _home()

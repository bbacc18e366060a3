"""The webhooks page (tenant admins): the tenant's webhooks, a form to add one
(its secret shown once, on the page the form answers with), each webhook's
delivery log with a button that sends it a test event, and deleting one after a
confirmation page.  A refusal (a URL refused) shows beside the form, naming the
field."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from service_kit.catalogues import N_
from starlette.responses import Response

from ...api.deps import Services
from ...domain.model import Refusal
from ...webhooks import manage
from ...webhooks.events import SUBSCRIBABLE, WebhookEvent
from ..deps import Posting, Signed
from ..rendering import render
from ..sessions import ConsoleSession

router = APIRouter(prefix="/webhooks")
HOME = "/console/webhooks"
LOG_ROWS = 50

EVENT_LABELS = {
    WebhookEvent.ACCEPTED: N_("Accepted"),
    WebhookEvent.REJECTED: N_("Rejected"),
    WebhookEvent.STARTED: N_("Started"),
    WebhookEvent.PAUSED: N_("Paused"),
    WebhookEvent.RESUMED: N_("Resumed"),
    WebhookEvent.PROGRESS: N_("Progress"),
    WebhookEvent.COMPLETED: N_("Completed"),
    WebhookEvent.CANCELLED: N_("Cancelled"),
    WebhookEvent.TEST: N_("Test"),
}
OUTCOME_LABELS = {
    "pending": N_("Will be retried"),
    "delivered": N_("Delivered"),
    "failed": N_("Failed"),
}


async def _page(
    request: Request,
    svc: Services,
    session: ConsoleSession,
    *,
    error: str | None = None,
    form: dict[str, Any] | None = None,
    created: tuple[Any, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "webhooks": await manage.list_webhooks(svc, session.principal),
        "error": error,
        "form": form or {},
        "created": created,
        "events": [(event.value, EVENT_LABELS[event]) for event in SUBSCRIBABLE],
        "event_labels": {event.value: label for event, label in EVENT_LABELS.items()},
    }
    return render(request, "webhooks.html", session, context, status_code)


@router.get("")
async def webhooks_page(request: Request, svc: Services, session: Signed) -> Response:
    return await _page(request, svc, session)


@router.post("")
async def add_webhook(
    request: Request,
    svc: Services,
    session: Posting,
    url: Annotated[str, Form(max_length=2000)] = "",
    events: Annotated[list[str] | None, Form()] = None,
    progress_step: Annotated[str, Form(max_length=8)] = "10",
) -> Response:
    """Register the webhook and show its secret, this once."""
    form = {"url": url, "events": events or [], "progress_step": progress_step}
    try:
        registration = _registration(url, events or [], progress_step)
        created = await manage.register(svc, session.principal, registration)
    except Refusal as refusal:
        if refusal.status in (401, 403, 404):
            raise
        return await _page(
            request, svc, session, error=refusal.reason, form=form, status_code=refusal.status
        )
    return await _page(request, svc, session, created=created, status_code=201)


def _registration(url: str, events: list[str], progress_step: str) -> manage.Registration:
    """The form's fields, or a refusal naming the field to fix."""
    known = {event.value: event for event in SUBSCRIBABLE}
    unknown = [event for event in events if event not in known]
    if unknown:
        raise Refusal(f"events: unknown events {', '.join(unknown)}", "invalid")
    step = progress_step.strip()
    if not step.isdigit() or not 1 <= int(step) <= 100:
        raise Refusal("progress_step: a whole number of percent from 1 to 100", "invalid")
    if not url.strip():
        raise Refusal(
            "url: the address events are sent to, e.g. https://example.com/hooks", "invalid"
        )
    return manage.Registration(url.strip(), tuple(known[e] for e in events), int(step))


@router.get("/{webhook_id}")
async def webhook_page(
    request: Request, webhook_id: UUID, svc: Services, session: Signed
) -> Response:
    """The webhook and its delivery log, newest first."""
    webhook = await manage.show(svc, session.principal, webhook_id)
    log = await manage.deliveries(svc, session.principal, webhook_id, before=None, limit=LOG_ROWS)
    context = {
        "webhook": webhook,
        "log": log,
        "event_labels": {event.value: label for event, label in EVENT_LABELS.items()},
        "outcome_labels": OUTCOME_LABELS,
    }
    return render(request, "webhook.html", session, context)


@router.post("/{webhook_id}/test")
async def send_test(webhook_id: UUID, svc: Services, session: Posting) -> Response:
    """Send a test event now; its outcome is the log's newest row."""
    await manage.send_test(svc, session.principal, webhook_id)
    return RedirectResponse(f"{HOME}/{webhook_id}", 303)


@router.get("/{webhook_id}/delete")
async def confirm_delete(
    request: Request, webhook_id: UUID, svc: Services, session: Signed
) -> Response:
    webhook = await manage.show(svc, session.principal, webhook_id)
    return render(request, "webhook_delete.html", session, {"webhook": webhook})


@router.post("/{webhook_id}/delete")
async def delete_webhook(webhook_id: UUID, svc: Services, session: Posting) -> Response:
    await manage.delete(svc, session.principal, webhook_id)
    return RedirectResponse(HOME, 303)

"""The campaign wizard ("Создать рассылку"): a page of seven steps, and the calls
its script makes as the person goes: the live estimate, the dialogs to tick,
sample AI texts, the check of the start time, and the review.  Each answers an
HTML fragment rendered from the same use cases as the API."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from contracts.audience import FilterAudience
from contracts.base import utc_now
from contracts.campaigns import CampaignSpec
from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from service_kit.errors import field_errors
from starlette.responses import Response

from ...api.deps import Services
from ...domain.model import Refusal
from ...domain.planning import default_name
from ...usecases import audience as audience_usecases
from ...usecases import campaigns, templates
from ...usecases.access import admin_tenant
from ...usecases.campaigns import DryRun
from ...usecases.connections import list_connections
from ...usecases.dialogs import list_dialogs
from ...usecases.services import AppServices
from ..deps import Posting, Signed
from ..labels import CHANNEL_LABELS
from ..parameters import fields
from ..rendering import render
from ..sessions import ConsoleSession
from ..wizard_form import campaign_spec, reach
from ..wizard_views import connection_rows, planned_rows

router = APIRouter(prefix="/campaigns/new")
DIALOGS_PAGE = 50
SUBSCRIPTION_CODES = ("subscription_ends_before_start", "subscription_ended")


@router.get("")
async def wizard_page(request: Request, svc: Services, session: Signed) -> Response:
    admin_tenant(session.principal)
    connections = await list_connections(svc, session.principal)
    context = {
        "request_id": str(uuid.uuid4()),
        "default_name": default_name(utc_now()),
        "connections": connection_rows(connections),
        "templates": await templates.list_templates(svc, session.principal),
        "channel_labels": CHANNEL_LABELS,
    }
    return render(request, "wizard.html", session, context)


async def _problems(request: Request, session: ConsoleSession, error: Exception) -> Response:
    """A fragment saying what is wrong with the form, field by field."""
    if isinstance(error, ValidationError):
        items = [(item.field, item.message) for item in field_errors(error)]
        return render(request, "wizard/_problems.html", session, {"items": items})
    assert isinstance(error, Refusal)
    context: dict[str, Any] = {"items": [("", error.reason)], "code": error.code}
    return render(request, "wizard/_problems.html", session, context)


async def _dry_run(
    request: Request, svc: AppServices, session: ConsoleSession
) -> tuple[CampaignSpec, DryRun]:
    """The form's campaign, checked as creating it would be, without making it."""
    spec = campaign_spec(await request.form())
    return spec, await campaigns.dry_run(svc, session.principal, spec)


@router.post("/estimate")
async def estimate(request: Request, svc: Services, session: Posting) -> Response:
    """How many the audience reaches now, by connection, and over how many days."""
    form = await request.form()
    try:
        wanted = reach(form)
        found = await audience_usecases.estimate_audience(
            svc, session.principal, wanted.audience, wanted.connection_id
        )
    except (ValidationError, Refusal) as error:
        return await _problems(request, session, error)
    return render(request, "wizard/_estimate.html", session, {"reach": found})


@router.get("/dialogs")
async def dialog_list(
    request: Request,
    svc: Services,
    session: Signed,
    q: Annotated[str, Query(max_length=200)] = "",
    connection_id: Annotated[str, Query(max_length=64)] = "",
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    """A page of the tenant's dialogs to tick (the reference's launch "from
    Dialogs"), searched by name or id, on the chosen connection."""
    filters = FilterAudience(connection_ids=[connection_id]) if connection_id else None
    try:
        page = await list_dialogs(svc, session.principal, filters, q, cursor, DIALOGS_PAGE)
    except Refusal as refusal:
        return await _problems(request, session, refusal)
    return render(request, "wizard/_dialogs.html", session, {"page": page, "q": q})


@router.post("/check")
async def check(request: Request, svc: Services, session: Posting) -> Response:
    """The whole campaign checked as creating it would; the start step shows the
    subscription's warning, and "Refresh status" asks again."""
    try:
        await _dry_run(request, svc, session)
    except Refusal as refusal:
        if refusal.code in SUBSCRIPTION_CODES:
            context = {"reason": refusal.reason}
            return render(request, "wizard/_subscription.html", session, context, 200)
        return await _problems(request, session, refusal)
    except ValidationError as error:
        return await _problems(request, session, error)
    return render(request, "wizard/_start_ok.html", session)


@router.post("/samples")
async def samples(request: Request, svc: Services, session: Posting) -> Response:
    """Texts the AI agent writes for the first few real recipients (the dry run's
    samples), or why there are none."""
    try:
        _, dry = await _dry_run(request, svc, session)
    except (ValidationError, Refusal) as error:
        return await _problems(request, session, error)
    context = {"samples": dry.samples, "note": dry.samples_note}
    return render(request, "wizard/_samples.html", session, context)


@router.post("/review")
async def review(request: Request, svc: Services, session: Posting) -> Response:
    """Every parameter of what "Create campaign" will make (a dry run)."""
    try:
        spec, dry = await _dry_run(request, svc, session)
    except (ValidationError, Refusal) as error:
        return await _problems(request, session, error)
    context = {
        "spec": spec,
        "planned": planned_rows(dry),
        "audience_rows": fields(spec.audience.model_dump(mode="json")),
        "content_rows": fields(spec.content.model_dump(mode="json")),
    }
    return render(request, "wizard/_review.html", session, context)


@router.post("")
async def create(request: Request, svc: Services, session: Posting) -> Response:
    form = await request.form()
    request_id = form.get("request_id")
    try:
        spec = campaign_spec(form)
    except ValidationError as error:
        problems = "; ".join(f"{i.field}: {i.message}" for i in field_errors(error))
        raise Refusal(problems, "invalid") from None
    await campaigns.create_campaign(
        svc, session.principal, spec, request_id if isinstance(request_id, str) else None
    )
    return RedirectResponse("/console/campaigns", status_code=303)

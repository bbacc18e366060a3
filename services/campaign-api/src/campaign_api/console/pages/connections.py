"""The connections page: each sender account with its channel, whether it sends or
is paused (why, and until when), its own limits, for WhatsApp its day since first
use and today's allowance, and a check of its credentials against the platform
(any of the tenant's keys may run it; it changes nothing the page shows, so its
answer is shown at once rather than after a redirect)."""

from __future__ import annotations

from typing import Annotated

from contracts.base import ID_PATTERN
from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from ...api.deps import Services
from ...domain.connections import CheckAnswer
from ...domain.model import Refusal
from ...platform_check import checkable
from ...usecases import connections
from ..deps import Posting, Signed
from ..labels import CHANNEL_LABELS, LIMIT_LABELS
from ..rendering import render
from ..sessions import ConsoleSession

router = APIRouter(prefix="/connections")
ConnectionPath = Annotated[str, Path(pattern=ID_PATTERN)]


def limit_rows(limits: dict[str, object]) -> list[tuple[str, str]]:
    """(label, value) of each limit the connection sets itself (the rest: the channel's)."""
    return [
        (LIMIT_LABELS[name], str(value))
        for name, value in limits.items()
        if name in LIMIT_LABELS and value is not None
    ]


def _check_view(answer: CheckAnswer | Refusal) -> dict[str, object]:
    """`outcome`: ok, failed (the platform said no) or refused (not checked)."""
    if isinstance(answer, Refusal):
        return {"outcome": "refused", "text": answer.reason}
    return {"outcome": "ok" if answer.ok else "failed", "text": answer.answer}


async def _page(
    request: Request,
    svc: Services,
    session: ConsoleSession,
    checked: tuple[str, CheckAnswer | Refusal] | None = None,
) -> Response:
    """The page; `checked`: a connection's id and what its check answered."""
    shown = await connections.connections_overview(svc, session.principal)
    context = {
        "rows": [(c, limit_rows(c.details.limits)) for c in shown],
        "channel_labels": CHANNEL_LABELS,
        "checkable": checkable,
        "checked_id": checked[0] if checked else None,
        "check": _check_view(checked[1]) if checked else None,
    }
    return render(request, "connections.html", session, context)


@router.get("")
async def connections_page(request: Request, svc: Services, session: Signed) -> Response:
    return await _page(request, svc, session)


@router.post("/{connection_id}/check")
async def check_connection(
    request: Request, connection_id: ConnectionPath, svc: Services, session: Posting
) -> Response:
    """Ask the platform whether the connection's credentials work; the answer shows
    beside the connection (a success also lifts a pause the platform made for them)."""
    try:
        answer: CheckAnswer | Refusal = await connections.check_connection(
            svc, session.principal, connection_id
        )
    except Refusal as refusal:
        if refusal.status in (401, 403, 404):
            raise
        answer = refusal
    return await _page(request, svc, session, (connection_id, answer))

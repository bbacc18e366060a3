"""The console under /console: its pages, its static files, its error pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from .errors import install_console_errors
from .pages import (
    campaign,
    campaigns,
    connections,
    operator_group,
    settings,
    signin,
    templates,
    webhooks,
    wizard,
)

STATIC = Path(__file__).resolve().parent / "static"


async def _home() -> RedirectResponse:
    return RedirectResponse("/console/campaigns", status_code=303)


def install_console(app: FastAPI) -> None:
    """Mount the console (after the API's error handlers are installed)."""
    router = APIRouter(prefix="/console", include_in_schema=False)
    # /campaigns/new before /campaigns/{id}
    for module in (
        signin,
        campaigns,
        wizard,
        campaign,
        templates,
        connections,
        operator_group,
        settings,
        webhooks,
    ):
        router.include_router(module.router)
    app.include_router(router)
    app.add_api_route("/console", _home, include_in_schema=False)
    app.add_api_route("/console/", _home, include_in_schema=False)
    app.mount("/console/static", StaticFiles(directory=STATIC), name="console-static")
    install_console_errors(app)

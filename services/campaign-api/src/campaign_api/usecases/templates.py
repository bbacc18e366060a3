"""Templates: named chains of messages.  A tenant's admins write them; every key
of the tenant reads them (operators send them to the dialog they are in)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from contracts.content import StepContent

from ..domain.model import Principal, Refusal
from ..domain.templates import (
    StepTime,
    Template,
    new_template,
    retimed,
    step_time,
    with_step,
    without_step,
)
from ..domain.templates import check_name as check_template_name
from ..repo import templates as templates_repo
from .access import admin_tenant, member_tenant
from .services import AppServices

StepIn = tuple[StepContent, float | str]
"""A step as asked for: its content, and its delay (seconds) or time (text)."""


def _unknown(name: str) -> Refusal:
    return Refusal(
        f"unknown template {name!r}: see GET /v1/templates", "unknown_template", status=404
    )


def _taken(name: str) -> Refusal:
    return Refusal(
        f"a template named {name!r} already exists: choose another name, or add steps to it "
        f"with POST /v1/templates/{name}/steps",
        "template_exists",
        status=409,
    )


def _step_time(value: float | str, field: str) -> StepTime:
    """What a step's time says, or a refusal naming `field`."""
    try:
        return step_time(value)
    except Refusal as refusal:
        raise Refusal(f"{field}: {refusal.reason}", refusal.code) from None


async def list_templates(svc: AppServices, caller: Principal) -> list[Template]:
    """Every template of the caller's tenant, by name."""
    return await templates_repo.list_templates(svc.pool, member_tenant(caller))


async def show_template(svc: AppServices, caller: Principal, name: str) -> Template:
    found = await templates_repo.get_template(svc.pool, member_tenant(caller), name)
    if found is None:
        raise _unknown(name)
    return found


async def create_template(
    svc: AppServices, caller: Principal, name: str, steps: Sequence[StepIn] = ()
) -> Template:
    """A new template, with its first steps if given; refused if the name is taken."""
    tenant_id = admin_tenant(caller)
    timed = [
        (content, _step_time(delay, f"steps[{n}].delay"))
        for n, (content, delay) in enumerate(steps)
    ]
    stored = await templates_repo.insert_template(svc.pool, new_template(tenant_id, name, timed))
    if stored is None:
        raise _taken(name)
    return stored


async def rename_template(
    svc: AppServices, caller: Principal, name: str, new_name: str
) -> Template:
    """Rename; campaigns already made from the template keep their steps."""
    tenant_id = admin_tenant(caller)
    check_template_name(new_name)
    if new_name == name:
        return await show_template(svc, caller, name)
    renamed = await templates_repo.rename_template(svc.pool, tenant_id, name, new_name)
    if renamed is None:
        if await templates_repo.get_template(svc.pool, tenant_id, name) is None:
            raise _unknown(name)
        raise _taken(new_name)
    return renamed


async def delete_template(svc: AppServices, caller: Principal, name: str) -> None:
    """Delete; campaigns already made from the template keep their steps."""
    if not await templates_repo.delete_template(svc.pool, admin_tenant(caller), name):
        raise _unknown(name)


async def _changed(
    svc: AppServices, caller: Principal, name: str, change: Callable[[Template], Template]
) -> Template:
    changed = await templates_repo.change_template(svc.pool, admin_tenant(caller), name, change)
    if changed is None:
        raise _unknown(name)
    return changed


async def add_step(
    svc: AppServices, caller: Principal, name: str, content: StepContent, delay: float | str
) -> Template:
    """Append a step to the chain."""
    return await _changed(
        svc,
        caller,
        name,
        lambda template: with_step(template, content, _step_time(delay, "delay")),
    )


async def retime_step(
    svc: AppServices, caller: Principal, name: str, step_id: int, delay: float | str
) -> Template:
    """Change when a step goes: a delay after the previous step, or a UTC date and time."""
    return await _changed(
        svc,
        caller,
        name,
        lambda template: retimed(template, step_id, _step_time(delay, "delay")),
    )


async def delete_step(svc: AppServices, caller: Principal, name: str, step_id: int) -> Template:
    """Remove a step; the others keep their ids."""
    return await _changed(svc, caller, name, lambda template: without_step(template, step_id))

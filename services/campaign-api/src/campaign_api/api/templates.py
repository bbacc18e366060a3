"""Templates: named chains of messages.  Tenant admins write them; every key of
the tenant reads them (operators send them to the dialog they are in)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from contracts.content import TEMPLATE_NAME_PATTERN
from fastapi import APIRouter, Path, Response

from ..domain.model import Principal, Refusal
from ..domain.templates import (
    StepTime,
    Template,
    describe_delay,
    describe_step_time,
    new_template,
    retimed,
    step_time,
    with_step,
    without_step,
)
from ..domain.templates import check_name as check_template_name
from ..repo import templates as templates_repo
from .deps import Admin, ApiServices, Member, Services, tenant_of
from .problems import MEMBER_CALL, problems
from .schemas import (
    StepRetime,
    TemplateIn,
    TemplateList,
    TemplateOut,
    TemplateRename,
    TemplateStepIn,
    TemplateStepOut,
)

router = APIRouter(prefix="/v1/templates", tags=["templates"], responses=MEMBER_CALL)

NamePath = Annotated[str, Path(pattern=TEMPLATE_NAME_PATTERN, description="The template's name")]
StepPath = Annotated[int, Path(ge=1, le=1_000_000, description="The step's id")]


def template_out(template: Template) -> TemplateOut:
    return TemplateOut(
        name=template.name,
        steps=[
            TemplateStepOut(
                step_id=step.step_id,
                position=position,
                delay_seconds=step.delay_seconds,
                delay=describe_delay(step.delay_seconds),
                at=step.at,
                when=describe_step_time(step.time, position),
                content=step.content.model_dump(mode="json"),
            )
            for position, step in enumerate(template.steps, start=1)
        ],
        created_at=template.created_at,
        updated_at=template.updated_at,
    )


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


async def _changed(
    svc: ApiServices, caller: Principal, name: str, change: Callable[[Template], Template]
) -> TemplateOut:
    changed = await templates_repo.change_template(svc.pool, tenant_of(caller), name, change)
    if changed is None:
        raise _unknown(name)
    return template_out(changed)


@router.post("", response_model=TemplateOut, status_code=201, responses=problems(409))
async def create_template(body: TemplateIn, svc: Services, caller: Admin) -> TemplateOut:
    """A new template, with its first steps if given."""
    steps = [
        (step.content, _step_time(step.delay, f"steps[{n}].delay"))
        for n, step in enumerate(body.steps)
    ]
    template = new_template(tenant_of(caller), body.name, steps)
    stored = await templates_repo.insert_template(svc.pool, template)
    if stored is None:
        raise _taken(body.name)
    return template_out(stored)


@router.get("", response_model=TemplateList)
async def list_templates(svc: Services, caller: Member) -> TemplateList:
    """Every template of the tenant, by name."""
    found = await templates_repo.list_templates(svc.pool, tenant_of(caller))
    return TemplateList(items=[template_out(t) for t in found])


@router.get("/{name}", response_model=TemplateOut, responses=problems(404))
async def get_template(name: NamePath, svc: Services, caller: Member) -> TemplateOut:
    found = await templates_repo.get_template(svc.pool, tenant_of(caller), name)
    if found is None:
        raise _unknown(name)
    return template_out(found)


@router.patch("/{name}", response_model=TemplateOut, responses=problems(404, 409))
async def rename_template(
    name: NamePath, body: TemplateRename, svc: Services, caller: Admin
) -> TemplateOut:
    """Rename; campaigns already made from the template keep their steps."""
    check_template_name(body.name)
    tenant_id = tenant_of(caller)
    if body.name == name:
        found = await templates_repo.get_template(svc.pool, tenant_id, name)
        if found is None:
            raise _unknown(name)
        return template_out(found)
    renamed = await templates_repo.rename_template(svc.pool, tenant_id, name, body.name)
    if renamed is None:
        if await templates_repo.get_template(svc.pool, tenant_id, name) is None:
            raise _unknown(name)
        raise _taken(body.name)
    return template_out(renamed)


@router.delete("/{name}", status_code=204, responses=problems(404))
async def delete_template(name: NamePath, svc: Services, caller: Admin) -> Response:
    """Delete; campaigns already made from the template keep their steps."""
    if not await templates_repo.delete_template(svc.pool, tenant_of(caller), name):
        raise _unknown(name)
    return Response(status_code=204)


@router.post("/{name}/steps", response_model=TemplateOut, status_code=201, responses=problems(404))
async def add_step(
    name: NamePath, body: TemplateStepIn, svc: Services, caller: Admin
) -> TemplateOut:
    """Append a step to the chain."""
    return await _changed(
        svc,
        caller,
        name,
        lambda template: with_step(template, body.content, _step_time(body.delay, "delay")),
    )


@router.patch("/{name}/steps/{step_id}", response_model=TemplateOut, responses=problems(404))
async def retime_step(
    name: NamePath, step_id: StepPath, body: StepRetime, svc: Services, caller: Admin
) -> TemplateOut:
    """Change when a step goes: a delay after the previous step, or a UTC date and time."""
    return await _changed(
        svc,
        caller,
        name,
        lambda template: retimed(template, step_id, _step_time(body.delay, "delay")),
    )


@router.delete("/{name}/steps/{step_id}", response_model=TemplateOut, responses=problems(404))
async def delete_step(
    name: NamePath, step_id: StepPath, svc: Services, caller: Admin
) -> TemplateOut:
    """Remove a step; the others keep their ids."""
    return await _changed(svc, caller, name, lambda template: without_step(template, step_id))

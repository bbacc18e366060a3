"""Templates: named chains of messages.  Tenant admins write them; every key of
the tenant reads them (operators send them to the dialog they are in)."""

from __future__ import annotations

from typing import Annotated

from contracts.content import TEMPLATE_NAME_PATTERN
from fastapi import APIRouter, Path, Response

from ..domain.templates import Template, describe_delay, describe_step_time
from ..usecases import templates
from .deps import Admin, Member, Services
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


def template_list(found: list[Template]) -> TemplateList:
    return TemplateList(items=[template_out(t) for t in found])


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


@router.post("", response_model=TemplateOut, status_code=201, responses=problems(409))
async def create_template(body: TemplateIn, svc: Services, caller: Admin) -> TemplateOut:
    """A new template, with its first steps if given."""
    steps = [(step.content, step.delay) for step in body.steps]
    return template_out(await templates.create_template(svc, caller, body.name, steps))


@router.get("", response_model=TemplateList)
async def list_templates(svc: Services, caller: Member) -> TemplateList:
    """Every template of the tenant, by name."""
    return template_list(await templates.list_templates(svc, caller))


@router.get("/{name}", response_model=TemplateOut, responses=problems(404))
async def get_template(name: NamePath, svc: Services, caller: Member) -> TemplateOut:
    return template_out(await templates.show_template(svc, caller, name))


@router.patch("/{name}", response_model=TemplateOut, responses=problems(404, 409))
async def rename_template(
    name: NamePath, body: TemplateRename, svc: Services, caller: Admin
) -> TemplateOut:
    """Rename; campaigns already made from the template keep their steps."""
    return template_out(await templates.rename_template(svc, caller, name, body.name))


@router.delete("/{name}", status_code=204, responses=problems(404))
async def delete_template(name: NamePath, svc: Services, caller: Admin) -> Response:
    """Delete; campaigns already made from the template keep their steps."""
    await templates.delete_template(svc, caller, name)
    return Response(status_code=204)


@router.post("/{name}/steps", response_model=TemplateOut, status_code=201, responses=problems(404))
async def add_step(
    name: NamePath, body: TemplateStepIn, svc: Services, caller: Admin
) -> TemplateOut:
    """Append a step to the chain."""
    return template_out(await templates.add_step(svc, caller, name, body.content, body.delay))


@router.patch("/{name}/steps/{step_id}", response_model=TemplateOut, responses=problems(404))
async def retime_step(
    name: NamePath, step_id: StepPath, body: StepRetime, svc: Services, caller: Admin
) -> TemplateOut:
    """Change when a step goes: a delay after the previous step, or a UTC date and time."""
    return template_out(await templates.retime_step(svc, caller, name, step_id, body.delay))


@router.delete("/{name}/steps/{step_id}", response_model=TemplateOut, responses=problems(404))
async def delete_step(
    name: NamePath, step_id: StepPath, svc: Services, caller: Admin
) -> TemplateOut:
    """Remove a step; the others keep their ids."""
    return template_out(await templates.delete_step(svc, caller, name, step_id))

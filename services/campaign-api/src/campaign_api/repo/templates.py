"""Templates and their steps (a JSON array on the template's row, edited under
the row's lock so two edits never lose one another)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from contracts.base import STORED
from contracts.content import StepContent
from pydantic import TypeAdapter

from ..domain.templates import Template, TemplateStep
from . import Conn, Pool, sql

SELECT_TEMPLATE = sql("select_template")
SELECT_TEMPLATE_FOR_UPDATE = sql("select_template_for_update")
SELECT_TEMPLATES = sql("select_templates")
INSERT_TEMPLATE = sql("insert_template")
UPDATE_TEMPLATE_STEPS = sql("update_template_steps")
RENAME_TEMPLATE = sql("rename_template")
DELETE_TEMPLATE = sql("delete_template")

_CONTENT: TypeAdapter[StepContent] = TypeAdapter(StepContent)


def _template(row: Any) -> Template:
    return Template(
        tenant_id=row["tenant_id"],
        name=row["name"],
        steps=tuple(
            TemplateStep(
                step_id=int(step["step_id"]),
                delay_seconds=float(step["delay_seconds"]),
                content=_CONTENT.validate_python(step["content"], context=STORED),
                at=datetime.fromisoformat(step["at"]) if step.get("at") else None,
            )
            for step in row["steps"]
        ),
        next_step_id=row["next_step_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _steps_json(template: Template) -> list[dict[str, Any]]:
    return [
        {
            "step_id": step.step_id,
            "delay_seconds": step.delay_seconds,
            "content": step.content.model_dump(mode="json"),
            "at": step.at.isoformat() if step.at else None,
        }
        for step in template.steps
    ]


async def get_template(pool: Pool | Conn, tenant_id: str, name: str) -> Template | None:
    row = await pool.fetchrow(SELECT_TEMPLATE, tenant_id, name)
    return _template(row) if row else None


async def list_templates(pool: Pool | Conn, tenant_id: str) -> list[Template]:
    return [_template(row) for row in await pool.fetch(SELECT_TEMPLATES, tenant_id)]


async def insert_template(pool: Pool | Conn, template: Template) -> Template | None:
    """None when the tenant already has a template of that name."""
    row = await pool.fetchrow(
        INSERT_TEMPLATE,
        template.tenant_id,
        template.name,
        _steps_json(template),
        template.next_step_id,
    )
    return _template(row) if row else None


async def change_template(
    pool: Pool, tenant_id: str, name: str, change: Callable[[Template], Template]
) -> Template | None:
    """Apply `change` to the template under its row lock and store the result;
    None when there is no such template.  What `change` raises rolls it back."""
    async with pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow(SELECT_TEMPLATE_FOR_UPDATE, tenant_id, name)
        if row is None:
            return None
        changed = change(_template(row))
        stored = await conn.fetchrow(
            UPDATE_TEMPLATE_STEPS, tenant_id, name, _steps_json(changed), changed.next_step_id
        )
        return _template(stored)


async def rename_template(
    pool: Pool | Conn, tenant_id: str, name: str, new_name: str
) -> Template | None:
    """None when `name` is unknown or `new_name` is taken."""
    row = await pool.fetchrow(RENAME_TEMPLATE, tenant_id, name, new_name)
    return _template(row) if row else None


async def delete_template(pool: Pool | Conn, tenant_id: str, name: str) -> bool:
    return await pool.fetchval(DELETE_TEMPLATE, tenant_id, name) is not None

"""How many an audience matches now, per connection, from the indexes."""

from __future__ import annotations

from ..domain import Listed, Selection, Unknown
from . import Pool, sql
from .selections import condition_arguments, unknown_of

COUNT_LISTED = sql("count_listed")
COUNT_MATCHING = sql("count_matching")


async def count(
    pool: Pool, tenant_id: str, connection_id: str | None, selection: Selection
) -> tuple[dict[str, int], Unknown]:
    """Contacts `selection` reaches by connection (only `connection_id`'s when given),
    and the listed people it cannot reach for want of a dialog."""
    if isinstance(selection, Listed):
        rows = await pool.fetch(
            COUNT_LISTED,
            tenant_id,
            connection_id,
            selection.external_ids,
            selection.connection_ids,
        )
    else:
        rows = await pool.fetch(
            COUNT_MATCHING, *condition_arguments(selection), tenant_id, connection_id
        )
    matching = {row["connection_id"]: row["matching"] for row in rows}
    return matching, await unknown_of(pool, tenant_id, connection_id, selection)

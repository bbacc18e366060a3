"""How many an audience matches now, per connection, from the indexes."""

from __future__ import annotations

from ..domain import Listed, Selection, Unreached, Uploaded
from . import Pool, sql
from .selections import check_uploaded, condition_arguments, unreached_of

COUNT_LISTED = sql("count_listed")
COUNT_UPLOADED = sql("count_uploaded")
COUNT_MATCHING = sql("count_matching")


async def count(
    pool: Pool, tenant_id: str, connection_id: str | None, selection: Selection
) -> tuple[dict[str, int], Unreached]:
    """Contacts `selection` reaches by connection (only `connection_id`'s when given),
    and the listed people it cannot reach, by reason.  Raises `Unresolvable` for
    a list that is not there."""
    if isinstance(selection, Listed):
        rows = await pool.fetch(
            COUNT_LISTED,
            tenant_id,
            connection_id,
            selection.external_ids,
            selection.connection_ids,
        )
    elif isinstance(selection, Uploaded):
        await check_uploaded(pool, tenant_id, selection.list_id)
        rows = await pool.fetch(COUNT_UPLOADED, tenant_id, connection_id, selection.list_id)
    else:
        rows = await pool.fetch(
            COUNT_MATCHING, *condition_arguments(selection), tenant_id, connection_id
        )
    matching = {row["connection_id"]: row["matching"] for row in rows}
    return matching, await unreached_of(pool, tenant_id, connection_id, selection)

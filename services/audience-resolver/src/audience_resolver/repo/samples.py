"""A sample of an audience: the first few contacts it reaches now, in the order a
snapshot would number them, with the fields a message is personalised with."""

from __future__ import annotations

from contracts.audience import SampleContact
from pydantic import TypeAdapter

from ..domain import Listed, Selection, Uploaded
from . import Pool, sql
from .selections import condition_arguments

SELECT_LISTED_SAMPLE = sql("select_listed_sample")
SELECT_UPLOADED_SAMPLE = sql("select_uploaded_sample")
SELECT_MATCHING_SAMPLE = sql("select_matching_sample")

_SAMPLE = TypeAdapter(list[SampleContact])


async def sample(
    pool: Pool, tenant_id: str, connection_id: str | None, selection: Selection, size: int
) -> list[SampleContact]:
    """Up to `size` contacts `selection` reaches (on `connection_id` when given),
    never opted-out ones: the first listed, or the first in contact order for
    filters.  An uploaded list must have been checked (`check_uploaded`) first."""
    if size <= 0:
        return []
    if isinstance(selection, Listed):
        document: str = await pool.fetchval(
            SELECT_LISTED_SAMPLE,
            tenant_id,
            connection_id,
            selection.external_ids,
            selection.connection_ids,
            size,
        )
    elif isinstance(selection, Uploaded):
        document = await pool.fetchval(
            SELECT_UPLOADED_SAMPLE, tenant_id, connection_id, selection.list_id, size
        )
    else:
        document = await pool.fetchval(
            SELECT_MATCHING_SAMPLE, *condition_arguments(selection), tenant_id, connection_id, size
        )
    return _SAMPLE.validate_json(document)

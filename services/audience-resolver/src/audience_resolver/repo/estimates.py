"""How many an audience matches now, per connection, from the indexes."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from contracts.audience import AudienceGroup
from contracts.quiet_hours import is_timezone

from ..domain import Conditions, Listed, Selection, Unreached, Uploaded
from . import Pool, sql
from .selections import check_uploaded, condition_arguments, unreached_of

COUNT_LISTED = sql("count_listed")
COUNT_UPLOADED = sql("count_uploaded")
COUNT_MATCHING = sql("count_matching")
PREFLIGHT_LISTED = sql("preflight_listed")
PREFLIGHT_UPLOADED = sql("preflight_uploaded")
PREFLIGHT_MATCHING = sql("preflight_matching")
COUNT_ALL = sql("count_all")
PREFLIGHT_ALL = sql("preflight_all")


async def count(
    pool: Pool,
    tenant_id: str,
    connection_id: str | None,
    selection: Selection,
    window_since: datetime | None = None,
) -> tuple[dict[str, int], Unreached, list[AudienceGroup]]:
    """Contacts `selection` reaches by connection (only `connection_id`'s when given),
    the listed people it cannot reach, by reason, and with `window_since` (the
    pre-flight) the same count by connection and `timezone` attribute, with those
    who last wrote before then, in the same one scan.  An audience with no
    condition is counted from the kept counts instead of a scan.  Raises
    `Unresolvable` for a list that is not there."""
    preflight = window_since is not None
    extra = (window_since,) if preflight else ()
    if isinstance(selection, Listed):
        rows = await pool.fetch(
            PREFLIGHT_LISTED if preflight else COUNT_LISTED,
            tenant_id,
            connection_id,
            selection.external_ids,
            selection.connection_ids,
            *extra,
        )
    elif isinstance(selection, Uploaded):
        await check_uploaded(pool, tenant_id, selection.list_id)
        rows = await pool.fetch(
            PREFLIGHT_UPLOADED if preflight else COUNT_UPLOADED,
            tenant_id,
            connection_id,
            selection.list_id,
            *extra,
        )
    elif selection == Conditions():
        rows = await pool.fetch(
            PREFLIGHT_ALL if preflight else COUNT_ALL, tenant_id, connection_id, *extra
        )
    else:
        rows = await pool.fetch(
            PREFLIGHT_MATCHING if preflight else COUNT_MATCHING,
            *condition_arguments(selection),
            tenant_id,
            connection_id,
            *extra,
        )
    matching: Counter[str] = Counter()
    for row in rows:
        matching[row["connection_id"]] += row["matching"]
    unreached = await unreached_of(pool, tenant_id, connection_id, selection)
    return dict(matching), unreached, _groups(rows) if preflight else []


def _groups(rows: list[Any]) -> list[AudienceGroup]:
    """The pre-flight's groups; a `timezone` attribute that names no zone counts as
    none (so the answer stays as small as the zones are few)."""
    counts: dict[tuple[str, str | None], list[int]] = {}
    for row in rows:
        zone = row["timezone"] if is_timezone(row["timezone"] or "") else None
        found = counts.setdefault((row["connection_id"], zone), [0, 0])
        found[0] += row["matching"]
        found[1] += row["window_closed"]
    return [
        AudienceGroup(connection_id=c, timezone=z, matching=m, window_closed=w)
        for (c, z), (m, w) in counts.items()
    ]

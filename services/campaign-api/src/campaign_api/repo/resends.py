"""What a resend reads of a campaign's deliveries: where each recipient's chain
stopped, and the dialogs of the recipients it picks."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from ..domain.resend import FailureGroup
from . import Conn, Pool, sql

SELECT_RESEND_GROUPS = sql("select_resend_groups")
SELECT_RESEND_RECIPIENTS = sql("select_resend_recipients")


async def failure_groups(pool: Pool | Conn, campaign_id: UUID) -> list[FailureGroup]:
    """The campaign's recipients that were not reached, grouped by the step, status,
    code and reason their chain stopped at."""
    return [
        FailureGroup(
            step_no=row["step_no"],
            status=row["status"],
            error_code=row["error_code"],
            error_reason=row["error_reason"],
            count=row["n"],
        )
        for row in await pool.fetch(SELECT_RESEND_GROUPS, campaign_id)
    ]


async def picked_dialogs(
    pool: Pool | Conn, campaign_id: UUID, groups: Sequence[FailureGroup]
) -> list[tuple[int, str]]:
    """(step the chain stopped at, contact id) of the recipients in `groups`, in
    recipient order."""
    rows = await pool.fetch(
        SELECT_RESEND_RECIPIENTS,
        campaign_id,
        [g.step_no for g in groups],
        [g.status for g in groups],
        [g.error_code for g in groups],
        [g.error_reason for g in groups],
    )
    return [(row["step_no"], row["contact_id"]) for row in rows]

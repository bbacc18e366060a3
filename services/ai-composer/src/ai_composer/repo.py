"""The texts written for deliveries, and the texts each campaign has used."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias
from uuid import UUID

from service_kit.sql import sql_loader

from .domain.model import Composed
from .domain.validation import fingerprint

if TYPE_CHECKING:
    import asyncpg

Pool: TypeAlias = "asyncpg.Pool[Any]"
DeliveryKey: TypeAlias = tuple[UUID, int, int]
"""(campaign_id, recipient_no, step_no)."""

sql = sql_loader(Path(__file__).resolve().parent / "sql")
SELECT_COMPOSITIONS = sql("select_compositions")
SELECT_COMPOSITION = sql("select_composition")
CLAIM_TEXT = sql("claim_text")
INSERT_COMPOSITION = sql("insert_composition")


class _StoredMeanwhile(Exception):
    """Another consumer stored a text for the delivery first: undo this one."""


def _composed(row: Any) -> Composed:
    return Composed(
        campaign_id=row["campaign_id"],
        recipient_no=row["recipient_no"],
        step_no=row["step_no"],
        text=row["text"],
        composition=row["composition"],
        attempts=row["attempts"],
        fallback_reason=row["fallback_reason"],
    )


async def stored(pool: Pool, keys: Sequence[DeliveryKey]) -> dict[DeliveryKey, Composed]:
    """The texts already stored for these deliveries."""
    rows = await pool.fetch(
        SELECT_COMPOSITIONS, [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]
    )
    return {
        (row["campaign_id"], row["recipient_no"], row["step_no"]): _composed(row) for row in rows
    }


async def _keep(
    pool: Pool, composed: Composed, personal: Sequence[str], *, unique: bool
) -> Composed | None:
    async with pool.acquire() as conn:
        try:
            async with conn.transaction():
                fresh = await conn.fetchval(
                    CLAIM_TEXT, composed.campaign_id, fingerprint(composed.text, personal)
                )
                if unique and not fresh:
                    return None
                inserted = await conn.fetchval(
                    INSERT_COMPOSITION,
                    composed.campaign_id,
                    composed.recipient_no,
                    composed.step_no,
                    composed.text,
                    composed.composition,
                    composed.attempts,
                    composed.fallback_reason,
                )
                if not inserted:
                    raise _StoredMeanwhile
        except _StoredMeanwhile:
            row = await conn.fetchrow(
                SELECT_COMPOSITION, composed.campaign_id, composed.recipient_no, composed.step_no
            )
            return _composed(row)
    return composed


async def keep_written(pool: Pool, composed: Composed, personal: Sequence[str]) -> Composed | None:
    """Store a written text as its delivery's, unless the campaign already used
    that text, its recipient's `personal` details aside (None).  When another
    consumer stored a text for the delivery first, that one is answered and this
    one is not kept."""
    return await _keep(pool, composed, personal, unique=True)


async def keep_fallback(pool: Pool, composed: Composed, personal: Sequence[str]) -> Composed:
    """Store a fallback text as its delivery's (campaigns may repeat those), or
    answer the text another consumer stored first."""
    return await _keep(pool, composed, personal, unique=False) or composed

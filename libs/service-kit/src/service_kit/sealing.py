"""A table's stored secrets sealed with the newest key, once, when a service
starts: those kept in clear before secrets were sealed, and those sealed with a
key that is no longer the newest (after a rotation), so an old key can be
dropped once every service that keeps secrets has started with the new one.

The table's own statements say where the secrets are; each row is a connection,
named by its tenant and id:

- `select_clear`: rows whose secret is still in clear (key, key, a JSON object);
- `seal_clear`: `$1`, `$2` the row, `$3` the sealed secret (and the clear one gone)
  (neither, for a column that was sealed from its first row);
- `select_sealed`: every row with a sealed secret (key, key, the sealed text);
- `reseal`: `$1`, `$2` the row, `$3` the sealed text read, `$4` the new one (a
  row changed since it was read keeps its newer secret).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg

from .logs import get_logger
from .secrets import SecretBox, SecretUnreadable

log = get_logger(__name__)


@dataclass(frozen=True)
class SealedColumn:
    select_sealed: str
    reseal: str
    select_clear: str | None = None
    seal_clear: str | None = None


@dataclass(frozen=True)
class Sealed:
    """What one start did: secrets sealed that were in clear, sealed again with
    the newest key, and left as they were because no key opens them."""

    clear: int = 0
    resealed: int = 0
    unreadable: int = 0


async def seal_stored(pool: asyncpg.Pool[Any], box: SecretBox, column: SealedColumn) -> Sealed:
    """Every secret in `column` sealed, with the newest key; one that no key opens
    is logged (by its row, never its text) and left for its owner to save again."""
    clear = 0
    if column.select_clear is not None and column.seal_clear is not None:
        for first, second, credentials in await pool.fetch(column.select_clear):
            await pool.execute(column.seal_clear, first, second, box.seal_credentials(credentials))
            clear += 1
    resealed = unreadable = 0
    for first, second, sealed in await pool.fetch(column.select_sealed):
        if box.sealed_with_newest(sealed):
            continue
        try:
            await pool.execute(column.reseal, first, second, sealed, box.rotate(sealed))
            resealed += 1
        except SecretUnreadable as error:
            log.error(str(error), tenant_id=first, connection_id=second)
            unreadable += 1
    done = Sealed(clear, resealed, unreadable)
    if clear or resealed or unreadable:
        log.info("stored secrets sealed", clear=clear, resealed=resealed, unreadable=unreadable)
    return done

"""The contact base the audience benchmark loads: one tenant, a million dialogs,
with labels, functions, locales and activity spread so that the filters below
match what their names say, as the CSV file a tenant would import."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from contracts.audience import FilterAudience

MAIN_CONNECTION = "tg-main"
SIDE_CONNECTION = "wa-main"
SIDE_SHARE = 0.05
"""Dialogs on the WhatsApp number; the rest are on the Telegram bot."""

LABEL_SHARES = {"customer": 0.95, "newsletter": 0.4, "lead": 0.2, "vip": 0.1}
FUNCTION_SHARES = {"booking": 0.3, "quiz": 0.1}
LOCALES = ["en"] * 10 + ["de"] * 4 + ["es"] * 3 + ["fr"] * 2 + ["pt-BR"]
CITIES = ["Berlin", "Madrid", "Paris", "Lisbon", "London", "Rome"]

SNAPSHOT_FILTER = FilterAudience(labels_any=["customer"])
"""About 900,000 of the Telegram bot's 950,000 dialogs (0.95 x 0.95)."""

ESTIMATE_FILTERS: dict[str, FilterAudience] = {
    "labels_any=[vip] (~10%)": FilterAudience(labels_any=["vip"]),
    "telegram, labels_all=[newsletter,lead], booking, within 7d (~0.3%)": FilterAudience(
        channels=["telegram"],
        labels_all=["newsletter", "lead"],
        functions_executed=["booking"],
        last_inbound_within="7d",
    ),
    "labels_any=[customer] (~95%)": SNAPSHOT_FILTER,
}

HEADER = (
    "external_id,connection_id,name,labels,functions_executed,last_inbound_at,locale,city,orders\n"
)


def _row(number: int, rng: random.Random, now: datetime) -> str:
    side = rng.random() < SIDE_SHARE
    wrote = rng.random() < 0.9
    labels = ";".join(label for label, share in LABEL_SHARES.items() if rng.random() < share)
    functions = ";".join(f for f, share in FUNCTION_SHARES.items() if rng.random() < share)
    last_inbound = (now - timedelta(seconds=rng.randrange(60 * 86400))).isoformat() if wrote else ""
    return (
        f"{100_000_000 + number},{SIDE_CONNECTION if side else MAIN_CONNECTION},"
        f"Person {number},{labels},{functions},{last_inbound},{rng.choice(LOCALES)},"
        f"{rng.choice(CITIES)},{rng.randrange(20)}\n"
    )


async def csv_file(
    total: int, *, seed: int = 7, rows_per_chunk: int = 2000
) -> AsyncIterator[bytes]:
    """The import file, made as it is sent: never whole in memory."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    yield HEADER.encode()
    for start in range(0, total, rows_per_chunk):
        end = min(start + rows_per_chunk, total)
        yield "".join(_row(n, rng, now) for n in range(start, end)).encode()

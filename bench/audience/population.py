"""The contact base the audience benchmark loads: one tenant, a million dialogs,
with labels, functions, locales and activity spread so that the filters below
match what their names say."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from contracts.audience import ContactRecord, ContactsImportedV1, FilterAudience

TENANT_ID = "bench-tenant"
MAIN_CONNECTION = "tg-main"
SIDE_CONNECTION = "wa-main"
SIDE_SHARE = 0.05
"""Dialogs on the WhatsApp number; the rest are on the Telegram bot."""

LABEL_SHARES = {"customer": 0.95, "newsletter": 0.4, "lead": 0.2, "vip": 0.1}
FUNCTION_SHARES = {"booking": 0.3, "quiz": 0.1}
LOCALES = ["en"] * 10 + ["de"] * 4 + ["es"] * 3 + ["fr"] * 2 + ["pt-BR"]
CITIES = ["Berlin", "Madrid", "Paris", "Lisbon", "London", "Rome"]

SNAPSHOT_FILTER = FilterAudience(labels_any=["customer"])
"""About 900,000 of the Telegram bot's 950,000 dialogs."""

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


def _contact(number: int, rng: random.Random, now: datetime) -> ContactRecord:
    side = rng.random() < SIDE_SHARE
    wrote = rng.random() < 0.9
    return ContactRecord(
        connection_id=SIDE_CONNECTION if side else MAIN_CONNECTION,
        channel="whatsapp" if side else "telegram",
        external_id=str(100_000_000 + number),
        name=f"Person {number}",
        labels=[label for label, share in LABEL_SHARES.items() if rng.random() < share],
        functions_executed=[f for f, share in FUNCTION_SHARES.items() if rng.random() < share],
        last_inbound_at=now - timedelta(seconds=rng.randrange(60 * 86400)) if wrote else None,
        locale=rng.choice(LOCALES),
        attributes={"city": rng.choice(CITIES), "orders": rng.randrange(20)},
    )


def import_batches(total: int, batch_size: int, seed: int = 7) -> Iterator[bytes]:
    """`contacts.imported.v1` bodies, as campaign-api's import publishes them."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    import_id = str(uuid.uuid4())
    for batch_no, start in enumerate(range(0, total, batch_size), start=1):
        contacts = [_contact(n, rng, now) for n in range(start, min(start + batch_size, total))]
        batch = ContactsImportedV1(
            tenant_id=TENANT_ID,
            import_id=import_id,
            batch_no=batch_no,
            contacts=contacts,
            imported_at=now,
        )
        yield batch.model_dump_json().encode()

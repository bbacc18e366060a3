"""What every part of the demo shares: the API and simulator addresses, calls
that stop the demo with the server's answer when they fail, contacts as CSV,
telling a simulator who wrote when, and waiting for a campaign."""

from __future__ import annotations

import os
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

API = f"http://127.0.0.1:{os.environ.get('CAMPAIGN_API_PORT', '8080')}"
PLATFORM_KEY = os.environ.get("PLATFORM_API_KEY", "dev-platform-key")
# the simulators `make demo` starts, whatever the *_API_BASE settings say for real accounts
TELEGRAM_SIM = os.environ.get("DEMO_TELEGRAM_SIMULATOR", "http://127.0.0.1:9000")
WHATSAPP_SIM = os.environ.get("DEMO_WHATSAPP_SIMULATOR", "http://127.0.0.1:9001")
INSTAGRAM_SIM = os.environ.get("DEMO_INSTAGRAM_SIMULATOR", "http://127.0.0.1:9002")
FIRST_NAMES = ["Alice", "Bob", "Chen", "Dana", "Emil", "Farah", "Goran", "Hana", "Ivan", "Jia"]

Campaign = dict[str, Any]


@dataclass(frozen=True)
class Contact:
    """One dialog to import: the person's id on the platform, and when they last wrote."""

    external_id: str
    name: str
    last_inbound_at: datetime | None = None
    labels: tuple[str, ...] = ()
    attributes: dict[str, str] = field(default_factory=dict)


def heading(title: str) -> None:
    print(f"\n== {title} ==")


def call(client: httpx.Client, method: str, path: str, **kwargs: Any) -> Any:
    """The answer's JSON (or text); a 4xx or 5xx ends the demo with the server's answer."""
    response = client.request(method, path, **kwargs)
    if response.status_code >= 400:
        sys.exit(f"{method} {path} failed: {response.status_code} {response.text}")
    return response.json() if "json" in response.headers.get("content-type", "") else response.text


def name_of(n: int) -> str:
    return f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {chr(65 + n % 26)}."


def contacts_csv(contacts: Iterable[Contact]) -> str:
    """A contact import file: the fixed columns, then each contact's own attributes."""
    contacts = list(contacts)
    extra = sorted({key for contact in contacts for key in contact.attributes})
    rows = [",".join(["external_id", "name", "labels", "last_inbound_at", *extra])]
    for c in contacts:
        last = c.last_inbound_at.isoformat() if c.last_inbound_at else ""
        values = [c.external_id, c.name, ";".join(c.labels), last]
        rows.append(",".join([*values, *(c.attributes.get(key, "") for key in extra)]))
    return "\n".join(rows) + "\n"


def import_contacts(api: httpx.Client, connection_id: str, contacts: list[Contact]) -> None:
    result = call(
        api,
        "POST",
        f"/v1/contacts/import?connection_id={connection_id}",
        content=contacts_csv(contacts),
        headers={"Content-Type": "text/csv"},
    )
    print(f"imported {result['accepted']} contacts ({result['rejected']} rejected)")


def tell_simulator_who_wrote(simulator: str, contacts: Iterable[Contact]) -> int:
    """Give the simulator each person's last inbound message (`POST /_sim/recipients`),
    as the platform itself would know it: its 24-hour window then agrees with the
    product's.  Answers how many people it was told about."""
    by_time: dict[float, list[str]] = defaultdict(list)
    for contact in contacts:
        if contact.last_inbound_at is not None:
            by_time[contact.last_inbound_at.timestamp()].append(contact.external_id)
    with httpx.Client(base_url=simulator, timeout=10) as sim:
        for at, ids in by_time.items():
            call(sim, "POST", "/_sim/recipients", json={"ids": ids, "last_inbound_at": at})
    return sum(len(ids) for ids in by_time.values())


def wait_for_audience(api: httpx.Client, audience: dict[str, Any], size: int) -> dict[str, Any]:
    """The audience estimate once the imported contacts are all in it (imports are
    applied by the audience-resolver, a moment after the API accepts them)."""
    deadline = time.monotonic() + 60
    while True:
        estimate: dict[str, Any] = call(
            api, "POST", "/v1/audience/estimate", json={"audience": audience}
        )
        if estimate["audience_size"] >= size or time.monotonic() > deadline:
            return estimate
        time.sleep(0.3)


def create_campaign(api: httpx.Client, spec: dict[str, Any]) -> str:
    created = call(
        api, "POST", "/v1/campaigns", json=spec, headers={"Idempotency-Key": f"demo-{uuid.uuid4()}"}
    )
    campaign_id: str = created["campaign_id"]
    return campaign_id


def wait_for_campaign(
    api: httpx.Client,
    campaign_id: str,
    done: Callable[[Campaign], bool],
    timeout: float = 60,
    on_poll: Callable[[Campaign], None] | None = None,
) -> Campaign:
    """Poll `GET /v1/campaigns/{id}` until `done` says so; a campaign that takes
    longer than `timeout` seconds ends the demo."""
    deadline = time.monotonic() + timeout
    while True:
        campaign: Campaign = call(api, "GET", f"/v1/campaigns/{campaign_id}")
        if on_poll is not None:
            on_poll(campaign)
        if done(campaign):
            return campaign
        if time.monotonic() > deadline:
            sys.exit(f"campaign {campaign_id} did not get there in {timeout:g} s: {campaign}")
        time.sleep(0.3)


def finished(campaign: Campaign) -> bool:
    return campaign["status"] in ("completed", "cancelled")


def print_reasons(campaign: Campaign) -> None:
    for reason in campaign["failure_reasons"]:
        print(
            f"  {reason['count']:>4} {reason['status']}: "
            f"{reason['error_code']} {reason['error_reason']}"
        )

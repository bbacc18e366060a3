"""The traffic of a scenario: the demo's tenant (scripts/demo.py), fast Telegram bot
connections with their contacts, and campaigns to them, created and followed over
HTTP like a client would."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from control import SIM_URLS
from demo import tenant_key
from demo_channels.common import (
    Contact,
    call,
    import_contacts,
    tell_simulator_who_wrote,
    wait_for_audience,
)

RATE = 500
"""Messages per second per bot (paid broadcasts above Telegram's free 30/s)."""
MAX_IN_FLIGHT = 16
"""Per connection: also the bound on 'unknown' deliveries a killed dispatcher leaves."""
FIRST_ID = 700_000_000


def bot_token(bot: int) -> str:
    return f"95{bot:07d}:AAchaos-bot-token-for-the-simulator"


def account(bot: int) -> str:
    """The bot id the simulator files its calls under."""
    return bot_token(bot).split(":")[0]


OTHER_RATES = {"whatsapp": 80, "instagram": 250}
"""Per second: the simulators' own limits for a WhatsApp number and an Instagram account."""
SEND_METHODS = {"telegram": "sendMessage", "whatsapp": "messages:text", "instagram": "messages"}


@dataclass(frozen=True)
class Bot:
    """A sending account (a Telegram bot, a WhatsApp number, an Instagram account)."""

    number: int
    connection_id: str
    contacts: int
    channel: str = "telegram"
    account: str = ""
    """What the simulator files the account's calls under."""
    people: tuple[Contact, ...] = ()

    @property
    def sim(self) -> str:
        return SIM_URLS[self.channel]

    @property
    def method(self) -> str:
        return SEND_METHODS[self.channel]

    @property
    def rate(self) -> float:
        return OTHER_RATES.get(self.channel, RATE)

    def tell_simulator(self) -> None:
        """WhatsApp and Instagram: who wrote lately (the 24-hour window); again
        after every reset of the simulator."""
        if self.channel != "telegram":
            tell_simulator_who_wrote(self.sim, self.people)


def client() -> httpx.Client:
    """campaign-api as the demo tenant's admin."""
    from control import API

    return httpx.Client(
        base_url=API, timeout=30, headers={"Authorization": f"Bearer {tenant_key()}"}
    )


def add_bot(api: httpx.Client, number: int, contacts: int) -> Bot:
    """A bot connection at RATE/s with `contacts` people of its own."""
    connection_id = f"chaos-bot-{number}"
    call(
        api,
        "PUT",
        f"/v1/connections/{connection_id}",
        json={
            "channel": "telegram_bot",
            "credentials": {"token": bot_token(number)},
            "limits": {"rate_per_second": RATE, "max_in_flight": MAX_IN_FLIGHT},
        },
    )
    first = FIRST_ID + number * 1_000_000
    people = [Contact(external_id=str(first + n), name=f"Person {n}") for n in range(contacts)]
    import_contacts(api, connection_id, people)
    wait_for_audience(api, audience(connection_id), contacts)
    return Bot(number, connection_id, contacts, account=account(number))


def add_account(api: httpx.Client, channel: str, number: int, contacts: int) -> Bot:
    """A WhatsApp number or an Instagram account with `contacts` people who wrote
    ten minutes ago, limits raised so the whole audience goes at the platform's rate."""
    connection_id = f"chaos-{channel}-{number}"
    account_id = f"1784140{number:07d}"
    credentials = {"access_token": f"EAAchaos{channel}token{number}"}
    limits: dict[str, Any] = {"rate_per_second": OTHER_RATES[channel]}
    limits["max_in_flight"] = MAX_IN_FLIGHT
    if channel == "whatsapp":
        credentials["phone_number_id"] = account_id
        limits |= {"min_gap_seconds": 0, "warmup_days": 0, "daily_recipient_cap": 1_000_000}
        limits |= {"warmup_start_per_day": 1_000_000}
    else:
        credentials["ig_id"] = account_id
    call(
        api,
        "PUT",
        f"/v1/connections/{connection_id}",
        json={"channel": channel, "credentials": credentials, "limits": limits},
    )
    wrote = datetime.now(UTC) - timedelta(minutes=10)
    first = 49_150_000_000 + number * 1_000_000
    people = tuple(
        Contact(external_id=str(first + n), name=f"Person {n}", last_inbound_at=wrote)
        for n in range(contacts)
    )
    bot = Bot(number, connection_id, contacts, channel, account_id, people)
    bot.tell_simulator()
    import_contacts(api, connection_id, list(people))
    wait_for_audience(api, audience(connection_id), contacts)
    return bot


def audience(connection_id: str) -> dict[str, Any]:
    return {"kind": "filter", "connection_ids": [connection_id]}


def text_content(tag: str) -> dict[str, Any]:
    return {"kind": "text", "text": f"chaos {tag}: hello {{name}}"}


def ai_content(tag: str) -> dict[str, Any]:
    return {
        "kind": "ai",
        "prompt": f"Announce our winter sale ({tag}) in one friendly sentence.",
        "fallback_text": f"chaos {tag}: our winter sale starts today",
    }


def campaign_spec(bot: Bot, tag: str, content: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": f"chaos {tag} {bot.connection_id}",
        "connection_id": bot.connection_id,
        "audience": audience(bot.connection_id),
        "content": content,
    }


def create(api: httpx.Client, spec: dict[str, Any], key: str | None = None) -> str:
    """The campaign's id; `key` is the Idempotency-Key (a new one without it)."""
    headers = {"Idempotency-Key": key or f"chaos-{uuid.uuid4()}"}
    campaign_id: str = call(api, "POST", "/v1/campaigns", json=spec, headers=headers)["campaign_id"]
    return campaign_id


def campaign(api: httpx.Client, campaign_id: str) -> dict[str, Any]:
    """`GET /v1/campaigns/{id}`, retried while campaign-api is away."""
    deadline = time.monotonic() + 120
    while True:
        try:
            answer = api.get(f"/v1/campaigns/{campaign_id}")
            if answer.status_code == 200:
                found: dict[str, Any] = answer.json()
                return found
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"campaign-api did not answer about {campaign_id}")
        time.sleep(0.5)


def wait_finished(api: httpx.Client, ids: list[str], timeout: float) -> list[dict[str, Any]]:
    """Each campaign once completed or cancelled, or as it is when `timeout` runs out."""
    deadline = time.monotonic() + timeout
    while True:
        found = [campaign(api, campaign_id) for campaign_id in ids]
        done = all(c["status"] in ("completed", "cancelled") for c in found)
        if done or time.monotonic() > deadline:
            return found
        time.sleep(1)


def sent_external_ids(api: httpx.Client, campaign_id: str) -> set[str]:
    """The recipients the API says were sent, from the paged deliveries."""
    ids: set[str] = set()
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"status": "sent", "limit": 1000}
        if cursor:
            params["cursor"] = cursor
        page = call(api, "GET", f"/v1/campaigns/{campaign_id}/deliveries", params=params)
        ids.update(item["external_id"] for item in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            return ids

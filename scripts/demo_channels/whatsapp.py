"""The WhatsApp part: a campaign larger than the number's daily allowance.

A mature number (first used 90 days ago, past its warm-up) whose daily cap is
lowered to 20 people so the demo is quick; 50 people who wrote a few minutes
ago (the simulator is told so too).  The dry run says on which days they will
go; the campaign sends 20 today, and the rest wait, in order, for the next
days' allowances.  It is an approved template: by tomorrow those still waiting
are outside the 24-hour window, where WhatsApp allows nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from .common import (
    WHATSAPP_SIM,
    Campaign,
    Contact,
    call,
    create_campaign,
    finished,
    heading,
    import_contacts,
    name_of,
    print_reasons,
    tell_simulator_who_wrote,
    wait_for_audience,
    wait_for_campaign,
)

PREFIX = "demo-whatsapp-"
CONTACTS = 50
DAILY_CAP = 20
MIN_GAP_SECONDS = 0.1
LIMITS = {"daily_recipient_cap": DAILY_CAP, "min_gap_seconds": MIN_GAP_SECONDS}
MATURE_FOR = timedelta(days=90)
ACCESS_TOKEN = "EAAdemo-whatsapp-token-for-the-simulator"  # noqa: S105 (simulated)
TEMPLATE = {
    "kind": "whatsapp_template",
    "template_name": "winter_sale",
    "language": "en_US",
    "components": [
        {"type": "body", "parameters": [{"type": "text", "text": "{first_name|friend}"}]}
    ],
}


def contacts(now: datetime) -> list[Contact]:
    """People who wrote between 1 and 50 minutes ago (numbers +49 151 ...)."""
    return [
        Contact(
            external_id=f"49151{n:07d}",
            name=name_of(n),
            labels=("winter",),
            last_inbound_at=now - timedelta(minutes=1 + n % 50),
        )
        for n in range(1, CONTACTS + 1)
    ]


def cancel_earlier_demos(api: httpx.Client) -> None:
    """Earlier demos' WhatsApp campaigns still waiting for an allowance are
    cancelled: each demo has a number of its own, so they would not take this
    one's allowance, but they would keep sending for days."""
    running = call(api, "GET", "/v1/campaigns", params={"status": "running", "limit": 200})
    earlier = [c for c in running["items"] if c["connection_id"].startswith(PREFIX)]
    for campaign in earlier:
        call(api, "POST", f"/v1/campaigns/{campaign['id']}/cancel")
    if earlier:
        print(f"cancelled {len(earlier)} WhatsApp campaign(s) an earlier demo left waiting")


@dataclass(frozen=True)
class Number:
    """A WhatsApp number of this demo run's own: its daily allowance is counted
    per connection, so a demo run earlier today does not take this one's."""

    connection_id: str
    phone_number_id: str

    @classmethod
    def of_run(cls, now: datetime) -> Number:
        run = now.strftime("%Y%m%d%H%M%S")
        return cls(connection_id=f"{PREFIX}{run}", phone_number_id=f"10{run}")


def connect(api: httpx.Client, number: Number, now: datetime) -> None:
    first_used = now - MATURE_FOR
    call(
        api,
        "PUT",
        f"/v1/connections/{number.connection_id}",
        json={
            "channel": "whatsapp",
            "credentials": {
                "access_token": ACCESS_TOKEN,
                "phone_number_id": number.phone_number_id,
            },
            "limits": LIMITS,
            "first_used_at": first_used.isoformat(),
        },
    )
    print(
        f"connection {number.connection_id}: a number first used {first_used:%Y-%m-%d} (past "
        f"its 10-day warm-up).\nFor a quick demo its limits are lowered: at most {DAILY_CAP} "
        f"people a day (default 200), {MIN_GAP_SECONDS:g} s between messages (default 15 s)"
    )


def show_days(days: dict[str, Any]) -> None:
    print(
        f"dry run (POST /v1/campaigns?dry_run=true): {days['recipients']} recipients, "
        f"{days['on_first_day']} on {days['first_day']}, {days['days']} sending days, "
        f"the last on {days['last_day']} (UTC)"
    )
    print(f"  {days['note']}")


def allowance_used(campaign: Campaign) -> bool:
    """Everything not waiting for a later allowance is done."""
    p = campaign["progress"]
    settled = p["total"] is not None and p["remaining"] == p["waiting"]
    return finished(campaign) or settled


def show_state(campaign: Campaign, days: dict[str, Any]) -> None:
    p = campaign["progress"]
    until = datetime.fromisoformat(campaign["waiting_until"].replace("Z", "+00:00"))
    print(
        f"today's allowance is used: sent {p['sent']}, waiting {p['waiting']} "
        f"until {until:%Y-%m-%d %H:%M} UTC, failed {p['failed']}, skipped {p['skipped']}"
    )
    print(f"  {campaign['waiting_note']}")
    print(
        f"  expected finish: {days['last_day']} (UTC), {DAILY_CAP} a day, "
        "if the stack keeps running and the number messages no one else"
    )
    print_reasons(campaign)


def show_received(phone_number_id: str, campaign: Campaign) -> None:
    """What the simulator received from this number: today's messages, none of the waiting."""
    with httpx.Client(base_url=WHATSAPP_SIM, timeout=10) as sim:
        calls = call(sim, "GET", "/_sim/calls", params={"account": phone_number_id})["calls"]
    received = sum(1 for c in calls if c["method"].startswith("messages"))
    p = campaign["progress"]
    if received == p["sent"]:
        print(
            f"  the WhatsApp simulator received {received} messages from the number, the "
            f"{p['sent']} sent; none of the {p['waiting']} waiting was attempted"
        )
    else:
        print(f"  the WhatsApp simulator received {received} messages from the number")


def run(api: httpx.Client) -> None:
    heading(f"WhatsApp: {CONTACTS} people, {DAILY_CAP} a day")
    now = datetime.now(UTC)
    cancel_earlier_demos(api)
    number = Number.of_run(now)
    connect(api, number, now)
    people = contacts(now)
    import_contacts(api, number.connection_id, people)
    told = tell_simulator_who_wrote(WHATSAPP_SIM, people)
    print(f"told the WhatsApp simulator when each of {told} people last wrote (all within 1 h)")
    audience = {
        "kind": "filter",
        "connection_ids": [number.connection_id],
        "labels_any": ["winter"],
    }
    wait_for_audience(api, audience, CONTACTS)
    spec = {
        "name": "Demo: winter sale (WhatsApp)",
        "connection_id": number.connection_id,
        "audience": audience,
        "content": TEMPLATE,
    }
    planned = call(api, "POST", "/v1/campaigns?dry_run=true", json=spec)["planned"]
    days = planned[0]["sending_days"]
    show_days(days)
    campaign_id = create_campaign(api, spec)
    print(
        f"campaign {campaign_id} created: the approved template {TEMPLATE['template_name']!r} "
        "(by tomorrow those waiting are outside the 24-hour window, where only templates go)"
    )
    campaign = wait_for_campaign(api, campaign_id, allowance_used, timeout=60)
    show_state(campaign, days)
    show_received(number.phone_number_id, campaign)

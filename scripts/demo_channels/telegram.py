"""The Telegram part: a bot connection, 300 contacts (a few of whom blocked the
bot or deleted their accounts, as the simulator is told), a campaign to everyone
labelled `newsletter` with its progress, the `/send` language's answer about it,
and the head of its CSV report."""

from __future__ import annotations

import csv
import io
import random
import sys
from pathlib import Path

import httpx

from .common import (
    TELEGRAM_SIM,
    Campaign,
    Contact,
    call,
    create_campaign,
    finished,
    heading,
    import_contacts,
    name_of,
    print_reasons,
    wait_for_audience,
    wait_for_campaign,
)

CONNECTION = "demo-bot"
BOT_TOKEN = "700000001:AAdemo-bot-token-for-the-simulator0"  # noqa: S105 (simulated)
CONTACTS = 300
BLOCKED = [f"9100{n:05d}" for n in (7, 42, 99, 150, 233)]
DEACTIVATED = [f"9100{n:05d}" for n in (64, 201)]
CITIES = ["Berlin", "Lisbon", "Warsaw", "Madrid"]
REPORT = Path(__file__).resolve().parents[2] / ".run" / "demo-report.csv"


def contacts() -> list[Contact]:
    return [
        Contact(
            external_id=f"9100{n:05d}",
            name=name_of(n),
            labels=("newsletter", "vip") if n % 3 == 0 else ("newsletter",),
            attributes={"city": CITIES[n % len(CITIES)]},
        )
        for n in range(1, CONTACTS + 1)
    ]


def progress_line(campaign: Campaign) -> str:
    p = campaign["progress"]
    total = p["total"] or 0
    done = total - (p["remaining"] or 0) if total else 0
    width = 40
    filled = int(width * done / total) if total else 0
    return (
        f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total or '?'}  "
        f"delivered {p['delivered']}  failed {p['failed']}  skipped {p['skipped']}  "
        f"remaining {p['remaining'] if p['remaining'] is not None else '?'}  ({campaign['status']})"
    )


class ProgressBar:
    """On a terminal, one line redrawn; in a log, a line each time the bar grows."""

    def __init__(self) -> None:
        self._on_terminal = sys.stdout.isatty()
        self._shown = ""

    def __call__(self, campaign: Campaign) -> None:
        line = progress_line(campaign)
        if self._on_terminal:
            print(line, end="", flush=True)
        elif line.split("]")[0] != self._shown:
            self._shown = line.split("]")[0]
            print(line.lstrip("\r"), flush=True)


def tell_simulator() -> None:
    with httpx.Client(base_url=TELEGRAM_SIM, timeout=10) as sim:
        call(sim, "POST", "/_sim/recipients", json={"ids": BLOCKED, "state": "blocked"})
        call(sim, "POST", "/_sim/recipients", json={"ids": DEACTIVATED, "state": "deactivated"})
    print(
        f"in the Telegram simulator, {len(BLOCKED)} people blocked the bot "
        f"and {len(DEACTIVATED)} deleted their accounts"
    )


def run(api: httpx.Client) -> None:
    heading(f"Telegram: a bot's campaign to {CONTACTS} people")
    tell_simulator()
    call(
        api,
        "PUT",
        f"/v1/connections/{CONNECTION}",
        json={"channel": "telegram_bot", "credentials": {"token": BOT_TOKEN}},
    )
    import_contacts(api, CONNECTION, contacts())
    audience = {"kind": "filter", "channels": ["telegram"], "labels_any": ["newsletter"]}
    estimate = wait_for_audience(api, audience, CONTACTS)
    print(f"estimated audience: {estimate['audience_size']} (labels_any: newsletter)")
    campaign_id = create_campaign(
        api,
        {
            "name": "Demo: autumn sale",
            "connection_id": CONNECTION,
            "audience": audience,
            "content": {
                "kind": "text",
                "text": "Hello, {first_name|friend}! Our autumn sale in {city} starts today.",
            },
        },
    )
    print(f"campaign {campaign_id} created; a Telegram bot may send ~30 messages a second:")
    campaign = wait_for_campaign(api, campaign_id, finished, timeout=120, on_poll=ProgressBar())
    print()
    show_results(api, campaign)


def start_slow_campaign(api: httpx.Client) -> str:
    """A second campaign to the same people, one message every 2 seconds: it runs
    for about ten minutes, for the console to show live."""
    return create_campaign(
        api,
        {
            "name": "Demo: winter reminder (one message every 2 s)",
            "connection_id": CONNECTION,
            "audience": {"kind": "filter", "channels": ["telegram"], "labels_any": ["newsletter"]},
            "content": {"kind": "text", "text": "Hello, {first_name|friend}! Winter is coming."},
            "interval_seconds": 2,
        },
    )


def show_results(api: httpx.Client, campaign: Campaign) -> None:
    p = campaign["progress"]
    print(
        f"\nfinal: audience {p['audience_size']}, delivered {p['delivered']}, "
        f"failed {p['failed']}, "
        f"skipped {p['skipped']}, cancelled {p['cancelled']}, unknown {p['unknown']}"
    )
    print_reasons(campaign)
    command = f"/send sid{campaign['sending_id']}"
    answered = call(api, "POST", "/v1/commands", json={"command": command})
    print(f"\nasked in the /send language (POST /v1/commands, or campaignctl {command[6:]}):")
    print(f"  > {command}")
    for line in answered["lines"]:
        print(f"  {line}")
    show_report(call(api, "GET", f"/v1/campaigns/{campaign['id']}/report.csv"))


def show_report(report: str) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(report, encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(report)))
    print(f"\nreport: {len(rows)} rows in {REPORT}")
    for line in report.splitlines()[:4]:
        print(f"  {line}")
    sample = random.Random(1).choice([r for r in rows if r["status"] == "failed"])
    print(
        f"  ... e.g. recipient {sample['recipient']}: {sample['status']} ({sample['error_reason']})"
    )

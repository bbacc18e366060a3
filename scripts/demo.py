"""The demo campaign: run by `make demo` once `make up` has started every service
and the platform simulators.

It creates a tenant and an admin API key (with the platform key), a Telegram bot
connection, imports 300 contacts, tells the Telegram simulator that a few of
them blocked the bot, runs a campaign to everyone labelled `newsletter`, shows
its progress, and prints the final counters and the head of the CSV report.
"""

from __future__ import annotations

import csv
import io
import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

API = f"http://127.0.0.1:{os.environ.get('CAMPAIGN_API_PORT', '8080')}"
PLATFORM_KEY = os.environ.get("PLATFORM_API_KEY", "dev-platform-key")
# the simulator `make demo` starts, whatever TELEGRAM_API_BASE says for real bots
TELEGRAM_SIM = os.environ.get("DEMO_TELEGRAM_SIMULATOR", "http://127.0.0.1:9000")
TENANT = "demo"
CONNECTION = "demo-bot"
BOT_TOKEN = "700000001:AAdemo-bot-token-for-the-simulator0"  # noqa: S105 (simulated)
CONTACTS = 300
BLOCKED = [f"9100{n:05d}" for n in (7, 42, 99, 150, 233)]
DEACTIVATED = [f"9100{n:05d}" for n in (64, 201)]
FIRST_NAMES = ["Alice", "Bob", "Chen", "Dana", "Emil", "Farah", "Goran", "Hana", "Ivan", "Jia"]
REPORT = Path(__file__).resolve().parents[1] / ".run" / "demo-report.csv"


def call(client: httpx.Client, method: str, path: str, **kwargs: Any) -> Any:
    response = client.request(method, path, **kwargs)
    if response.status_code >= 400:
        sys.exit(f"{method} {path} failed: {response.status_code} {response.text}")
    return response.json() if "json" in response.headers.get("content-type", "") else response.text


def contacts_csv() -> str:
    rows = ["external_id,name,labels,city"]
    cities = ["Berlin", "Lisbon", "Warsaw", "Madrid"]
    for n in range(1, CONTACTS + 1):
        labels = "newsletter;vip" if n % 3 == 0 else "newsletter"
        name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {chr(65 + n % 26)}."
        rows.append(f"9100{n:05d},{name},{labels},{cities[n % len(cities)]}")
    return "\n".join(rows) + "\n"


def progress_line(campaign: dict[str, Any]) -> str:
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


def main() -> None:
    print(f"campaign-api at {API}; Telegram simulator at {TELEGRAM_SIM}")
    with httpx.Client(base_url=API, timeout=60) as platform:
        platform.headers["Authorization"] = f"Bearer {PLATFORM_KEY}"
        ends = (datetime.now(UTC) + timedelta(days=365)).isoformat()
        call(
            platform,
            "PUT",
            f"/v1/tenants/{TENANT}",
            json={"plan": "paid", "subscription_ends_at": ends},
        )
        key = call(
            platform,
            "POST",
            f"/v1/tenants/{TENANT}/api-keys",
            json={"role": "admin", "label": "demo"},
        )["key"]
    print(f"tenant {TENANT!r} (paid plan) with an admin API key {key[:10]}...")

    with httpx.Client(base_url=TELEGRAM_SIM, timeout=10) as sim:
        call(sim, "POST", "/_sim/recipients", json={"ids": BLOCKED, "state": "blocked"})
        call(sim, "POST", "/_sim/recipients", json={"ids": DEACTIVATED, "state": "deactivated"})
    print(
        f"in the simulator, {len(BLOCKED)} people blocked the bot "
        f"and {len(DEACTIVATED)} deleted their accounts"
    )

    with httpx.Client(base_url=API, timeout=60, headers={"Authorization": f"Bearer {key}"}) as api:
        call(
            api,
            "PUT",
            f"/v1/connections/{CONNECTION}",
            json={"channel": "telegram_bot", "credentials": {"token": BOT_TOKEN}},
        )
        result = call(
            api,
            "POST",
            f"/v1/contacts/import?connection_id={CONNECTION}",
            content=contacts_csv(),
            headers={"Content-Type": "text/csv"},
        )
        print(f"imported {result['accepted']} contacts ({result['rejected']} rejected)")
        audience = {"kind": "filter", "channels": ["telegram"], "labels_any": ["newsletter"]}
        deadline = time.monotonic() + 60
        while True:
            estimate = call(api, "POST", "/v1/audience/estimate", json={"audience": audience})
            if estimate["audience_size"] >= CONTACTS or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        print(f"estimated audience: {estimate['audience_size']} (labels_any: newsletter)")

        created = call(
            api,
            "POST",
            "/v1/campaigns",
            json={
                "name": "Demo: autumn sale",
                "connection_id": CONNECTION,
                "audience": audience,
                "content": {
                    "kind": "text",
                    "text": "Hello, {first_name|friend}! Our autumn sale in {city} starts today.",
                },
            },
            headers={"Idempotency-Key": f"demo-{uuid.uuid4()}"},
        )
        campaign_id = created["campaign_id"]
        print(f"campaign {campaign_id} created; a Telegram bot may send ~30 messages a second:")
        on_terminal = sys.stdout.isatty()
        shown = ""
        while True:
            campaign = call(api, "GET", f"/v1/campaigns/{campaign_id}")
            line = progress_line(campaign)
            if on_terminal:
                print(line, end="", flush=True)
            elif line.split("]")[0] != shown:  # in a log, a line each time the bar grows
                shown = line.split("]")[0]
                print(line.lstrip("\r"), flush=True)
            if campaign["status"] in ("completed", "cancelled"):
                break
            time.sleep(0.5)
        print()
        report = call(api, "GET", f"/v1/campaigns/{campaign_id}/report.csv")
        command = f"/send sid{campaign['sending_id']}"
        answered = call(api, "POST", "/v1/commands", json={"command": command})

    p = campaign["progress"]
    print(
        f"\nfinal: audience {p['audience_size']}, delivered {p['delivered']}, "
        f"failed {p['failed']}, "
        f"skipped {p['skipped']}, cancelled {p['cancelled']}, unknown {p['unknown']}"
    )
    for reason in campaign["failure_reasons"]:
        print(
            f"  {reason['count']:>4} {reason['status']}: "
            f"{reason['error_code']} {reason['error_reason']}"
        )
    print(f"\nasked in the /send language (POST /v1/commands, or campaignctl {command[6:]}):")
    print(f"  > {command}")
    for line in answered["lines"]:
        print(f"  {line}")
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
    print(
        "\nthe services keep running (API docs: http://127.0.0.1:8080/docs); `make down` stops them"
    )


if __name__ == "__main__":
    main()

"""The demo: run by `make demo` once every service and the platform simulators
are up.

It creates a tenant and an admin API key (with the platform key), then shows
each channel against its simulator (scripts/demo_channels/):

* Telegram: a bot's campaign to 300 people, a few of whom blocked the bot, with
  its progress, final counters, the `/send` language's answer and the CSV report;
* WhatsApp: a campaign larger than the number's daily allowance: the dry run's
  sending days, then 20 sent today and the rest waiting for the next days;
* Instagram: people outside the 24-hour window skipped, never attempted;
* the operator bot: a scripted admin in a simulated Telegram group replies
  `/send all demo-bot` to a photo and asks `/send sid<n>`; the bot's answers, its
  notices and its report.

The simulators are told who wrote when, so the platforms and the product agree
about the 24-hour windows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from demo_channels import instagram, operator_bot, telegram, whatsapp
from demo_channels.common import API, PLATFORM_KEY, call

TENANT = "demo"
MONTHLY_LIMIT = 1_000_000
"""Far above what the demo sends, so running it many times a month keeps working."""


def tenant_key() -> str:
    """The demo tenant (paid, for a year) and a new admin API key of it."""
    with httpx.Client(base_url=API, timeout=60) as platform:
        platform.headers["Authorization"] = f"Bearer {PLATFORM_KEY}"
        ends = (datetime.now(UTC) + timedelta(days=365)).isoformat()
        call(
            platform,
            "PUT",
            f"/v1/tenants/{TENANT}",
            json={"plan": "paid", "monthly_limit": MONTHLY_LIMIT, "subscription_ends_at": ends},
        )
        key: str = call(
            platform,
            "POST",
            f"/v1/tenants/{TENANT}/api-keys",
            json={"role": "admin", "label": "demo"},
        )["key"]
    print(
        f"tenant {TENANT!r} (paid plan, {MONTHLY_LIMIT:,} messages a month) "
        f"with an admin API key {key[:10]}..."
    )
    return key


def main() -> None:
    print(f"campaign-api at {API}")
    key = tenant_key()
    with httpx.Client(base_url=API, timeout=60, headers={"Authorization": f"Bearer {key}"}) as api:
        telegram.run(api)
        whatsapp.run(api)
        instagram.run(api)
        operator_bot.run(api)
        slow = telegram.start_slow_campaign(api)
    print(
        f"\nthe web console: {API}/console/ (sign in with the API key {key});\n"
        f"campaign {slow} sends a message every 2 seconds for about ten minutes: watch it there"
    )
    print(
        f"\nthe services keep running (API docs: {API}/docs), and the WhatsApp "
        "campaign's next messages go at 00:00 UTC while they do; `make down` stops them"
    )


if __name__ == "__main__":
    main()

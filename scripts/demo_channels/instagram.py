"""The Instagram part: only people who wrote within 24 hours may be messaged.

30 people who wrote within the last hour and 20 who last wrote days ago (the
simulator is told when each wrote, as Instagram would know it).  The campaign
sends to the 30 and skips the 20 without attempting them: Instagram counts a
message outside the window against the account.  The simulator's record of the
messages it received shows none went to the 20.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx

from .common import (
    INSTAGRAM_SIM,
    Campaign,
    Contact,
    call,
    create_campaign,
    finished,
    heading,
    import_contacts,
    name_of,
    tell_simulator_who_wrote,
    wait_for_audience,
    wait_for_campaign,
)

CONNECTION = "demo-instagram"
IG_ID = "17841400000042"
ACCESS_TOKEN = "IGdemo-instagram-token-for-the-simulator"  # noqa: S105 (simulated)
RECENT = 30
OLD = 20


def contacts(now: datetime) -> tuple[list[Contact], list[Contact]]:
    """(people who wrote within the last hour, people who last wrote 2 to 9 days ago)."""
    recent = [
        Contact(f"6{n:015d}", name_of(n), now - timedelta(minutes=5 + n % 40), ("spring",))
        for n in range(1, RECENT + 1)
    ]
    old = [
        Contact(f"6{n:015d}", name_of(n), now - timedelta(days=2 + n % 8), ("spring",))
        for n in range(RECENT + 1, RECENT + OLD + 1)
    ]
    return recent, old


def received(sim: httpx.Client, since: int) -> list[str]:
    """Whom the simulator received a message for on this account, after call `since`."""
    calls = call(sim, "GET", "/_sim/calls", params={"since": since, "account": IG_ID})["calls"]
    return [c["recipient"] for c in calls if c["method"] == "messages"]


def last_call(sim: httpx.Client) -> int:
    calls = call(sim, "GET", "/_sim/calls", params={"account": IG_ID})["calls"]
    return int(calls[-1]["seq"]) if calls else 0


def show_counters(campaign: Campaign) -> None:
    """The counters, and the reasons by rule (each person's own reason names the
    day they last wrote: one example is shown)."""
    p = campaign["progress"]
    print(
        f"final: audience {p['audience_size']}, sent {p['sent']}, skipped {p['skipped']}, "
        f"failed {p['failed']}, unknown {p['unknown']}"
    )
    counts: Counter[tuple[str, str]] = Counter()
    example: dict[tuple[str, str], str] = {}
    for reason in campaign["failure_reasons"]:
        rule = (reason["status"], reason["error_code"])
        counts[rule] += reason["count"]
        example.setdefault(rule, reason["error_reason"])
    for (status, code), count in counts.items():
        print(f"  {count:>4} {status}: {code}, e.g. {example[status, code]}")


def prove_never_attempted(sim: httpx.Client, since: int, old: list[Contact]) -> None:
    to = received(sim, since)
    outside = {c.external_id for c in old} & set(to)
    stats = call(sim, "GET", "/_sim/stats")["accounts"].get(IG_ID, {})
    print(
        f"the Instagram simulator received {len(to)} messages ({len(set(to))} people); "
        f"{len(outside)} of them to the {len(old)} people outside the window; "
        f"policy violations it counted against the account: {stats.get('policy_violations', 0)}"
    )


def run(api: httpx.Client) -> None:
    heading(f"Instagram: {RECENT} people wrote within 24 hours, {OLD} did not")
    call(
        api,
        "PUT",
        f"/v1/connections/{CONNECTION}",
        json={
            "channel": "instagram",
            "credentials": {"access_token": ACCESS_TOKEN, "ig_id": IG_ID},
        },
    )
    recent, old = contacts(datetime.now(UTC))
    import_contacts(api, CONNECTION, recent + old)
    told = tell_simulator_who_wrote(INSTAGRAM_SIM, recent + old)
    print(
        f"told the Instagram simulator when each of {told} people last wrote: {RECENT} within "
        f"the last hour, {OLD} 2 to 9 days ago"
    )
    audience = {"kind": "filter", "connection_ids": [CONNECTION], "labels_any": ["spring"]}
    wait_for_audience(api, audience, RECENT + OLD)
    with httpx.Client(base_url=INSTAGRAM_SIM, timeout=10) as sim:
        since = last_call(sim)
        campaign_id = create_campaign(
            api,
            {
                "name": "Demo: spring collection (Instagram)",
                "connection_id": CONNECTION,
                "audience": audience,
                "content": {"kind": "text", "text": "Hi {first_name|there}, spring is in!"},
            },
        )
        print(f"campaign {campaign_id} created (text, to all {RECENT + OLD})")
        show_counters(wait_for_campaign(api, campaign_id, finished, timeout=60))
        prove_never_attempted(sim, since, old)

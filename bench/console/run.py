"""Console benchmark (not a test): how long the web console's pages take to answer
for a tenant with 10,000 campaigns, the newest of which has 1,000,000 recipients.

    .venv/bin/python bench/console/run.py [--campaigns 10000] [--large 1000000]
        [--requests 50] [--warm-up 5] [--keep]

campaign-api runs as its own process on RABBITMQ_URL and a fresh database beside the
one DATABASE_URL names.  The tenant and its admin key come through the platform API,
its connections through the API; the campaigns and their deliveries are written
straight into campaign-api's tables by SQL (bench/console/seed.py), then analyzed.
This process signs in to the console as a browser does (the sign-in form's cookie
and token, then the session cookie) and asks for each page `--warm-up` times, then
`--requests` times one after another, timing each round trip on loopback (so the
figures include about a millisecond of HTTP on this machine besides the server's
work).  Printed: min, p50, p95 and max per page, beside the issue's target:

* the campaigns page (first page; filtered by a status; a later page by its
  cursor): p95 < 300 ms;
* the large campaign's page (with the first page of its results) and its results
  filtered by status (`?status=failed`): p95 < 500 ms;
* the list's live progress (`/console/campaigns/live?ids=...`, the 25 campaigns of
  the first page, which the page polls every 2 s): shown against the list's target.

`--keep` leaves the database (its URL is printed) to look at the plans.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import re
import sys
import time
from pathlib import Path

import asyncpg
import httpx
from test_support.infrastructure import (
    create_fresh_database,
    delete_queues,
    drop_database,
    known_queues,
)
from test_support.system import SERVICES, running_system

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import DATABASE_URL, LOG_DIR, RABBITMQ_URL, percentile
from seed import seed

TENANT = "bench-console"
CONNECTIONS = ["shop-bot", "news-bot", "support-bot"]
LIST_TARGET = 0.300
CAMPAIGN_TARGET = 0.500
NEXT_LINK = re.compile(r'rel="next" href="([^"]+)"')
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


async def tenant_key(api_url: str, platform_key: str) -> tuple[str, str]:
    """A new tenant with a paid plan and its admin key: (key, key id); its
    connections made through the API."""
    async with httpx.AsyncClient(base_url=api_url, timeout=30) as platform:
        platform.headers["Authorization"] = f"Bearer {platform_key}"
        answer = await platform.put(
            f"/v1/tenants/{TENANT}", json={"plan": "paid", "monthly_limit": 100_000_000}
        )
        answer.raise_for_status()
        made = await platform.post(f"/v1/tenants/{TENANT}/api-keys", json={"role": "admin"})
        made.raise_for_status()
        key, key_id = made.json()["key"], made.json()["id"]
    async with httpx.AsyncClient(
        base_url=api_url, timeout=30, headers={"Authorization": f"Bearer {key}"}
    ) as api:
        for n, connection in enumerate(CONNECTIONS, 1):
            token = f"91200000{n}:AAbench-console-token-0000000000000"
            put = await api.put(
                f"/v1/connections/{connection}",
                json={"channel": "telegram_bot", "credentials": {"token": token}},
            )
            assert put.status_code < 300, f"{connection}: {put.status_code} {put.text}"
    return key, str(key_id)


async def sign_in(console: httpx.AsyncClient, key: str) -> None:
    """Sign in as the browser does; the client keeps the `console_session` cookie."""
    form = await console.get("/console/sign-in")
    form.raise_for_status()
    found = CSRF_INPUT.search(form.text)
    assert found is not None, "no csrf_token in the sign-in form"
    answer = await console.post(
        "/console/sign-in",
        data={"api_key": key, "csrf_token": found.group(1), "next": "/console/campaigns"},
        headers={"Origin": str(console.base_url).rstrip("/")},
    )
    assert answer.status_code == 303, f"sign-in answered {answer.status_code}: {answer.text}"
    assert "console_session" in console.cookies, "no console_session cookie after sign-in"


async def later_page(console: httpx.AsyncClient, pages: int) -> str:
    """The URL of the list's page `pages` + 1, reached by following Next links."""
    url = "/console/campaigns"
    for _ in range(pages):
        page = await console.get(url)
        page.raise_for_status()
        found = NEXT_LINK.search(page.text)
        assert found is not None, f"no next page after {url}"
        url = html.unescape(found.group(1))
    return url


async def timed(console: httpx.AsyncClient, url: str, requests: int, warm_up: int) -> list[float]:
    """Round-trip seconds of `requests` GETs of `url`, one after another, after
    `warm_up` untimed ones; every answer must be a 200."""
    times = []
    for n in range(warm_up + requests):
        started = time.perf_counter()
        answer = await console.get(url)
        elapsed = time.perf_counter() - started
        assert answer.status_code == 200, f"{url} answered {answer.status_code}"
        if n >= warm_up:
            times.append(elapsed)
    return times


def figures(label: str, times: list[float], target: float) -> str:
    p95 = percentile(times, 95)
    within = "within" if p95 < target else "MISSES"
    return (
        f"  {label:<34} min {min(times) * 1000:6.1f}  p50 {percentile(times, 50) * 1000:6.1f}"
        f"  p95 {p95 * 1000:6.1f}  max {max(times) * 1000:6.1f} ms"
        f"   [target p95 < {target * 1000:.0f} ms: {within}]"
    )


async def newest(database_url: str, limit: int) -> list[str]:
    """The ids of the tenant's newest campaigns (the first page of the list)."""
    connection = await asyncpg.connect(database_url)
    try:
        rows = await connection.fetch(
            "SELECT id FROM campaign_api.campaigns WHERE tenant_id = $1 "
            "ORDER BY created_at DESC, id DESC LIMIT $2",
            TENANT,
            limit,
        )
    finally:
        await connection.close()
    return [str(row["id"]) for row in rows]


async def measure(
    console: httpx.AsyncClient, database_url: str, arguments: argparse.Namespace
) -> None:
    ids = await newest(database_url, 25)
    large = ids[0]
    depth = max(1, min(40, arguments.campaigns // 25 - 2))
    pages = [
        ("campaigns, first page", "/console/campaigns", LIST_TARGET),
        ("campaigns, status=running", "/console/campaigns?status=running", LIST_TARGET),
        ("campaigns, status=cancelled", "/console/campaigns?status=cancelled", LIST_TARGET),
        (f"campaigns, page {depth + 1} by cursor", await later_page(console, depth), LIST_TARGET),
        ("live progress, 25 ids", "/console/campaigns/live?ids=" + "&ids=".join(ids), LIST_TARGET),
        ("large campaign's page", f"/console/campaigns/{large}", CAMPAIGN_TARGET),
        (
            "large campaign, status=failed",
            f"/console/campaigns/{large}?status=failed",
            CAMPAIGN_TARGET,
        ),
    ]
    print(
        f"round trips on loopback, {arguments.requests} each after {arguments.warm_up} "
        "warm-up ones:",
        flush=True,
    )
    for label, url, target in pages:
        times = await timed(console, url, arguments.requests, arguments.warm_up)
        print(figures(label, times, target), flush=True)


async def main(arguments: argparse.Namespace) -> int:
    database_url = await create_fresh_database(DATABASE_URL, prefix="bench")
    await delete_queues(RABBITMQ_URL, known_queues())
    campaign_api = next(spec for spec in SERVICES if spec.name == "campaign-api")
    try:
        async with running_system(
            database_url=database_url,
            rabbitmq_url=RABBITMQ_URL,
            log_dir=LOG_DIR,
            env={"LOG_LEVEL": "WARNING"},
            services=[campaign_api],
        ) as system:
            key, key_id = await tenant_key(system.api_url, system.platform_key)
            print(
                f"seeding {arguments.campaigns:,} campaigns, the newest with "
                f"{arguments.large:,} recipients ...",
                flush=True,
            )
            started = time.monotonic()
            await seed(
                database_url,
                tenant=TENANT,
                connections=CONNECTIONS,
                started_by=key_id,
                campaigns=arguments.campaigns,
                large=arguments.large,
            )
            print(f"  seeded and analyzed in {time.monotonic() - started:.0f} s", flush=True)
            async with httpx.AsyncClient(base_url=system.api_url, timeout=60) as console:
                await sign_in(console, key)
                await measure(console, database_url, arguments)
    finally:
        await delete_queues(RABBITMQ_URL, known_queues())
        if arguments.keep:
            print(f"database kept: {database_url}")
        else:
            await drop_database(database_url)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--campaigns", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000, help="the large campaign's size")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warm-up", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    sys.exit(asyncio.run(main(parser.parse_args())))

"""How many broker messages the services consumed, from their own /metrics
(`consumer_messages_total`, per queue, summed over the services)."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
from prometheus_client.parser import text_string_to_metric_families


async def consumed(urls: list[str]) -> Counter[str]:
    """Messages consumed so far, by queue label, over the services at `urls`."""
    async with httpx.AsyncClient(timeout=10) as client:
        texts = await asyncio.gather(*(client.get(f"{url}/metrics/") for url in urls))
    found: Counter[str] = Counter()
    for text in texts:
        for family in text_string_to_metric_families(text.text):
            for sample in family.samples:
                if sample.name == "consumer_messages_total":
                    found[sample.labels["queue"]] += int(sample.value)
    return found


def per_thousand(before: Counter[str], after: Counter[str], messages: int) -> list[str]:
    """The queues that took messages, with how many per 1000 messages sent."""
    grown = after - before
    scale = 1000 / max(messages, 1)
    lines = [f"{queue:45} {count * scale:8.2f}" for queue, count in grown.most_common()]
    lines.append(f"{'in all':45} {sum(grown.values()) * scale:8.2f}")
    return lines

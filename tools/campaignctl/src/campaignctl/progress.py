"""Live progress of running campaigns: one bar each, until every one has finished."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

FINISHED = ("completed", "cancelled")


def _done_and_total(campaign: dict[str, Any]) -> tuple[int, int | None]:
    p = campaign["progress"]
    total = p.get("total")
    done = p["sent"] + p["failed"] + p["skipped"] + p["cancelled"] + p.get("unknown", 0)
    if campaign["status"] in FINISHED and total is None:
        total = done
    return done, total


def describe(campaign: dict[str, Any]) -> str:
    p = campaign["progress"]
    return (
        f"sid{campaign['sending_id']} {campaign['status']}: "
        f"{p['sent']} sent, {p['failed']} failed, "
        f"{p['skipped']} skipped, {p['cancelled']} cancelled"
        + (f", {p['unknown']} unknown" if p.get("unknown") else "")
        + (f", {p['remaining']} remaining" if p.get("remaining") else "")
    )


def watch(
    campaign_ids: list[str],
    fetch: Callable[[str], dict[str, Any]],
    console: Console,
    *,
    every: float = 0.5,
    timeout: float | None = None,
) -> list[dict[str, Any]]:
    """Poll each campaign until it finishes, drawing a bar per campaign; returns
    the last state of each.  Ctrl-C stops watching (the campaigns go on)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    latest = {cid: fetch(cid) for cid in campaign_ids}
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[counts]}"),
    )
    with Progress(*columns, console=console, transient=False) as bars:
        tasks: dict[str, TaskID] = {
            cid: bars.add_task(f"sid{c['sending_id']} {c['connection_id']}", total=None, counts="")
            for cid, c in latest.items()
        }
        while True:
            for cid, campaign in latest.items():
                done, total = _done_and_total(campaign)
                bars.update(tasks[cid], completed=done, total=total, counts=describe(campaign))
            if all(c["status"] in FINISHED for c in latest.values()):
                break
            if deadline is not None and time.monotonic() > deadline:
                break
            time.sleep(every)
            latest = {cid: fetch(cid) for cid in campaign_ids}
    return list(latest.values())

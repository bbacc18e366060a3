"""One scenario at a time: its campaigns, its fault, and its row."""

from __future__ import annotations

import time
import uuid
from typing import Any

import sim
import traffic
from control import API
from faults import post_with_kill
from report import Row, agree, lost, rate, recovery
from scenarios import Scenario

RESUME_TARGET = 10.0
"""Seconds from a component's return to the next message at the platform."""


class Runner:
    """The demo tenant with two fast text bots and one for AI campaigns."""

    def __init__(self, recipients: int, ai_recipients: int, other_recipients: int) -> None:
        self.api = traffic.client()
        each = recipients // 2
        self.bots = {
            "telegram": [traffic.add_bot(self.api, n, each) for n in (1, 2)],
            "ai": [traffic.add_bot(self.api, 3, ai_recipients)],
            "whatsapp": [traffic.add_account(self.api, "whatsapp", 4, other_recipients)],
            "instagram": [traffic.add_account(self.api, "instagram", 5, other_recipients)],
        }

    def run(self, scenario: Scenario) -> Row:
        sim.reset()
        bots = self.bots["ai" if scenario.ai else scenario.channel]
        for bot in bots:
            bot.tell_simulator()
        started = time.monotonic()
        scenario_run = ScenarioRun(self.api, scenario, bots)
        try:
            back = scenario.fault.inject(scenario_run)
        except TimeoutError as stuck:
            print(f"  {stuck}", flush=True)
            back, scenario_run.notes = [], [str(stuck)]
        return scenario_run.row(back, time.monotonic() - started)


class ScenarioRun:
    """A scenario's campaigns (one per bot) as the fault sees them."""

    def __init__(self, api: Any, scenario: Scenario, bots: list[traffic.Bot]) -> None:
        self.api = api
        self.scenario = scenario
        self.bots = bots
        self.tag = f"{scenario.name}-{uuid.uuid4().hex[:6]}"
        self.total = sum(bot.contacts for bot in bots)
        self.ids: list[str] = []
        self.notes: list[str] = []
        """What went wrong with the fault itself (a component not back)."""

    def _spec(self, bot: traffic.Bot) -> dict[str, Any]:
        content = (
            traffic.ai_content(self.tag) if self.scenario.ai else traffic.text_content(self.tag)
        )
        return traffic.campaign_spec(bot, self.tag, content)

    def start(self) -> None:
        self.ids = [traffic.create(self.api, self._spec(bot)) for bot in self.bots]

    def start_killing_api(self) -> float:
        key = f"chaos-{uuid.uuid4()}"
        headers = {"Idempotency-Key": key, "Authorization": self.api.headers["Authorization"]}
        first, *rest = self.bots
        back = post_with_kill(f"{API}/v1/campaigns", self._spec(first), headers, "campaign-api")
        self.ids = [traffic.create(self.api, self._spec(first), key)]
        self.ids += [traffic.create(self.api, self._spec(bot)) for bot in rest]
        return back

    def wait_sent(self, fraction: float, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while sim.successes(self.bots) < fraction * self.total:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{fraction:.0%} of the messages were not sent in {timeout:g} s")
            time.sleep(0.1)

    def row(self, back: list[float], seconds_so_far: float) -> Row:
        started = time.monotonic()
        per_bot = max(bot.contacts / bot.rate for bot in self.bots)
        campaigns = traffic.wait_finished(self.api, self.ids, timeout=3 * per_bot + 180)
        got = sim.received(self.bots, None if self.scenario.ai else f"chaos {self.tag}:")
        api_sent = set().union(*(traffic.sent_external_ids(self.api, i) for i in self.ids))
        unknown = sum(int(c["progress"]["unknown"]) for c in campaigns)
        bound = (
            self.scenario.dispatcher_kills * traffic.MAX_IN_FLIGHT * len(self.bots)
            if self.scenario.dispatcher_kills
            else None
        )
        wait = recovery(back, got)
        notes = self.notes + [
            f"{c['id']} still {c['status']}" for c in campaigns if c["status"] != "completed"
        ]
        if bound is not None and unknown > bound:
            notes.append(f"unknown {unknown} > {bound}")
        if wait is not None and wait > RESUME_TARGET:
            notes.append(f"resumed after {wait:.1f} s")
        agreed = agree(campaigns, api_sent, got)
        if not agreed:
            notes.append(f"API sent {len(api_sent)}, platform got {len(got.recipients)}")
        return Row(
            scenario=self.scenario.name,
            recipients=self.total,
            sent_at_platform=len(got.recipients),
            duplicates=got.duplicates,
            lost=sum(lost(c, bot.contacts) for c, bot in zip(campaigns, self.bots, strict=True)),
            unknown=unknown,
            unknown_bound=bound,
            agree=agreed,
            recovery=wait,
            seconds=seconds_so_far + time.monotonic() - started,
            rate=rate(got),
            note="; ".join(notes),
            component_back=not self.notes,
        )

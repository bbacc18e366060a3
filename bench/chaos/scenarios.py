"""Every scenario: one fault in the middle of a campaign at speed."""

from __future__ import annotations

from dataclasses import dataclass

import faults
from faults import Fault


@dataclass(frozen=True)
class Scenario:
    name: str
    fault: Fault
    ai: bool = False
    """An AI campaign (through the ai-composer) instead of text campaigns."""
    channel: str = "telegram"
    """Two fast Telegram bots, or one WhatsApp number or one Instagram account."""
    replicas: int = 1
    """Of every worker."""
    dispatcher_kills: int = 0
    """Kills of a dispatcher: each may leave up to max_in_flight per bot 'unknown'."""


SCENARIOS = [
    Scenario("kill-campaign-api", faults.kill("campaign-api")),
    Scenario("kill-campaign-api-creating", faults.kill_api_while_creating()),
    Scenario(
        "kill-audience-resolver",
        faults.kill_while_snapshotting(),
    ),
    Scenario("kill-scheduler", faults.kill("scheduler")),
    Scenario(
        "kill-dispatcher-telegram",
        faults.kill("dispatcher-telegram", 0.3, 0.6),
        dispatcher_kills=2,
    ),
    Scenario(
        "kill-dispatcher-whatsapp",
        faults.kill("dispatcher-whatsapp", 0.3, 0.6),
        channel="whatsapp",
        dispatcher_kills=2,
    ),
    Scenario(
        "kill-dispatcher-instagram",
        faults.kill("dispatcher-instagram", 0.3, 0.6),
        channel="instagram",
        dispatcher_kills=2,
    ),
    Scenario("kill-ai-composer", faults.kill("ai-composer"), ai=True),
    Scenario(
        "stop-dispatcher-60s",
        faults.stop_for("dispatcher-telegram", 60),
    ),
    Scenario(
        "replicas-kill-dispatcher",
        faults.kill_lease_holder("dispatcher-telegram"),
        replicas=2,
        dispatcher_kills=1,
    ),
    Scenario("restart-rabbitmq", faults.restart_rabbitmq()),
    Scenario("restart-postgresql", faults.restart_postgresql()),
]
BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}

"""The operator bot's Prometheus metrics (labels bounded: no chat, user or tenant)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter

OUTCOMES = ("answered", "refused", "unbound_topic")


class BotMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.updates = Counter(
            "operator_bot_updates",
            "Updates the groups' bots were given, by how they ended: handled, passed_over "
            "(a chat no group is in), waiting (a failure that may pass: tried again), "
            "failed (logged, not retried)",
            ["outcome"],
            registry=registry,
        )
        self.commands = Counter(
            "operator_bot_commands",
            "/send commands, by outcome: answered (carried out), refused (campaign-api "
            "said what to fix), unbound_topic",
            ["outcome"],
            registry=registry,
        )
        self.notices = Counter(
            "operator_bot_notices",
            "Notices posted in the groups: started, finished, report (documents)",
            ["kind"],
            registry=registry,
        )

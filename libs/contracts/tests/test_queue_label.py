"""Per-connection queues are one label value per dispatcher, whatever the ids."""

from __future__ import annotations

import pytest
from contracts.names import Queue, RoutingKey, dead_letter_queue, dispatch_queue, queue_label


@pytest.mark.parametrize("dispatcher", ["telegram", "whatsapp", "instagram"])
def test_a_connection_queue_is_labelled_by_its_template(dispatcher: str) -> None:
    queue = dispatch_queue(dispatcher, "tenant-1", "conn.with.dots")  # type: ignore[arg-type]
    assert queue_label(queue) == f"dispatch.{dispatcher}.connection"
    assert queue_label(dead_letter_queue(queue)) == f"dispatch.{dispatcher}.connection.dlq"


def test_two_connections_share_one_label() -> None:
    first = dispatch_queue("telegram", "9b2f", "c-1")
    second = dispatch_queue("telegram", "77aa", "c-2")
    assert first != second
    assert queue_label(first) == queue_label(second)


@pytest.mark.parametrize(
    "name",
    [
        Queue.SCHEDULER_DELIVERIES,
        dead_letter_queue(Queue.API_DELIVERIES),
        RoutingKey.DISPATCH_SEND,
        "dispatcher-telegram.connections",
    ],
)
def test_other_names_are_kept(name: str) -> None:
    assert queue_label(name) == name

"""`dead-letters`: list, show and replay dead letters once their cause is fixed.

    dead-letters list
    dead-letters show QUEUE [--limit N]
    dead-letters replay QUEUE (--message-id ID ... | --all) [--limit N] [--dry-run]

QUEUE is a dead-letter queue (`scheduler.deliveries.dlq`) or the queue it
belongs to (`scheduler.deliveries`).  The broker is `RABBITMQ_URL`; `list` also
reads RabbitMQ's Prometheus plugin (`RABBITMQ_METRICS_URL`, by default port
15692 of the broker's host), since AMQP cannot list queues.  What a replay
promises is `replay`'s docstring: at-least-once, acknowledged only
once confirmed.

Exit codes: 0 done; 1 some chosen message was left in place or not found;
2 a usage error or an unknown queue; 3 the broker (or its metrics) unreachable.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence

import aio_pika

from .queue_listing import default_metrics_url, list_queues, vhost_of
from .replay import DLQ_SUFFIX, DeadLetter, DeadLetterQueues, Replay, UnknownQueue

OK, LEFT, USAGE, UNREACHABLE = 0, 1, 2, 3


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="dead-letters", description="Inspect and replay dead-lettered messages."
    )
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="every dead-letter queue with its message count")
    show = commands.add_parser("show", help="the dead letters of a queue, left in place")
    show.add_argument("queue")
    show.add_argument("--limit", type=_positive, default=20)
    replay = commands.add_parser("replay", help="put dead letters back on their queue")
    replay.add_argument("queue")
    chosen = replay.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--message-id", action="append", dest="message_ids", metavar="ID")
    chosen.add_argument("--all", action="store_true")
    replay.add_argument("--limit", type=_positive, default=None)
    replay.add_argument("--dry-run", action="store_true", help="say what would be replayed")
    return top


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def format_letter(letter: DeadLetter) -> str:
    origin = letter.origin
    lines = [
        f"message {letter.message_id or '<no id>'} ({letter.message_type or 'no type'})",
        f"  reason: {letter.reason}",
        (
            f"  from queue {origin.queue} (exchange {origin.exchange or '<default>'},"
            f" routing key {origin.routing_key})"
            if origin
            else "  from: unknown"
        ),
    ]
    if letter.replayed:
        lines.append(f"  replayed before: {letter.replayed} time(s)")
    if letter.fields:
        lines.append("  " + " ".join(f"{k}={v}" for k, v in letter.fields.items()))
    return "\n".join(lines)


def format_replay(report: Replay, *, dry_run: bool) -> str:
    verb = "would replay" if dry_run else "replayed"
    lines = [f"{verb} {len(report.replayed)}, left in place {len(report.left)}"]
    lines += [
        f"{verb} {letter.message_id} to {letter.origin.queue}"
        for letter in report.replayed
        if letter.origin
    ]
    lines += [f"left {letter.message_id}: {why}" for letter, why in report.left]
    lines += [f"not found: {message_id}" for message_id in sorted(report.not_found)]
    return "\n".join(lines)


async def _list(queues: DeadLetterQueues, url: str) -> int:
    metrics = os.environ.get("RABBITMQ_METRICS_URL") or default_metrics_url(url)
    try:
        names = await list_queues(metrics, vhost_of(url))
    except OSError as error:
        print(
            f"cannot list queues: RabbitMQ's metrics at {metrics} do not answer ({error})",
            file=sys.stderr,
        )
        return UNREACHABLE
    counts = await queues.counts(name for name in names if name.endswith(DLQ_SUFFIX))
    for name, count in counts.items():
        print(f"{count:8d}  {name}")
    return OK


async def run(args: argparse.Namespace, url: str) -> int:
    connection = await aio_pika.connect_robust(url, timeout=10)
    async with connection:
        queues = DeadLetterQueues(connection)
        if args.command == "list":
            return await _list(queues, url)
        if args.command == "show":
            letters = await queues.show(args.queue, args.limit)
            print(f"{await queues.count(args.queue)} message(s) in {args.queue}")
            print("\n".join(format_letter(letter) for letter in letters))
            return OK
        ids = set(args.message_ids) if args.message_ids else None
        report = await queues.replay(args.queue, ids, args.limit, dry_run=args.dry_run)
        print(format_replay(report, dry_run=args.dry_run))
        return LEFT if report.left or report.not_found else OK


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    url = os.environ.get("RABBITMQ_URL")
    if not url:
        print("RABBITMQ_URL is not set", file=sys.stderr)
        return USAGE
    try:
        return asyncio.run(run(args, url))
    except UnknownQueue as error:
        print(f"{error}", file=sys.stderr)
        return USAGE
    except (OSError, aio_pika.exceptions.AMQPConnectionError) as error:
        print(f"cannot reach RabbitMQ: {error}", file=sys.stderr)
        return UNREACHABLE


if __name__ == "__main__":
    sys.exit(main())

"""campaignctl: run `/send` commands against the campaign-api from a terminal.

    campaignctl [options] /send all promo 5m tg-main
    campaignctl [options] all promo 5m tg-main          (the `/send` may be left out)
    campaignctl --text 'Hello, {name}!' mark vip         the replied-to message, as text
    campaignctl --reply message.json promo 1h            ... or as content JSON (media etc.)
    campaignctl --file ids.txt file promo                `/send file`: the ids in a file
    campaignctl watch sid12                              live progress of a sending
    campaignctl --dialog tg-main:111 welcome 5m          typed in one customer's dialog:
                                                         the template to that customer

A command that starts sendings shows a live progress bar until they finish
(`--no-watch` returns at once).  Settings: CAMPAIGN_API_URL (default
http://127.0.0.1:8080) and CAMPAIGN_API_KEY, or --api and --key.
Exit status: 0 done, 1 refused by the API (the reason is printed), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from .client import Api, Extras, Refused
from .progress import describe, watch

DEFAULT_API = "http://127.0.0.1:8080"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="campaignctl",
        description="Run a /send command against the campaign-api.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    parser.add_argument("--api", default=os.environ.get("CAMPAIGN_API_URL", DEFAULT_API))
    parser.add_argument("--key", default=os.environ.get("CAMPAIGN_API_KEY"))
    message = parser.add_mutually_exclusive_group()
    message.add_argument("--text", help="the replied-to message: this text")
    message.add_argument("--reply", type=Path, help="the replied-to message: a content JSON file")
    parser.add_argument("--file", type=Path, help="/send file: the ids, one file")
    parser.add_argument("--me", help="/send test: your own id, if your key does not know it")
    parser.add_argument("--interval", type=float, help="seconds between messages")
    parser.add_argument("--name", help="the campaign's name")
    parser.add_argument(
        "--dialog",
        metavar="CONNECTION:USER_ID",
        help="the command is typed in this customer's dialog, not in General",
    )
    parser.add_argument("--no-watch", action="store_true", help="do not follow the progress")
    parser.add_argument("--json", action="store_true", help="print the API's answer as JSON")
    parser.add_argument("words", nargs="+", help="the command, e.g. /send all promo 5m")
    return parser


def _extras(args: argparse.Namespace) -> Extras:
    reply_to: dict[str, Any] | None = None
    if args.text is not None:
        reply_to = {"kind": "text", "text": args.text}
    elif args.reply is not None:
        reply_to = json.loads(args.reply.read_text(encoding="utf-8"))
    return Extras(
        reply_to=reply_to,
        file=args.file.read_text(encoding="utf-8") if args.file else None,
        external_id=args.me,
        interval_seconds=args.interval,
        name=args.name,
        dialog=_dialog(args.dialog),
    )


def _dialog(value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    connection_id, _, external_id = value.partition(":")
    if not connection_id or not external_id:
        raise ValueError(f"--dialog takes CONNECTION:USER_ID, like tg-main:111, not {value!r}")
    return connection_id, external_id


def _command(words: Sequence[str]) -> str:
    text = " ".join(words).strip()
    return text if text.lower().startswith("/send") else f"/send {text}"


def run(argv: Sequence[str] | None = None, console: Console | None = None) -> int:
    args = _parser().parse_args(argv)
    console = console or Console()
    errors = Console(stderr=True)
    if not args.key:
        errors.print("campaignctl: no API key: set CAMPAIGN_API_KEY or pass --key")
        return 2
    try:
        extras = _extras(args)
    except (OSError, ValueError) as error:
        errors.print(f"campaignctl: {error}")
        return 2
    headers = {"Authorization": f"Bearer {args.key}"}
    with httpx.Client(base_url=args.api, headers=headers, timeout=60.0) as http:
        api = Api(http)
        try:
            if args.words[0] == "watch":
                return _watch_sending(api, args.words[1:], console)
            answered = api.command(_command(args.words), extras)
        except Refused as refused:
            errors.print(f"campaignctl: refused ({refused.status}): {refused.detail}")
            return 1
        except httpx.HTTPError as error:
            errors.print(f"campaignctl: cannot reach the API at {args.api}: {error}")
            return 1
        if args.json:
            console.print_json(data=answered)
        else:
            console.print(answered["answer"], markup=False, highlight=False, soft_wrap=True)
        if answered["action"] in ("start_sending", "send_template") and not args.no_watch:
            ids = [c["id"] for c in answered["result"]["campaigns"]]
            _follow(api, ids, console)
    return 0


def _watch_sending(api: Api, rest: Sequence[str], console: Console) -> int:
    if len(rest) != 1 or not rest[0].lower().startswith("sid"):
        Console(stderr=True).print("campaignctl: use `campaignctl watch sid<number>`")
        return 2
    answered = api.command(f"/send {rest[0]}", Extras())
    _follow(api, [answered["result"]["id"]], console)
    return 0


def _follow(api: Api, campaign_ids: list[str], console: Console) -> None:
    try:
        final = watch(campaign_ids, api.campaign, console)
    except KeyboardInterrupt:
        console.print("stopped watching; the sending goes on")
        return
    for campaign in final:
        console.print(describe(campaign), markup=False, highlight=False, soft_wrap=True)


def main() -> None:
    sys.exit(run())

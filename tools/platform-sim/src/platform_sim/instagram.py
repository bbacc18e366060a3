"""The Instagram Messaging API: `POST /<version>/<ig_id or me>/messages`, the
account's fields (`GET /<version>/<ig_id or me>?fields=...`), Graph errors."""

from __future__ import annotations

import base64
import itertools
import os
from typing import Any

from aiohttp import web

from . import graph
from .config import COMMON_KEYS, SimConfig
from .faults import Fault
from .ratelimit import Limit
from .simulator import Incoming, Platform, RateRule, SimError, Simulator
from .wire import BadBody, bearer_token, read_params

ERROR_TYPE = "IGApiException"
USER = "user"
"""The method name a `GET /<ig_id or me>` is recorded under."""
SIM_IG_ID = "17841400000000001"
"""The account a token stands for when asked as `me`."""
MAX_TEXT = 1000
WINDOW_SECONDS = 24 * 3600
HUMAN_AGENT_WINDOW_SECONDS = 7 * 24 * 3600
ATTACHMENT_TYPES = frozenset({"image", "audio", "video", "file"})
SLOW_ATTACHMENT_TYPES = frozenset({"audio", "video"})
RATE_ERRORS = {
    "account": (4, 2207051, "(#4) Application request limit reached"),
    "media": (613, None, "(#613) Calls to this api have exceeded the rate limit."),
}


def error(status: int, code: int, message: str, subcode: int | None = None) -> SimError:
    return graph.graph_error(status, code, message, error_type=ERROR_TYPE, subcode=subcode)


def invalid(message: str) -> SimError:
    return error(400, 100, f"(#100) {message}")


class InstagramPlatform(Platform):
    name = "instagram"
    defaults = SimConfig(rate_per_second=300, media_rate_per_second=10)
    config_keys = COMMON_KEYS | {"enforce_window", "media_rate_per_second", "valid_tokens"}
    account_states = frozenset({"ok", "unauthorized", "policy_blocked"})
    recipient_states = frozenset({"ok", "unavailable"})

    def __init__(self) -> None:
        self._salt = os.urandom(6).hex()
        self._ids = itertools.count(1)

    def routes(self) -> list[tuple[str, str]]:
        return [
            ("POST", "/{version:v[0-9.]+}/{ig_id}/messages"),
            ("GET", "/{version:v[0-9.]+}/{ig_id}"),
        ]

    async def decode(self, request: web.Request) -> Incoming:
        if request.method == "GET":
            return Incoming(
                account=request.match_info["ig_id"],
                method=USER,
                params=dict(request.query),
                credential=bearer_token(request),
            )
        incoming = Incoming(
            account=request.match_info["ig_id"],
            method="messages",
            params={},
            credential=bearer_token(request),
            is_send=True,
        )
        try:
            incoming.params = (
                await read_params(request, frozenset({"recipient", "message"}))
            ).values
        except BadBody as exc:
            incoming.error = invalid(str(exc))
            return incoming
        recipient = incoming.params.get("recipient")
        if isinstance(recipient, dict) and recipient.get("id") not in (None, ""):
            incoming.recipient = str(recipient["id"])
        return incoming

    def authorize(self, incoming: Incoming, sim: Simulator) -> None:
        graph.authorize(incoming.credential, incoming.account, sim, "OAuthException")

    def check(self, incoming: Incoming, sim: Simulator, now: float) -> None:
        if incoming.method == USER:
            if incoming.account != "me" and not incoming.account.isdigit():
                raise graph.unknown_node(incoming.account, ERROR_TYPE)
            return
        _validate(incoming)
        if sim.accounts.get(incoming.account) == "policy_blocked":
            raise error(
                400,
                368,
                "(#368) The action attempted has been deemed abusive or is otherwise disallowed",
            )
        recipient = sim.recipients.get(incoming.recipient)
        if recipient.state == "unavailable":
            raise error(400, 551, "(#551) This person isn't available right now.", 1545041)
        window = (
            HUMAN_AGENT_WINDOW_SECONDS
            if incoming.params.get("tag") == "HUMAN_AGENT"
            else WINDOW_SECONDS
        )
        last = recipient.last_inbound_at
        if (last is None and sim.config.enforce_window) or (
            last is not None and now - last > window
        ):
            sim.stats.on_policy_violation(incoming.account)
            raise error(403, 10, "This message is sent outside of allowed window.", 2018278)

    def rate_rules(self, incoming: Incoming, config: SimConfig) -> list[RateRule]:
        rules = []
        if _attachment_type(incoming.params) in SLOW_ATTACHMENT_TYPES:
            if config.media_rate_per_second is not None:
                limit = Limit.per_second(config.media_rate_per_second)
                rules.append(RateRule(("media", incoming.account), limit, "media"))
        elif config.rate_per_second is not None:
            limit = Limit.per_second(config.rate_per_second)
            rules.append(RateRule(("account", incoming.account), limit, "account"))
        if config.per_recipient_per_second is not None:
            limit = Limit.per_second(config.per_recipient_per_second)
            key = ("recipient", incoming.account, incoming.recipient)
            rules.append(RateRule(key, limit, "account"))
        return rules

    def rate_limited(self, scope: str, retry_after: int) -> SimError:
        code, subcode, message = RATE_ERRORS.get(scope, RATE_ERRORS["account"])
        return error(429, code, message, subcode)

    def server_error(self, status: int) -> SimError:
        return graph.server_error(status, ERROR_TYPE)

    def scripted_error(self, fault: Fault, config: SimConfig) -> SimError:
        return graph.scripted_error(fault, ERROR_TYPE)

    def answer(self, incoming: Incoming, config: SimConfig, now: float) -> Any:
        if incoming.method == USER:
            return graph.selected(user(incoming.account), incoming.params.get("fields"), ("id",))
        tag = f"ig_message:{incoming.account}:{self._salt}:{next(self._ids)}".encode()
        return {
            "recipient_id": incoming.recipient,
            "message_id": base64.b64encode(tag).decode().rstrip("="),
        }


def user(ig_id: str) -> dict[str, Any]:
    """The Instagram professional account (`GET /<ig_id or me>`): `user_id` is its
    Instagram id, `id` the one the app sees."""
    account = SIM_IG_ID if ig_id == "me" else ig_id
    return {
        "user_id": account,
        "username": f"sim_account_{account[-4:]}",
        "name": "Simulated Account",
        "account_type": "BUSINESS",
        "id": account,
    }


def _attachment_type(params: dict[str, Any]) -> str | None:
    message = params.get("message")
    attachment = message.get("attachment") if isinstance(message, dict) else None
    kind = attachment.get("type") if isinstance(attachment, dict) else None
    return kind if isinstance(kind, str) else None


def _validate(incoming: Incoming) -> None:
    if incoming.recipient is None:
        raise invalid("The parameter recipient is required")
    message = incoming.params.get("message")
    if not isinstance(message, dict):
        raise invalid("The parameter message is required")
    text, attachment = message.get("text"), message.get("attachment")
    if (text is None) == (attachment is None):
        raise invalid("Param message must contain exactly one of text or attachment")
    if text is not None:
        if not isinstance(text, str) or not text:
            raise invalid("Param message[text] must be a non-empty string")
        if len(text) >= MAX_TEXT:
            raise invalid(f"Length of param message[text] must be less than {MAX_TEXT}")
        return
    if not isinstance(attachment, dict) or attachment.get("type") not in ATTACHMENT_TYPES:
        raise invalid(f"Param message[attachment][type] must be one of {sorted(ATTACHMENT_TYPES)}")
    payload = attachment.get("payload")
    if not isinstance(payload, dict) or not (payload.get("url") or payload.get("attachment_id")):
        raise invalid("Param message[attachment][payload] must contain url or attachment_id")

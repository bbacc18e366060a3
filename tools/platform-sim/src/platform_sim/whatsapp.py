"""The WhatsApp Cloud API: `POST /<version>/<phone_number_id>/messages`, the phone
number's fields (`GET /<version>/<phone_number_id>?fields=...`), Graph errors."""

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

PRODUCT = "whatsapp"
PHONE_NUMBER = "phone_number"
"""The method name a `GET /<phone_number_id>` is recorded under."""
PHONE_NUMBER_DEFAULT = (
    "verified_name",
    "code_verification_status",
    "display_phone_number",
    "quality_rating",
    "platform_type",
    "throughput",
)
MAX_TEXT = 4096
WINDOW_SECONDS = 24 * 3600
MEDIA_TYPES = frozenset({"image", "video", "document", "audio", "sticker"})
CAPTIONED_TYPES = frozenset({"image", "video", "document"})
MESSAGE_TYPES = frozenset({"text", "template", *MEDIA_TYPES})

# state -> (HTTP status, code, title, details)
RECIPIENT_ERRORS = {
    "undeliverable": (
        400,
        131026,
        "Message Undeliverable",
        "Message failed to send because the recipient's phone number or account could not "
        "receive it.",
    ),
    "unknown": (
        400,
        131026,
        "Message Undeliverable",
        "Message failed to send because the recipient is not a WhatsApp user.",
    ),
    "opted_out": (
        400,
        131050,
        "Unable to deliver the marketing message",
        "The recipient has chosen to stop receiving marketing messages on WhatsApp from your "
        "business.",
    ),
}
ACCOUNT_ERRORS = {
    "spam_restricted": (
        429,
        131048,
        "Spam rate limit hit",
        "Message failed to send because there are restrictions on how many messages can be sent "
        "from this phone number. This may be because too many previous messages were blocked or "
        "flagged as spam.",
    ),
    "policy_blocked": (
        403,
        368,
        "Temporarily blocked for policies violations",
        "The WhatsApp Business Account associated with the app has been restricted or disabled "
        "for violating a platform policy.",
    ),
}
RATE_ERRORS = {
    "account": (
        130429,
        "Rate limit hit",
        "Message failed to send because there were too many messages sent from this phone "
        "number in a short period of time.",
    ),
    "pair": (
        131056,
        "(Business Account, Consumer Account) pair rate limit hit",
        "Message failed to send because there were too many messages sent from this phone "
        "number to the same phone number in a short period of time.",
    ),
}


def error(status: int, code: int, title: str, details: str) -> SimError:
    return graph.graph_error(
        status, code, f"(#{code}) {title}", details=details, messaging_product=PRODUCT
    )


def invalid(details: str) -> SimError:
    return error(400, 100, "Invalid parameter", details)


class WhatsAppPlatform(Platform):
    name = "whatsapp"
    defaults = SimConfig(rate_per_second=80, per_recipient_per_second=1 / 6)
    config_keys = COMMON_KEYS | {"enforce_window", "valid_tokens"}
    account_states = frozenset({"ok", "unauthorized", *ACCOUNT_ERRORS})
    recipient_states = frozenset({"ok", *RECIPIENT_ERRORS})

    def __init__(self) -> None:
        self._salt = os.urandom(6).hex()
        self._ids = itertools.count(1)

    def routes(self) -> list[tuple[str, str]]:
        return [
            ("POST", "/{version:v[0-9.]+}/{phone_number_id}/messages"),
            ("GET", "/{version:v[0-9.]+}/{phone_number_id}"),
        ]

    def recipient_key(self, recipient: str) -> str:
        return "".join(char for char in recipient if char.isdigit())

    async def decode(self, request: web.Request) -> Incoming:
        if request.method == "GET":
            return Incoming(
                account=request.match_info["phone_number_id"],
                method=PHONE_NUMBER,
                params=dict(request.query),
                credential=bearer_token(request),
            )
        incoming = Incoming(
            account=request.match_info["phone_number_id"],
            method="messages",
            params={},
            credential=bearer_token(request),
            is_send=True,
        )
        try:
            incoming.params = (await read_params(request)).values
        except BadBody as exc:
            incoming.error = invalid(str(exc))
            return incoming
        message_type = incoming.params.get("type", "text")
        incoming.method = f"messages:{message_type}"
        to = incoming.params.get("to")
        if isinstance(to, str | int) and not isinstance(to, bool):
            incoming.recipient = self.recipient_key(str(to)) or None
        return incoming

    def authorize(self, incoming: Incoming, sim: Simulator) -> None:
        graph.authorize(incoming.credential, incoming.account, sim, "OAuthException")

    def check(self, incoming: Incoming, sim: Simulator, now: float) -> None:
        if incoming.method == PHONE_NUMBER:
            if not incoming.account.isdigit():
                raise graph.unknown_node(incoming.account, "OAuthException")
            return
        _validate(incoming.params)
        account_state = sim.accounts.get(incoming.account)
        if account_state in ACCOUNT_ERRORS:
            raise error(*ACCOUNT_ERRORS[account_state])
        recipient = sim.recipients.get(incoming.recipient)
        if recipient.state in RECIPIENT_ERRORS:
            raise error(*RECIPIENT_ERRORS[recipient.state])
        if incoming.params.get("type", "text") == "template":
            return
        last = recipient.last_inbound_at
        if (last is None and sim.config.enforce_window) or (
            last is not None and now - last > WINDOW_SECONDS
        ):
            raise error(
                400,
                131047,
                "Re-engagement message",
                "Message failed to send because more than 24 hours have passed since the "
                "customer last replied to this number.",
            )

    def rate_rules(self, incoming: Incoming, config: SimConfig) -> list[RateRule]:
        rules = []
        if config.rate_per_second is not None:
            limit = Limit.per_second(config.rate_per_second)
            rules.append(RateRule(("account", incoming.account), limit, "account"))
        if config.per_recipient_per_second is not None:
            limit = Limit.per_second(config.per_recipient_per_second)
            rules.append(RateRule(("pair", incoming.account, incoming.recipient), limit, "pair"))
        return rules

    def rate_limited(self, scope: str, retry_after: int) -> SimError:
        code, title, details = RATE_ERRORS.get(scope, RATE_ERRORS["account"])
        return error(429, code, title, details)

    def server_error(self, status: int) -> SimError:
        return graph.server_error(status, "OAuthException")

    def scripted_error(self, fault: Fault, config: SimConfig) -> SimError:
        return graph.scripted_error(fault, "OAuthException", PRODUCT)

    def answer(self, incoming: Incoming, config: SimConfig, now: float) -> Any:
        if incoming.method == PHONE_NUMBER:
            return graph.selected(
                phone_number(incoming.account), incoming.params.get("fields"), PHONE_NUMBER_DEFAULT
            )
        wa_id = incoming.recipient or ""
        tag = f"{wa_id}:{self._salt}:{next(self._ids)}".encode()
        message: dict[str, Any] = {"id": "wamid." + base64.b64encode(tag).decode()}
        if incoming.params.get("type") == "template":
            message["message_status"] = "accepted"
        return {
            "messaging_product": PRODUCT,
            "contacts": [{"input": str(incoming.params["to"]), "wa_id": wa_id}],
            "messages": [message],
        }


def phone_number(phone_number_id: str) -> dict[str, Any]:
    """The WhatsApp Business phone number node (`GET /<phone_number_id>`) of a number."""
    return {
        "verified_name": "Simulated Business",
        "code_verification_status": "VERIFIED",
        "display_phone_number": f"+1 555-{phone_number_id[-7:-4]:0>3}-{phone_number_id[-4:]:0>4}",
        "quality_rating": "GREEN",
        "platform_type": "CLOUD_API",
        "throughput": {"level": "STANDARD"},
        "id": phone_number_id,
    }


def _validate(body: dict[str, Any]) -> None:
    product = body.get("messaging_product")
    if product is None:
        raise invalid("The parameter messaging_product is required.")
    if product != PRODUCT:
        raise invalid(f'Param messaging_product must be one of {{WHATSAPP}} - got "{product}".')
    recipient_type = body.get("recipient_type", "individual")
    if recipient_type != "individual":
        raise invalid(
            f'Param recipient_type must be one of {{INDIVIDUAL}} - got "{recipient_type}".'
        )
    to = body.get("to")
    if to in (None, "") or not any(char.isdigit() for char in str(to)):
        raise invalid("The parameter to is required.")
    kind = body.get("type", "text")
    if kind not in MESSAGE_TYPES:
        raise invalid(f"Param type must be one of {{{', '.join(sorted(MESSAGE_TYPES)).upper()}}}.")
    payload = body.get(kind)
    if not isinstance(payload, dict):
        raise invalid(f"The parameter {kind} is required.")
    if kind == "text":
        text = payload.get("body")
        if not isinstance(text, str) or not text:
            raise invalid("The parameter text['body'] is required.")
        if len(text) > MAX_TEXT:
            raise invalid(f"Param text['body'] must be at most {MAX_TEXT} characters long.")
    elif kind == "template":
        if not payload.get("name"):
            raise invalid("The parameter template['name'] is required.")
        language = payload.get("language")
        if not isinstance(language, dict) or not language.get("code"):
            raise invalid("The parameter template['language']['code'] is required.")
        if not isinstance(payload.get("components", []), list):
            raise invalid("Param template['components'] must be an array.")
    else:
        if not (payload.get("id") or payload.get("link")):
            raise invalid(f"Param {kind} must contain either 'id' or 'link'.")
        if "caption" in payload and kind not in CAPTIONED_TYPES:
            raise invalid(f"Param {kind}['caption'] is not a valid parameter.")

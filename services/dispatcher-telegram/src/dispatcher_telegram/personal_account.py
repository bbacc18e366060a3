"""Personal Telegram accounts (`telegram_user` connections) through MTProto, with
Telethon (a well-kept MTProto client), and what Telegram's errors mean for a
delivery.

A connection's credentials: `session` (a Telethon StringSession of the signed-in
account), `api_id` and `api_hash` (the app it signed in with).  Telethon sleeps
through short FLOOD_WAITs by itself; here it never does, so the dispatcher pauses
the whole account for the time Telegram names and resends.
"""

from __future__ import annotations

import asyncio
import re
import struct
from typing import Any

from contracts.dispatch import DispatchJob, OutboundMedia, OutboundTemplate
from dispatch_core.model import (
    ConnectionBlocked,
    ConnectionConfig,
    Failed,
    RateLimited,
    Retry,
    SendOutcome,
    Sent,
)
from dispatch_core.ports import ClientFactory, PlatformClient
from telethon import TelegramClient, errors  # type: ignore[import-untyped]
from telethon.sessions import StringSession  # type: ignore[import-untyped]

PEER_FLOOD_PAUSE_SECONDS = 24 * 3600.0
SIGNED_OUT_PAUSE_SECONDS = 30 * 86400.0
DEFAULT_FLOOD_WAIT_SECONDS = 60.0

SIGNED_OUT = (
    errors.AuthKeyUnregisteredError,
    errors.SessionRevokedError,
    errors.SessionExpiredError,
    errors.AuthKeyDuplicatedError,
    errors.UserDeactivatedError,
    errors.UserDeactivatedBanError,
    errors.UnauthorizedError,
)
PERSON_REFUSALS = {
    errors.UserIsBlockedError: "the person blocked this account",
    errors.InputUserDeactivatedError: "the person's account was deleted",
    errors.UserPrivacyRestrictedError: (
        "the person's privacy settings do not let this account write to them"
    ),
    errors.PeerIdInvalidError: "Telegram does not know this person for this account",
}


class UnknownPerson(Exception):
    """A numeric id this account cannot address: no dialog with it among the most
    recent ones (MTProto needs the person's access hash, which a dialog gives)."""


def error_name(error: Exception) -> str:
    """Telegram's name of an RPC error (`FLOOD_WAIT`, `PEER_FLOOD`, ...)."""
    if type(error).__module__.endswith("rpcbaseerrors"):
        return str(getattr(error, "message", None) or type(error).__name__)
    words = re.sub(r"(?<!^)(?=[A-Z])", "_", type(error).__name__.removesuffix("Error"))
    return words.upper()


def outcome_of(error: Exception) -> SendOutcome:
    """What an exception raised while sending means for the delivery."""
    if isinstance(error, errors.FloodError):
        seconds = float(getattr(error, "seconds", None) or DEFAULT_FLOOD_WAIT_SECONDS)
        return RateLimited(seconds, error_name(error), f"Telegram asked to wait {seconds:g} s")
    if isinstance(error, errors.PeerFloodError):
        return ConnectionBlocked(
            "PEER_FLOOD",
            "Telegram limited this account for spam (PEER_FLOOD): it may not message people "
            "who are not its contacts; see @SpamBot",
            PEER_FLOOD_PAUSE_SECONDS,
        )
    if isinstance(error, SIGNED_OUT):
        return ConnectionBlocked(
            error_name(error),
            f"Telegram no longer accepts this account's session ({error_name(error)}): "
            "sign in again and update the connection's credentials",
            SIGNED_OUT_PAUSE_SECONDS,
            credentials=True,
        )
    for refusal, reason in PERSON_REFUSALS.items():
        if isinstance(error, refusal):
            return Failed(error_name(error), reason)
    if isinstance(error, UnknownPerson):
        return Failed("PEER_UNKNOWN", str(error))
    if isinstance(error, errors.ServerError | errors.TimedOutError):
        return Retry(error_name(error), str(error))
    if isinstance(error, errors.RPCError):
        if (getattr(error, "code", None) or 0) >= 500:
            return Retry(error_name(error), str(error))
        return Failed(error_name(error), str(error))
    if isinstance(error, ValueError):
        return Failed("PEER_UNKNOWN", f"Telegram cannot address this person: {error}")
    if isinstance(error, TimeoutError):
        return Retry("timeout", "no answer from Telegram within the timeout")
    if isinstance(error, ConnectionError | OSError | asyncio.IncompleteReadError):
        return Retry("network", f"{type(error).__name__}: {error}")
    raise error


class PersonalAccountClient:
    """One signed-in account.  It connects on its first message; people are
    addressed by user id (found among the account's recent dialogs) or username."""

    def __init__(self, telegram: Any, *, timeout: float, recent_dialogs: int) -> None:
        self._telegram = telegram
        self._timeout = timeout
        self._recent_dialogs = recent_dialogs
        self._dialogs_loaded = False

    def parts(self, job: DispatchJob) -> int:
        return 1

    async def send(self, job: DispatchJob, external_id: str, part: int = 0) -> SendOutcome:
        content = job.content
        if isinstance(content, OutboundTemplate):
            return Failed("content.unsupported", "WhatsApp template messages have no Telegram form")
        try:
            async with asyncio.timeout(self._timeout):
                if not self._telegram.is_connected():
                    await self._telegram.connect()
                peer = await self._peer(external_id)
                if isinstance(content, OutboundMedia):
                    message = await self._send_media(peer, content)
                else:
                    message = await self._telegram.send_message(peer, content.text)
        except Exception as error:  # mapped, or raised again when it means nothing known
            return outcome_of(error)
        return Sent(str(message.id))

    async def _peer(self, external_id: str) -> Any:
        if not external_id.lstrip("-").isdigit():
            return await self._telegram.get_input_entity(external_id)  # a username
        user_id = int(external_id)
        try:
            return await self._telegram.get_input_entity(user_id)
        except ValueError:
            if self._dialogs_loaded:
                raise UnknownPerson(self._not_found(user_id)) from None
        self._dialogs_loaded = True
        await self._telegram.get_dialogs(limit=self._recent_dialogs)  # caches their peers
        try:
            return await self._telegram.get_input_entity(user_id)
        except ValueError:
            raise UnknownPerson(self._not_found(user_id)) from None

    def _not_found(self, user_id: int) -> str:
        return (
            f"user {user_id} is not among this account's {self._recent_dialogs} most recent "
            "dialogs, so it cannot be addressed"
        )

    async def _send_media(self, peer: Any, content: OutboundMedia) -> Any:
        kind = content.media_type
        captioned = kind not in ("sticker", "video_note")
        return await self._telegram.send_file(
            peer,
            content.file,
            caption=content.caption if captioned and content.caption else None,
            voice_note=kind == "voice",
            video_note=kind == "video_note",
            force_document=kind == "document",
        )

    async def close(self) -> None:
        if self._telegram.is_connected():
            await self._telegram.disconnect()


class UnusableCredentialsClient:
    """An account whose credentials cannot even make a client: nothing can be sent
    until the connection's credentials are fixed."""

    def __init__(self, problem: str) -> None:
        self._reason = (
            f"the account's credentials are unusable ({problem}): a StringSession `session`, "
            "a numeric `api_id` and an `api_hash` are needed"
        )

    def parts(self, job: DispatchJob) -> int:
        return 1

    async def send(self, job: DispatchJob, external_id: str, part: int = 0) -> SendOutcome:
        return ConnectionBlocked(
            "credentials", self._reason, SIGNED_OUT_PAUSE_SECONDS, credentials=True
        )

    async def close(self) -> None:
        return None


def telethon_clients(*, timeout: float, recent_dialogs: int) -> ClientFactory:
    """Makes each personal account's client from its credentials."""

    def make(config: ConnectionConfig) -> PlatformClient:
        credentials = config.credentials
        session = credentials.get("session", "")
        if not session:
            return UnusableCredentialsClient("no session")
        try:
            telegram = TelegramClient(
                StringSession(session),
                int(credentials.get("api_id", "")),
                credentials.get("api_hash", ""),
                flood_sleep_threshold=0,
                raise_last_call_error=True,
                receive_updates=False,
            )
        except (ValueError, TypeError, struct.error) as error:
            return UnusableCredentialsClient(str(error) or type(error).__name__)
        telegram.parse_mode = None  # texts go as written, like the Bot API's
        return PersonalAccountClient(telegram, timeout=timeout, recent_dialogs=recent_dialogs)

    return make

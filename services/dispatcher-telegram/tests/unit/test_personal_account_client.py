"""A personal account's client over Telethon (its side played by `FakeTelethon`):
what each message becomes, how people are found, and how accounts are made."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from contracts.audience import Recipient
from contracts.content import MediaType
from contracts.dispatch import (
    DispatchJob,
    OutboundContent,
    OutboundMedia,
    OutboundTemplate,
    OutboundText,
)
from dispatch_core.limits import DEFAULTS
from dispatch_core.model import ConnectionBlocked, ConnectionConfig, Failed, RateLimited, Sent
from dispatcher_telegram.personal_account import (
    PersonalAccountClient,
    UnusableCredentialsClient,
    telethon_clients,
)
from telethon import errors
from telethon.crypto import AuthKey
from telethon.sessions import StringSession

from ..fake_telethon import FakeTelethon

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def job(content: OutboundContent) -> DispatchJob:
    return DispatchJob(
        campaign_id=uuid.uuid4(),
        recipient_no=1,
        step_no=1,
        recipient=Recipient(recipient_no=1, contact_id="me:42", external_id="42"),
        content=content,
        released_at=NOW,
    )


def account(credentials: dict[str, str]) -> ConnectionConfig:
    return ConnectionConfig(
        tenant_id="t",
        connection_id="me",
        channel="telegram_user",
        limits=DEFAULTS["telegram_user"],
        first_used_at=None,
        updated_at=NOW,
        credentials=credentials,
    )


def client_of(telegram: FakeTelethon) -> PersonalAccountClient:
    return PersonalAccountClient(telegram, timeout=5, recent_dialogs=50)


async def test_a_text_connects_once_and_goes_by_send_message() -> None:
    telegram = FakeTelethon(known={42})
    client = client_of(telegram)
    assert await client.send(job(OutboundText(text="Hi")), "42") == Sent("1")
    assert await client.send(job(OutboundText(text="Again")), "42") == Sent("2")
    assert [c[0] for c in telegram.calls].count("connect") == 1
    assert telegram.sends() == [
        ("send_message", ("peer:42", "Hi"), {}),
        ("send_message", ("peer:42", "Again"), {}),
    ]
    await client.close()
    assert not telegram.connected


@pytest.mark.parametrize(
    ("media_type", "caption", "flags"),
    [
        ("photo", "Look", {}),
        ("video", "Look", {}),
        ("animation", "Look", {}),
        ("audio", "Look", {}),
        ("document", "Look", {"force_document": True}),
        ("voice", "Look", {"voice_note": True}),
        ("video_note", None, {"video_note": True}),
        ("sticker", None, {}),
    ],
)
async def test_media_goes_by_send_file_with_the_url(
    media_type: MediaType, caption: str | None, flags: dict[str, bool]
) -> None:
    telegram = FakeTelethon(known={42})
    content = OutboundMedia(media_type=media_type, file="https://cdn.example/f", caption="Look")
    assert await client_of(telegram).send(job(content), "42") == Sent("1")
    options = {"voice_note": False, "video_note": False, "force_document": False, **flags}
    assert telegram.sends() == [
        ("send_file", ("peer:42", "https://cdn.example/f"), {"caption": caption, **options})
    ]


async def test_a_person_not_met_yet_is_looked_for_in_the_recent_dialogs_once() -> None:
    telegram = FakeTelethon(in_dialogs={42})
    client = client_of(telegram)
    assert await client.send(job(OutboundText(text="Hi")), "42") == Sent("1")
    unknown = await client.send(job(OutboundText(text="Hi")), "77")
    assert isinstance(unknown, Failed)
    assert unknown.code == "PEER_UNKNOWN"
    assert "not among this account's 50 most recent dialogs" in unknown.reason
    assert [c for c in telegram.calls if c[0] == "get_dialogs"] == [
        ("get_dialogs", (), {"limit": 50})
    ]


async def test_a_username_is_resolved_by_telegram() -> None:
    telegram = FakeTelethon()
    assert await client_of(telegram).send(job(OutboundText(text="Hi")), "ann_b") == Sent("1")
    assert telegram.sends() == [("send_message", ("peer:ann_b", "Hi"), {})]


async def test_telegrams_errors_become_outcomes() -> None:
    telegram = FakeTelethon(
        known={42},
        errors=[
            errors.FloodWaitError(request=None, capture=3),
            errors.PeerFloodError(request=None),
        ],
    )
    client = client_of(telegram)
    assert isinstance(await client.send(job(OutboundText(text="Hi")), "42"), RateLimited)
    assert isinstance(await client.send(job(OutboundText(text="Hi")), "42"), ConnectionBlocked)


async def test_a_whatsapp_template_is_refused_without_a_call() -> None:
    telegram = FakeTelethon(known={42})
    outcome = await client_of(telegram).send(
        job(OutboundTemplate(template_name="offer", language="en_US")), "42"
    )
    assert isinstance(outcome, Failed)
    assert outcome.code == "content.unsupported"
    assert telegram.calls == []


def test_accounts_are_made_from_a_string_session_and_the_apps_id_and_hash() -> None:
    session = StringSession()
    session.set_dc(2, "149.154.167.51", 443)
    session.auth_key = AuthKey(bytes(256))
    make = telethon_clients(timeout=5, recent_dialogs=50)
    credentials = {"session": session.save(), "api_id": "12345", "api_hash": "0123456789abcdef"}
    assert isinstance(make(account(credentials)), PersonalAccountClient)
    for unusable in (
        {**credentials, "session": ""},
        {**credentials, "session": "not a session"},
        {**credentials, "api_id": "abc"},
        {**credentials, "api_hash": ""},
    ):
        assert isinstance(make(account(unusable)), UnusableCredentialsClient)


async def test_unusable_credentials_pause_the_account() -> None:
    outcome = await UnusableCredentialsClient("no session").send(job(OutboundText(text="Hi")), "42")
    assert isinstance(outcome, ConnectionBlocked)
    assert "no session" in outcome.reason


def test_personal_accounts_are_slow_and_only_reach_people_who_wrote_lately() -> None:
    limits = DEFAULTS["telegram_user"]
    assert limits.reply_window_hours == 24
    assert (limits.rate_per_second, limits.min_gap_seconds) == (0.2, 5.0)

"""The bot in webhook mode, against the Telegram simulator, on the real broker and
database: a group linked by event gets its bot's webhook set with a secret, an
update Telegram posts is kept and answered in its topic, and a post without the
secret is refused."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import aio_pika
import asyncpg
import httpx
import pytest
from contracts.base import utc_now
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from contracts.operator_groups import OperatorGroupLinkedV1
from cryptography.fernet import Fernet
from platform_sim import RunningSimulators, start_simulators
from service_kit.publishing import encode
from service_kit.secrets import SecretBox
from test_support.processes import ServiceProcess
from test_support.system import free_port
from test_support.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

BOT_ID = "912345678"
TOKEN = f"{BOT_ID}:AAwebhook-operator-bot-token-00000000"
CHAT = -1009123456001
KEY = Fernet.generate_key().decode()


@pytest.fixture
async def telegram() -> AsyncIterator[RunningSimulators]:
    async with await start_simulators(whatsapp=None, instagram=None, openai=None) as sims:
        await sims.control("telegram").configure(per_recipient_per_second=None)
        yield sims


@pytest.fixture
async def bot(
    rabbitmq_url: str, database_url: str, telegram: RunningSimulators, tmp_path: Path
) -> AsyncIterator[ServiceProcess]:
    port = free_port()
    process = ServiceProcess(
        "operator-bot",
        "operator_bot",
        port,
        env={
            "RABBITMQ_URL": rabbitmq_url,
            "DATABASE_URL": database_url,
            "SECRETS_KEYS": KEY,
            "TELEGRAM_API_BASE": telegram.base_url("telegram"),
            "OPERATOR_BOT_PORT": str(port),
            "OPERATOR_BOT_MODE": "webhook",
            "OPERATOR_BOT_WEBHOOK_URL": f"http://127.0.0.1:{port}",
            "CAMPAIGN_API_URL": f"http://127.0.0.1:{free_port()}",
        },
        log_dir=tmp_path,
    )
    process.start()
    try:
        await process.wait_healthy()
        yield process
    finally:
        process.stop()


async def link_group(rabbitmq_url: str) -> None:
    box = SecretBox([KEY])
    event = OperatorGroupLinkedV1(
        tenant_id=f"hook-{uuid.uuid4().hex[:6]}",
        chat_id=CHAT,
        sealed_bot_token=box.seal(TOKEN),
        sealed_keys=box.seal_credentials({"admin": "cmp_admin", "operator": "cmp_operator"}),
        language="ru",
        changed_at=utc_now(),
    )
    connection = await aio_pika.connect(rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(INTERNAL_EXCHANGE)
        await exchange.publish(
            aio_pika.Message(encode(event), content_type="application/json"),
            RoutingKey.OPERATOR_GROUP_LINKED,
        )


async def test_a_webhook_update_is_kept_answered_and_needs_its_secret(
    bot: ServiceProcess, telegram: RunningSimulators, rabbitmq_url: str, database_url: str
) -> None:
    control = telegram.control("telegram")
    await link_group(rabbitmq_url)

    async def webhook_set() -> bool:
        info = await control.calls(method="setWebhook", account=BOT_ID)
        return any(c["status"] == 200 for c in info)

    await eventually(webhook_set, timeout=30, interval=0.2, what="the webhook to be set")
    (hook,) = [c for c in await control.calls(method="setWebhook", account=BOT_ID)]
    assert hook["params"]["url"] == f"{bot.base_url}/telegram/{BOT_ID}"
    assert hook["params"]["secret_token"]
    update = await control.post_message(
        BOT_ID, {"id": 77, "first_name": "Ann"}, CHAT, "/send templates",
        message_thread_id=4242, is_forum=True,
    )  # fmt: skip

    async def answered() -> str | None:
        sent = await control.calls(method="sendMessage", account=BOT_ID, recipient=CHAT)
        return str(sent[0]["params"]["text"]) if sent else None

    text = await eventually(answered, timeout=30, interval=0.2, what="the bot's answer")
    assert text.startswith("Этот топик не привязан"), text
    connection = await asyncpg.connect(database_url)
    try:
        kept = await connection.fetchval(
            "SELECT handled_at IS NOT NULL FROM operator_bot.updates WHERE update_id = $1",
            update["update_id"],
        )
    finally:
        await connection.close()
    assert kept is True
    async with httpx.AsyncClient() as client:
        forged = await client.post(
            f"{bot.base_url}/telegram/{BOT_ID}",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": "guess"},
        )
    assert forged.status_code == 403

"""The sender loop: due deliveries claimed (replicas share them), POSTed signed,
and their outcomes recorded, with the retry policy deciding what follows.

Each pass claims up to `WEBHOOK_BATCH` due rows for the time an attempt may take;
the HTTP calls run outside any transaction.  A process that dies mid-call leaves
its claims to run out, and the deliveries are attempted again (receivers
deduplicate by the event id).  The connection goes to the address the name was
checked at (no second lookup a name could answer differently), with the name in
the Host header and TLS's server name."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from ipaddress import ip_address
from urllib.parse import urlsplit, urlunsplit

import httpx
from service_kit.backoff import Backoff
from service_kit.logs import get_logger
from service_kit.loops import Loop
from service_kit.secrets import SecretBox, SecretUnreadable

from ..repo import Pool
from ..settings import Settings
from . import store
from .addresses import AddressRefused, Target, resolve
from .metrics import WebhookMetrics
from .retries import Attempted, RetryPolicy
from .signing import EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signature_header

log = get_logger(__name__)

USER_AGENT = "campaigns-webhooks/1"
ERROR_LENGTH = 300
ANSWER_SHOWN = 200
"""Bytes of a refusing answer's body kept in the log."""
ERASE_BATCH = 5000
ERASE_EVERY = 600.0
"""Seconds between passes that erase the log's old deliveries."""


@dataclass(frozen=True)
class SenderConfig:
    allow_private: bool
    timeout_seconds: float
    poll_seconds: float
    batch: int
    policy: RetryPolicy
    keep_log: timedelta


def sender_config(settings: Settings) -> SenderConfig:
    """The sender's settings (`WEBHOOK_*`)."""
    backoff = Backoff(
        first=settings.webhook_retry_first_seconds,
        longest=settings.webhook_retry_longest_seconds,
        jitter=0.1,
    )
    return SenderConfig(
        allow_private=settings.webhooks_allow_private_addresses,
        timeout_seconds=settings.webhook_timeout_seconds,
        poll_seconds=settings.webhook_poll_seconds,
        batch=settings.webhook_batch,
        policy=RetryPolicy(backoff, timedelta(hours=settings.webhook_give_up_hours)),
        keep_log=timedelta(days=settings.webhook_log_days),
    )


class WebhookSender:
    def __init__(
        self,
        pool: Callable[[], Pool],
        box: SecretBox,
        config: SenderConfig,
        *,
        clock: Callable[[], datetime],
        metrics: WebhookMetrics | None = None,
    ) -> None:
        self._pool = pool
        self._metrics = metrics
        self._box = box
        self._config = config
        self._clock = clock
        self._next_erase = 0.0
        self._sending = Loop(self._loop, what="webhook sender")
        self._client = httpx.AsyncClient(
            timeout=config.timeout_seconds, follow_redirects=False, trust_env=False
        )

    async def start(self) -> None:
        self._sending.start()

    @property
    def alive(self) -> bool:
        """Whether the loop runs (for `/health`)."""
        return self._sending.running

    async def stop(self) -> None:
        await self._sending.stop()
        await self._client.aclose()

    async def _loop(self) -> None:
        while True:
            await self._erase_old()
            if await self.run_once() < self._config.batch:
                await asyncio.sleep(self._config.poll_seconds)

    @property
    def claim_seconds(self) -> float:
        """How long a claim lasts: longer than an attempt may take."""
        return self._config.timeout_seconds * 2 + 30

    def now(self) -> datetime:
        return self._clock()

    async def _erase_old(self) -> None:
        """The log's ended deliveries past `WEBHOOK_LOG_DAYS`, erased every few minutes."""
        if time.monotonic() < self._next_erase:
            return
        erased = await store.erase_ended(
            self._pool(), self._clock() - self._config.keep_log, ERASE_BATCH
        )
        if erased:
            log.info("webhook log erased", deliveries=erased)
        self._next_erase = time.monotonic() + (0 if erased == ERASE_BATCH else ERASE_EVERY)

    async def run_once(self) -> int:
        """One pass: what was due, attempted.  How many were."""
        claimed = await store.claim_due(
            self._pool(), self._clock(), self._config.batch, self.claim_seconds
        )
        await asyncio.gather(*(self.deliver(one) for one in claimed))
        return len(claimed)

    async def deliver(self, claimed: store.Claimed) -> None:
        """Attempt a claimed delivery and record what came of it."""
        began = time.monotonic()
        outcome = await self.attempt(claimed)
        now = self._clock()
        attempts = claimed.attempts + 1
        then = self._config.policy.after(
            outcome, attempts=attempts, created_at=claimed.created_at, now=now
        )
        await store.record_outcome(
            self._pool(),
            claimed.id,
            then,
            at=now,
            status_code=outcome.status_code,
            error=outcome.error,
        )
        if self._metrics is not None:
            self._metrics.seconds.observe(time.monotonic() - began)
            shown = {"pending": "retrying"}.get(then.status, then.status)
            self._metrics.attempts.labels(claimed.event_type, shown).inc()
        log.info(
            "webhook delivery attempted",
            webhook_id=str(claimed.webhook_id),
            delivery_id=str(claimed.id),
            campaign_id=claimed.payload.get("campaign_id"),
            event_type=claimed.event_type,
            attempts=attempts,
            status_code=outcome.status_code,
            error=outcome.error,
            outcome=then.status,
        )

    async def attempt(self, claimed: store.Claimed) -> Attempted:
        """One signed POST of the delivery, the lookup included, within
        `WEBHOOK_TIMEOUT_SECONDS`; its outcome, never an exception."""
        limit = self._config.timeout_seconds
        try:
            async with asyncio.timeout(limit):
                return await self._attempt(claimed)
        except TimeoutError:
            return Attempted(None, f"no answer within {limit:g} s")

    async def _attempt(self, claimed: store.Claimed) -> Attempted:
        try:
            target = await resolve(claimed.url, allow_private=self._config.allow_private)
        except AddressRefused as refused:
            return Attempted(None, f"address refused: {refused}"[:ERROR_LENGTH])
        try:
            secret = self._box.open(claimed.sealed_secret)
        except SecretUnreadable:
            return Attempted(None, "the webhook's secret is unreadable: rotate it")
        body = json.dumps(claimed.payload, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Host": _host_header(target),
            SIGNATURE_HEADER: signature_header(secret, int(time.time()), body),
            EVENT_ID_HEADER: str(claimed.id),
            EVENT_TYPE_HEADER: claimed.event_type,
        }
        try:
            return await self._post(target, body, headers)
        except httpx.HTTPError as error:
            reason = str(error) or type(error).__name__
            return Attempted(None, f"{type(error).__name__}: {reason}"[:ERROR_LENGTH])

    async def _post(self, target: Target, body: bytes, headers: dict[str, str]) -> Attempted:
        """The POST to the checked address; of the answer's body, only its start
        is read (for the log)."""
        async with self._client.stream(
            "POST",
            _pinned(target),
            content=body,
            headers=headers,
            extensions={"sni_hostname": target.host},
        ) as response:
            if 200 <= response.status_code < 300:
                return Attempted(response.status_code, None)
            start = b""
            async for chunk in response.aiter_bytes():
                start += chunk
                if len(start) >= ANSWER_SHOWN:
                    break
        shown = start[:ANSWER_SHOWN].decode("utf-8", "replace")
        return Attempted(
            response.status_code, f"HTTP {response.status_code}: {shown}"[:ERROR_LENGTH]
        )


def _pinned(target: Target) -> str:
    """The URL with its host replaced by the address it was checked at."""
    parts = urlsplit(target.url)
    address = target.address
    shown = f"[{address}]" if ip_address(address).version == 6 else address
    return urlunsplit(parts._replace(netloc=f"{shown}:{target.port}"))


def _host_header(target: Target) -> str:
    parts = urlsplit(target.url)
    return parts.netloc.rsplit("@", 1)[-1]

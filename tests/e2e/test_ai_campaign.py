"""AI campaigns through every hop, each service its own process: API -> scheduler
-> ai-composer -> model (the OpenAI simulator) -> dispatcher-telegram -> Telegram
(simulated) -> deliveries, with their compositions, in the campaign's details."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from test_support.api_client import CampaignApi
from test_support.waiting import eventually

from .conftest import World

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

PROMPT = "Invite the customer to our wine tasting on Friday at 7 pm. Mention their city."
FALLBACK = "Hello, {first_name|there}! Join our wine tasting this Friday at 7 pm."
FIRST_NAMES = ["Alice", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Greta", "Hugo"]
CITIES = ["Berlin", "Lisbon", "Madrid", "Paris", "Rome", "Vienna"]
TELEGRAM_LIMIT = 4096
PLACEHOLDER = re.compile(r"\{[^{}\n]*\}|\[[A-Za-z][^\]\n]*\]|<[A-Za-z][^>\n]*>")


@dataclass(frozen=True)
class Person:
    external_id: str
    name: str
    city: str | None

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


def people(count: int, first_id: int, *, cities: bool = True) -> list[Person]:
    return [
        Person(
            external_id=str(first_id + n),
            name=f"{FIRST_NAMES[n % len(FIRST_NAMES)]} Tester{n}",
            city=CITIES[n % len(CITIES)] if cities else None,
        )
        for n in range(count)
    ]


def contacts_csv(connection_id: str, audience: list[Person], locale: str) -> str:
    lines = ["connection_id,external_id,name,locale,city"]
    lines += [f"{connection_id},{p.external_id},{p.name},{locale},{p.city or ''}" for p in audience]
    return "\n".join(lines) + "\n"


@dataclass
class Sent:
    campaign: dict[str, Any]
    deliveries: list[dict[str, Any]]
    texts: dict[str, str]
    """The text Telegram received, by chat id."""


class AiCampaigns:
    """One tenant with one bot and its contacts, running AI campaigns."""

    def __init__(self, world: World, api: CampaignApi, bot_id: int) -> None:
        self.world = world
        self.api = api
        self.bot_id = bot_id
        self.connection = f"tg-ai-{bot_id}"

    async def set_up(self, audience: list[Person], locale: str = "en") -> None:
        await self.api.call(
            "PUT",
            f"/v1/connections/{self.connection}",
            json={
                "channel": "telegram_bot",
                "credentials": {"token": f"{self.bot_id}:AAE2E-ai-campaign-token-00000000000"},
                "limits": {"rate_per_second": 500, "max_in_flight": 8},
            },
        )
        await self.api.call(
            "POST",
            "/v1/contacts/import",
            content=contacts_csv(self.connection, audience, locale),
            headers={"Content-Type": "text/csv"},
        )

        async def stored() -> bool:
            found = await self.api.call(
                "POST", "/v1/audience/estimate", json={"audience": {"kind": "all"}}
            )
            return bool(found["audience_size"] == len(audience))

        await eventually(stored, timeout=60, interval=0.3, what="the contacts to be stored")

    async def run(self, prompt: str, fallback_text: str) -> Sent:
        created = await self.api.call(
            "POST",
            "/v1/campaigns",
            json={
                "name": "Wine tasting",
                "connection_id": self.connection,
                "audience": {"kind": "all"},
                "content": {"kind": "ai", "prompt": prompt, "fallback_text": fallback_text},
            },
        )
        campaign_id = created["campaign_id"]

        async def finished() -> dict[str, Any] | None:
            found = await self.api.campaign(campaign_id)
            return found if found["status"] == "completed" else None

        campaign = await eventually(
            finished, timeout=120, interval=0.3, what="the AI campaign to complete"
        )
        page = await self.api.call(
            "GET", f"/v1/campaigns/{campaign_id}/deliveries", params={"limit": 1000}
        )
        calls = await self.world.sims.control("telegram").calls(
            method="sendMessage", account=str(self.bot_id)
        )
        per_chat = Counter(str(call["recipient"]) for call in calls)
        assert set(per_chat.values()) == {1}, "a recipient got more than one message"
        texts = {str(c["recipient"]): c["params"]["text"] for c in calls if c["status"] == 200}
        return Sent(campaign, page["items"], texts)


class Composer:
    """The ai-composer's settings: restarted only when a test asks for others; the
    module's end leaves it as the session started it."""

    def __init__(self, world: World) -> None:
        self._world = world
        self._process = world.system["ai-composer"]
        self._original = dict(self._process.env)
        self._added: dict[str, str] = {}

    async def use(self, **env: str) -> None:
        if env == self._added:
            return
        self._process.env.clear()
        self._process.env.update({**self._original, **env})
        await self._world.system.restart("ai-composer", kill=False)
        self._added = env


@pytest.fixture(scope="module")
async def composer(world: World) -> AsyncIterator[Composer]:
    settings = Composer(world)
    yield settings
    await settings.use()


@pytest.fixture
async def tenant(world: World) -> AsyncIterator[CampaignApi]:
    """A tenant of the test's own; the simulators are left as they were found (the
    other end-to-end tests read every call Telegram got)."""
    telegram, model = world.sims.control("telegram"), world.sims.control("openai")
    await telegram.configure(rate_per_second=None)
    await model.reset()
    async with CampaignApi(world.system.api_url, world.system.platform_key) as platform:
        key = await platform.create_tenant(
            f"ai-{uuid.uuid4().hex[:8]}", subscription_ends_at="2099-01-01T00:00:00Z"
        )
    async with CampaignApi(world.system.api_url, key) as api:
        yield api
    await telegram.reset()
    await model.reset()


def assert_sendable(text: str) -> None:
    assert 0 < len(text) <= TELEGRAM_LIMIT
    assert PLACEHOLDER.search(text) is None, text


async def test_every_recipient_gets_a_text_of_their_own_from_the_model(
    world: World, tenant: CampaignApi, composer: Composer
) -> None:
    await composer.use()
    audience = people(120, 810_000)
    campaigns = AiCampaigns(world, tenant, bot_id=810000001)
    await campaigns.set_up(audience)
    refused = await tenant.call(
        "POST",
        "/v1/campaigns",
        expect=422,
        json={
            "connection_id": campaigns.connection,
            "audience": {"kind": "all"},
            "content": {"kind": "ai", "prompt": PROMPT, "fallback_text": "Hi {{name}}!"},
        },
    )
    assert refused["detail"].startswith("content.fallback_text: ")

    sent = await campaigns.run(PROMPT, FALLBACK)

    assert set(sent.texts) == {p.external_id for p in audience}
    assert len(set(sent.texts.values())) == len(audience)
    beyond_name = {sent.texts[p.external_id].replace(p.name, "") for p in audience}
    assert len(beyond_name) == len(audience)
    for person in audience:
        text = sent.texts[person.external_id]
        assert person.first_name in text
        assert "wine tasting on Friday at 7 pm" in text
        assert_sendable(text)
    assert {(d["status"], d["composition"], d["fallback_reason"]) for d in sent.deliveries} == {
        ("sent", "ai", None)
    }
    assert len(sent.deliveries) == len(audience)
    assert sent.campaign["compositions"] == {"ai": len(audience)}
    assert sent.campaign["composition_note"] is None

    completions = await world.sims.control("openai").calls(method="chat.completions")
    asked = {
        call["params"]["messages"][1]["content"]: call["params"]["messages"][0]["content"]
        for call in completions
    }
    alice = next(p for p in audience if p.first_name == "Alice")
    user, system = next((u, s) for u, s in asked.items() if f"name: {alice.name}\n" in u)
    assert f"prompt: {PROMPT}" in user
    assert f"city: {alice.city}" in user
    assert "Telegram" in system
    assert str(TELEGRAM_LIMIT) in system
    assert "Plain text only" in system
    assert "English" in system


async def test_recipients_the_model_fails_get_the_personal_fallback_and_it_says_why(
    world: World, tenant: CampaignApi, composer: Composer
) -> None:
    audience = people(60, 820_000)
    campaigns = AiCampaigns(world, tenant, bot_id=820000001)
    await campaigns.set_up(audience)
    model = world.sims.control("openai")
    await model.add_fault(kind="timeout", method="chat.completions", times=3)
    await model.add_fault(
        kind="error", method="chat.completions", status=400, description="bad", times=3
    )

    await composer.use(COMPOSER_TIMEOUT_SECONDS="1")
    sent = await campaigns.run(PROMPT, FALLBACK)

    by_id = {d["external_id"]: d for d in sent.deliveries}
    assert {d["status"] for d in sent.deliveries} == {"sent"}
    fallbacks = Counter(d["fallback_reason"] for d in sent.deliveries if d["fallback_reason"])
    assert fallbacks == {"timeout": 3, "error": 3}
    for person in audience:
        delivery = by_id[person.external_id]
        text = sent.texts[person.external_id]
        if delivery["composition"] == "ai_fallback":
            assert text == f"Hello, {person.first_name}! Join our wine tasting this Friday at 7 pm."
        else:
            assert (delivery["composition"], delivery["fallback_reason"]) == ("ai", None)
            assert person.first_name in text
            assert_sendable(text)
    assert sent.campaign["compositions"] == {"ai": len(audience) - 6, "ai_fallback": 6}
    assert sent.campaign["fallback_reasons"] == {"error": 3, "timeout": 3}
    assert "(error 3, timeout 3)" in sent.campaign["composition_note"]
    report = await tenant.call("GET", f"/v1/campaigns/{sent.campaign['id']}/report.csv")
    assert report.splitlines()[0].endswith(",composition,fallback_reason,text")
    assert sum(",ai_fallback,timeout," in line for line in report.splitlines()) == 3


async def test_the_built_in_writer_varies_texts_for_people_known_only_by_name(
    world: World, tenant: CampaignApi, composer: Composer
) -> None:
    """German recipients known by nothing but their name, a German prompt."""
    audience = people(150, 830_000, cities=False)
    campaigns = AiCampaigns(world, tenant, bot_id=830000001)
    await campaigns.set_up(audience, locale="de")
    prompt = "Lade die Kunden zu unserer Weinprobe am Freitag um 19 Uhr ein. Erwähne ihre Stadt."

    await composer.use(COMPOSER_BACKEND="builtin")
    sent = await campaigns.run(prompt, "Hallo {first_name|du}! Weinprobe am Freitag, 19 Uhr.")

    assert set(sent.texts) == {p.external_id for p in audience}
    assert len(set(sent.texts.values())) == len(audience)
    beyond_name = {sent.texts[p.external_id].replace(p.first_name, "") for p in audience}
    assert len(beyond_name) == len(audience)
    for person in audience:
        text = sent.texts[person.external_id]
        assert person.first_name in text
        assert "zu unserer Weinprobe am Freitag um 19 Uhr eingeladen" in text
        assert "Lade die Kunden" not in text
        assert "Erwähne" not in text
        assert_sendable(text)
    assert {d["composition"] for d in sent.deliveries} == {"ai_builtin"}
    assert sent.campaign["compositions"] == {"ai_builtin": len(audience)}
    assert (
        "written by the built-in composer, which is not an LLM"
        in (sent.campaign["composition_note"])
    )
    assert await world.sims.control("openai").calls(method="chat.completions") == []


async def test_a_dry_run_shows_texts_the_model_wrote_for_real_recipients(
    world: World, tenant: CampaignApi, composer: Composer
) -> None:
    """The dry run's samples: the first recipients of the audience, each text the
    model's answer to the conversation a campaign's delivery would have; nothing
    sent, nothing made."""
    await composer.use()
    audience = people(6, 840_000)
    campaigns = AiCampaigns(world, tenant, bot_id=840000001)
    await campaigns.set_up(audience)
    dry = await tenant.call(
        "POST",
        "/v1/campaigns",
        params={"dry_run": "true"},
        json={
            "connection_id": campaigns.connection,
            "audience": {"kind": "all"},
            "content": {"kind": "ai", "prompt": PROMPT, "fallback_text": FALLBACK},
        },
    )
    assert (dry["dry_run"], dry["campaign_ids"], dry["samples_note"]) == (True, [], None)
    samples = dry["samples"]
    assert [s["external_id"] for s in samples] == [p.external_id for p in audience[:5]]
    completions = await world.sims.control("openai").calls(method="chat.completions")
    assert len(completions) == 5  # DRY_RUN_SAMPLES
    answered = {
        call["params"]["messages"][1]["content"]: call["response"]["choices"][0]["message"][
            "content"
        ].strip()
        for call in completions
    }
    for sample, person in zip(samples, audience, strict=False):
        assert (sample["name"], sample["connection_id"]) == (person.name, campaigns.connection)
        assert (sample["composition"], sample["fallback_reason"]) == ("ai", None)
        user = next(u for u in answered if f"name: {person.name}\n" in u)
        assert f"prompt: {PROMPT}" in user
        assert f"city: {person.city}" in user
        assert sample["text"] == answered[user]
        assert person.first_name in sample["text"]
        assert_sendable(sample["text"])
    telegram = world.sims.control("telegram")
    assert await telegram.calls(method="sendMessage", account=str(campaigns.bot_id)) == []
    listed = await tenant.call("GET", "/v1/campaigns")
    assert listed["items"] == []

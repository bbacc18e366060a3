"""campaign-api as the bot uses it: `/send` commands, a campaign's counters and its
CSV report, with the key of the person's role in the group."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx


@dataclass(frozen=True)
class Answer:
    """What campaign-api answered a command: its text (or what to fix), and the
    campaigns it started."""

    ok: bool
    text: str
    action: str | None
    campaign_ids: list[UUID]


def _campaigns_of(result: Any) -> list[UUID]:
    if isinstance(result, dict) and isinstance(result.get("campaign_ids"), list):
        return [UUID(str(found)) for found in result["campaign_ids"]]
    return []


class CampaignApi:
    def __init__(self, base_url: str, timeout_seconds: float) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout_seconds)

    async def close(self) -> None:
        await self._client.aclose()

    async def command(
        self, key: str, body: dict[str, Any], *, language: str, idempotency_key: str
    ) -> Answer:
        """Carry out one command; a refusal (4xx) is an answer too, saying what to fix."""
        answer = await self._client.post(
            "/v1/commands",
            json=body,
            headers={
                "Authorization": f"Bearer {key}",
                "Accept-Language": language,
                "Idempotency-Key": idempotency_key,
            },
        )
        if answer.status_code >= 500:
            answer.raise_for_status()
        found = answer.json()
        if answer.is_success:
            return Answer(True, found["answer"], found["action"], _campaigns_of(found["result"]))
        return Answer(False, str(found.get("detail") or found), None, [])

    async def campaign(self, key: str, campaign_id: UUID) -> dict[str, Any]:
        answer = await self._client.get(
            f"/v1/campaigns/{campaign_id}", headers={"Authorization": f"Bearer {key}"}
        )
        answer.raise_for_status()
        found: dict[str, Any] = answer.json()
        return found

    async def report(self, key: str, campaign_id: UUID) -> bytes:
        """The campaign's CSV report, whole."""
        answer = await self._client.get(
            f"/v1/campaigns/{campaign_id}/report.csv",
            headers={"Authorization": f"Bearer {key}"},
            timeout=None,
        )
        answer.raise_for_status()
        return answer.content

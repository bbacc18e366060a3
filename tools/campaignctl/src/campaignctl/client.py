"""The two calls campaignctl makes: a command, and a campaign's progress."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx


class Refused(Exception):
    """The API refused; `detail` says what to fix."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class Extras:
    """What travels beside the command text (see POST /v1/commands)."""

    reply_to: dict[str, Any] | None = None
    file: str | None = None
    external_id: str | None = None
    interval_seconds: float | None = None
    name: str | None = None
    dialog: tuple[str, str] | None = None
    """Typed in one customer's dialog: (connection id, their id); None: General."""

    def body(self, command: str) -> dict[str, Any]:
        found = {
            "command": command,
            "reply_to": self.reply_to,
            "file": self.file,
            "external_id": self.external_id,
            "interval_seconds": self.interval_seconds,
            "name": self.name,
            "place": None,
        }
        if self.dialog is not None:
            connection_id, external_id = self.dialog
            found["place"] = {
                "kind": "dialog",
                "connection_id": connection_id,
                "external_id": external_id,
            }
        return {k: v for k, v in found.items() if v is not None}


class Api:
    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def _json(self, response: httpx.Response) -> Any:
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400:
            detail = body.get("detail") if isinstance(body, dict) else None
            raise Refused(
                response.status_code, str(detail or response.text or response.reason_phrase)
            )
        return body

    def command(self, command: str, extras: Extras) -> dict[str, Any]:
        """One command; an Idempotency-Key per invocation, so a retried request
        never makes a second campaign."""
        response = self._client.post(
            "/v1/commands",
            json=extras.body(command),
            headers={"Idempotency-Key": f"campaignctl-{uuid.uuid4()}"},
        )
        found: dict[str, Any] = self._json(response)
        return found

    def campaign(self, campaign_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self._json(self._client.get(f"/v1/campaigns/{campaign_id}"))
        return found

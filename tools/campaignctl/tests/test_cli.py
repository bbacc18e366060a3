"""campaignctl's own parts: the command it sends, and following progress."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from campaignctl.cli import _command, run
from campaignctl.client import Api, Extras, Refused
from campaignctl.progress import describe, watch
from rich.console import Console


def state(status: str, sent: int, remaining: int | None, total: int | None = 10) -> dict[str, Any]:
    return {
        "id": "c1",
        "sending_id": 3,
        "connection_id": "tg-main",
        "status": status,
        "progress": {
            "total": total,
            "sent": sent,
            "failed": 1,
            "skipped": 0,
            "cancelled": 0,
            "unknown": 0,
            "remaining": remaining,
        },
    }


def test_the_send_word_may_be_left_out() -> None:
    assert _command(["all", "promo", "5m"]) == "/send all promo 5m"
    assert _command(["/send", "sid4"]) == "/send sid4"
    assert _command(["/SEND all"]) == "/SEND all"


def test_only_what_is_given_travels_beside_the_command() -> None:
    body = Extras(reply_to={"kind": "text", "text": "Hi"}, interval_seconds=0).body("/send all")
    assert body == {
        "command": "/send all",
        "reply_to": {"kind": "text", "text": "Hi"},
        "interval_seconds": 0,
    }


def test_a_command_typed_in_a_dialog_says_where(monkeypatch: Any) -> None:
    body = Extras(dialog=("tg-main", "111")).body("/send welcome 5m")
    assert body["place"] == {"kind": "dialog", "connection_id": "tg-main", "external_id": "111"}
    assert "place" not in Extras().body("/send templates")
    errors = io.StringIO()
    monkeypatch.setattr("sys.stderr", errors)
    assert run(["--key", "k", "--dialog", "tg-main", "templates"]) == 2


def test_watching_follows_until_the_campaign_finishes() -> None:
    states = iter(
        [state("scheduled", 0, None, None), state("running", 4, 5), state("completed", 9, 0)]
    )
    seen: list[str] = []

    def fetch(campaign_id: str) -> dict[str, Any]:
        seen.append(campaign_id)
        return next(states)

    out = io.StringIO()
    final = watch(["c1"], fetch, Console(file=out, width=200), every=0)
    assert [c["status"] for c in final] == ["completed"]
    assert len(seen) == 3
    assert "sid3 completed: 9 sent, 1 failed" in out.getvalue()
    assert describe(final[0]) == "sid3 completed: 9 sent, 1 failed, 0 skipped, 0 cancelled"


def test_without_a_key_it_says_so(monkeypatch: Any) -> None:
    monkeypatch.delenv("CAMPAIGN_API_KEY", raising=False)
    assert run(["all"], Console(file=io.StringIO())) == 2


def test_a_refusal_says_what_to_fix() -> None:
    """The API's errors are problem details (`application/problem+json`): `detail` is told."""
    problem = {
        "type": "urn:problem:bad_command",
        "title": "Bad command",
        "status": 422,
        "detail": "'sendall' is neither a template nor an instance id (at character 7)",
        "code": "bad_command",
        "position": 6,
    }

    def answer(_: httpx.Request) -> httpx.Response:
        return httpx.Response(
            422, json=problem, headers={"content-type": "application/problem+json"}
        )

    api = Api(httpx.Client(transport=httpx.MockTransport(answer), base_url="http://api"))
    with pytest.raises(Refused) as refused:
        api.command("/send sendall", Extras())
    assert (refused.value.status, refused.value.detail) == (422, problem["detail"])

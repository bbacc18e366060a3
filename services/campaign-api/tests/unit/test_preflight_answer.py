# ruff: noqa: RUF001 - the Russian answers are written in Cyrillic
"""The pre-flight in the answer to a mass `/send`: per connection, in the
caller's language."""

from __future__ import annotations

from campaign_api.commands.answers import campaign_created
from campaign_api.commands.texts import render_all

CHECK = {
    "connection_id": "wa-main",
    "matching": 1000,
    "kept_out": {"reply_window": 120, "opted_out": 0, "unknown": 3, "monthly_limit": 0},
    "will_send": 880,
    "seconds_apart": 15.0,
    "duration_seconds": 432000.0,
    "finish_at": "2026-12-11T00:00:00Z",
    "summary": "880 on wa-main, done around 2026-12-11 00:00 UTC",
    "quiet": {"count": 310, "until": "2026-12-07T09:00:00Z"},
    "warnings": [{"code": "starts_in_quiet_hours", "message": "..."}],
}


def test_the_answer_says_who_is_kept_out_when_it_ends_and_what_to_know() -> None:
    lines = render_all(campaign_created({"campaigns": [], "preflight": [CHECK]}), "en")
    assert lines == [
        "Pre-flight on wa-main: 880 of 1,000 will be messaged, at least 15 s apart, done "
        "around 2026-12-11 00:00:00 UTC.",
        "Kept out: reply window closed: 120, no dialog: 3.",
        "310 wait for their quiet hours to end, until 2026-12-07 09:00:00 UTC at the latest.",
        "Warning: the start is inside quiet hours for some recipients.",
    ]


def test_it_is_said_in_the_callers_language() -> None:
    (first, kept, *_) = render_all(campaign_created({"preflight": [CHECK]}), "ru")
    assert first.startswith("Предпроверка для wa-main: получат 880 из 1,000")
    assert kept == "Не получат: окно ответа закрыто: 120, нет диалога: 3."

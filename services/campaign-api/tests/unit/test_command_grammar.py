"""The `/send` language: every form, the calls each makes, and precise errors;
hypothesis checks the parser never raises anything but its own error."""

from __future__ import annotations

import contextlib

import pytest
from campaign_api.commands.grammar import (
    AudienceChoice,
    CancelSending,
    CommandError,
    DeleteStep,
    DeleteTemplate,
    ListSendings,
    ListTemplates,
    PauseSending,
    RenameTemplate,
    ResendSending,
    ResumeSending,
    RetimeStep,
    ShowSending,
    StartSending,
    TemplateCommand,
    parse,
)
from campaign_api.commands.runner import ApiCall, Context, calls_for
from hypothesis import given, settings
from hypothesis import strategies as st

from .vocabulary import WORDS

HELLO = {"kind": "text", "text": "Hello, {name}!"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/send test", StartSending(AudienceChoice("test"))),
        ("/send all", StartSending(AudienceChoice("all"))),
        ("/SEND ALL promo", StartSending(AudienceChoice("all"), template="promo")),
        ("/send@CampaignBot all promo", StartSending(AudienceChoice("all"), template="promo")),
        ("/send file promo now", StartSending(AudienceChoice("file"), "promo", "now")),
        (
            "/send all promo 5m 30s tg-main",
            StartSending(AudienceChoice("all"), "promo", "5m 30s", "tg-main"),
        ),
        ("/send all 2h wa-1", StartSending(AudienceChoice("all"), None, "2h", "wa-1")),
        ("/send all tg-main", StartSending(AudienceChoice("all"), instance="tg-main")),
        (
            "/send all promo 2024-12-27 14:25:55 tg-main",
            StartSending(AudienceChoice("all"), "promo", "2024-12-27 14:25:55", "tg-main"),
        ),
        (
            "/send all 2024-12-27 14:25:55 UTC",
            StartSending(AudienceChoice("all"), None, "2024-12-27 14:25:55"),
        ),
        (
            "/send all 2024-12-27T14:25:55+03:00",
            StartSending(AudienceChoice("all"), None, "2024-12-27T14:25:55+03:00"),
        ),
        (
            "/send list 101,102, 103 104 promo 1d",
            StartSending(AudienceChoice("list", ids=("101", "102", "103", "104")), "promo", "1d"),
        ),
        (
            "/send list +4917612345678 wa-1",
            StartSending(AudienceChoice("list", ids=("+4917612345678",)), instance="wa-1"),
        ),
        (
            "/send list 5,6 42",
            StartSending(AudienceChoice("list", ids=("5", "6")), instance="42"),
        ),
        ("/send mark vip promo", StartSending(AudienceChoice("mark", label="vip"), "promo")),
        ("/send all tg2", StartSending(AudienceChoice("all"), template="tg2")),
        ("/send all now tg2", StartSending(AudienceChoice("all"), time="now", instance="tg2")),
        ("/send promo", TemplateCommand("promo")),
        ("/send newone 5m", TemplateCommand("newone", "5m")),
        ("/send promo 2h 30m", TemplateCommand("promo", "2h 30m")),
        ("/send templates", ListTemplates()),
        ("/send sendings", ListSendings()),
        ("/send sendings wa-1", ListSendings("wa-1")),
        ("/send promo name spring-sale", RenameTemplate("promo", "spring-sale")),
        ("/send promo for 3 1h", RetimeStep("promo", 3, "1h")),
        ("/send promo del 2", DeleteStep("promo", 2)),
        ("/send promo del", DeleteTemplate("promo")),
        ("/send sid17", ShowSending(17)),
        ("/send SID17 del", CancelSending(17)),
        ("/send sid17 resend", ResendSending(17)),
        ("/send sid17 RESEND blocked Opted_Out", ResendSending(17, ("blocked", "opted_out"))),
        ("/send sid17 pause", PauseSending(17)),
        ("/send sid17 RESUME", ResumeSending(17)),
    ],
)
def test_every_form(text: str, expected: object) -> None:
    assert parse(text, WORDS) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty command"),
        ("send all", "starts with /send"),
        ("/send", "/send needs more"),
        ("/send 123", "not a /send word"),
        ("/send list", "`list` needs the ids"),
        ("/send mark", "`mark` needs the label"),
        ("/send all nope", "neither a template nor an instance id"),
        ("/send all promo nope", "unknown instance id 'nope'"),
        ("/send all nope tg-main", "unknown template 'nope'"),
        ("/send all promo tg-main wa-1", "unexpected 'wa-1'"),
        ("/send all 5m 2h30m", None),  # one duration, written in two pieces
        ("/send all 5m now", "one time at most"),
        ("/send all promo 2024-13-45 10:00", "cannot read"),
        ("/send templates promo", "takes nothing after it"),
        ("/send sendings wa-1 tg-main", "one instance id at most"),
        ("/send sid3 now", "only `del`, `pause`, `resume` or `resend` may follow"),
        ("/send sid3 resend everyone", "'everyone' is no failure class"),
        ("/send promo name", "rename with"),
        ("/send promo name 9lives", "not a template name"),
        ("/send promo for x 1h", "for STEP_ID TIME"),
        ("/send promo for 2 soon", "takes one time"),
        ("/send promo del two", "del STEP_ID deletes a step"),
        ("/send promo soon", "takes one time"),
    ],
)
def test_malformed_commands_say_what_is_wrong(text: str, message: str | None) -> None:
    if message is None:
        assert isinstance(parse(text, WORDS), StartSending)
        return
    with pytest.raises(CommandError) as error:
        parse(text, WORDS)
    assert message in str(error.value)


def test_an_error_points_at_the_word() -> None:
    with pytest.raises(CommandError) as error:
        parse("/send all promo nope", WORDS)
    assert error.value.position == len("/send all promo ")
    assert "(at character 17)" in str(error.value)


@pytest.mark.parametrize(
    ("text", "context", "call"),
    [
        (
            "/send all promo 5m tg-main",
            Context(),
            ApiCall(
                "POST",
                "/v1/campaigns",
                json={
                    "audience": {"kind": "all"},
                    "content": {"kind": "template", "template": "promo"},
                    "connection_id": "tg-main",
                    "start_at": "5m",
                },
            ),
        ),
        (
            "/send mark vip",
            Context(reply_to=HELLO, interval_seconds=90, name="Spring"),
            ApiCall(
                "POST",
                "/v1/campaigns",
                json={
                    "audience": {"kind": "filter", "labels_any": ["vip"]},
                    "content": HELLO,
                    "interval_seconds": 90,
                    "name": "Spring",
                },
            ),
        ),
        (
            "/send test promo",
            Context(external_id="777"),
            ApiCall(
                "POST",
                "/v1/campaigns",
                json={
                    "audience": {"kind": "test", "external_id": "777"},
                    "content": {"kind": "template", "template": "promo"},
                },
            ),
        ),
        (
            "/send file promo",
            Context(file="1\n2, 3"),
            ApiCall("POST", "/v1/audience/lists", content="1\n2, 3"),
        ),
        (
            "/send promo 1h",
            Context(reply_to=HELLO),
            ApiCall("POST", "/v1/templates/promo/steps", json={"content": HELLO, "delay": "1h"}),
        ),
        (
            "/send fresh",
            Context(reply_to=HELLO),
            ApiCall(
                "POST",
                "/v1/templates",
                json={"name": "fresh", "steps": [{"content": HELLO, "delay": 0}]},
            ),
        ),
        ("/send promo", Context(), ApiCall("GET", "/v1/templates/promo")),
        ("/send templates", Context(), ApiCall("GET", "/v1/templates")),
        (
            "/send sendings wa-1",
            Context(),
            ApiCall("GET", "/v1/campaigns", params={"connection_id": "wa-1"}),
        ),
        (
            "/send promo name autumn",
            Context(),
            ApiCall("PATCH", "/v1/templates/promo", json={"name": "autumn"}),
        ),
        (
            "/send promo for 2 30m",
            Context(),
            ApiCall("PATCH", "/v1/templates/promo/steps/2", json={"delay": "30m"}),
        ),
        ("/send promo del 2", Context(), ApiCall("DELETE", "/v1/templates/promo/steps/2")),
        ("/send promo del", Context(), ApiCall("DELETE", "/v1/templates/promo")),
        (
            "/send sid5",
            Context(),
            ApiCall("GET", "/v1/campaigns", params={"sending_id": "5", "limit": "1"}),
        ),
    ],
)
def test_each_form_is_the_http_call_it_stands_for(
    text: str, context: Context, call: ApiCall
) -> None:
    assert calls_for(parse(text, WORDS), context, WORDS) == [call]


@pytest.mark.parametrize(
    ("text", "context", "message"),
    [
        ("/send all", Context(), "Reply to the message to send, or name a template"),
        ("/send file promo", Context(), "needs the file of ids"),
        ("/send file", Context(file="1"), "Reply to the message to send"),
        ("/send promo 5m", Context(), "reply to the message to add to promo"),
    ],
)
def test_what_a_command_needs_beside_its_text(text: str, context: Context, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        calls_for(parse(text, WORDS), context, WORDS)


_PIECES = st.sampled_from(
    [
        "/send",
        "/SEND",
        "test",
        "all",
        "file",
        "list",
        "mark",
        "templates",
        "sendings",
        "name",
        "for",
        "del",
        "now",
        "promo",
        "tg-main",
        "42",
        "sid7",
        "sid",
        "5m",
        "30s",
        "1d",
        "2h30m",
        "2024-12-27",
        "14:25:55",
        "UTC",
        "2024-12-27T14:25:55Z",
        "1,2,3",
        ",",
        "+49",
        "-100",
        "x",
        "é",
        "\n",
        "\t",
        "''",
        "9999-99-99",
        "99:99",
        "1" * 30,
        "a" * 70,
    ]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(_PIECES, max_size=8).map(" ".join))
def test_the_parser_raises_nothing_but_its_own_error_on_command_like_text(text: str) -> None:
    with contextlib.suppress(CommandError):
        parse(text, WORDS)


@settings(max_examples=600, deadline=None)
@given(st.text(max_size=200))
def test_the_parser_raises_nothing_but_its_own_error_on_any_text(text: str) -> None:
    with contextlib.suppress(CommandError):
        parse("/send " + text, WORDS)
    with contextlib.suppress(CommandError):
        parse(text, WORDS)

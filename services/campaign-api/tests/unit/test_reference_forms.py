"""Every form of the reference's `/send` (its syntax lines, each optional part
left out and given in every way the reference writes it), parsed and turned into
the API calls it stands for.  The lines are the reference's, character for
character; only the placeholders are filled in."""

from __future__ import annotations

import itertools

import pytest
from campaign_api.commands.grammar import (
    AudienceChoice,
    CancelSending,
    Command,
    CommandError,
    DeleteStep,
    DeleteTemplate,
    ListSendings,
    ListTemplates,
    RenameTemplate,
    RetimeStep,
    ShowSending,
    StartSending,
    TemplateCommand,
    parse,
)
from campaign_api.commands.runner import ApiCall, Context, Dialog, calls_for

from .vocabulary import WORDS

TIMES = ["", "now", "5m 30s", "5m", "2h", "1d", "2024-12-27 14:25:55"]
"""`[now,delay,datetime]`: left out, or each example of the reference's time table."""
INSTANCES = ["", "tg-main"]
FILLED = {
    "USER_ID1,USER_ID2": "111,222",
    "USER_IDS": "333,444",
    "MARK_NAME": "vip",
    "TEMPLATE_NAME": "special_offer",
    "NEW_NAME": "offer2",
    "MESSAGE_ID": "2",
    "SENDING_ID": "7",
}
IDS = {"USER_ID1,USER_ID2": ("111", "222"), "USER_IDS": ("333", "444")}

GENERAL = [  # the reference's lines for the General topic, with a reply and without
    "/send test [now,delay,datetime] [instance_id]",
    "/send all [now,delay,datetime] [instance_id]",
    "/send file [now,delay,datetime] [instance_id]",
    "/send list [now,delay,datetime] [instance_id] USER_ID1,USER_ID2",
    "/send mark MARK_NAME [now,delay,datetime] [instance_id]",
    "/send test TEMPLATE_NAME [now,delay,datetime] [instance_id]",
    "/send all TEMPLATE_NAME [now,delay,datetime] [instance_id]",
    "/send file TEMPLATE_NAME [now,delay,datetime] [instance_id]",
    "/send list TEMPLATE_NAME [now,delay,datetime] [instance_id] USER_IDS",
    "/send mark MARK_NAME template TEMPLATE_NAME [now,delay,datetime] [instance_id]",
]


def expand(line: str) -> list[tuple[str, str | None, str | None]]:
    """Each way to write `line`: (command, time or None, instance or None)."""
    written = []
    for time, instance in itertools.product(TIMES, INSTANCES):
        text = line.replace("[now,delay,datetime]", time).replace("[instance_id]", instance)
        for placeholder, value in FILLED.items():
            text = text.replace(placeholder, value)
        written.append((" ".join(text.split()), time or None, instance or None))
    return written


def expected_sending(line: str, time: str | None, instance: str | None) -> StartSending:
    word = line.split()[1]
    ids = next((v for k, v in IDS.items() if k in line), ())
    label = "vip" if word == "mark" else None
    template = "special_offer" if "TEMPLATE_NAME" in line else None
    choice = AudienceChoice(word, ids=ids, label=label)
    return StartSending(audience=choice, template=template, time=time, instance=instance)


SENDINGS = [
    (text, expected_sending(line, time, instance))
    for line in GENERAL
    for text, time, instance in expand(line)
]


@pytest.mark.parametrize(("text", "expected"), SENDINGS, ids=[t for t, _ in SENDINGS])
def test_every_sending_form_of_the_reference(text: str, expected: StartSending) -> None:
    assert parse(text, WORDS) == expected


def _retime(time: str | None) -> Command:
    return RetimeStep("special_offer", 2, time or "")


OTHERS: list[tuple[str, Command]] = [
    *[
        (f"/send TEMPLATE_NAME {t}".strip(), TemplateCommand("special_offer", t or None))
        for t in TIMES
    ],
    ("/send templates", ListTemplates()),
    ("/send sendings", ListSendings()),
    ("/send sendings tg-main", ListSendings("tg-main")),
    ("/send TEMPLATE_NAME", TemplateCommand("special_offer")),
    ("/send sidSENDING_ID", ShowSending(7)),
    ("/send TEMPLATE_NAME name NEW_NAME", RenameTemplate("special_offer", "offer2")),
    *[(f"/send TEMPLATE_NAME for MESSAGE_ID {t}", _retime(t)) for t in TIMES if t],
    ("/send TEMPLATE_NAME del MESSAGE_ID", DeleteStep("special_offer", 2)),
    ("/send TEMPLATE_NAME del", DeleteTemplate("special_offer")),
    ("/send sidSENDING_ID del", CancelSending(7)),
]


def filled(text: str) -> str:
    for placeholder, value in FILLED.items():
        text = text.replace(placeholder, value)
    return text


@pytest.mark.parametrize(("line", "expected"), OTHERS, ids=[filled(t) for t, _ in OTHERS])
def test_every_other_form_of_the_reference(line: str, expected: Command) -> None:
    assert parse(filled(line), WORDS) == expected


HELLO = {"kind": "text", "text": "Hallo! Vielen Dank für Ihr Interesse."}
IN_DIALOG = Context(dialog=Dialog("tg-main", "555"))
EXAMPLES: list[tuple[str, Context, ApiCall]] = [
    # "Schnelle Benachrichtigungssendung": replying in General
    (
        "/send test",
        Context(reply_to=HELLO, external_id="42"),
        ApiCall(
            "POST",
            "/v1/campaigns",
            json={"audience": {"kind": "test", "external_id": "42"}, "content": HELLO},
        ),
    ),
    (
        "/send all",
        Context(reply_to=HELLO),
        ApiCall("POST", "/v1/campaigns", json={"audience": {"kind": "all"}, "content": HELLO}),
    ),
    # "Vorlage mit Kette erstellen"
    (
        "/send onboarding",
        Context(reply_to=HELLO),
        ApiCall("POST", "/v1/templates/onboarding/steps", json={"content": HELLO, "delay": 0}),
    ),
    (
        "/send onboarding 5m",
        Context(reply_to=HELLO),
        ApiCall("POST", "/v1/templates/onboarding/steps", json={"content": HELLO, "delay": "5m"}),
    ),
    (
        "/send onboarding 1h",
        Context(reply_to=HELLO),
        ApiCall("POST", "/v1/templates/onboarding/steps", json={"content": HELLO, "delay": "1h"}),
    ),
    (
        "/send onboarding",
        IN_DIALOG,
        ApiCall(
            "POST",
            "/v1/campaigns",
            json={
                "connection_id": "tg-main",
                "audience": {"kind": "list", "external_ids": ["555"]},
                "content": {"kind": "template", "template": "onboarding"},
            },
        ),
    ),
    (
        "/send all onboarding",
        Context(),
        ApiCall(
            "POST",
            "/v1/campaigns",
            json={
                "audience": {"kind": "all"},
                "content": {"kind": "template", "template": "onboarding"},
            },
        ),
    ),
    # "Mailing nach Label"
    (
        "/send mark vip template special_offer",
        Context(),
        ApiCall(
            "POST",
            "/v1/campaigns",
            json={
                "audience": {"kind": "filter", "labels_any": ["vip"]},
                "content": {"kind": "template", "template": "special_offer"},
            },
        ),
    ),
    # "Nachrichtenkette erstellen": a new template, then two more steps
    (
        "/send welcome 5m",
        Context(reply_to=HELLO),
        ApiCall("POST", "/v1/templates/welcome/steps", json={"content": HELLO, "delay": "5m"}),
    ),
    (
        "/send welcome 2026-12-24 10:00:00",
        Context(reply_to=HELLO),
        ApiCall(
            "POST",
            "/v1/templates/welcome/steps",
            json={"content": HELLO, "delay": "2026-12-24 10:00:00"},
        ),
    ),
    (
        "/send welcome for 2 2026-12-24 10:00:00",
        Context(),
        ApiCall("PATCH", "/v1/templates/welcome/steps/2", json={"delay": "2026-12-24 10:00:00"}),
    ),
    # in a dialog topic
    ("/send templates", IN_DIALOG, ApiCall("GET", "/v1/templates")),
    (
        "/send sendings",
        IN_DIALOG,
        ApiCall("GET", "/v1/campaigns", params={"connection_id": "tg-main", "external_id": "555"}),
    ),
    (
        "/send welcome 2026-12-24 10:00:00",
        IN_DIALOG,
        ApiCall(
            "POST",
            "/v1/campaigns",
            json={
                "connection_id": "tg-main",
                "audience": {"kind": "list", "external_ids": ["555"]},
                "content": {"kind": "template", "template": "welcome"},
                "start_at": "2026-12-24 10:00:00",
            },
        ),
    ),
]


@pytest.mark.parametrize(
    ("text", "context", "call"),
    EXAMPLES,
    ids=[f"{t} {c.dialog is not None}" for t, c, _ in EXAMPLES],
)
def test_the_reference_examples_are_the_calls_they_stand_for(
    text: str, context: Context, call: ApiCall
) -> None:
    assert calls_for(parse(text, WORDS), context, WORDS) == [call]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "/send list special_offer 1h tg-main 111,222",
            StartSending(
                AudienceChoice("list", ids=("111", "222")), "special_offer", "1h", "tg-main"
            ),
        ),
        (
            "/send list 1h tg-main 333,444",
            StartSending(AudienceChoice("list", ids=("333", "444")), None, "1h", "tg-main"),
        ),
        (
            "/send list tg-main 1,2",
            StartSending(AudienceChoice("list", ids=("1", "2")), instance="tg-main"),
        ),
        (
            "/send list 111, 222 special_offer",
            StartSending(AudienceChoice("list", ids=("111", "222")), "special_offer"),
        ),
    ],
)
def test_ids_stand_last_or_right_after_list(text: str, expected: StartSending) -> None:
    assert parse(text, WORDS) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("/send list 1,tg-main", "'tg-main' is an instance id, not a user id"),
        ("/send list tg-main", "`list` needs the ids"),
        ("/send list 1,2 special_offer 3,4", "the user ids stand together"),
        ("/send mark template special_offer", "`mark` needs the label"),
        ("/send mark vip template nope", "unknown template 'nope'"),
        ("/send mark vip special_offer onboarding", "one template at most"),
        (
            "/send list vip 1,2",
            "'vip' is not a template, an instance id of this tenant or a user id",
        ),
        ("/send all 1h special_offer", "the template comes before the time"),
    ],
)
def test_no_word_is_silently_taken_for_something_else(text: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        parse(text, WORDS)


@pytest.mark.parametrize(
    ("text", "context", "message"),
    [
        ("/send all special_offer", IN_DIALOG, "in a dialog, /send takes TEMPLATE"),
        ("/send sid7 del", IN_DIALOG, "anything else is typed in General"),
        ("/send special_offer name x", IN_DIALOG, "anything else is typed in General"),
        ("/send sendings tg-main", IN_DIALOG, "it takes no instance id"),
        ("/send nope", IN_DIALOG, "unknown template 'nope'"),
        (
            "/send welcome",
            Context(reply_to=HELLO, dialog=Dialog("tg-main", "555")),
            "reply to it with /send welcome in General",
        ),
    ],
)
def test_in_a_dialog_only_what_the_reference_allows_there(
    text: str, context: Context, message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        calls_for(parse(text, WORDS), context, WORDS)

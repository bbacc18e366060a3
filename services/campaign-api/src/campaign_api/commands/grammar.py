"""The `/send` command language, parsed into what it asks for.

    /send test|all|file|list IDS|mark LABEL [TEMPLATE] [now|DELAY|DATETIME] [INSTANCE_ID]
    /send TEMPLATE_NAME [now|DELAY|DATETIME]     add the replied-to message as a step
    /send templates | sendings [INSTANCE_ID] | TEMPLATE_NAME
    /send TEMPLATE_NAME name NEW_NAME | for STEP_ID TIME | del STEP_ID | del
    /send sidSENDING_ID [del]

Keywords are case-insensitive; template names and instance ids are not.  A time
is `now`, a delay (`5m 30s`, `2h`, `1d`) or a UTC date and time
(`2024-12-27 14:25:55`, ISO 8601 too).  Which bare word is a template and which
an instance id is told by the tenant's own names (`Vocabulary`): with two
words, the first is the template and the second the instance.

Pure: no I/O.  Anything malformed raises `CommandError`, which says what is
wrong and where, and nothing else is ever raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from contracts.audience import split_id_list
from contracts.content import TEMPLATE_NAME_PATTERN
from contracts.timing import START_HELP, TimeFormatError, parse_start_time

USAGE = (
    "/send test|all|file|list IDS|mark LABEL [TEMPLATE] [now|DELAY|DATETIME] [INSTANCE_ID]; "
    "/send TEMPLATE [now|DELAY|DATETIME]; /send templates; /send sendings [INSTANCE_ID]; "
    "/send TEMPLATE name NEW_NAME | for STEP_ID TIME | del STEP_ID | del; /send sidID [del]"
)
MAX_COMMAND_LENGTH = 100_000

_PREFIX = re.compile(r"^\s*/send(?:@[A-Za-z0-9_]+)?(?=\s|$)", re.IGNORECASE)
_DURATION_TOKEN = re.compile(r"^(?:\d+[smhdw])+$", re.IGNORECASE)
_DATE_TOKEN = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\S*)?$")
_CLOCK_TOKEN = re.compile(r"^\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$", re.I)
_ZONE_TOKEN = re.compile(r"^(?:UTC|Z|GMT)$", re.IGNORECASE)
_SENDING = re.compile(r"^sid(\d{1,9})$", re.IGNORECASE)
_NUMERIC_IDS = re.compile(r"^[+-]?\d+(?:[,;][+-]?\d+)*[,;]?$")
_NAME = re.compile(TEMPLATE_NAME_PATTERN)
_INSTANCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_STEP_ID = re.compile(r"^\d{1,6}$")

AUDIENCE_WORDS = ("test", "all", "file", "list", "mark")


class CommandError(ValueError):
    """A command that cannot be read; the message says what to fix."""

    def __init__(self, message: str, position: int | None = None) -> None:
        where = f" (at character {position + 1})" if position is not None else ""
        super().__init__(f"{message}{where}")
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Vocabulary:
    """The tenant's own names, which tell templates from instance ids."""

    templates: frozenset[str] = frozenset()
    connections: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Token:
    text: str
    position: int
    is_time: bool = False


# What a command asks for ----------------------------------------------------


@dataclass(frozen=True)
class AudienceChoice:
    kind: str  # test | all | file | list | mark
    ids: tuple[str, ...] = ()
    label: str | None = None


@dataclass(frozen=True)
class StartSending:
    audience: AudienceChoice
    template: str | None = None
    time: str | None = None
    instance: str | None = None


@dataclass(frozen=True)
class TemplateCommand:
    """`/send NAME [TIME]`: add the replied-to message as a step, or (with no
    message replied to, and no time) show the template."""

    template: str
    time: str | None = None


@dataclass(frozen=True)
class ListTemplates:
    pass


@dataclass(frozen=True)
class ListSendings:
    instance: str | None = None


@dataclass(frozen=True)
class RenameTemplate:
    template: str
    new_name: str


@dataclass(frozen=True)
class RetimeStep:
    template: str
    step_id: int
    time: str


@dataclass(frozen=True)
class DeleteStep:
    template: str
    step_id: int


@dataclass(frozen=True)
class DeleteTemplate:
    template: str


@dataclass(frozen=True)
class ShowSending:
    sending_id: int


@dataclass(frozen=True)
class CancelSending:
    sending_id: int


Command = (
    StartSending
    | TemplateCommand
    | ListTemplates
    | ListSendings
    | RenameTemplate
    | RetimeStep
    | DeleteStep
    | DeleteTemplate
    | ShowSending
    | CancelSending
)


# Reading --------------------------------------------------------------------


def _tokens(text: str, start: int) -> list[Token]:
    return [Token(m.group(), start + m.start()) for m in re.finditer(r"\S+", text[start:])]


def _is_time_word(text: str) -> bool:
    return (
        text.lower() == "now" or bool(_DURATION_TOKEN.match(text)) or bool(_DATE_TOKEN.match(text))
    )


def _group_times(tokens: list[Token]) -> list[Token]:
    """Join what makes one time: `5m 30s`, `2024-12-27 14:25:55 UTC`."""
    grouped: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if _DURATION_TOKEN.match(token.text):
            parts = [token.text]
            while i + 1 < len(tokens) and _DURATION_TOKEN.match(tokens[i + 1].text):
                i += 1
                parts.append(tokens[i].text)
            grouped.append(Token(_checked_time(" ".join(parts), token), token.position, True))
        elif _DATE_TOKEN.match(token.text):
            parts = [token.text]
            if (
                "T" not in token.text
                and i + 1 < len(tokens)
                and _CLOCK_TOKEN.match(tokens[i + 1].text)
            ):
                i += 1
                parts.append(tokens[i].text)
            if i + 1 < len(tokens) and _ZONE_TOKEN.match(tokens[i + 1].text):
                i += 1  # a time without an offset is UTC already
            grouped.append(Token(_checked_time(" ".join(parts), token), token.position, True))
        elif token.text.lower() == "now":
            grouped.append(Token("now", token.position, is_time=True))
        else:
            grouped.append(token)
        i += 1
    return grouped


def _checked_time(text: str, token: Token) -> str:
    try:
        parse_start_time(text, datetime.now(UTC))
    except TimeFormatError as error:
        raise CommandError(str(error), token.position) from None
    return text


def parse(text: str, vocabulary: Vocabulary = Vocabulary()) -> Command:
    """`/send ...` -> what it asks for; raises CommandError."""
    if not text.strip():
        raise CommandError(f"empty command: use {USAGE}")
    if len(text) > MAX_COMMAND_LENGTH:
        raise CommandError(f"a command is at most {MAX_COMMAND_LENGTH} characters")
    prefix = _PREFIX.match(text)
    if prefix is None:
        raise CommandError(f"a command starts with /send: {USAGE}", 0)
    tokens = _tokens(text, prefix.end())
    if not tokens:
        raise CommandError(f"/send needs more: {USAGE}", prefix.end())
    head, rest = tokens[0], tokens[1:]
    word = head.text.lower()
    if word == "templates":
        _nothing_after(rest, "/send templates")
        return ListTemplates()
    if word == "sendings":
        return ListSendings(instance=_optional_instance(rest, vocabulary, "/send sendings"))
    if sending := _SENDING.match(head.text):
        return _sending_command(int(sending.group(1)), rest)
    if word in AUDIENCE_WORDS:
        return _start_sending(word, head, rest, vocabulary)
    if _NAME.match(head.text):
        return _template_command(head.text, rest)
    raise CommandError(
        f"{head.text!r} is not a /send word, a template name or sid<number>: {USAGE}",
        head.position,
    )


def _nothing_after(rest: list[Token], what: str) -> None:
    if rest:
        raise CommandError(f"{what} takes nothing after it, not {rest[0].text!r}", rest[0].position)


def _optional_instance(rest: list[Token], vocabulary: Vocabulary, what: str) -> str | None:
    if not rest:
        return None
    if len(rest) > 1:
        raise CommandError(f"{what} takes one instance id at most", rest[1].position)
    return _instance(rest[0], vocabulary)


def _instance(token: Token, vocabulary: Vocabulary) -> str:
    if not _INSTANCE.match(token.text):
        raise CommandError(f"{token.text!r} is not an instance id", token.position)
    if vocabulary.connections and token.text not in vocabulary.connections:
        known = ", ".join(sorted(vocabulary.connections))
        raise CommandError(
            f"unknown instance id {token.text!r} (this tenant's: {known})", token.position
        )
    return token.text


def _sending_command(sending_id: int, rest: list[Token]) -> Command:
    if not rest:
        return ShowSending(sending_id)
    if rest[0].text.lower() == "del":
        _nothing_after(rest[1:], f"/send sid{sending_id} del")
        return CancelSending(sending_id)
    raise CommandError(
        f"after sid{sending_id} only `del` may follow, not {rest[0].text!r}", rest[0].position
    )


def _start_sending(
    word: str, head: Token, rest: list[Token], vocabulary: Vocabulary
) -> StartSending:
    choice = AudienceChoice(kind=word)
    if word == "list":
        ids, rest = _ids(head, rest, vocabulary)
        choice = AudienceChoice(kind="list", ids=ids)
    elif word == "mark":
        if not rest or _is_time_word(rest[0].text):
            raise CommandError(
                "`mark` needs the label to send to: /send mark LABEL ...", head.position
            )
        choice = AudienceChoice(kind="mark", label=rest[0].text)
        rest = rest[1:]
    template, time, instance = _template_time_instance(_group_times(rest), vocabulary)
    return StartSending(audience=choice, template=template, time=time, instance=instance)


def _ids(
    head: Token, rest: list[Token], vocabulary: Vocabulary
) -> tuple[tuple[str, ...], list[Token]]:
    """`list 1,2, 3 4`: the first token, then tokens joined by commas, then bare
    numbers (a last one that is an instance id of the tenant is the instance)."""
    if not rest or _is_time_word(rest[0].text):
        raise CommandError(
            "`list` needs the ids to send to, separated by commas: /send list 123,456 ...",
            head.position,
        )
    taken = [rest[0].text]
    i = 1
    while i < len(rest):
        text = rest[i].text
        joined = taken[-1].endswith((",", ";")) or text.startswith((",", ";"))
        numeric = bool(_NUMERIC_IDS.match(text))
        last_is_instance = i == len(rest) - 1 and text in vocabulary.connections
        if joined or (numeric and not last_is_instance):
            taken.append(text)
            i += 1
        else:
            break
    ids = tuple(split_id_list(" ".join(taken)))
    for value in ids:
        if not re.match(r"^[^\s,:]{1,128}$", value):
            raise CommandError(f"{value!r} is not a platform user id", head.position)
    if not ids:
        raise CommandError("`list` needs at least one id", head.position)
    return ids, rest[i:]


def _template_time_instance(
    tokens: list[Token], vocabulary: Vocabulary
) -> tuple[str | None, str | None, str | None]:
    times = [t for t in tokens if t.is_time]
    words = [t for t in tokens if not t.is_time]
    if len(times) > 1:
        raise CommandError(
            "give one time at most (now, a delay or a date and time)", times[1].position
        )
    if len(words) > 2:
        raise CommandError(
            f"unexpected {words[2].text!r}: the audience is followed by "
            "[TEMPLATE] [TIME] [INSTANCE_ID]",
            words[2].position,
        )
    time = times[0] if times else None
    if len(words) == 2:
        template_token, instance_token = words
        if time is not None and not (
            template_token.position < time.position < instance_token.position
        ):
            raise CommandError(
                "the order is [TEMPLATE] [TIME] [INSTANCE_ID]", min(t.position for t in tokens)
            )
        return (
            _template(template_token, vocabulary),
            time.text if time else None,
            _instance(instance_token, vocabulary),
        )
    if len(words) == 1:
        only = words[0]
        before_time = time is None or only.position < time.position
        is_template = only.text in vocabulary.templates
        is_connection = only.text in vocabulary.connections
        if is_template and (before_time or not is_connection):
            if not before_time:
                raise CommandError("the template comes before the time", only.position)
            return only.text, time.text if time else None, None
        if is_connection:
            return None, time.text if time else None, only.text
        raise CommandError(
            f"{only.text!r} is neither a template nor an instance id of this tenant "
            "(see /send templates and GET /v1/connections)",
            only.position,
        )
    return None, time.text if time else None, None


def _template(token: Token, vocabulary: Vocabulary) -> str:
    if not _NAME.match(token.text):
        raise CommandError(f"{token.text!r} is not a template name", token.position)
    if token.text not in vocabulary.templates:
        raise CommandError(f"unknown template {token.text!r} (see /send templates)", token.position)
    return token.text


def _template_command(name: str, rest: list[Token]) -> Command:
    if not rest:
        return TemplateCommand(name)
    verb = rest[0].text.lower()
    if verb == "name":
        if len(rest) != 2:
            raise CommandError(f"rename with /send {name} name NEW_NAME", rest[0].position)
        if not _NAME.match(rest[1].text):
            raise CommandError(
                f"{rest[1].text!r} is not a template name: a Latin letter first, then letters, "
                "digits, `-` or `_`",
                rest[1].position,
            )
        return RenameTemplate(name, rest[1].text)
    if verb == "for":
        if len(rest) < 3 or not _STEP_ID.match(rest[1].text):
            raise CommandError(
                f"change a step's time with /send {name} for STEP_ID TIME", rest[0].position
            )
        time = _one_time(rest[2:], f"/send {name} for {rest[1].text}")
        return RetimeStep(name, int(rest[1].text), time)
    if verb == "del":
        if len(rest) == 1:
            return DeleteTemplate(name)
        if len(rest) == 2 and _STEP_ID.match(rest[1].text):
            return DeleteStep(name, int(rest[1].text))
        raise CommandError(
            f"/send {name} del deletes the template; /send {name} del STEP_ID deletes a step",
            rest[1].position,
        )
    return TemplateCommand(name, _one_time(rest, f"/send {name}"))


def _one_time(tokens: list[Token], what: str) -> str:
    grouped = _group_times(tokens)
    if len(grouped) != 1 or not grouped[0].is_time:
        bad = next((t for t in grouped if not t.is_time), grouped[-1])
        raise CommandError(f"{what} takes one time ({START_HELP}), not {bad.text!r}", bad.position)
    return grouped[0].text

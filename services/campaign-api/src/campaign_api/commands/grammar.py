"""The `/send` command language, parsed into what it asks for.

    /send test|all|file [TEMPLATE] [now|DELAY|DATETIME] [INSTANCE_ID]
    /send list [TEMPLATE] [now|DELAY|DATETIME] [INSTANCE_ID] USER_ID1,USER_ID2
    /send mark LABEL [template TEMPLATE] [now|DELAY|DATETIME] [INSTANCE_ID]
    /send TEMPLATE_NAME [now|DELAY|DATETIME]     add the replied-to message as a step
    /send templates | sendings [INSTANCE_ID] | TEMPLATE_NAME
    /send TEMPLATE_NAME name NEW_NAME | for STEP_ID TIME | del STEP_ID | del
    /send sidSENDING_ID [del | pause | resume | resend [CLASS ...]]

Keywords are case-insensitive; template names and instance ids are not.  A time
is `now`, a delay (`5m 30s`, `2h`, `1d`) or a UTC date and time
(`2024-12-27 14:25:55`, ISO 8601 too).  After the audience, every word is placed
by what it is, never by where it stands: a time, a template of the tenant (or
the word after `template`), an instance id of the tenant, or (for `list`) user
ids, which stand together right after `list` or at the end.  A word that is
both a template and an instance id is the template when it comes first.  An
instance id is never read as a user id, nor a word the tenant does not know as
anything: it is an error that names it.

Pure: no I/O.  Anything malformed raises `CommandError`, which says what is
wrong and where, and nothing else is ever raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from babel.support import Translations
from contracts.audience import split_id_list
from contracts.content import TEMPLATE_NAME_PATTERN
from contracts.timing import START_HELP, TimeFormatError, parse_start_time

from ..domain.resend import FAILURE_CLASSES, FailureClass
from .texts import Text

USAGE = (
    "/send test|all|file [TEMPLATE] [now|DELAY|DATETIME] [INSTANCE_ID]; "
    "/send list [TEMPLATE] [now|DELAY|DATETIME] [INSTANCE_ID] USER_ID1,USER_ID2; "
    "/send mark LABEL [template TEMPLATE] [now|DELAY|DATETIME] [INSTANCE_ID]; "
    "/send TEMPLATE [now|DELAY|DATETIME]; /send templates; /send sendings [INSTANCE_ID]; "
    "/send TEMPLATE name NEW_NAME | for STEP_ID TIME | del STEP_ID | del; "
    "/send sidID [del | pause | resume | resend [CLASS ...]]"
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
    """A command that cannot be read; the message says what to fix (`message` in
    English, `render` in a catalogue's language)."""

    def __init__(self, message: str | Text, position: int | None = None) -> None:
        self.text = message if isinstance(message, Text) else Text(message)
        self.message = str(self.text)
        self.position = position
        super().__init__(self.render())

    def render(self, translations: Translations | None = None) -> str:
        """The message, and where in the command (if known), in the catalogue's language."""
        message = self.text.render(translations)
        if self.position is None:
            return message
        where = Text(
            "%(message)s (at character %(position)s)", message=message, position=self.position + 1
        )
        return where.render(translations)


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
    is_template: bool = False
    """Named by the keyword `template`."""


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


@dataclass(frozen=True)
class ResendSending:
    """`/send sidN resend [CLASS ...]`: a new sending to those sidN did not reach for
    a failure that may pass or an unknown outcome, and to the failure classes named."""

    sending_id: int
    include: tuple[FailureClass, ...] = ()


@dataclass(frozen=True)
class PauseSending:
    sending_id: int


@dataclass(frozen=True)
class ResumeSending:
    sending_id: int


SendingCommand = ShowSending | CancelSending | PauseSending | ResumeSending | ResendSending
"""The commands on one sending (`/send sidN [del|pause|resume|resend]`)."""


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
    | PauseSending
    | ResumeSending
    | ResendSending
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
        raise CommandError(Text("empty command: use %(usage)s", usage=USAGE))
    if len(text) > MAX_COMMAND_LENGTH:
        raise CommandError(
            Text("a command is at most %(length)s characters", length=MAX_COMMAND_LENGTH)
        )
    prefix = _PREFIX.match(text)
    if prefix is None:
        raise CommandError(Text("a command starts with /send: %(usage)s", usage=USAGE), 0)
    tokens = _tokens(text, prefix.end())
    if not tokens:
        raise CommandError(Text("/send needs more: %(usage)s", usage=USAGE), prefix.end())
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
        Text(
            "%(word)r is not a /send word, a template name or sid<number>: %(usage)s",
            word=head.text,
            usage=USAGE,
        ),
        head.position,
    )


def _nothing_after(rest: list[Token], what: str) -> None:
    if rest:
        raise CommandError(
            Text("%(what)s takes nothing after it, not %(word)r", what=what, word=rest[0].text),
            rest[0].position,
        )


def _optional_instance(rest: list[Token], vocabulary: Vocabulary, what: str) -> str | None:
    if not rest:
        return None
    if len(rest) > 1:
        raise CommandError(
            Text("%(what)s takes one instance id at most", what=what), rest[1].position
        )
    return _instance(rest[0], vocabulary)


def _instance(token: Token, vocabulary: Vocabulary) -> str:
    if not _INSTANCE.match(token.text):
        raise CommandError(Text("%(word)r is not an instance id", word=token.text), token.position)
    if vocabulary.connections and token.text not in vocabulary.connections:
        known = ", ".join(sorted(vocabulary.connections))
        raise CommandError(_unknown_instance(token.text, known), token.position)
    return token.text


def _sending_command(sending_id: int, rest: list[Token]) -> Command:
    if not rest:
        return ShowSending(sending_id)
    verbs: dict[str, type[CancelSending | PauseSending | ResumeSending]] = {
        "del": CancelSending,
        "pause": PauseSending,
        "resume": ResumeSending,
    }
    verb = rest[0].text.lower()
    if verb in verbs:
        _nothing_after(rest[1:], f"/send sid{sending_id} {verb}")
        return verbs[verb](sending_id)
    if verb == "resend":
        return ResendSending(sending_id, tuple(_failure_class(t) for t in rest[1:]))
    raise CommandError(
        Text(
            "after sid%(sid)s only `del`, `pause`, `resume` or `resend` may follow, not %(word)r",
            sid=sending_id,
            word=rest[0].text,
        ),
        rest[0].position,
    )


def _failure_class(token: Token) -> FailureClass:
    for known in FAILURE_CLASSES:
        if token.text.lower() == known:
            return known
    raise CommandError(
        Text(
            "%(word)r is no failure class; /send sidN resend may add: %(classes)s",
            word=token.text,
            classes=", ".join(FAILURE_CLASSES),
        ),
        token.position,
    )


def _start_sending(
    word: str, head: Token, rest: list[Token], vocabulary: Vocabulary
) -> StartSending:
    """`AUDIENCE [template] [TEMPLATE] [TIME] [INSTANCE_ID] [IDS]`, each word known
    by what it is: a time, a template or an instance of the tenant, user ids."""
    label = None
    if word == "mark":
        if not rest or rest[0].text.lower() == "template" or _is_time_word(rest[0].text):
            raise CommandError(
                Text("`mark` needs the label to send to: /send mark LABEL ..."), head.position
            )
        label, rest = rest[0].text, rest[1:]
    parts = _Parts(word, vocabulary)
    for token in _keyword_templates(_group_times(rest)):
        parts.take(token)
    return parts.sending(head, label)


def _keyword_templates(tokens: list[Token]) -> list[Token]:
    """`template NAME` (the reference's `mark LABEL template NAME`) -> NAME, marked as
    a template; a lone `template` stays a word (a template may be called that)."""
    marked: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        follows = tokens[i + 1] if i + 1 < len(tokens) else None
        if token.text.lower() == "template" and follows is not None and not follows.is_time:
            marked.append(Token(follows.text, follows.position, is_template=True))
            i += 2
            continue
        marked.append(token)
        i += 1
    return marked


class _Parts:
    """The words after the audience, each placed by what it is, never by guessing."""

    def __init__(self, word: str, vocabulary: Vocabulary) -> None:
        self.word = word
        self.vocabulary = vocabulary
        self.template: Token | None = None
        self.time: Token | None = None
        self.instance: Token | None = None
        self.ids: list[Token] = []
        self.seen: list[str] = []  # what each token was taken for, in order
        self.unknown: list[Token] = []

    def take(self, token: Token) -> None:
        if token.is_time:
            if self.time is not None:
                raise CommandError(
                    Text(
                        "give one time at most (now, a delay or a date and time): "
                        "/send AUDIENCE [TEMPLATE] [TIME] [INSTANCE_ID]"
                    ),
                    token.position,
                )
            self.time = token
            self.seen.append("time")
        elif token.is_template:
            self._take_template(token)
        elif self.word == "list" and self._is_ids(token):
            self.ids.append(token)
            self.seen.append("ids")
        else:
            self._take_word(token)

    def _is_ids(self, token: Token) -> bool:
        text = token.text
        if text in self.vocabulary.connections or text in self.vocabulary.templates:
            return False
        return bool(_NUMERIC_IDS.match(text)) or "," in text or ";" in text

    def _take_word(self, token: Token) -> None:
        text = token.text
        is_template = text in self.vocabulary.templates
        is_instance = text in self.vocabulary.connections
        template_first = self.template is None and self.time is None and self.instance is None
        if is_template and (template_first or not is_instance):
            self._take_template(token)
        elif is_instance:
            if self.instance is not None:
                raise CommandError(
                    Text(
                        "unexpected %(word)r: one instance id at most (/send AUDIENCE [TEMPLATE] "
                        "[TIME] [INSTANCE_ID])",
                        word=text,
                    ),
                    token.position,
                )
            _instance(token, self.vocabulary)
            self.instance = token
            self.seen.append("instance")
        else:
            self.unknown.append(token)
            self.seen.append("unknown")

    def _take_template(self, token: Token) -> None:
        if self.template is not None:
            raise CommandError(
                Text(
                    "unexpected %(word)r: one template at most (/send AUDIENCE [TEMPLATE] [TIME] "
                    "[INSTANCE_ID])",
                    word=token.text,
                ),
                token.position,
            )
        _template(token, self.vocabulary)
        self.template = token
        self.seen.append("template")

    def _unknown(self, token: Token) -> Text:
        """What a word that is no name of the tenant's was probably meant to be."""
        text = token.text
        if self.template is not None and _INSTANCE.match(text):
            known = ", ".join(sorted(self.vocabulary.connections)) or Text("none")
            return _unknown_instance(text, known)
        if self.instance is not None and token.position < self.instance.position:
            return _unknown_template(text)
        if self.word == "list":
            return Text(
                "%(word)r is not a template, an instance id of this tenant or a user id "
                "(user ids are numbers separated by commas) "
                "(see /send templates and GET /v1/connections)",
                word=text,
            )
        return Text(
            "%(word)r is neither a template nor an instance id of this tenant "
            "(see /send templates and GET /v1/connections)",
            word=text,
        )

    def sending(self, head: Token, label: str | None) -> StartSending:
        if self.unknown:
            raise CommandError(self._unknown(self.unknown[0]), self.unknown[0].position)
        template, time = self.template, self.time
        if template is not None and time is not None and template.position > time.position:
            raise CommandError(
                Text("the template comes before the time: /send AUDIENCE TEMPLATE TIME"),
                template.position,
            )
        choice = AudienceChoice(kind=self.word, label=label)
        if self.word == "list":
            choice = AudienceChoice(kind="list", ids=self._list_ids(head))
        return StartSending(
            audience=choice,
            template=self.template.text if self.template else None,
            time=self.time.text if self.time else None,
            instance=self.instance.text if self.instance else None,
        )

    def _list_ids(self, head: Token) -> tuple[str, ...]:
        """The ids stand together, right after `list` or at the end."""
        if not self.ids:
            raise CommandError(
                Text(
                    "`list` needs the ids to send to, separated by commas: "
                    "/send list [TEMPLATE] [TIME] [INSTANCE_ID] 123,456"
                ),
                head.position,
            )
        first = self.seen.index("ids")
        together = self.seen[first : first + len(self.ids)] == ["ids"] * len(self.ids)
        if not together or (first != 0 and first + len(self.ids) != len(self.seen)):
            raise CommandError(
                Text(
                    "the user ids stand together, at the end (or right after `list`): "
                    "/send list [TEMPLATE] [TIME] [INSTANCE_ID] 123,456"
                ),
                self.ids[0].position,
            )
        ids = tuple(split_id_list(" ".join(t.text for t in self.ids).replace(";", ",")))
        for value in ids:
            if value in self.vocabulary.connections:
                raise CommandError(
                    Text("%(word)r is an instance id, not a user id", word=value),
                    self.ids[0].position,
                )
            if not re.match(r"^[^\s,:]{1,128}$", value):
                raise CommandError(
                    Text("%(word)r is not a platform user id", word=value), self.ids[0].position
                )
        if not ids:
            raise CommandError(Text("`list` needs at least one id"), head.position)
        return ids


def _unknown_instance(word: str, known: str | Text) -> Text:
    return Text("unknown instance id %(word)r (this tenant's: %(known)s)", word=word, known=known)


def _unknown_template(word: str) -> Text:
    return Text("unknown template %(word)r (see /send templates)", word=word)


def _template(token: Token, vocabulary: Vocabulary) -> str:
    if not _NAME.match(token.text):
        raise CommandError(Text("%(word)r is not a template name", word=token.text), token.position)
    if token.text not in vocabulary.templates:
        raise CommandError(_unknown_template(token.text), token.position)
    return token.text


def _template_command(name: str, rest: list[Token]) -> Command:
    if not rest:
        return TemplateCommand(name)
    verb = rest[0].text.lower()
    if verb == "name":
        if len(rest) != 2:
            raise CommandError(
                Text("rename with /send %(name)s name NEW_NAME", name=name), rest[0].position
            )
        if not _NAME.match(rest[1].text):
            raise CommandError(
                Text(
                    "%(word)r is not a template name: a Latin letter first, then letters, "
                    "digits, `-` or `_`",
                    word=rest[1].text,
                ),
                rest[1].position,
            )
        return RenameTemplate(name, rest[1].text)
    if verb == "for":
        if len(rest) < 3 or not _STEP_ID.match(rest[1].text):
            raise CommandError(
                Text("change a step's time with /send %(name)s for STEP_ID TIME", name=name),
                rest[0].position,
            )
        time = _one_time(rest[2:], f"/send {name} for {rest[1].text}")
        return RetimeStep(name, int(rest[1].text), time)
    if verb == "del":
        if len(rest) == 1:
            return DeleteTemplate(name)
        if len(rest) == 2 and _STEP_ID.match(rest[1].text):
            return DeleteStep(name, int(rest[1].text))
        raise CommandError(
            Text(
                "/send %(name)s del deletes the template; /send %(name)s del STEP_ID deletes "
                "a step",
                name=name,
            ),
            rest[1].position,
        )
    return TemplateCommand(name, _one_time(rest, f"/send {name}"))


def _one_time(tokens: list[Token], what: str) -> str:
    grouped = _group_times(tokens)
    if len(grouped) != 1 or not grouped[0].is_time:
        bad = next((t for t in grouped if not t.is_time), grouped[-1])
        raise CommandError(
            Text(
                "%(what)s takes one time (%(help)s), not %(word)r",
                what=what,
                help=START_HELP,
                word=bad.text,
            ),
            bad.position,
        )
    return grouped[0].text

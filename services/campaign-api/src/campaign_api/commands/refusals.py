"""A refusal of the use cases, said as what to type instead: the HTTP API's
refusals name calls and fields (`POST /v1/templates/...`), which a person typing
`/send` in a chat cannot use.  Known refusal codes get a text of the commands'
catalogue, worded for the command that met them; any other refusal keeps the
API's own (English) words."""

from __future__ import annotations

from collections.abc import Callable

from .grammar import (
    CancelSending,
    Command,
    PauseSending,
    RenameTemplate,
    ResendSending,
    ResumeSending,
    ShowSending,
)
from .texts import Text

ADMINS_ONLY = Text(
    "only the group's administrators and the users the tenant allows may do this; "
    "anyone may type /send templates, /send sendings, /send sidNUMBER, and in a customer's "
    "topic /send TEMPLATE [TIME]"
)


def _template(command: Command) -> str:
    return getattr(command, "template", None) or "TEMPLATE"


def _sid(command: Command) -> str:
    sending_id = getattr(command, "sending_id", None)
    return str(sending_id) if sending_id is not None else "NUMBER"


def _operator_forbidden(command: Command) -> Text:
    if isinstance(command, ResendSending):
        return Text(
            "only an administrator may resend sid%(sid)s (/send sid%(sid)s shows it)",
            sid=_sid(command),
        )
    if isinstance(command, PauseSending | ResumeSending):
        return Text(
            "sid%(sid)s was started by someone else: only an administrator may pause or "
            "resume it (/send sid%(sid)s shows it)",
            sid=_sid(command),
        )
    if isinstance(command, CancelSending | ShowSending):
        return Text(
            "sid%(sid)s was started by someone else: only an administrator may cancel it "
            "(/send sid%(sid)s shows it)",
            sid=_sid(command),
        )
    return Text(
        "mass sendings are for the group's administrators and allowed users: in a customer's "
        "topic, /send TEMPLATE [TIME] sends a template to that customer"
    )


def _already_finished(command: Command) -> Text:
    if isinstance(command, PauseSending):
        return Text(
            "sid%(sid)s has finished: there is nothing to pause (/send sid%(sid)s shows it)",
            sid=_sid(command),
        )
    return Text(
        "sid%(sid)s has finished: there is nothing to cancel (/send sid%(sid)s shows it)",
        sid=_sid(command),
    )


def _template_exists(command: Command) -> Text:
    if isinstance(command, RenameTemplate):
        return Text(
            "a template named %(new)s already exists: choose another name "
            "(/send %(name)s name ANOTHER_NAME)",
            new=command.new_name,
            name=command.template,
        )
    return Text(
        "a template named %(name)s already exists: reply to a message with /send %(name)s "
        "to add it as a step",
        name=_template(command),
    )


def _bad_name(command: Command) -> Text:
    name = command.new_name if isinstance(command, RenameTemplate) else _template(command)
    return Text(
        "%(name)r cannot be a template's name: choose one that starts with a Latin letter, "
        "then letters, digits, - or _, and is no word of /send (all, test, templates, ...)",
        name=name,
    )


SAID: dict[str, Callable[[Command], Text]] = {
    "forbidden": lambda _: ADMINS_ONLY,
    "operator_forbidden": _operator_forbidden,
    "unknown_template": lambda c: Text(
        "unknown template %(name)r: /send templates lists them", name=_template(c)
    ),
    "empty_template": lambda c: Text(
        "template %(name)s has no steps yet: reply to a message with /send %(name)s to add one",
        name=_template(c),
    ),
    "template_exists": _template_exists,
    "bad_template_name": _bad_name,
    "reserved_template_name": _bad_name,
    "unknown_step": lambda c: Text(
        "template %(name)s has no such step: /send %(name)s shows its steps", name=_template(c)
    ),
    "too_many_steps": lambda c: Text(
        "template %(name)s has as many steps as a chain may have: delete one first "
        "(/send %(name)s del STEP_ID)",
        name=_template(c),
    ),
    "already_finished": lambda c: _already_finished(c),
    "already_paused": lambda c: Text(
        "sid%(sid)s is paused already: /send sid%(sid)s resume lets it go on", sid=_sid(c)
    ),
    "not_paused": lambda c: Text(
        "sid%(sid)s is not paused: there is nothing to resume (/send sid%(sid)s shows it)",
        sid=_sid(c),
    ),
    "cancelling": lambda c: Text(
        "sid%(sid)s is being cancelled: there is nothing to pause (/send sid%(sid)s shows it)",
        sid=_sid(c),
    ),
    "not_finished": lambda c: Text(
        "sid%(sid)s has not finished: resend it once it has completed or was cancelled "
        "(/send sid%(sid)s shows how far it is)",
        sid=_sid(c),
    ),
    "already_resent": lambda c: Text(
        "sid%(sid)s was already resent, with other failure classes: a sending is resent "
        "once, so nobody gets a message twice (/send sendings lists the resend)",
        sid=_sid(c),
    ),
    "subscription_ended": lambda _: Text(
        "the tenant's subscription has ended: ask to extend it, then type the /send command again"
    ),
    "subscription_ends_before_start": lambda _: Text(
        "the tenant's subscription ends before this would start: type the /send command with "
        "an earlier time, or ask to extend the subscription first"
    ),
    "monthly_limit": lambda _: Text(
        "this would pass the tenant's monthly limit: send to fewer people (/send list ... or "
        "/send mark LABEL ...), or ask to raise the limit"
    ),
    "no_connection": lambda _: Text(
        "no connection of this tenant fits: name the instance id at the end, e.g. "
        "/send all TEMPLATE INSTANCE_ID"
    ),
    "request_id_reused": lambda _: Text(
        "this message already started another command: type the /send command again as a new "
        "message"
    ),
    "test_needs_dialog": lambda _: Text(
        "/send test sends to your own dialog, which is not known here: type it in your "
        "own customer topic, or use /send list TEMPLATE YOUR_ID"
    ),
}


def said(code: str | None, command: Command | None) -> Text | None:
    """The command-worded text of a refusal with this code (None: keep the API's)."""
    found = SAID.get(code or "")
    if found is None or command is None:
        return None
    return found(command)

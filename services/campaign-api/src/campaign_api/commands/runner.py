"""A parsed `/send` command carried out by the use cases (`actions.Actions`),
each step named by the HTTP API call it stands for (`calls_for`), so a command
can do nothing the same person could not do over HTTP, with the same checks and
the same errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from . import answers
from .grammar import (
    Command,
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
    SendingCommand,
    ShowSending,
    StartSending,
    TemplateCommand,
    Vocabulary,
)
from .texts import Text

if TYPE_CHECKING:
    from .actions import Actions


@dataclass(frozen=True)
class ApiCall:
    method: str
    path: str
    json: dict[str, Any] | None = None
    params: dict[str, str] | None = None
    content: str | None = None
    """A body that is not JSON (an uploaded list), sent as text/plain."""


@dataclass(frozen=True)
class Dialog:
    """One customer's dialog, where a command was typed (no dialog: General)."""

    connection_id: str
    external_id: str


@dataclass(frozen=True)
class Context:
    """What travels beside the command text."""

    reply_to: dict[str, Any] | None = None
    """The content of the replied-to message (a step content: text, media, ...)."""
    file: str | None = None
    """`/send file`: the ids, separated by commas, spaces or newlines."""
    external_id: str | None = None
    """`/send test`: the requester's own id, when their key does not know it."""
    interval_seconds: float | None = None
    name: str | None = None
    dialog: Dialog | None = None
    """Where the command was typed: one customer's dialog, or (None) General."""


@dataclass
class Outcome:
    action: str
    lines: list[Text]
    result: Any
    calls: list[tuple[ApiCall, int]] = field(default_factory=list)


class CallFailed(Exception):
    """A call the command made was refused: its status and what to fix (`detail`
    in English, `text` to render in the caller's language)."""

    def __init__(
        self,
        status: int,
        detail: str | Text,
        code: str | None,
        calls: list[tuple[ApiCall, int]],
    ):
        self.text = detail if isinstance(detail, Text) else Text(detail)
        super().__init__(str(self.text))
        self.status = status
        self.detail = str(self.text)
        self.code = code
        self.calls = calls


def upload_list(context: Context) -> ApiCall:
    """`/send file`: the file of ids becomes an uploaded list first."""
    if not context.file or not context.file.strip():
        raise CommandError(Text("/send file needs the file of ids sent with the command (`file`)"))
    return ApiCall("POST", "/v1/audience/lists", content=context.file)


def campaign_body(
    command: StartSending, context: Context, list_id: str | None = None
) -> dict[str, Any]:
    """`POST /v1/campaigns` for `/send <audience> [TEMPLATE] [TIME] [INSTANCE_ID]`;
    `list_id`: the uploaded list of `/send file`."""
    choice = command.audience
    audience: dict[str, Any]
    if choice.kind == "test":
        audience = {"kind": "test"}
        if context.external_id:
            audience["external_id"] = context.external_id
    elif choice.kind == "all":
        audience = {"kind": "all"}
    elif choice.kind == "list":
        audience = {"kind": "list", "external_ids": list(choice.ids)}
    elif choice.kind == "mark":
        audience = {"kind": "filter", "labels_any": [choice.label]}
    else:  # file, uploaded first
        audience = {"kind": "list", "list_id": list_id}
    if command.template is not None:
        content: dict[str, Any] = {"kind": "template", "template": command.template}
    elif context.reply_to is not None:
        content = context.reply_to
    else:
        raise CommandError(
            Text("what should be sent? Reply to the message to send, or name a template")
        )
    body: dict[str, Any] = {"audience": audience, "content": content}
    if command.instance is not None:
        body["connection_id"] = command.instance
    if command.time is not None:
        body["start_at"] = command.time
    if context.interval_seconds is not None:
        body["interval_seconds"] = context.interval_seconds
    if context.name:
        body["name"] = context.name
    return body


def check_place(command: Command, context: Context, vocabulary: Vocabulary) -> None:
    """In a dialog only sending a template to that customer, the templates, the
    dialog's sendings and their status; everything else is typed in General."""
    if context.dialog is None or isinstance(command, ListTemplates | ShowSending):
        return
    if isinstance(command, ListSendings):
        if command.instance is not None:
            raise CommandError(
                Text(
                    "in a dialog, /send sendings lists this dialog's sendings: it takes no "
                    "instance id"
                )
            )
        return
    if isinstance(command, TemplateCommand):
        if context.reply_to is not None:
            raise CommandError(
                Text(
                    "in a dialog, /send sends a prepared template to this customer; to add a "
                    "message to %(name)s, reply to it with /send %(name)s in General",
                    name=command.template,
                )
            )
        if command.template not in vocabulary.templates:
            raise CommandError(
                Text("unknown template %(word)r (see /send templates)", word=command.template)
            )
        return
    raise CommandError(
        Text(
            "in a dialog, /send takes TEMPLATE [now|DELAY|DATETIME], templates, sendings or "
            "sid<number>; anything else is typed in General"
        )
    )


def _dialog_calls(command: Command, dialog: Dialog) -> list[ApiCall]:
    """`/send TEMPLATE [TIME]`, `/send sendings` and `/send sidN` in a dialog."""
    if isinstance(command, TemplateCommand):
        body: dict[str, Any] = {
            "connection_id": dialog.connection_id,
            "audience": {"kind": "list", "external_ids": [dialog.external_id]},
            "content": {"kind": "template", "template": command.template},
        }
        if command.time is not None:
            body["start_at"] = command.time
        return [ApiCall("POST", "/v1/campaigns", json=body)]
    if isinstance(command, ListSendings):
        params = {"connection_id": dialog.connection_id, "external_id": dialog.external_id}
        return [ApiCall("GET", "/v1/campaigns", params=params)]
    if isinstance(command, ShowSending):
        return [_lookup(command.sending_id, dialog)]
    return [ApiCall("GET", "/v1/templates")]


def calls_for(command: Command, context: Context, vocabulary: Vocabulary) -> list[ApiCall]:
    """The calls a command makes, for every command that needs no earlier answer
    (`sid` commands first look the sending up, then act on it)."""
    check_place(command, context, vocabulary)
    if context.dialog is not None:
        return _dialog_calls(command, context.dialog)
    if isinstance(command, StartSending):
        if command.audience.kind == "file":
            campaign_body(command, context)  # what to send must be known before uploading
            return [upload_list(context)]
        return [ApiCall("POST", "/v1/campaigns", json=campaign_body(command, context))]
    if isinstance(command, TemplateCommand):
        return [_template_call(command, context, vocabulary)]
    if isinstance(command, ListTemplates):
        return [ApiCall("GET", "/v1/templates")]
    if isinstance(command, ListSendings):
        params = {"connection_id": command.instance} if command.instance else None
        return [ApiCall("GET", "/v1/campaigns", params=params)]
    if isinstance(command, RenameTemplate):
        return [
            ApiCall("PATCH", f"/v1/templates/{command.template}", json={"name": command.new_name})
        ]
    if isinstance(command, RetimeStep):
        path = f"/v1/templates/{command.template}/steps/{command.step_id}"
        return [ApiCall("PATCH", path, json={"delay": command.time})]
    if isinstance(command, DeleteStep):
        return [ApiCall("DELETE", f"/v1/templates/{command.template}/steps/{command.step_id}")]
    if isinstance(command, DeleteTemplate):
        return [ApiCall("DELETE", f"/v1/templates/{command.template}")]
    return [_lookup(command.sending_id)]


def _template_call(command: TemplateCommand, context: Context, vocabulary: Vocabulary) -> ApiCall:
    if context.reply_to is None:
        if command.time is not None:
            raise CommandError(
                Text(
                    "reply to the message to add to %(name)s as a step "
                    "(or /send %(name)s alone to see it)",
                    name=command.template,
                )
            )
        return ApiCall("GET", f"/v1/templates/{command.template}")
    step = {"content": context.reply_to, "delay": command.time or 0}
    if command.template in vocabulary.templates:
        return ApiCall("POST", f"/v1/templates/{command.template}/steps", json=step)
    return ApiCall("POST", "/v1/templates", json={"name": command.template, "steps": [step]})


def _lookup(sending_id: int, dialog: Dialog | None = None) -> ApiCall:
    params = {"sending_id": str(sending_id), "limit": "1"}
    if dialog is not None:
        params |= {"connection_id": dialog.connection_id, "external_id": dialog.external_id}
    return ApiCall("GET", "/v1/campaigns", params=params)


async def run(command: Command, context: Context, vocabulary: Vocabulary, act: Actions) -> Outcome:
    """Carry out `command` by the use cases `act` holds; raises `CommandError` for
    a command that cannot be carried out here, `CallFailed` for one refused."""
    check_place(command, context, vocabulary)
    if isinstance(command, SendingCommand):
        outcome = await _on_sending(command, context, act)
    else:
        outcome = await _run(command, context, vocabulary, act)
    outcome.calls = act.calls
    return outcome


async def _on_sending(command: SendingCommand, context: Context, act: Actions) -> Outcome:
    """`/send sidN [del|pause|resume|resend]`: look the sending up, then act on it."""
    found = await act.list_campaigns(_lookup(command.sending_id, context.dialog))
    if not found["items"]:
        unknown = (
            Text("unknown sending sid%(sid)s in this dialog", sid=command.sending_id)
            if context.dialog
            else Text("unknown sending sid%(sid)s", sid=command.sending_id)
        )
        raise CallFailed(404, unknown, "unknown_sending", act.calls)
    item = found["items"][0]
    campaign_id = UUID(item["id"])
    if isinstance(command, ShowSending):
        path = f"/v1/campaigns/{campaign_id}"
        campaign = await act.show_campaign(ApiCall("GET", path), campaign_id)
        return Outcome(
            "show_sending", answers.sending(campaign, report=context.dialog is None), campaign
        )
    if isinstance(command, ResendSending):
        call = ApiCall(
            "POST", f"/v1/campaigns/{campaign_id}/resend", json={"include": list(command.include)}
        )
        body = await act.resend_campaign(call, campaign_id, command.include)
        return Outcome("resend_sending", answers.resent(item, body), body)
    path = f"/v1/campaigns/{campaign_id}"
    if isinstance(command, PauseSending):
        await act.pause_campaign(ApiCall("POST", f"{path}/pause"), campaign_id)
        return Outcome("pause_sending", answers.paused(item), item)
    if isinstance(command, ResumeSending):
        await act.resume_campaign(ApiCall("POST", f"{path}/resume"), campaign_id)
        return Outcome("resume_sending", answers.resumed(item), item)
    if item["status"] != "scheduled":
        raise CallFailed(
            409,
            Text(
                "sid%(sid)s is %(status)s: /send sid%(sid)s del cancels a sending that has not "
                "started (stop a running one with POST /v1/campaigns/%(id)s/cancel)",
                sid=command.sending_id,
                status=answers.status(item["status"]),
                id=campaign_id,
            ),
            "already_started",
            act.calls,
        )
    await act.cancel_campaign(ApiCall("POST", f"/v1/campaigns/{campaign_id}/cancel"), campaign_id)
    return Outcome("cancel_sending", answers.cancelled(item), item)


async def _start(command: StartSending, context: Context, first: ApiCall, act: Actions) -> Any:
    """A sending started; `/send file` uploads its list first."""
    if command.audience.kind != "file":
        return await act.create_campaign(first)
    list_id = await act.upload_list(first)
    body = campaign_body(command, context, list_id=str(list_id))
    return await act.create_campaign(ApiCall("POST", "/v1/campaigns", json=body))


async def _on_template(
    command: TemplateCommand, context: Context, vocabulary: Vocabulary, first: ApiCall, act: Actions
) -> Outcome:
    """`/send TEMPLATE [TIME]`: sent to the dialog it is typed in, shown, or given a step."""
    if context.dialog is not None:
        body = await act.create_campaign(first)
        return Outcome("send_template", answers.campaign_created(body), body)
    if context.reply_to is None:
        body = await act.show_template(first, command.template)
        return Outcome("show_template", answers.template(body), body)
    if command.template in vocabulary.templates:
        body = await act.add_step(first, command.template)
    else:
        body = await act.create_template(first)
    return Outcome("add_step", answers.template(body), body)


async def _run(command: Command, context: Context, vocabulary: Vocabulary, act: Actions) -> Outcome:
    (first,) = calls_for(command, context, vocabulary)
    if isinstance(command, StartSending):
        body = await _start(command, context, first, act)
        return Outcome("start_sending", answers.campaign_created(body), body)
    if isinstance(command, TemplateCommand):
        return await _on_template(command, context, vocabulary, first, act)
    if isinstance(command, ListTemplates):
        body = await act.list_templates(first)
        return Outcome("list_templates", answers.templates(body), body)
    if isinstance(command, ListSendings):
        body = await act.list_campaigns(first)
        return Outcome("list_sendings", answers.sendings(body), body)
    if isinstance(command, DeleteTemplate):
        await act.delete_template(first, command.template)
        return Outcome("delete_template", answers.template_deleted(command.template), None)
    if isinstance(command, RenameTemplate):
        body = await act.rename_template(first, command.template)
        return Outcome("rename_template", answers.template(body), body)
    if isinstance(command, RetimeStep):
        body = await act.retime_step(first, command.template, command.step_id)
        return Outcome("retime_step", answers.template(body), body)
    assert isinstance(command, DeleteStep)
    body = await act.delete_step(first, command.template, command.step_id)
    return Outcome("delete_step", answers.template(body), body)

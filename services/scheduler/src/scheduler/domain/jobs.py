"""Released recipients into work for the dispatchers (ready messages) or the AI
composer (prompts), with personal fields filled.

The dispatchers' work is written as the JSON of `dispatch.send.v1` at once, from
values validated before: the campaign's content when it was scheduled, each
recipient as stored when its snapshot batch came.  What is written validates as
`DispatchRequestedV1` to what the models would give (the dispatcher validates it
on receipt; the scheduler's tests hold the two equal, field for field)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson
from contracts.audience import Recipient
from contracts.base import STORED
from contracts.composer import ComposeJob, ComposeRequestedV1
from contracts.content import AiContent, MediaContent, TextContent, WhatsAppTemplateContent
from contracts.dispatch import (
    OutboundContent,
    OutboundMedia,
    OutboundTemplate,
    OutboundText,
)
from contracts.personal_fields import personalize, placeholders, recipient_fields

from .model import CampaignRun, Released

ReadyContent = TextContent | MediaContent | WhatsAppTemplateContent
ContentWriter = Callable[[Released], dict[str, Any]]
"""A step's outbound content for one recipient, as JSON values."""


def _fields(released: Released) -> dict[str, str]:
    r = released.recipient
    return recipient_fields(r.get("name"), r["external_id"], released.attributes)


def _personalize_strings(value: Any, fields: dict[str, str]) -> Any:
    if isinstance(value, str):
        return personalize(value, fields)
    if isinstance(value, list):
        return [_personalize_strings(item, fields) for item in value]
    if isinstance(value, dict):
        return {key: _personalize_strings(item, fields) for key, item in value.items()}
    return value


def outbound(content: ReadyContent, fields: dict[str, str]) -> OutboundContent:
    if isinstance(content, TextContent):
        return OutboundText(text=personalize(content.text, fields) or content.text)
    if isinstance(content, WhatsAppTemplateContent):
        return OutboundTemplate(
            template_name=content.template_name,
            language=content.language,
            components=_personalize_strings(content.components, fields),
        )
    caption = personalize(content.caption, fields) if content.caption else None
    return OutboundMedia(media_type=content.media_type, file=content.file, caption=caption)


def content_writer(content: ReadyContent) -> ContentWriter:
    """`outbound` as JSON values: a text is written directly (once, when it has no
    personal fields), media and templates through their models."""
    if isinstance(content, TextContent):
        text = content.text
        if not placeholders(text):
            fixed = {"kind": "text", "text": text}
            return lambda _: fixed
        return lambda item: {"kind": "text", "text": personalize(text, _fields(item)) or text}
    return lambda item: outbound(content, _fields(item)).model_dump(mode="json")


def _utc_text(value: datetime) -> str:
    """A UTC time as pydantic writes it (`Z`)."""
    return value.isoformat().replace("+00:00", "Z")


def dispatch_body(run: CampaignRun, jobs: list[dict[str, Any]]) -> bytes:
    """`dispatch.send.v1` of `jobs` (each `DispatchJob`'s fields as JSON values,
    released_at a UTC datetime), encoded."""
    body = {
        "tenant_id": run.tenant_id,
        "connection_id": run.connection_id,
        "channel": run.channel,
        "jobs": jobs,
    }
    try:
        return orjson.dumps(body, option=orjson.OPT_UTC_Z)
    except TypeError:  # an integer past 64 bits (a recipient's attribute)
        return json.dumps(body, separators=(",", ":"), default=_utc_text).encode()


def _compose_job(run: CampaignRun, item: Released) -> ComposeJob:
    return ComposeJob(
        campaign_id=run.id,
        recipient_no=item.recipient_no,
        step_no=item.step_no,
        recipient=Recipient.model_validate(item.recipient, context=STORED),
        released_at=item.released_at,
    )


def build_work(
    run: CampaignRun, released: list[Released]
) -> tuple[bytes | None, list[ComposeRequestedV1]]:
    """One `dispatch.send.v1` of the ready messages, encoded (None: there are
    none); one compose request per AI step."""
    campaign_id = str(run.id)
    writers: dict[int, ContentWriter] = {}
    jobs: list[dict[str, Any]] = []
    ai: dict[int, list[ComposeJob]] = defaultdict(list)
    for item in released:
        content = run.steps[item.step_no - 1].content
        if isinstance(content, AiContent):
            ai[item.step_no].append(_compose_job(run, item))
            continue
        write = writers.get(item.step_no)
        if write is None:
            write = writers[item.step_no] = content_writer(content)
        jobs.append(
            {
                "campaign_id": campaign_id,
                "recipient_no": item.recipient_no,
                "step_no": item.step_no,
                "recipient": item.recipient,
                "content": write(item),
                "composition": "static",
                "released_at": item.released_at,
                "fallback_reason": None,
            }
        )
    compose = []
    for step_no, compose_jobs in sorted(ai.items()):
        content = run.steps[step_no - 1].content
        assert isinstance(content, AiContent)
        compose.append(
            ComposeRequestedV1(
                tenant_id=run.tenant_id,
                connection_id=run.connection_id,
                channel=run.channel,
                prompt=content.prompt,
                fallback_text=content.fallback_text,
                jobs=compose_jobs,
            )
        )
    return (dispatch_body(run, jobs) if jobs else None), compose

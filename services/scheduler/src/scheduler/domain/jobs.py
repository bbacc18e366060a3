"""Released recipients into work for the dispatchers (ready messages) or the AI
composer (prompts), with personal fields filled."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from contracts.composer import ComposeJob, ComposeRequestedV1
from contracts.content import AiContent, MediaContent, TextContent, WhatsAppTemplateContent
from contracts.dispatch import (
    DispatchJob,
    DispatchRequestedV1,
    OutboundContent,
    OutboundMedia,
    OutboundTemplate,
    OutboundText,
)
from contracts.personal_fields import personalize, recipient_fields

from .model import CampaignRun, Released


def _fields(released: Released) -> dict[str, str]:
    r = released.recipient
    return recipient_fields(r.name, r.external_id, r.attributes)


def _personalize_strings(value: Any, fields: dict[str, str]) -> Any:
    if isinstance(value, str):
        return personalize(value, fields)
    if isinstance(value, list):
        return [_personalize_strings(item, fields) for item in value]
    if isinstance(value, dict):
        return {key: _personalize_strings(item, fields) for key, item in value.items()}
    return value


def outbound(
    content: TextContent | MediaContent | WhatsAppTemplateContent, fields: dict[str, str]
) -> OutboundContent:
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


def build_work(
    run: CampaignRun, released: list[Released]
) -> tuple[DispatchRequestedV1 | None, list[ComposeRequestedV1]]:
    """One dispatch request for ready messages; one compose request per AI step."""
    jobs: list[DispatchJob] = []
    ai: dict[int, list[ComposeJob]] = defaultdict(list)
    for item in released:
        content = run.steps[item.step_no - 1].content
        key = {"campaign_id": run.id, "recipient_no": item.recipient_no, "step_no": item.step_no}
        if isinstance(content, AiContent):
            ai[item.step_no].append(
                ComposeJob(**key, recipient=item.recipient, released_at=item.released_at)
            )
        else:
            jobs.append(
                DispatchJob(
                    **key,
                    recipient=item.recipient,
                    content=outbound(content, _fields(item)),
                    released_at=item.released_at,
                )
            )
    dispatch = (
        DispatchRequestedV1(
            tenant_id=run.tenant_id,
            connection_id=run.connection_id,
            channel=run.channel,
            jobs=jobs,
        )
        if jobs
        else None
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
    return dispatch, compose

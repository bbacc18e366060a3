"""From a campaign request to the campaigns it becomes, or a refusal that says why.

Checks, in order: the tenant's subscription covers the start time; the sender
accounts exist and fit the audience; the content (an AI step's fallback text
too) suits each account's messenger; an operator only sends a template to the
one dialog they name.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from contracts.audience import (
    Audience,
    ContactsAudience,
    FilterAudience,
    ListAudience,
    TestAudience,
)
from contracts.base import MESSENGER_OF, ConnectionChannel
from contracts.campaigns import CampaignSpec
from contracts.content import (
    AiContent,
    MediaContent,
    TemplateContent,
    TextContent,
    WhatsAppTemplateContent,
)
from contracts.personal_fields import PLACEHOLDER
from contracts.quiet_hours import QuietHours
from contracts.scheduling import CampaignStep
from contracts.timing import TimeFormatError, parse_start_time

from .model import CampaignRecord, Connection, PlannedCampaign, Principal, Refusal, Tenant
from .settings import TenantSettings
from .templates import Template
from .templates import campaign_steps as template_steps

INSTAGRAM_TEXT_LIMIT = 1000
WHATSAPP_TEXT_LIMIT = 4096
STOP_HINT_RESERVE = 200
"""Characters left on WhatsApp for the STOP hint the dispatcher appends to every text
(the ai-composer holds its texts to the same limit)."""
LEFTOVER_PLACEHOLDERS = (
    re.compile(r"\{[^\n]{0,40}?\}"),  # {{name}}, {first name}, {}
    re.compile(r"\[[A-Za-z][^\[\]\n]{0,40}\]"),  # [Name], [Your Company]
    re.compile(r"</?[A-Za-z][A-Za-z _-]{0,30}>"),  # <name>
)
"""What a text still holds once its personal fields are filled, and would reach the
recipient as it is written."""
UNSUPPORTED_MEDIA: dict[str, frozenset[str]] = {
    "whatsapp": frozenset({"video_note", "animation", "voice"}),
    "instagram": frozenset({"video_note", "animation", "sticker", "voice"}),
}


def default_name(now: datetime) -> str:
    return f"Campaign {now:%Y-%m-%d %H:%M:%S} UTC"


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"


def resolve_start(start_at: str | None, now: datetime) -> datetime:
    try:
        return parse_start_time(start_at, now)
    except TimeFormatError as error:
        raise Refusal(str(error), "bad_start_time") from None


def check_subscription(tenant: Tenant, start_at: datetime, now: datetime) -> None:
    ends = tenant.subscription_ends_at
    if ends is None:
        return
    if ends <= now:
        raise Refusal(
            f"the subscription of tenant {tenant.id!r} ended on {_when(ends)}: "
            "extend the subscription and ask again",
            "subscription_ended",
        )
    if start_at > ends:
        raise Refusal(
            f"the start time {_when(start_at)} is after the subscription ends "
            f"({_when(ends)}): extend the subscription and ask again",
            "subscription_ends_before_start",
        )


def check_role(principal: Principal, spec: CampaignSpec) -> None:
    """Operators may send a template to the one dialog they name, nothing more:
    one contact id, one platform id on a named connection, or their own dialog."""
    if principal.role != "operator":
        return
    audience = spec.audience
    one_dialog = (
        (isinstance(audience, ContactsAudience) and len(audience.contact_ids) == 1)
        or (
            isinstance(audience, ListAudience)
            and audience.external_ids is not None
            and len(audience.external_ids) == 1
            and spec.connection_id is not None
        )
        or isinstance(audience, TestAudience)
    )
    if not one_dialog or not isinstance(spec.content, TemplateContent):
        raise Refusal(
            "operators may not start mass campaigns: an operator may only send a template "
            "(content.kind 'template') to the one dialog they are in (audience.kind 'contacts' "
            "with one contact id, or 'list' with one id and the connection_id); ask a tenant "
            "admin for anything else",
            "operator_forbidden",
            status=403,
        )


def check_may_change(principal: Principal, campaign: CampaignRecord) -> None:
    """Admins change any campaign of their tenant; an operator only those they started."""
    if principal.role != "operator" or campaign.started_by == principal.key_id:
        return
    raise Refusal(
        f"operators may cancel or change only the campaigns they started; sid"
        f"{campaign.sending_id} was started by someone else: ask a tenant admin",
        "operator_forbidden",
        status=403,
    )


def aim_test_send(
    audience: Audience, connection_id: str | None, principal: Principal
) -> tuple[Audience, str | None]:
    """A test send goes to the requester's own dialog only: the one their key was
    made for, or (for a key made for nobody in particular) the one they name."""
    if not isinstance(audience, TestAudience):
        return audience, connection_id
    own = principal.external_id
    if own is None:
        if audience.external_id is None:
            raise Refusal(
                "a test send goes to your own dialog: give audience.external_id (your id on "
                "the connection), or use a key made for your dialog (POST "
                "/v1/tenants/{id}/api-keys with connection_id and external_id)",
                "test_needs_dialog",
            )
        return audience, connection_id
    if audience.external_id not in (None, own):
        raise Refusal(
            f"a test send goes only to your own dialog ({own}); leave audience.external_id out",
            "test_not_own_dialog",
            status=403,
        )
    if connection_id not in (None, principal.connection_id):
        raise Refusal(
            f"a test send goes only to your own dialog, which is on connection "
            f"{principal.connection_id!r}; leave connection_id out",
            "test_not_own_dialog",
            status=403,
        )
    return TestAudience(external_id=own), principal.connection_id


def choose_connections(spec: CampaignSpec, connections: Sequence[Connection]) -> list[Connection]:
    """The sender accounts a request runs on: the one named, or every fitting one."""
    audience = spec.audience
    wanted_messengers = (
        set(audience.channels)
        if isinstance(audience, FilterAudience) and audience.channels
        else None
    )
    wanted_ids = (
        set(audience.connection_ids)
        if isinstance(audience, FilterAudience) and audience.connection_ids
        else None
    )
    if spec.connection_id is not None:
        named = [c for c in connections if c.id == spec.connection_id]
        if not named:
            raise Refusal(
                f"unknown connection {spec.connection_id!r}: create it with "
                f"PUT /v1/connections/{spec.connection_id} first",
                "unknown_connection",
            )
        connection = named[0]
        messenger = MESSENGER_OF[connection.channel]
        if wanted_messengers is not None and messenger not in wanted_messengers:
            raise Refusal(
                f"connection {connection.id!r} is a {messenger} account, but "
                f"audience.channels asks for {', '.join(sorted(wanted_messengers))}",
                "connection_not_in_audience",
            )
        return named
    chosen = [
        c
        for c in connections
        if (wanted_messengers is None or MESSENGER_OF[c.channel] in wanted_messengers)
        and (wanted_ids is None or c.id in wanted_ids)
    ]
    if isinstance(audience, ContactsAudience):
        named_ids = {contact.split(":", 1)[0] for contact in audience.contact_ids}
        chosen = [c for c in chosen if c.id in named_ids]
    if not chosen:
        raise Refusal(
            "no connection of this tenant fits the audience: add one with "
            "PUT /v1/connections/{id}, or name one in connection_id",
            "no_connection",
        )
    return sorted(chosen, key=lambda c: c.id)


def campaign_steps(spec: CampaignSpec, template: Template | None) -> tuple[CampaignStep, ...]:
    content = spec.content
    if isinstance(content, TemplateContent):
        if template is None:
            raise Refusal(
                f"unknown template {content.template!r}: see GET /v1/templates",
                "unknown_template",
            )
        if not template.steps:
            raise Refusal(
                f"template {content.template!r} has no steps yet: add one with "
                f"POST /v1/templates/{content.template}/steps",
                "empty_template",
            )
        return template_steps(template)
    return (CampaignStep(step_no=1, delay_seconds=0, content=content),)


def leftover_placeholder(text: str) -> str | None:
    """A placeholder `text` would still show once its personal fields are filled."""
    filled = PLACEHOLDER.sub("x", text)
    for pattern in LEFTOVER_PLACEHOLDERS:
        if match := pattern.search(filled):
            return match.group(0)
    return None


def check_fallback_text(content: AiContent, messenger: str, where: str) -> None:
    """The fallback text goes to recipients as it is written (its personal fields
    filled) when the composer cannot write theirs, so it must fit the channel too."""
    field = f"{where}.fallback_text" if where == "content" else f"{where}: fallback_text"
    text = content.fallback_text
    if messenger == "instagram" and len(text) >= INSTAGRAM_TEXT_LIMIT:
        raise Refusal(
            f"{field}: Instagram texts must be shorter than {INSTAGRAM_TEXT_LIMIT} characters; "
            f"this one has {len(text)}",
            "fallback_text_too_long",
        )
    whatsapp_limit = WHATSAPP_TEXT_LIMIT - STOP_HINT_RESERVE
    if messenger == "whatsapp" and len(text) > whatsapp_limit:
        raise Refusal(
            f"{field}: WhatsApp texts may have {WHATSAPP_TEXT_LIMIT} characters, "
            f"{STOP_HINT_RESERVE} of them kept for the STOP hint added to every message, so at "
            f"most {whatsapp_limit}; this one has {len(text)}",
            "fallback_text_too_long",
        )
    if (leftover := leftover_placeholder(text)) is not None:
        raise Refusal(
            f"{field}: {leftover} is not a personal field and would reach recipients as it is; "
            "write personal fields as {name}, {first_name} or {field|default}",
            "fallback_text_placeholder",
        )


def check_content_fits(steps: Sequence[CampaignStep], channel: ConnectionChannel) -> None:
    messenger = MESSENGER_OF[channel]
    for step in steps:
        content = step.content
        where = f"step {step.step_no}" if len(steps) > 1 else "content"
        if isinstance(content, AiContent):
            check_fallback_text(content, messenger, where)
        if isinstance(content, WhatsAppTemplateContent) and messenger != "whatsapp":
            raise Refusal(
                f"{where}: a WhatsApp template can only go through a WhatsApp connection",
                "template_not_supported",
            )
        if isinstance(content, MediaContent) and content.media_type in UNSUPPORTED_MEDIA.get(
            messenger, frozenset()
        ):
            raise Refusal(
                f"{where}: {messenger} cannot send a {content.media_type}; use another media type",
                "media_not_supported",
            )
        if (
            messenger == "instagram"
            and isinstance(content, TextContent)
            and len(content.text) >= INSTAGRAM_TEXT_LIMIT
        ):
            raise Refusal(
                f"{where}: Instagram texts must be shorter than {INSTAGRAM_TEXT_LIMIT} characters",
                "text_too_long",
            )


def first_step_at(start: datetime, first: CampaignStep) -> datetime:
    """A chain's first step goes its delay after the start, or at its own date and
    time if that is later; later steps are timed from the previous one."""
    at = start + timedelta(seconds=first.delay_seconds)
    return max(at, first.not_before) if first.not_before is not None else at


def plan_campaigns(
    spec: CampaignSpec,
    *,
    principal: Principal,
    tenant: Tenant,
    connections: Sequence[Connection],
    template: Template | None,
    now: datetime,
    settings: TenantSettings | None = None,
) -> list[PlannedCampaign]:
    """The campaigns `spec` becomes, one per connection, or a Refusal; with the
    effective quiet hours (the request's, even `null`, else the tenant's)."""
    settings = settings or TenantSettings()
    check_role(principal, spec)
    steps = campaign_steps(spec, template)
    start_at = first_step_at(resolve_start(spec.start_at, now), steps[0])
    check_subscription(tenant, start_at, now)
    chosen = choose_connections(spec, connections)
    name = (spec.name or "").strip() or default_name(now)
    planned = []
    for connection in chosen:
        check_content_fits(steps, connection.channel)
        planned.append(
            PlannedCampaign(
                id=uuid.uuid4(),
                tenant_id=tenant.id,
                connection_id=connection.id,
                channel=connection.channel,
                name=name,
                steps=steps,
                interval_seconds=spec.interval_seconds,
                start_at=start_at,
                counts_toward_quota=not isinstance(spec.audience, TestAudience),
                monthly_limit=tenant.monthly_limit,
                quiet_hours=effective_quiet_hours(spec, settings),
                timezone=settings.timezone,
            )
        )
    return planned


def effective_quiet_hours(spec: CampaignSpec, settings: TenantSettings) -> QuietHours | None:
    """The request's own quiet hours when it gives them (null: none), else the tenant's."""
    if "quiet_hours" in spec.model_fields_set:
        return spec.quiet_hours
    return settings.quiet_hours


def month_bounds(moment: datetime) -> tuple[datetime, datetime]:
    """The calendar month (UTC) a moment falls in."""
    start = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start, end


def check_monthly_limit(tenant: Tenant, planned: Sequence[PlannedCampaign], committed: int) -> None:
    """Refuse what would send past the tenant's monthly limit, counting what the
    month's campaigns already sent or will send (`committed`)."""
    new = sum(p.estimated_messages or 0 for p in planned if p.counts_toward_quota)
    if new and committed + new > tenant.monthly_limit:
        month = planned[0].start_at
        raise Refusal(
            f"this campaign would send about {new} messages, and {committed} of the tenant's "
            f"monthly limit of {tenant.monthly_limit} for {month:%Y-%m} are already sent or "
            "scheduled: narrow the audience, or raise the monthly limit",
            "monthly_limit",
        )

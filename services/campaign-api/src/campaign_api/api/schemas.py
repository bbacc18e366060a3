"""The HTTP API's request and response bodies (the OpenAPI document is made from these)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from contracts.audience import Audience
from contracts.base import ConnectionChannel, ConnectionId, ExternalId, NulFree, UtcDatetime
from contracts.campaigns import MAX_INTERVAL_SECONDS, CampaignSpec
from contracts.content import StepContent, TemplateName
from contracts.tenants import ConnectionLimits, Plan
from contracts.timing import StartAt
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

from ..commands.grammar import MAX_COMMAND_LENGTH
from ..domain.resend import CLASS_MEANINGS, FAILURE_CLASSES, FailureClass
from ..domain.templates import DELAY_HELP, MAX_DELAY_SECONDS, MAX_STEPS, STEP_TIME_PATTERN


class Body(NulFree):
    """A request body: unknown fields and texts with a NUL character are refused."""

    model_config = ConfigDict(extra="forbid")


class TenantIn(Body):
    plan: Plan = "free"
    monthly_limit: int | None = Field(
        default=None,
        ge=0,
        le=1_000_000_000,
        description="Messages per calendar month (UTC); default by plan: free 500, paid 4000",
    )
    subscription_ends_at: UtcDatetime | None = Field(
        default=None, description="No campaign may start after this; null: no end"
    )


class TenantOut(BaseModel):
    id: str
    plan: Plan
    monthly_limit: int
    subscription_ends_at: datetime | None


class ApiKeyIn(Body):
    role: Literal["admin", "operator"]
    label: str | None = Field(default=None, max_length=200)
    connection_id: ConnectionId | None = Field(
        default=None, description="With external_id: the dialog of the person the key is for"
    )
    external_id: ExternalId | None = Field(
        default=None,
        description="That person's own id on the connection: where their test sends go",
    )


class ApiKeyOut(BaseModel):
    id: UUID
    tenant_id: str
    role: Literal["admin", "operator"]
    key: str = Field(description="Shown only now; store it safely")
    key_prefix: str
    label: str | None
    connection_id: str | None
    external_id: str | None
    created_at: datetime


class ApiKeyInfo(BaseModel):
    """A key as listed: never the key itself or its hash."""

    id: UUID
    tenant_id: str
    role: Literal["admin", "operator"]
    key_prefix: str = Field(description="The key's first characters, to recognise it by")
    label: str | None
    connection_id: str | None
    external_id: str | None
    created_at: datetime
    last_used_at: datetime | None = Field(description="To the minute; null: never used")
    revoked_at: datetime | None = Field(description="Null while the key works")


class ConnectionIn(Body):
    """What every connection has; its `channel` and `credentials` are in `credentials.py`."""

    limits: ConnectionLimits = Field(default_factory=ConnectionLimits)
    first_used_at: UtcDatetime | None = Field(
        default=None,
        description="When the account first sent (starts the warm-up); absent: kept as "
        "stored, or now for a new connection",
    )


class ConnectionOut(BaseModel):
    id: str
    channel: ConnectionChannel
    credentials: dict[str, str] = Field(description="Masked: never returned in full")
    limits: dict[str, Any]
    first_used_at: datetime | None
    created_at: datetime
    updated_at: datetime


class CampaignIn(CampaignSpec):
    """`campaign.requested.v1` without `tenant_id`; `request_id` may come as the
    `Idempotency-Key` header instead."""

    request_id: str | None = Field(default=None, min_length=1, max_length=128)


class Progress(BaseModel):
    audience_size: int | None = Field(description="Recipients in the snapshot; null before launch")
    estimated_audience: int | None = Field(
        description="What the audience matched when the campaign was accepted"
    )
    total: int | None = Field(description="Deliveries in all: recipients x template steps")
    sent: int = Field(description="Accepted by the platform")
    delivered: int = Field(description="The same as `sent` (the platform accepted it)")
    failed: int
    skipped: int
    cancelled: int
    unknown: int
    waiting: int = Field(
        default=0,
        description="Held back by a rate (a WhatsApp number's daily cap or warm-up): they go "
        "with the connection's next daily allowance; counted in `remaining`",
    )
    remaining: int | None


class FailureReasonOut(BaseModel):
    status: str
    error_code: str | None
    error_reason: str | None
    count: int


class FailureRateOut(BaseModel):
    failed: int
    attempts: int
    threshold: float


class PauseOut(BaseModel):
    """Why a campaign is paused."""

    reason: str = Field(
        description="`requested` (by `requested_by`), `failure_rate` (`failure_rate` has "
        "the figures) or `account_restricted` (the platform's `platform_code`)"
    )
    paused_at: datetime
    requested_by: str | None = None
    failure_rate: FailureRateOut | None = None
    platform_code: str | None = None
    detail: str | None = None


class CampaignSummary(BaseModel):
    id: UUID
    sending_id: int = Field(description="The tenant's number for the campaign: `sid<n>` in /send")
    name: str
    status: str = Field(
        description="scheduled, running, paused (until resumed: see `pause`), completed "
        "or cancelled"
    )
    connection_id: str
    channel: ConnectionChannel
    start_at: datetime
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    cancel_requested_at: datetime | None
    pause: PauseOut | None = Field(default=None, description="Set while the campaign is paused")
    progress: Progress
    links: dict[str, str]


class CampaignDetail(CampaignSummary):
    request_id: str
    resend_of: UUID | None = Field(
        default=None, description="The campaign this one resends (POST .../resend)"
    )
    requested_by: str | None
    audience: dict[str, Any]
    content: dict[str, Any]
    steps: list[dict[str, Any]]
    interval_seconds: float
    counts_toward_quota: bool
    failure_reasons: list[FailureReasonOut]
    unknown_external_ids: list[str]
    unknown_count: int
    compositions: dict[str, int] = Field(
        default_factory=dict,
        description="Deliveries by where their text came from: static (the campaign's own), "
        "ai (a language model), ai_builtin (the built-in composer, not an LLM), ai_fallback "
        "(the campaign's fallback text)",
    )
    fallback_reasons: dict[str, int] = Field(
        default_factory=dict,
        description="ai_fallback deliveries by why the fallback text was sent: timeout, "
        "error, refusal, rejected (every written draft failed the checks)",
    )
    composition_note: str | None = Field(
        default=None,
        description="Said when texts were not written by a language model",
    )
    waiting_until: datetime | None = Field(
        default=None,
        description="When the last of the `waiting` deliveries may go (the connection's "
        "next daily allowance); null: none waits",
    )
    waiting_note: str | None = Field(
        default=None, description="Why deliveries wait, and until when"
    )


class CampaignList(BaseModel):
    items: list[CampaignSummary]
    next_cursor: str | None


class SendingDaysOut(BaseModel):
    """How a WhatsApp number's daily allowance (its daily cap and warm-up, from its
    limits and first_used_at) spreads the recipients over UTC days, if the number
    messages no one else meanwhile."""

    connection_id: str
    recipients: int
    first_day: date = Field(description="The UTC day sending starts")
    on_first_day: int = Field(description="Recipients messaged on the first day")
    days: int = Field(description="UTC days on which someone is messaged")
    last_day: date | None = Field(description="The day the last recipient is messaged")
    never: int = Field(description="Recipients no allowance ever makes room for")
    note: str


class QuietWaitOut(BaseModel):
    count: int = Field(description="Recipients whose local time at the start is inside quiet hours")
    until: datetime = Field(description="When the last of them may go (UTC)")


class PreflightWarningOut(BaseModel):
    code: str = Field(
        description="interval_below_min_gap, starts_in_quiet_hours, step_after_reply_window "
        "or ai_without_model"
    )
    message: str


class PreflightOut(BaseModel):
    """One connection's pre-flight: figures of sending now (the audience is
    snapshotted at launch)."""

    connection_id: str
    matching: int = Field(description="Recipients the audience matches on this connection")
    kept_out: dict[str, int] = Field(
        description="How many each rule keeps out: `reply_window` (last wrote over the "
        "window ago, or never: Instagram, personal Telegram accounts, WhatsApp outside a "
        "template), `opted_out` and `unknown` (listed ids), `monthly_limit`"
    )
    will_send: int = Field(description="Recipients the campaign will message")
    seconds_apart: float = Field(
        description="Least time between two messages (rate, interval, minimum gap)"
    )
    duration_seconds: float = Field(description="From the start to the expected finish")
    finish_at: datetime = Field(description="The expected finish (UTC)")
    summary: str = Field(examples=["1,000 on wa-main: 200 a day, done around 2026-12-11 00:00 UTC"])
    quiet: QuietWaitOut | None = Field(
        default=None, description="Recipients waiting for their quiet hours to end"
    )
    warnings: list[PreflightWarningOut] = Field(default_factory=list)


class PlannedOut(BaseModel):
    connection_id: str
    channel: ConnectionChannel
    name: str
    start_at: datetime
    interval_seconds: float
    steps: list[dict[str, Any]]
    counts_toward_quota: bool
    estimated_audience: int | None
    sending_days: SendingDaysOut | None = Field(
        default=None,
        description="WhatsApp: how many recipients go on the first day, and on how many "
        "days the rest go (the number's daily allowance)",
    )
    preflight: PreflightOut | None = Field(
        default=None,
        description="What each rule keeps out, how long it takes, warnings (none when the "
        "audience-resolver did not answer)",
    )


class SampleOut(BaseModel):
    """A text written for one real recipient by the path the campaign's texts would
    be written by (prompt, model, checks, fallback); never sent."""

    connection_id: str
    contact_id: str
    external_id: str
    name: str | None
    text: str
    composition: Literal["ai", "ai_builtin", "ai_fallback"] = Field(
        description="ai: a model wrote it; ai_builtin: the built-in composer, not an LLM; "
        "ai_fallback: the campaign's fallback text, its personal fields filled"
    )
    fallback_reason: str | None = Field(
        default=None,
        description="With ai_fallback: timeout, error, refusal, or rejected (every draft "
        "failed the checks)",
    )


class CampaignCreated(BaseModel):
    request_id: str
    dry_run: bool
    created: bool = Field(description="False when the request was accepted before")
    campaign_id: UUID | None
    campaign_ids: list[UUID]
    campaigns: list[CampaignDetail]
    planned: list[PlannedOut] = Field(description="Dry run: what creation would do")
    preflight: list[PreflightOut] = Field(
        default_factory=list,
        description="A campaign just made: its pre-flight per connection, as it stood at "
        "acceptance (a dry run has it in `planned`)",
    )
    samples: list[SampleOut] = Field(
        default_factory=list,
        description="Dry run of AI content: texts written for the first few recipients of "
        "the audience as the campaign would write them",
    )
    samples_note: str | None = Field(
        default=None,
        description="Dry run of AI content: why there are no samples, or fewer than asked "
        "(the composer did not answer in time, the audience reaches nobody, ...)",
    )


class DeliveryOut(BaseModel):
    recipient_no: int
    step_no: int
    contact_id: str | None
    external_id: str | None
    name: str | None
    status: str
    attempts: int
    platform_message_id: str | None
    error_code: str | None
    error_reason: str | None
    composition: str | None
    sent_at: datetime | None
    finished_at: datetime | None
    fallback_reason: str | None = Field(
        default=None,
        description="Why the campaign's fallback text was sent (composition ai_fallback): "
        "timeout, error, refusal, or rejected (every written draft failed the checks)",
    )
    waiting_until: datetime | None = Field(
        default=None, description="Status waiting: when it may go (the next daily allowance)"
    )
    text: str | None = Field(
        default=None,
        description="Status sent: the text the person got (personal fields filled, the AI's "
        "text, WhatsApp's STOP hint; a media message's caption; a WhatsApp template's name "
        "and parameters); null once erased, DELIVERY_TEXT_RETENTION_DAYS after it finished",
    )


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None


class PauseChangeOut(BaseModel):
    campaign_id: UUID
    status: str = Field(description="`pausing` or `resuming`")
    requested_at: datetime


class CancelOut(BaseModel):
    campaign_id: UUID
    status: str
    cancel_requested_at: datetime


def _class_help() -> str:
    return "; ".join(f"`{name}`: {meaning}" for name, meaning in CLASS_MEANINGS.items())


class ResendIn(Body):
    """Which failures to resend beyond the default (`transient` and `unknown`)."""

    include: list[FailureClass] = Field(
        default_factory=list,
        max_length=len(FAILURE_CLASSES),
        description="Failure classes to resend besides `transient` and `unknown` (the "
        f"default): {_class_help()}",
    )
    include_codes: list[Annotated[str, Field(min_length=1, max_length=128)]] = Field(
        default_factory=list,
        max_length=100,
        description="Exact error codes to resend too, as the campaign's failure_reasons "
        "show them (`403`, `131049`, `policy.reply_window`)",
    )
    name: str | None = Field(
        default=None, max_length=200, description="Default: `<the campaign's name> (resend)`"
    )
    start_at: StartAt = None


class ResendOut(BaseModel):
    resend_of: UUID = Field(description="The campaign resent")
    request_id: str = Field(description="`resend:<campaign id>`: a campaign is resent once")
    created: bool = Field(
        description="False: resent before (this answers that resend), or "
        "nobody to resend to (`note` says why)"
    )
    recipients: int = Field(description="The people resent to")
    picked: dict[str, int] = Field(description="Recipients resent to, by failure class")
    left_out: dict[str, int] = Field(
        description="Recipients not reached and not resent to, by failure class"
    )
    campaign_id: UUID | None = Field(description="The new campaign (the first, for a chain)")
    campaign_ids: list[UUID] = Field(
        description="Every new campaign: one per step the chains stopped at, one for a "
        "single message"
    )
    campaigns: list[CampaignDetail]
    note: str | None = Field(default=None, description="Why nothing was resent")


class EstimateIn(Body):
    audience: Audience
    connection_id: ConnectionId | None = None


class EstimateOut(BaseModel):
    audience_size: int
    by_connection: dict[str, int]
    unknown_external_ids: list[str]
    sending_days: list[SendingDaysOut] = Field(
        default_factory=list,
        description="Per WhatsApp connection, if sent now: how many go today and on how "
        "many days the rest go (the number's daily allowance)",
    )
    note: str = "The audience is snapshotted at launch; the number may differ by then."


class ImportRowError(BaseModel):
    line: int
    error: str


class ImportResult(BaseModel):
    import_id: UUID
    rows: int
    accepted: int
    rejected: int
    errors: list[ImportRowError] = Field(description="The first 1000 rejected rows")


_STEP_TIME = re.compile(STEP_TIME_PATTERN)


def _delay(value: float | str) -> float | str:
    """A step's time of a form `step_time` reads; what it says is checked where
    the step is made (a refusal `bad_delay` naming the field)."""
    if isinstance(value, str):
        if not _STEP_TIME.match(value):
            raise ValueError(f"cannot read {value!r} as a step's time: use {DELAY_HELP}")
    elif not 0 <= value <= MAX_DELAY_SECONDS:
        raise ValueError(
            f"a step's delay is from 0 to {MAX_DELAY_SECONDS:,} seconds "
            f"({MAX_DELAY_SECONDS // 86_400} days)"
        )
    return value


Delay = Annotated[
    float | str,
    AfterValidator(_delay),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": MAX_DELAY_SECONDS},
                {"type": "string", "pattern": STEP_TIME_PATTERN},
            ]
        }
    ),
    Field(description=f"Seconds, or {DELAY_HELP}", examples=["5m 30s", 90, "2026-12-24 10:00:00"]),
]


class TemplateStepIn(Body):
    content: StepContent
    delay: Delay = Field(
        default=0.0,
        description="After the previous step was actually sent to the recipient (the first "
        f"step: after the campaign's start): seconds, or {DELAY_HELP}",
    )


class TemplateIn(Body):
    name: TemplateName
    steps: list[TemplateStepIn] = Field(default_factory=list, max_length=MAX_STEPS)


class TemplateRename(Body):
    name: TemplateName = Field(description="The new name")


class StepRetime(Body):
    delay: Delay


class TemplateStepOut(BaseModel):
    step_id: int = Field(description="Kept for the step's life: deleting a step renumbers none")
    position: int = Field(description="1 for the first message of the chain")
    delay_seconds: float
    delay: str = Field(description="The delay as people write it, e.g. `5m 30s`")
    at: datetime | None = Field(
        default=None,
        description="A fixed UTC moment instead of the delay: the step goes then, or right "
        "after the previous step if that was sent later",
    )
    when: str = Field(description="When the step goes, in words")
    content: dict[str, Any]


class TemplateOut(BaseModel):
    name: str
    steps: list[TemplateStepOut]
    created_at: datetime | None
    updated_at: datetime | None


class TemplateList(BaseModel):
    items: list[TemplateOut]


class GeneralPlace(Body):
    """The group's General topic: mass sendings, templates, every sending."""

    kind: Literal["general"] = "general"


class DialogPlace(Body):
    """One customer's dialog: send them a template, see their sendings."""

    kind: Literal["dialog"] = "dialog"
    connection_id: ConnectionId = Field(description="The connection the dialog is on")
    external_id: ExternalId = Field(description="The customer's id on that connection")


Place = Annotated[GeneralPlace | DialogPlace, Field(discriminator="kind")]


class CommandIn(Body):
    command: str = Field(
        min_length=1, max_length=MAX_COMMAND_LENGTH, examples=["/send all promo 5m tg-main"]
    )
    reply_to: StepContent | None = Field(
        default=None,
        description="The replied-to message: what `/send <audience>` sends without a template, "
        "and what `/send TEMPLATE [TIME]` adds as a step",
    )
    file: str | None = Field(
        default=None,
        max_length=32_000_000,
        description="`/send file`: the ids, separated by commas, spaces or newlines",
    )
    external_id: ExternalId | None = Field(
        default=None, description="`/send test`: your own id, when your key does not know it"
    )
    interval_seconds: float | None = Field(default=None, ge=0, le=MAX_INTERVAL_SECONDS)
    name: str | None = Field(default=None, max_length=200)
    place: Place = Field(
        default_factory=GeneralPlace,
        description="Where the command was typed: `general` (default), or a `dialog` with one "
        "customer (`connection_id` + `external_id`), where /send TEMPLATE [TIME] sends the "
        "template to that customer",
    )


class CallOut(BaseModel):
    method: str
    path: str
    status: int


class CommandOut(BaseModel):
    command: str
    action: str = Field(description="What the command did, e.g. `start_sending`, `add_step`")
    answer: str = Field(description="For a person to read")
    lines: list[str]
    calls: list[CallOut] = Field(description="The HTTP API calls the command made")
    result: Any = Field(description="The last call's answer")


class FieldProblem(BaseModel):
    """What is wrong with one field of a request."""

    field: str = Field(description="The field's path, e.g. `audience.labels_any[0]`")
    message: str = Field(description="What is wrong with it")


class Problem(BaseModel):
    """Every error answer: RFC 9457 problem details, `application/problem+json`."""

    type: str = Field(
        description="`urn:problem:<code>`: the kind of problem", examples=["urn:problem:invalid"]
    )
    title: str = Field(
        description="The kind of problem in words; the same for every answer of a type"
    )
    status: int = Field(ge=400, le=599, description="The HTTP status code")
    detail: str = Field(description="What is wrong and what to fix, naming the field")
    code: str = Field(description="The kind of problem for machines: the last part of `type`")
    errors: list[FieldProblem] | None = Field(
        default=None, description="A request that fails validation: what is wrong, by field"
    )
    position: int | None = Field(
        default=None,
        description="`/v1/commands`: where (from 0) in the command it cannot be read",
    )
    calls: list[CallOut] | None = Field(
        default=None, description="`/v1/commands`: the calls the command made, the last refused"
    )

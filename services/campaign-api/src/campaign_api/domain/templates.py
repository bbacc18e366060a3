"""Templates: named chains of messages, each step sent its delay after the previous
step was actually sent to that recipient (the first step: at the recipient's turn,
plus its delay).

A step keeps the id it was given when added, so deleting one never renumbers the
others (the `/send` language names steps by id).  Campaigns copy the steps when
they are created: editing, renaming or deleting a template never changes a
campaign already accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from contracts.content import TEMPLATE_NAME_PATTERN, StepContent
from contracts.scheduling import CampaignStep
from contracts.timing import TimeFormatError, is_duration, parse_duration

from .model import Refusal

MAX_STEPS = 50
MAX_DELAY_SECONDS = 366 * 86_400

RESERVED_NAMES = frozenset(
    {"test", "all", "file", "list", "mark", "templates", "sendings", "now", "name", "for", "del"}
)
"""Words of the `/send` language: a template named so could not be told apart."""
_SENDING_REFERENCE = re.compile(r"^sid\d+$", re.IGNORECASE)
_NAME = re.compile(TEMPLATE_NAME_PATTERN)

DELAY_HELP = "a delay after the previous step: `now`, `90s`, `5m 30s`, `2h` or `1d`"


@dataclass(frozen=True)
class TemplateStep:
    step_id: int
    delay_seconds: float
    content: StepContent


@dataclass(frozen=True)
class Template:
    tenant_id: str
    name: str
    steps: tuple[TemplateStep, ...]
    next_step_id: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def step(self, step_id: int) -> TemplateStep:
        for step in self.steps:
            if step.step_id == step_id:
                return step
        known = ", ".join(str(s.step_id) for s in self.steps) or "none yet"
        raise Refusal(
            f"template {self.name!r} has no step {step_id} (its steps: {known})",
            "unknown_step",
            status=404,
        )


def check_name(name: str) -> None:
    """The SPEC's rule (a Latin letter first, then letters, digits, `-`, `_`), and
    none of the `/send` language's own words."""
    if not _NAME.match(name):
        raise Refusal(
            f"template name {name!r} is not allowed: a Latin letter first, then letters, "
            "digits, `-` or `_` (at most 64)",
            "bad_template_name",
        )
    if name.lower() in RESERVED_NAMES or _SENDING_REFERENCE.match(name):
        raise Refusal(
            f"template name {name!r} is a word of the /send language "
            f"({', '.join(sorted(RESERVED_NAMES))}, sid<number>): choose another name",
            "reserved_template_name",
        )


def delay_seconds(value: float | str) -> float:
    """A step's delay: seconds, or a duration as people write it."""
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        text = value.strip().lower()
        if text in ("now", "0", ""):
            seconds = 0.0
        elif is_duration(text):
            try:
                seconds = parse_duration(text).total_seconds()
            except TimeFormatError as error:
                raise Refusal(str(error), "bad_delay") from None
        elif re.match(r"^\d{4}-\d{2}-\d{2}", text):
            raise Refusal(
                f"{value!r} is a date and time, but a template step's time is {DELAY_HELP}; "
                "a date and time is a campaign's start time",
                "bad_delay",
            )
        else:
            raise Refusal(f"cannot read {value!r} as a step's time: use {DELAY_HELP}", "bad_delay")
    if not 0 <= seconds <= MAX_DELAY_SECONDS:
        raise Refusal(
            f"a step's delay must be between 0 and {MAX_DELAY_SECONDS // 86_400} days",
            "bad_delay",
        )
    return seconds


def new_template(tenant_id: str, name: str, steps: list[tuple[StepContent, float]]) -> Template:
    check_name(name)
    template = Template(tenant_id=tenant_id, name=name, steps=())
    for content, delay in steps:
        template = with_step(template, content, delay)
    return template


def with_step(template: Template, content: StepContent, delay: float) -> Template:
    if len(template.steps) >= MAX_STEPS:
        raise Refusal(
            f"template {template.name!r} already has {MAX_STEPS} steps, the most a chain may have",
            "too_many_steps",
        )
    step = TemplateStep(step_id=template.next_step_id, delay_seconds=delay, content=content)
    return replace(template, steps=(*template.steps, step), next_step_id=step.step_id + 1)


def retimed(template: Template, step_id: int, delay: float) -> Template:
    template.step(step_id)
    steps = tuple(
        replace(s, delay_seconds=delay) if s.step_id == step_id else s for s in template.steps
    )
    return replace(template, steps=steps)


def without_step(template: Template, step_id: int) -> Template:
    template.step(step_id)
    return replace(template, steps=tuple(s for s in template.steps if s.step_id != step_id))


def campaign_steps(template: Template) -> tuple[CampaignStep, ...]:
    """The chain a campaign copies: steps numbered 1..n in the template's order."""
    return tuple(
        CampaignStep(step_no=n, delay_seconds=step.delay_seconds, content=step.content)
        for n, step in enumerate(template.steps, start=1)
    )


def describe_delay(seconds: float) -> str:
    """330 -> `5m 30s`; 0 -> `now`."""
    if seconds <= 0:
        return "now"
    whole = round(seconds)
    parts = []
    for unit, size in (("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)):
        if whole >= size:
            parts.append(f"{whole // size}{unit}")
            whole %= size
    return " ".join(parts) or f"{seconds:g}s"

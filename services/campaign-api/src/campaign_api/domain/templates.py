"""Templates: named chains of messages, each step sent its delay after the previous
step was actually sent to that recipient (the first step: at the recipient's turn,
plus its delay).  A step given a UTC date and time instead goes at that moment,
or right after the previous step if that one was sent later (the first step: at
that moment, or at the recipient's turn if that comes later).

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
from contracts.timing import (
    DATE_TIME_FORM,
    DURATION_FORM,
    TimeFormatError,
    is_duration,
    parse_datetime,
    parse_duration,
)

from .model import Refusal

MAX_STEPS = 50
MAX_DELAY_SECONDS = 366 * 86_400

RESERVED_NAMES = frozenset(
    {"test", "all", "file", "list", "mark", "templates", "sendings", "now", "name", "for", "del"}
)
"""Words of the `/send` language: a template named so could not be told apart."""
_SENDING_REFERENCE = re.compile(r"^sid\d+$", re.IGNORECASE)
_NAME = re.compile(TEMPLATE_NAME_PATTERN)

DELAY_HELP = (
    "a delay after the previous step (`now`, `90s`, `5m 30s`, `2h` or `1d`) or a UTC date "
    "and time (`2024-12-27 14:25:55`)"
)
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}")
STEP_TIME_PATTERN = f"^ *(?:[Nn][Oo][Ww]|0|{DURATION_FORM}|{DATE_TIME_FORM})? *$"
"""The forms a step's time is written in (a regular expression JSON Schema reads
too): `now`, `0`, a delay, or a date with an optional time and offset.  What one
says is checked by `step_time`: a delay of at most `MAX_DELAY_SECONDS`, a date
that exists."""


@dataclass(frozen=True)
class StepTime:
    """When a step goes: `delay_seconds` after the previous step was sent, or with
    `at`, at that moment (or right after the previous step, if that is later)."""

    delay_seconds: float = 0.0
    at: datetime | None = None


@dataclass(frozen=True)
class TemplateStep:
    step_id: int
    delay_seconds: float
    content: StepContent
    at: datetime | None = None
    """A fixed UTC moment instead of a delay."""

    @property
    def time(self) -> StepTime:
        return StepTime(self.delay_seconds, self.at)


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


def step_time(value: float | str | StepTime) -> StepTime:
    """A step's time: seconds, a duration as people write it, or a UTC date and time."""
    if isinstance(value, StepTime):
        return value
    if isinstance(value, str) and _DATE_TIME.match(value.strip()):
        try:
            return StepTime(at=parse_datetime(value))
        except TimeFormatError as error:
            raise Refusal(str(error), "bad_delay") from None
    return StepTime(delay_seconds=delay_seconds(value))


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
        else:
            raise Refusal(f"cannot read {value!r} as a step's time: use {DELAY_HELP}", "bad_delay")
    if not 0 <= seconds <= MAX_DELAY_SECONDS:
        raise Refusal(
            f"a step's delay must be between 0 and {MAX_DELAY_SECONDS // 86_400} days",
            "bad_delay",
        )
    return seconds


def new_template(tenant_id: str, name: str, steps: list[tuple[StepContent, StepTime]]) -> Template:
    check_name(name)
    template = Template(tenant_id=tenant_id, name=name, steps=())
    for content, time in steps:
        template = with_step(template, content, time)
    return template


def with_step(template: Template, content: StepContent, time: StepTime) -> Template:
    if len(template.steps) >= MAX_STEPS:
        raise Refusal(
            f"template {template.name!r} already has {MAX_STEPS} steps, the most a chain may have",
            "too_many_steps",
        )
    step = TemplateStep(
        step_id=template.next_step_id,
        delay_seconds=time.delay_seconds,
        content=content,
        at=time.at,
    )
    return replace(template, steps=(*template.steps, step), next_step_id=step.step_id + 1)


def retimed(template: Template, step_id: int, time: StepTime) -> Template:
    template.step(step_id)
    steps = tuple(
        replace(s, delay_seconds=time.delay_seconds, at=time.at) if s.step_id == step_id else s
        for s in template.steps
    )
    return replace(template, steps=steps)


def without_step(template: Template, step_id: int) -> Template:
    template.step(step_id)
    return replace(template, steps=tuple(s for s in template.steps if s.step_id != step_id))


def campaign_steps(template: Template) -> tuple[CampaignStep, ...]:
    """The chain a campaign copies: steps numbered 1..n in the template's order."""
    return tuple(
        CampaignStep(
            step_no=n, delay_seconds=step.delay_seconds, not_before=step.at, content=step.content
        )
        for n, step in enumerate(template.steps, start=1)
    )


def describe_step_time(time: StepTime, position: int) -> str:
    """When a step goes, in words: `5m after step 1 was sent`."""
    previous = "the start" if position == 1 else f"step {position - 1} was sent"
    if time.at is not None:
        later = "the recipient's turn" if position == 1 else f"right after step {position - 1}"
        return f"at {time.at:%Y-%m-%d %H:%M:%S} UTC, or {later} if that is later"
    return f"{describe_delay(time.delay_seconds)} after {previous}"


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

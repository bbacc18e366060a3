"""A tenant's own settings: quiet hours, its default time zone, the auto-pause default."""

from __future__ import annotations

from typing import Any

from contracts.base import Input
from contracts.quiet_hours import DEFAULT_TIMEZONE, QuietHours, is_timezone
from pydantic import Field, field_validator

from .model import Refusal


def _known_zone(name: str) -> str:
    if not is_timezone(name):
        raise ValueError(
            f"unknown time zone {name!r}: give an IANA name such as `Europe/Berlin` or `UTC`"
        )
    return name


class AutoPause(Input):
    """Pause a campaign when more than `failure_ratio` of its last `window` attempts failed."""

    failure_ratio: float = Field(default=0.2, ge=0.01, le=1)
    window: int = Field(default=200, ge=10, le=10_000)


class TenantSettings(Input):
    """Everything a tenant's admin sets for all its campaigns; every field has a default."""

    quiet_hours: QuietHours | None = Field(
        default=None,
        description="Nothing is sent inside these, in the recipient's time zone (a "
        "campaign may set its own, or none); null: no quiet hours",
    )
    timezone: str = Field(
        default=DEFAULT_TIMEZONE,
        max_length=64,
        description="The IANA time zone of recipients without a valid `timezone` attribute",
        examples=["Europe/Berlin"],
    )
    auto_pause: AutoPause = Field(
        default_factory=AutoPause,
        description="When a campaign pauses itself for its failures (campaigns may override)",
    )

    @field_validator("timezone")
    @classmethod
    def _zone(cls, name: str) -> str:
        return _known_zone(name)


class SettingsPatch(Input):
    """The fields to change; a field left out keeps its value, `quiet_hours: null` clears it."""

    quiet_hours: QuietHours | None = None
    timezone: str | None = Field(default=None, max_length=64, examples=["Europe/Berlin"])
    auto_pause: AutoPause | None = None


def patched(current: TenantSettings, patch: SettingsPatch) -> TenantSettings:
    """`current` with the fields `patch` gives (null clears only the quiet hours);
    a Refusal naming `timezone` when it is not a zone."""
    if patch.timezone is not None and not is_timezone(patch.timezone):
        raise Refusal(
            f"timezone: unknown time zone {patch.timezone!r}: give an IANA name such as "
            "`Europe/Berlin` or `UTC`",
            "unknown_timezone",
        )
    changes: dict[str, Any] = {}
    for name in patch.model_fields_set:
        value = getattr(patch, name)
        if value is None and name != "quiet_hours":
            continue
        changes[name] = value
    return current.model_copy(update=changes)

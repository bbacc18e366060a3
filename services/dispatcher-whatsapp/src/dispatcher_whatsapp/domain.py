"""This product's anti-ban rules for a WhatsApp number, pure.

How many people a number may message on a UTC day is `contracts.allowance`
(the warm-up and the daily cap, shared with the campaign-api's estimates).  The
limit is on people: someone already messaged today (an earlier step of a chain)
does not count again, so a chain begun today can finish today.  A message over
today's allowance waits for the next one (`Defer`); only a number whose
allowance time never renews (a cap of 0, an unknown first use) skips it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contracts.allowance import DAILY_CAP_RULE, WARMUP_RULE, Allowance, next_allowance, utc_day
from dispatch_core.limits import Limits
from dispatch_core.model import Defer, Skip

__all__ = [
    "DAILY_CAP_RULE",
    "WARMUP_RULE",
    "TodaysRecipients",
    "over_allowance",
    "utc_day",
]


@dataclass(frozen=True)
class TodaysRecipients:
    messaged: int
    """People the number messaged today (UTC)."""
    includes_this_one: bool


def over_allowance(
    limits: Limits,
    first_used_at: datetime | None,
    allowance: Allowance,
    today: TodaysRecipients,
    now: datetime,
) -> Defer | Skip | None:
    """What to do with one more person today: None when they may be messaged, a
    `Defer` to the number's next allowance, or a `Skip` when time brings none."""
    limit = allowance.recipients
    if limit is None or today.includes_this_one or today.messaged < limit:
        return None
    reason = allowance.limit
    if limit:
        reason += f"; {today.messaged} already messaged today"
    until = next_allowance(limits.daily, first_used_at, now)
    if until is None:
        return Skip(allowance.rule, reason)
    return Defer(
        allowance.rule,
        f"{reason}; waits for the number's next allowance at {until:%Y-%m-%d %H:%M} UTC",
        until,
    )

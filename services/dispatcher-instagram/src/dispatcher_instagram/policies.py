"""Instagram's rules, checked before any call: a person who replied STOP gets
nothing more, and only people who wrote within the last 24 hours (the snapshot's
time or a newer inbound message) may be messaged; an attempt outside the window
counts against the account, so it is never made."""

from __future__ import annotations

from collections.abc import Sequence

from dispatch_core.inbound import InboundLog
from dispatch_core.policies import OptedOut, ReplyWindow
from dispatch_core.ports import Policy
from dispatch_core.repo import PoolSource


def instagram_policies(pool: PoolSource) -> Sequence[Policy]:
    inbound = InboundLog(pool)
    return [OptedOut(inbound), ReplyWindow(inbound)]

"""Instagram's rules, checked before any call: only people who wrote within the
last 24 hours; an attempt outside the window counts against the account, so it
is never made."""

from __future__ import annotations

from dispatch_core.policies import ReplyWindow
from dispatch_core.ports import Policy

POLICIES: list[Policy] = [ReplyWindow()]

"""Telegram's rules, checked before any call.

Bots may send identical mass messages to anyone who started them; the limits
(30/s per bot, 1/s per chat) are pacing, not policy.  Personal accounts may only
message people who wrote within the reply window (24 hours by default)."""

from __future__ import annotations

from dispatch_core.policies import ReplyWindow
from dispatch_core.ports import Policy

POLICIES: list[Policy] = [ReplyWindow()]

"""WhatsApp's rules, checked before any call: only people who wrote within the
24-hour customer-service window may get a free-form message."""

from __future__ import annotations

from dispatch_core.policies import ReplyWindow
from dispatch_core.ports import Policy

POLICIES: list[Policy] = [ReplyWindow()]

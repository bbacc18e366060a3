"""Webhooks (issue 17): a tenant's URLs told of its campaigns' events, signed,
retried for up to 24 hours and logged.  Inside campaign-api, not a service of
their own: the registrations are the tenant's settings behind campaign-api's
authentication, the secrets sealed like the connections' credentials, and every
event source (acceptance, the scheduler's events, the outcomes' tallies) is
already here, so a delivery row is written in the transaction of the change that
causes it: nothing lost, nothing sent for a change rolled back, and no queue or
schema of its own to run.  `enqueue` is how an event source tells them."""

from .enqueue import enqueue, enqueue_progress, once_per_campaign
from .events import WebhookEvent

__all__ = ["WebhookEvent", "enqueue", "enqueue_progress", "once_per_campaign"]

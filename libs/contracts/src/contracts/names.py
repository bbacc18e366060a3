"""Every exchange, routing key and queue name of the system, in one place.

Public exchanges (`campaigns`, `dialogs`) are what other services of the
platform publish to and bind to; `campaigns.internal` carries the messages the
services of this system exchange among themselves.  Every queue is a durable
quorum queue whose rejected messages go to `<queue>.dlq` through the
`dead-letter` exchange.
"""

from __future__ import annotations

import re
from typing import Final, Literal, get_args

CAMPAIGNS_EXCHANGE: Final = "campaigns"
DIALOGS_EXCHANGE: Final = "dialogs"
INTERNAL_EXCHANGE: Final = "campaigns.internal"
DEAD_LETTER_EXCHANGE: Final = "dead-letter"

TOPIC_EXCHANGES: Final = (CAMPAIGNS_EXCHANGE, DIALOGS_EXCHANGE, INTERNAL_EXCHANGE)


class RoutingKey:
    """Routing keys: events are past tense, commands imperative; all versioned."""

    # public, exchange `campaigns`
    CAMPAIGN_REQUESTED: Final = "campaign.requested.v1"
    CAMPAIGN_ACCEPTED: Final = "campaign.accepted.v1"
    CAMPAIGN_REJECTED: Final = "campaign.rejected.v1"
    CAMPAIGN_STARTED: Final = "campaign.started.v1"
    CAMPAIGN_COMPLETED: Final = "campaign.completed.v1"
    CAMPAIGN_CANCELLED: Final = "campaign.cancelled.v1"
    CAMPAIGN_PAUSED: Final = "campaign.paused.v1"
    CAMPAIGN_RESUMED: Final = "campaign.resumed.v1"
    # public, exchange `dialogs`
    CONTACT_UPSERTED: Final = "contact.upserted.v1"
    MESSAGE_INBOUND: Final = "message.inbound.v1"
    # internal, exchange `campaigns.internal`
    CAMPAIGN_SCHEDULED: Final = "campaign.scheduled.v1"
    CAMPAIGN_CANCEL: Final = "campaign.cancel.v1"
    CAMPAIGN_PAUSE: Final = "campaign.pause.v1"
    CAMPAIGN_RESUME: Final = "campaign.resume.v1"
    TENANT_UPDATED: Final = "tenant.updated.v1"
    CONNECTION_UPDATED: Final = "connection.updated.v1"
    CONNECTION_CHECKED: Final = "connection.checked.v1"
    CONNECTION_STATE: Final = "connection.state.v1"
    CONTACTS_IMPORTED: Final = "contacts.imported.v1"
    OPERATOR_GROUP_LINKED: Final = "operator_group.linked.v1"
    DIALOG_TOPIC_BOUND: Final = "dialog.topic.bound.v1"
    AUDIENCE_SNAPSHOT: Final = "audience.snapshot.v1"
    AUDIENCE_ESTIMATE: Final = "audience.estimate.v1"
    AUDIENCE_DIALOGS: Final = "audience.dialogs.v1"
    RECIPIENTS_RESOLVED: Final = "audience.recipients.resolved.v1"
    AUDIENCE_SNAPSHOTTED: Final = "audience.snapshotted.v1"
    AUDIENCE_LIST_UPLOADED: Final = "audience.list.uploaded.v1"
    AUDIENCE_LIST_CLOSE: Final = "audience.list.close.v1"
    COMPOSE: Final = "compose.request.v1"
    COMPOSE_SAMPLES: Final = "compose.samples.v1"
    DISPATCH_SEND: Final = "dispatch.send.v1"
    DELIVERY_REPORTED: Final = "delivery.reported.v1"


class Queue:
    """Durable queues, named `<consuming service>.<what arrives>`."""

    API_CAMPAIGN_REQUESTED: Final = "campaign-api.campaign-requested"
    API_CAMPAIGN_STARTED: Final = "campaign-api.campaign-started"
    API_CAMPAIGN_COMPLETED: Final = "campaign-api.campaign-completed"
    API_CAMPAIGN_CANCELLED: Final = "campaign-api.campaign-cancelled"
    API_CAMPAIGN_PAUSED: Final = "campaign-api.campaign-paused"
    API_CAMPAIGN_RESUMED: Final = "campaign-api.campaign-resumed"
    API_RECIPIENTS: Final = "campaign-api.recipients"
    API_AUDIENCE_SNAPSHOTTED: Final = "campaign-api.audience-snapshotted"
    API_DELIVERIES: Final = "campaign-api.deliveries"
    API_CONNECTION_STATES: Final = "campaign-api.connection-states"

    RESOLVER_CONTACT_UPSERTED: Final = "audience-resolver.contact-upserted"
    RESOLVER_MESSAGE_INBOUND: Final = "audience-resolver.message-inbound"
    RESOLVER_CONTACTS_IMPORTED: Final = "audience-resolver.contacts-imported"
    RESOLVER_SNAPSHOT: Final = "audience-resolver.snapshot"
    RESOLVER_ESTIMATE: Final = "audience-resolver.estimate"
    RESOLVER_DIALOGS: Final = "audience-resolver.dialogs"
    RESOLVER_LIST_UPLOADED: Final = "audience-resolver.list-uploaded"
    RESOLVER_LIST_CLOSE: Final = "audience-resolver.list-close"
    RESOLVER_TENANTS: Final = "audience-resolver.tenants"

    SCHEDULER_CAMPAIGN_SCHEDULED: Final = "scheduler.campaign-scheduled"
    SCHEDULER_CAMPAIGN_CANCEL: Final = "scheduler.campaign-cancel"
    SCHEDULER_CAMPAIGN_PAUSE: Final = "scheduler.campaign-pause"
    SCHEDULER_CAMPAIGN_RESUME: Final = "scheduler.campaign-resume"
    SCHEDULER_CONNECTION_STATES: Final = "scheduler.connection-states"
    SCHEDULER_TENANTS: Final = "scheduler.tenants"
    SCHEDULER_RECIPIENTS: Final = "scheduler.recipients"
    SCHEDULER_AUDIENCE_SNAPSHOTTED: Final = "scheduler.audience-snapshotted"
    SCHEDULER_DELIVERIES: Final = "scheduler.deliveries"

    COMPOSER_COMPOSE: Final = "ai-composer.compose"
    COMPOSER_SAMPLES: Final = "ai-composer.samples"


DispatcherName = Literal["telegram", "whatsapp", "instagram"]

_QUEUE_PART = re.compile(r"[^A-Za-z0-9_.-]")


DISPATCHER_OF: dict[str, DispatcherName] = {
    "telegram_bot": "telegram",
    "telegram_user": "telegram",
    "whatsapp": "whatsapp",
    "instagram": "instagram",
}
"""Which dispatcher serves each kind of connection."""


def dispatcher_queue(dispatcher: DispatcherName, purpose: str) -> str:
    """A dispatcher service's own queue, e.g. `dispatcher-telegram.connections`."""
    return f"dispatcher-{dispatcher}.{purpose}"


def dispatch_queue(dispatcher: DispatcherName, tenant_id: str, connection_id: str) -> str:
    """The queue of one sender account's jobs.

    One queue per connection, consumed by a single active consumer; which
    process sends the jobs is decided by the connection's lease, not by the queue.
    Jobs are published to it through the default exchange.
    """
    tenant = _QUEUE_PART.sub("_", tenant_id)
    connection = _QUEUE_PART.sub("_", connection_id)
    return f"dispatch.{dispatcher}.{tenant}.{connection}"


_DISPATCH_QUEUE = re.compile(
    r"dispatch\.(?P<dispatcher>{})\..+?(?P<dlq>\.dlq)?".format("|".join(get_args(DispatcherName)))
)
CONNECTION_QUEUE_LABEL: Final = "connection"


def queue_label(queue: str) -> str:
    """`queue` as a metric label: a per-connection queue (`dispatch_queue`), or its
    dead-letter queue, under its dispatcher's template, e.g.
    `dispatch.telegram.connection` (`.dlq`), so tenant and connection ids never
    become label values; any other name as it is."""
    found = _DISPATCH_QUEUE.fullmatch(queue)
    if found is None:
        return queue
    return f"dispatch.{found['dispatcher']}.{CONNECTION_QUEUE_LABEL}{found['dlq'] or ''}"


def dead_letter_queue(queue: str) -> str:
    """Where messages `queue` cannot process end up, with the reason in a header."""
    return f"{queue}.dlq"

"""Every message the system exchanges: its routing key, exchange, model and example."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from pydantic import BaseModel

from . import audience, campaigns, composer, dispatch, operator_groups, scheduling, tenants
from .names import CAMPAIGNS_EXCHANGE, DIALOGS_EXCHANGE, INTERNAL_EXCHANGE, RoutingKey


@dataclass(frozen=True)
class Entry:
    routing_key: str
    exchange: str
    model: type[BaseModel]
    public: bool

    def example(self) -> dict[str, Any]:
        """The example payload checked in beside the models."""
        text = resources.files("contracts").joinpath(f"examples/{self.routing_key}.json")
        loaded: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
        return loaded


def _public(key: str, exchange: str, model: type[BaseModel]) -> Entry:
    return Entry(key, exchange, model, public=True)


def _internal(key: str, model: type[BaseModel]) -> Entry:
    return Entry(key, INTERNAL_EXCHANGE, model, public=False)


CATALOG: tuple[Entry, ...] = (
    _public(RoutingKey.CAMPAIGN_REQUESTED, CAMPAIGNS_EXCHANGE, campaigns.CampaignRequestedV1),
    _public(RoutingKey.CAMPAIGN_ACCEPTED, CAMPAIGNS_EXCHANGE, campaigns.CampaignAcceptedV1),
    _public(RoutingKey.CAMPAIGN_REJECTED, CAMPAIGNS_EXCHANGE, campaigns.CampaignRejectedV1),
    _public(RoutingKey.CAMPAIGN_STARTED, CAMPAIGNS_EXCHANGE, campaigns.CampaignStartedV1),
    _public(RoutingKey.CAMPAIGN_COMPLETED, CAMPAIGNS_EXCHANGE, campaigns.CampaignCompletedV1),
    _public(RoutingKey.CAMPAIGN_CANCELLED, CAMPAIGNS_EXCHANGE, campaigns.CampaignCancelledV1),
    _public(RoutingKey.CAMPAIGN_PAUSED, CAMPAIGNS_EXCHANGE, campaigns.CampaignPausedV1),
    _public(RoutingKey.CAMPAIGN_RESUMED, CAMPAIGNS_EXCHANGE, campaigns.CampaignResumedV1),
    _public(RoutingKey.CONTACT_UPSERTED, DIALOGS_EXCHANGE, audience.ContactUpsertedV1),
    _public(RoutingKey.MESSAGE_INBOUND, DIALOGS_EXCHANGE, audience.MessageInboundV1),
    _public(RoutingKey.DIALOG_TOPIC_BOUND, DIALOGS_EXCHANGE, operator_groups.DialogTopicBoundV1),
    _internal(RoutingKey.OPERATOR_GROUP_LINKED, operator_groups.OperatorGroupLinkedV1),
    _internal(RoutingKey.CAMPAIGN_SCHEDULED, scheduling.CampaignScheduledV1),
    _internal(RoutingKey.CAMPAIGN_CANCEL, scheduling.CampaignCancelRequestedV1),
    _internal(RoutingKey.CAMPAIGN_PAUSE, scheduling.CampaignPauseRequestedV1),
    _internal(RoutingKey.CAMPAIGN_RESUME, scheduling.CampaignResumeRequestedV1),
    _internal(RoutingKey.TENANT_UPDATED, tenants.TenantUpdatedV1),
    _internal(RoutingKey.CONNECTION_UPDATED, tenants.ConnectionUpdatedV1),
    _internal(RoutingKey.CONNECTION_CHECKED, tenants.ConnectionCheckedV1),
    _internal(RoutingKey.CONNECTION_STATE, tenants.ConnectionStateV1),
    _internal(RoutingKey.CONTACTS_IMPORTED, audience.ContactsImportedV1),
    _internal(RoutingKey.AUDIENCE_SNAPSHOT, audience.AudienceSnapshotRequestedV1),
    _internal(RoutingKey.AUDIENCE_ESTIMATE, audience.AudienceEstimateRequestedV1),
    _internal(RoutingKey.AUDIENCE_DIALOGS, audience.AudienceDialogsRequestedV1),
    _internal(RoutingKey.RECIPIENTS_RESOLVED, audience.RecipientsResolvedV1),
    _internal(RoutingKey.AUDIENCE_SNAPSHOTTED, audience.AudienceSnapshottedV1),
    _internal(RoutingKey.AUDIENCE_LIST_UPLOADED, audience.AudienceListUploadedV1),
    _internal(RoutingKey.AUDIENCE_LIST_CLOSE, audience.AudienceListCloseRequestedV1),
    _internal(RoutingKey.COMPOSE, composer.ComposeRequestedV1),
    _internal(RoutingKey.COMPOSE_SAMPLES, composer.ComposeSamplesRequestedV1),
    _internal(RoutingKey.DISPATCH_SEND, dispatch.DispatchRequestedV1),
    _internal(RoutingKey.DELIVERY_REPORTED, dispatch.DeliveriesReportedV1),
)


def schema_of(entry: Entry) -> dict[str, Any]:
    """The JSON Schema checked in under `libs/contracts/schemas/`."""
    schema = entry.model.model_json_schema(mode="validation")
    schema["$id"] = f"{entry.routing_key}.json"
    schema["x-routing-key"] = entry.routing_key
    schema["x-exchange"] = entry.exchange
    schema["examples"] = [entry.example()]
    return schema

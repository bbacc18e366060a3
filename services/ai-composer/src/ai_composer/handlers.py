"""The composer's handlers: a batch of deliveries to write, handed on to the
connection's dispatcher queue as their texts are ready; and a dry run's sample
texts, answered to the asker only."""

from __future__ import annotations

import structlog
from contracts.base import utc_now
from contracts.composer import ComposedSamplesV1, ComposeRequestedV1, ComposeSamplesRequestedV1
from contracts.dispatch import DispatchJob, DispatchRequestedV1
from contracts.names import DISPATCHER_OF, INTERNAL_EXCHANGE, Queue, RoutingKey, dispatch_queue
from service_kit.publishing import Publisher
from service_kit.subscribers import consumes

from .composer import Composer
from .samples import Samples

SAMPLE_PREFETCH = 8
"""Sample requests written at once (each a few texts)."""


class Handlers:
    def __init__(
        self, composer: Composer, samples: Samples, publisher: Publisher, *, prefetch: int
    ) -> None:
        self._composer = composer
        self._samples = samples
        self._publisher = publisher
        self.prefetch = prefetch

    @consumes(
        Queue.COMPOSER_COMPOSE,
        INTERNAL_EXCHANGE,
        RoutingKey.COMPOSE,
        prefetch=lambda handlers: handlers.prefetch,
    )
    async def on_compose(self, request: ComposeRequestedV1) -> None:
        queue = dispatch_queue(
            DISPATCHER_OF[request.channel], request.tenant_id, request.connection_id
        )

        async def deliver(jobs: list[DispatchJob]) -> None:
            dispatch = DispatchRequestedV1(
                tenant_id=request.tenant_id,
                connection_id=request.connection_id,
                channel=request.channel,
                jobs=jobs,
            )
            await self._publisher.send_to_queue(
                dispatch,
                queue=queue,
                message_type=RoutingKey.DISPATCH_SEND,
                single_active_consumer=True,
            )

        # the batch's campaign, on every log line of its composing
        with structlog.contextvars.bound_contextvars(campaign_id=str(request.jobs[0].campaign_id)):
            await self._composer.compose(request, deliver)

    @consumes(
        Queue.COMPOSER_SAMPLES,
        INTERNAL_EXCHANGE,
        RoutingKey.COMPOSE_SAMPLES,
        prefetch=SAMPLE_PREFETCH,
    )
    async def on_samples_requested(self, request: ComposeSamplesRequestedV1) -> ComposedSamplesV1:
        """The reply to the request (`reply_to`): a text per recipient."""
        with structlog.contextvars.bound_contextvars(
            samples_for=request.tenant_id, connection_id=request.connection_id
        ):
            return await self._samples.write(request, utc_now())

"""The composer's consumer: a batch of deliveries to write, handed on to the
connection's dispatcher queue as their texts are ready."""

from __future__ import annotations

from contracts.composer import ComposeRequestedV1
from contracts.dispatch import DispatchJob, DispatchRequestedV1
from contracts.names import DISPATCHER_OF, RoutingKey, dispatch_queue
from service_kit.publishing import Publisher

from .composer import Composer


class Handlers:
    def __init__(self, composer: Composer, publisher: Publisher) -> None:
        self._composer = composer
        self._publisher = publisher

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

        await self._composer.compose(request, deliver)

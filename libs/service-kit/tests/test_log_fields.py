"""The body fields bound to a consumed message's log lines: those of `LOG_FIELDS`
its model has, none of a body that is not a model."""

from __future__ import annotations

from typing import Any, cast

from faststream.message import StreamMessage
from pydantic import BaseModel
from service_kit.dead_letters import log_fields


class Reported(BaseModel):
    tenant_id: str
    campaign_id: str
    results: list[int]


class Decoded:
    """A message whose body decodes to `body`."""

    def __init__(self, body: object) -> None:
        self.body = body

    async def decode(self) -> object:
        return self.body


async def fields_of(body: object) -> dict[str, str]:
    return await log_fields(cast("StreamMessage[Any]", Decoded(body)))


async def test_the_log_fields_a_model_has_are_bound_and_no_other() -> None:
    event = Reported(tenant_id="t-1", campaign_id="c-1", results=[1])
    assert await fields_of(event) == {"campaign_id": "c-1", "tenant_id": "t-1"}


async def test_a_body_that_is_not_a_model_binds_nothing() -> None:
    assert await fields_of({"campaign_id": "c-1"}) == {}

"""The use cases a `/send` command carries out, for one caller, each answered as
the HTTP API would answer the call it stands for (status and body), so a command
does nothing the same person could not do over HTTP, with the same checks and
the same errors."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel, ValidationError

from ..api.errors import invalid_body
from ..api.schemas import CampaignIn, StepRetime, TemplateIn, TemplateRename, TemplateStepIn
from ..api.templates import template_list, template_out
from ..api.views import campaign_list, created, resent, shown
from ..domain.model import Principal, Refusal
from ..domain.resend import FailureClass
from ..repo import accounts as accounts_repo
from ..resends import ResendRequest
from ..usecases import campaigns, lists, pauses, templates
from ..usecases.access import member_tenant
from ..usecases.services import AppServices
from .grammar import Vocabulary
from .runner import ApiCall, CallFailed

T = TypeVar("T")


def _json(answer: BaseModel) -> Any:
    """An answer's body as the API sends it."""
    return answer.model_dump(mode="json")


class Actions:
    """Carries out one command's use cases; `calls` records each as the API call
    it stands for, with the status the API would have answered."""

    def __init__(
        self, svc: AppServices, caller: Principal, idempotency_key: str | None = None
    ) -> None:
        self._svc = svc
        self._caller = caller
        self._idempotency_key = idempotency_key
        self.calls: list[tuple[ApiCall, int]] = []

    async def vocabulary(self) -> Vocabulary:
        """The caller's tenant's templates and connections, as commands name them."""
        found = await templates.list_templates(self._svc, self._caller)
        connections = await accounts_repo.list_connections(
            self._svc.pool, member_tenant(self._caller)
        )
        return Vocabulary(
            templates=frozenset(t.name for t in found),
            connections=frozenset(c.connection.id for c in connections),
        )

    async def _do(self, call: ApiCall, act: Callable[[], Awaitable[tuple[int, T]]]) -> T:
        """`act`'s answer, recorded with its status; a refusal or an invalid body
        fails the command (`CallFailed`) with the calls made so far."""
        try:
            status, answer = await act()
        except ValidationError as error:
            self._refused(call, Refusal(invalid_body(error), "invalid"))
        except Refusal as refusal:
            self._refused(call, refusal)
        self.calls.append((call, status))
        return answer

    def _refused(self, call: ApiCall, refusal: Refusal) -> None:
        self.calls.append((call, refusal.status))
        raise CallFailed(refusal.status, refusal.reason, refusal.code, self.calls)

    async def create_campaign(self, call: ApiCall) -> Any:
        async def act() -> tuple[int, Any]:
            body = CampaignIn.model_validate(call.json)
            request_id = self._idempotency_key or body.request_id
            made = await campaigns.create_campaign(self._svc, self._caller, body, request_id)
            return (201 if made.created else 200), _json(created(made))

        return await self._do(call, act)

    async def upload_list(self, call: ApiCall) -> UUID:
        async def act() -> tuple[int, UUID]:
            raw = io.BytesIO((call.content or "").encode())
            return 201, (await lists.upload_list(self._svc, self._caller, raw)).list_id

        return await self._do(call, act)

    async def list_campaigns(self, call: ApiCall) -> Any:
        params = call.params or {}
        sending_id = params.get("sending_id")

        async def act() -> tuple[int, Any]:
            page = await campaigns.list_campaigns(
                self._svc,
                self._caller,
                connection_id=params.get("connection_id"),
                external_id=params.get("external_id"),
                sending_id=int(sending_id) if sending_id else None,
                limit=int(params.get("limit", "50")),
            )
            return 200, _json(campaign_list(page))

        return await self._do(call, act)

    async def show_campaign(self, call: ApiCall, campaign_id: UUID) -> Any:
        async def act() -> tuple[int, Any]:
            found = await campaigns.show_campaign(self._svc, self._caller, campaign_id)
            return 200, _json(shown(found))

        return await self._do(call, act)

    async def cancel_campaign(self, call: ApiCall, campaign_id: UUID) -> None:
        async def act() -> tuple[int, Any]:
            await campaigns.cancel_campaign(self._svc, self._caller, campaign_id)
            return 202, None

        await self._do(call, act)

    async def resend_campaign(
        self, call: ApiCall, campaign_id: UUID, include: tuple[FailureClass, ...]
    ) -> Any:
        async def act() -> tuple[int, Any]:
            request = ResendRequest(include=frozenset(include))
            made = await campaigns.resend_campaign(self._svc, self._caller, campaign_id, request)
            return (201 if made.created else 200), _json(resent(made))

        return await self._do(call, act)

    async def pause_campaign(self, call: ApiCall, campaign_id: UUID) -> None:
        async def act() -> tuple[int, Any]:
            await pauses.pause_campaign(self._svc, self._caller, campaign_id)
            return 202, None

        await self._do(call, act)

    async def resume_campaign(self, call: ApiCall, campaign_id: UUID) -> None:
        async def act() -> tuple[int, Any]:
            await pauses.resume_campaign(self._svc, self._caller, campaign_id)
            return 202, None

        await self._do(call, act)

    async def list_templates(self, call: ApiCall) -> Any:
        async def act() -> tuple[int, Any]:
            return 200, _json(
                template_list(await templates.list_templates(self._svc, self._caller))
            )

        return await self._do(call, act)

    async def show_template(self, call: ApiCall, name: str) -> Any:
        async def act() -> tuple[int, Any]:
            found = await templates.show_template(self._svc, self._caller, name)
            return 200, _json(template_out(found))

        return await self._do(call, act)

    async def create_template(self, call: ApiCall) -> Any:
        async def act() -> tuple[int, Any]:
            body = TemplateIn.model_validate(call.json)
            steps = [(step.content, step.delay) for step in body.steps]
            made = await templates.create_template(self._svc, self._caller, body.name, steps)
            return 201, _json(template_out(made))

        return await self._do(call, act)

    async def add_step(self, call: ApiCall, name: str) -> Any:
        async def act() -> tuple[int, Any]:
            step = TemplateStepIn.model_validate(call.json)
            added = await templates.add_step(
                self._svc, self._caller, name, step.content, step.delay
            )
            return 201, _json(template_out(added))

        return await self._do(call, act)

    async def rename_template(self, call: ApiCall, name: str) -> Any:
        async def act() -> tuple[int, Any]:
            new_name = TemplateRename.model_validate(call.json).name
            renamed = await templates.rename_template(self._svc, self._caller, name, new_name)
            return 200, _json(template_out(renamed))

        return await self._do(call, act)

    async def retime_step(self, call: ApiCall, name: str, step_id: int) -> Any:
        async def act() -> tuple[int, Any]:
            delay = StepRetime.model_validate(call.json).delay
            retimed = await templates.retime_step(self._svc, self._caller, name, step_id, delay)
            return 200, _json(template_out(retimed))

        return await self._do(call, act)

    async def delete_step(self, call: ApiCall, name: str, step_id: int) -> Any:
        async def act() -> tuple[int, Any]:
            left = await templates.delete_step(self._svc, self._caller, name, step_id)
            return 200, _json(template_out(left))

        return await self._do(call, act)

    async def delete_template(self, call: ApiCall, name: str) -> None:
        async def act() -> tuple[int, Any]:
            await templates.delete_template(self._svc, self._caller, name)
            return 204, None

        await self._do(call, act)

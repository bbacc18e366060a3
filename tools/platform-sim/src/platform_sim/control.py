"""The `/_sim/*` control routes every simulator serves beside its platform API."""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from .faults import Fault
from .simulator import Simulator

SIMULATOR = web.AppKey("simulator", Simulator)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ControlError(Exception):
    """A control request that cannot be applied; answered 400 with the reason."""


def add_control_routes(app: web.Application) -> None:
    routes = [
        ("GET", "/_sim/calls", _calls),
        ("POST", "/_sim/reset", _reset),
        ("GET", "/_sim/config", _get_config),
        ("PUT", "/_sim/config", _put_config),
        ("PUT", "/_sim/recipients/{recipient_id}", _put_recipient),
        ("POST", "/_sim/recipients", _post_recipients),
        ("POST", "/_sim/faults", _post_fault),
        ("PUT", "/_sim/accounts/{account}", _put_account),
        ("GET", "/_sim/stats", _stats),
    ]
    for method, path, handler in [*routes, *app[SIMULATOR].platform.control_routes()]:
        app.router.add_route(method, path, _answering_errors(handler))


def _answering_errors(handler: Handler) -> Handler:
    """Answer bad control input with 400 `{"error": reason}`."""

    @functools.wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except ControlError as exc:
            return web.json_response({"error": str(exc)}, status=400)

    return guarded


def simulator(request: web.Request) -> Simulator:
    return request.app[SIMULATOR]


async def read_body(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read() or b"{}")
    except ValueError as exc:
        raise ControlError(f"the body must be JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise ControlError("the body must be a JSON object")
    return body


async def _calls(request: web.Request) -> web.Response:
    sim = simulator(request)
    try:
        since = int(request.query.get("since", "0"))
    except ValueError as exc:
        raise ControlError("since must be an integer") from exc
    method = request.query.get("method")
    calls = sim.recorder.query(
        since=since,
        method=None if method is None else sim.platform.canonical_method(method),
        account=request.query.get("account"),
        recipient=request.query.get("recipient"),
    )
    return web.json_response({"calls": calls})


async def _reset(request: web.Request) -> web.Response:
    simulator(request).reset()
    return web.json_response({"ok": True})


async def _get_config(request: web.Request) -> web.Response:
    sim = simulator(request)
    return web.json_response(sim.config.as_dict(sim.platform.config_keys))


async def _put_config(request: web.Request) -> web.Response:
    sim = simulator(request)
    try:
        sim.configure(await read_body(request))
    except ValueError as exc:
        raise ControlError(str(exc)) from exc
    return web.json_response(sim.config.as_dict(sim.platform.config_keys))


def _recipient_state(sim: Simulator, body: dict[str, Any]) -> tuple[str, float | None]:
    state = body.get("state", "ok")
    if state not in sim.platform.recipient_states:
        raise ControlError(f"state must be one of {sorted(sim.platform.recipient_states)}")
    last = body.get("last_inbound_at")
    if last is not None and (isinstance(last, bool) or not isinstance(last, int | float)):
        raise ControlError("last_inbound_at must be a unix time in seconds or null")
    return state, None if last is None else float(last)


async def _put_recipient(request: web.Request) -> web.Response:
    sim = simulator(request)
    state, last = _recipient_state(sim, await read_body(request))
    recipient = sim.platform.recipient_key(request.match_info["recipient_id"])
    sim.recipients.set(recipient, state, last)
    return web.json_response({"recipient": recipient, "state": state, "last_inbound_at": last})


async def _post_recipients(request: web.Request) -> web.Response:
    sim = simulator(request)
    body = await read_body(request)
    ids = body.get("ids")
    if not isinstance(ids, list) or not all(isinstance(i, str | int) for i in ids):
        raise ControlError("ids must be a list of recipient ids")
    state, last = _recipient_state(sim, body)
    for recipient in ids:
        sim.recipients.set(sim.platform.recipient_key(str(recipient)), state, last)
    return web.json_response({"updated": len(ids), "state": state, "last_inbound_at": last})


async def _post_fault(request: web.Request) -> web.Response:
    sim = simulator(request)
    try:
        fault = Fault.from_json(
            await read_body(request), sim.platform.canonical_method, sim.platform.recipient_key
        )
    except ValueError as exc:
        raise ControlError(str(exc)) from exc
    sim.faults.add(fault, sim.clock())
    return web.json_response(dataclasses.asdict(fault))


async def _put_account(request: web.Request) -> web.Response:
    sim = simulator(request)
    state = (await read_body(request)).get("state")
    if state not in sim.platform.account_states:
        raise ControlError(f"state must be one of {sorted(sim.platform.account_states)}")
    account = request.match_info["account"]
    sim.accounts.set(account, state)
    return web.json_response({"account": account, "state": state})


async def _stats(request: web.Request) -> web.Response:
    return web.json_response(simulator(request).stats.as_dict())

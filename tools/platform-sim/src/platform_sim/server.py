"""Building each platform's aiohttp application and serving it on a port."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .control import SIMULATOR, add_control_routes
from .instagram import InstagramPlatform
from .openai_api import OpenAIPlatform
from .simulator import Platform, Simulator
from .telegram import TelegramPlatform
from .whatsapp import WhatsAppPlatform

PLATFORMS: dict[str, type[Platform]] = {
    "telegram": TelegramPlatform,
    "whatsapp": WhatsAppPlatform,
    "instagram": InstagramPlatform,
    "openai": OpenAIPlatform,
}
API_PATHS = {"telegram": "", "whatsapp": "/v21.0", "instagram": "/v21.0", "openai": "/v1"}
"""What a client appends to the server's root to get the base URL it is configured with."""

MAX_BODY = 60 * 1024 * 1024
"""Telegram accepts uploads of up to 50 MB."""

SHUTDOWN_SECONDS = 0.5
"""How long closing waits for requests in flight (a held `timeout` fault is cut short).

A request whose client gives up is still carried out, as on a real platform: a send that
timed out on the client's side may well have been delivered."""


def build_app(platform: str, config: Mapping[str, Any] | None = None) -> web.Application:
    """The application for one platform, its start-up config being its defaults plus `config`."""
    implementation = PLATFORMS[platform]()
    startup = implementation.defaults.merged(config or {}, implementation.config_keys)
    simulator = Simulator(implementation, startup)
    app = web.Application(client_max_size=MAX_BODY)
    app[SIMULATOR] = simulator
    for method, path in implementation.routes():
        app.router.add_route(method, path, simulator.handle)
    add_control_routes(app)
    app.on_shutdown.append(lambda _: implementation.close())
    return app


def split_config(platforms: list[str], config: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each platform's share of `config`: the keys it knows. A key no platform knows is an error."""
    shares: dict[str, dict[str, Any]] = {name: {} for name in platforms}
    for key, value in config.items():
        takers = [name for name in platforms if key in PLATFORMS[name].config_keys]
        if not takers:
            raise ValueError(f"no simulator of {platforms} has a config key {key!r}")
        for name in takers:
            shares[name][key] = value
    return shares


@dataclass(slots=True)
class RunningServer:
    platform: str
    host: str
    port: int
    runner: web.AppRunner

    @property
    def root_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        return self.root_url + API_PATHS[self.platform]

    def describe(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "host": self.host,
            "port": self.port,
            "base_url": self.base_url,
            "control_url": self.root_url + "/_sim",
        }

    async def close(self) -> None:
        await self.runner.cleanup()


async def start_server(
    platform: str, host: str = "127.0.0.1", port: int = 0, config: Mapping[str, Any] | None = None
) -> RunningServer:
    """Serve one platform in the running event loop; port 0 lets the OS choose one."""
    runner = web.AppRunner(
        build_app(platform, config),
        access_log=None,
        handle_signals=False,
        shutdown_timeout=SHUTDOWN_SECONDS,
    )
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    bound_port = int(runner.addresses[0][1])
    return RunningServer(platform, host, bound_port, runner)

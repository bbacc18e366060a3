"""For tests: start simulators in the running event loop, and drive them over `/_sim/*`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp

from .server import PLATFORMS, RunningServer, split_config, start_server


class SimControlError(RuntimeError):
    """The simulator refused a control request."""


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file a bot uploaded to the Telegram simulator, as kept."""

    file_id: str
    file_name: str
    content_type: str
    data: bytes


class SimControl:
    """An async client of one simulator's control API.

    `base_url` may be the server's root or any URL on it (such as a platform base URL)."""

    def __init__(self, base_url: str, session: aiohttp.ClientSession | None = None) -> None:
        parts = urlsplit(base_url)
        self.root = f"{parts.scheme}://{parts.netloc}"
        self._session = session
        self._owns_session = session is None

    async def __aenter__(self) -> SimControl:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
        self._session = None

    def _open_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
            self._owns_session = True
        return self._session

    async def _request(
        self, method: str, path: str, body: Any = None, query: Mapping[str, str] | None = None
    ) -> Any:
        session = self._open_session()
        url = f"{self.root}/_sim/{path}"
        async with session.request(method, url, json=body, params=query) as response:
            answer = await response.json()
            if response.status != 200:
                raise SimControlError(f"{method} {url}: {response.status} {answer}")
            return answer

    async def calls(
        self,
        method: str | None = None,
        since: int = 0,
        account: str | None = None,
        recipient: str | int | None = None,
    ) -> list[dict[str, Any]]:
        """Calls after `since`; `recipient` is the chat for Telegram's chat methods."""
        query = {"since": str(since)}
        if method is not None:
            query["method"] = method
        if account is not None:
            query["account"] = account
        if recipient is not None:
            query["recipient"] = str(recipient)
        answer = await self._request("GET", "calls", query=query)
        calls: list[dict[str, Any]] = answer["calls"]
        return calls

    async def reset(self) -> None:
        await self._request("POST", "reset")

    async def configure(self, **config: Any) -> dict[str, Any]:
        """Merge `config` into the simulator's; answers the whole resulting config."""
        answer: dict[str, Any] = await self._request("PUT", "config", config)
        return answer

    async def config(self) -> dict[str, Any]:
        answer: dict[str, Any] = await self._request("GET", "config")
        return answer

    async def set_recipient(
        self, recipient_id: str | int, state: str = "ok", last_inbound_at: float | None = None
    ) -> None:
        body = {"state": state, "last_inbound_at": last_inbound_at}
        await self._request("PUT", f"recipients/{recipient_id}", body)

    async def set_recipients(
        self, ids: list[str] | list[int], state: str = "ok", last_inbound_at: float | None = None
    ) -> None:
        body = {"ids": ids, "state": state, "last_inbound_at": last_inbound_at}
        await self._request("POST", "recipients", body)

    async def add_fault(self, **fault: Any) -> None:
        """E.g. `add_fault(kind="retry_after", method="sendMessage", retry_after=3, times=2)`."""
        await self._request("POST", "faults", fault)

    async def set_account(self, account: str, state: str) -> None:
        await self._request("PUT", f"accounts/{account}", {"state": state})

    async def stats(self) -> dict[str, Any]:
        answer: dict[str, Any] = await self._request("GET", "stats")
        return answer

    async def post_message(
        self,
        bot: int | str,
        user: int | Mapping[str, Any],
        chat_id: int | None = None,
        text: str | None = None,
        *,
        media: str | None = None,
        caption: str | None = None,
        message_thread_id: int | None = None,
        reply_to_message_id: int | None = None,
        is_forum: bool | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Telegram: `user` (an id, or `{"id", "first_name", "username"}`) writes `text`, or
        `media` ("photo", "video", ..., with `caption`), in `chat_id` (default: their private
        chat with the bot) — in a forum topic, replying to a message — as an update for `bot`
        (its id or token). `fields` go into the body as they are (`file_id`, `file_name`,
        `entities`, `duration`, ...). Answers the Update: `update["message"]["message_id"]`."""
        sender = {"id": user} if isinstance(user, int) else dict(user)
        body: dict[str, Any] = {"bot_id": str(bot), "from": sender, **fields}
        optional = {
            "chat_id": chat_id,
            "text": text,
            "media": media,
            "caption": caption,
            "message_thread_id": message_thread_id,
            "reply_to_message_id": reply_to_message_id,
            "is_forum": is_forum,
        }
        body |= {key: value for key, value in optional.items() if value is not None}
        answer: dict[str, Any] = await self._request("POST", "telegram/updates", body)
        return answer

    async def set_chat_member(
        self, chat_id: int | str, user_id: int, status: str, **names: str
    ) -> dict[str, Any]:
        """Telegram: `user_id`'s status in the chat (creator, administrator, member, left,
        kicked), as getChatMember answers it; `names` (first_name, username) name the user."""
        body = {"status": status, "user": names}
        answer: dict[str, Any] = await self._request(
            "PUT", f"telegram/chats/{chat_id}/members/{user_id}", body
        )
        return answer

    async def uploaded_file(self, file_id: str) -> UploadedFile:
        """Telegram: a file a bot uploaded (its file id is in the call's params and answer)."""
        session = self._open_session()
        url = f"{self.root}/_sim/telegram/files/{quote(file_id, safe='')}"
        async with session.get(url) as response:
            if response.status != 200:
                raise SimControlError(f"GET {url}: {response.status} {await response.text()}")
            data = await response.read()
            disposition = response.content_disposition
            name = "" if disposition is None else disposition.filename or ""
            return UploadedFile(file_id, name, response.content_type, data)


class RunningSimulators:
    """Simulators started by `start_simulators`; `close()` stops them all."""

    def __init__(self, servers: dict[str, RunningServer]) -> None:
        self.servers = servers

    def base_url(self, platform: str) -> str:
        """The URL a client is configured with, e.g. `http://127.0.0.1:PORT/v21.0`."""
        return self._server(platform).base_url

    def root_url(self, platform: str) -> str:
        return self._server(platform).root_url

    def control(self, platform: str) -> SimControl:
        return SimControl(self.root_url(platform))

    def _server(self, platform: str) -> RunningServer:
        try:
            return self.servers[platform]
        except KeyError:
            raise KeyError(
                f"{platform!r} was not started; running: {sorted(self.servers)}"
            ) from None

    async def close(self) -> None:
        for server in self.servers.values():
            await server.close()
        self.servers = {}

    async def __aenter__(self) -> RunningSimulators:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


async def start_simulators(
    host: str = "127.0.0.1",
    telegram: int | None = 0,
    whatsapp: int | None = 0,
    instagram: int | None = 0,
    openai: int | None = 0,
    *,
    platform_config: Mapping[str, Mapping[str, Any]] | None = None,
    **config: Any,
) -> RunningSimulators:
    """Start simulators in the running loop: a port number, 0 for any free port, None to skip.

    `config` goes to every started simulator that has the key (e.g. `latency_ms=5`);
    `platform_config={"telegram": {"rate_per_second": None}}` to one. Both become the start-up
    config that `/_sim/reset` restores."""
    ports = {"telegram": telegram, "whatsapp": whatsapp, "instagram": instagram, "openai": openai}
    chosen = [name for name in PLATFORMS if ports[name] is not None]
    shares = split_config(chosen, config)
    for name, overrides in (platform_config or {}).items():
        if name not in shares:
            raise ValueError(f"platform_config for {name!r}, which is not being started")
        shares[name].update(overrides)
    servers: dict[str, RunningServer] = {}
    try:
        for name in chosen:
            servers[name] = await start_server(name, host, ports[name] or 0, shares[name])
    except BaseException:
        await RunningSimulators(servers).close()
        raise
    return RunningSimulators(servers)

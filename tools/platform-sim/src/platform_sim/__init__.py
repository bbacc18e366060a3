"""Local simulators of the messaging platforms' HTTP APIs, for tests and the demo.

Each platform (Telegram Bot API, WhatsApp Cloud API, Instagram Messaging API, OpenAI chat
completions) is its own aiohttp application on its own port, speaking the real wire format,
with a shared control API under `/_sim/`."""

from .client import RunningSimulators, SimControl, SimControlError, start_simulators
from .server import PLATFORMS, build_app

__all__ = [
    "PLATFORMS",
    "RunningSimulators",
    "SimControl",
    "SimControlError",
    "build_app",
    "start_simulators",
]

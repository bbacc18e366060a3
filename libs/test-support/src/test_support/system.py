"""The whole system as separate processes, for end-to-end tests and benchmarks."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from .processes import ServiceProcess
from .secrets import new_secrets_key

PLATFORM_KEY = "e2e-platform-key"


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    module: str
    port_setting: str


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("campaign-api", "campaign_api", "CAMPAIGN_API_PORT"),
    ServiceSpec("audience-resolver", "audience_resolver", "AUDIENCE_RESOLVER_PORT"),
    ServiceSpec("scheduler", "scheduler", "SCHEDULER_PORT"),
    ServiceSpec("dispatcher-telegram", "dispatcher_telegram", "DISPATCHER_TELEGRAM_PORT"),
    ServiceSpec("dispatcher-whatsapp", "dispatcher_whatsapp", "DISPATCHER_WHATSAPP_PORT"),
    ServiceSpec("dispatcher-instagram", "dispatcher_instagram", "DISPATCHER_INSTAGRAM_PORT"),
    ServiceSpec("ai-composer", "ai_composer", "AI_COMPOSER_PORT"),
    ServiceSpec("operator-bot", "operator_bot", "OPERATOR_BOT_PORT"),
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class RunningSystem:
    processes: dict[str, ServiceProcess]
    platform_key: str = PLATFORM_KEY

    @property
    def api_url(self) -> str:
        return self.processes["campaign-api"].base_url

    def __getitem__(self, name: str) -> ServiceProcess:
        return self.processes[name]

    async def restart(self, name: str, *, kill: bool = True) -> None:
        """Stop a service (SIGKILL by default) and start it again."""
        process = self.processes[name]
        if kill:
            process.kill()
        else:
            process.stop()
        process.start()
        await process.wait_healthy()


@asynccontextmanager
async def running_system(
    *,
    database_url: str,
    rabbitmq_url: str,
    log_dir: Path,
    env: dict[str, str] | None = None,
    services: Sequence[ServiceSpec] = SERVICES,
    interpreters: Mapping[str, str] | None = None,
) -> AsyncIterator[RunningSystem]:
    """Start `services` as processes on free ports; stop them all on exit.  They
    share `SECRETS_KEYS` (a test run's own, or one made here for a benchmark).
    `interpreters`: the Python a service runs on, by name (else this one's)."""
    common = {
        "DATABASE_URL": database_url,
        "RABBITMQ_URL": rabbitmq_url,
        "PLATFORM_API_KEY": PLATFORM_KEY,
        "SECRETS_KEYS": os.environ.get("SECRETS_KEYS") or new_secrets_key(),
        "LOG_LEVEL": "INFO",
        **(env or {}),
    }
    log_dir.mkdir(parents=True, exist_ok=True)
    ports = {spec.name: free_port() for spec in services}
    if "campaign-api" in ports:  # where the operator bot carries out commands
        common.setdefault("CAMPAIGN_API_URL", f"http://127.0.0.1:{ports['campaign-api']}")
    processes = {
        spec.name: ServiceProcess(
            spec.name,
            spec.module,
            ports[spec.name],
            env={**common, spec.port_setting: str(ports[spec.name])},
            log_dir=log_dir,
            python=(interpreters or {}).get(spec.name, sys.executable),
        )
        for spec in services
    }
    system = RunningSystem(processes)
    try:
        for process in processes.values():
            process.start()
        await asyncio.gather(*(p.wait_healthy() for p in processes.values()))
        yield system
    finally:
        for process in processes.values():
            process.stop()


def assert_refuses_to_start_without_keys(service: str, port_setting: str) -> None:
    """Start `python -m <service's package>` with neither `SECRETS_KEYS` nor
    `ENVIRONMENT` (and nothing listening where its broker and database would be):
    it must exit 1 at once, saying which setting is missing and how to make a key,
    without a traceback."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECRETS_KEYS", "ENVIRONMENT")}
    env.update(
        {
            port_setting: str(free_port()),
            "RABBITMQ_URL": f"amqp://guest:guest@127.0.0.1:{free_port()}/",
            "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{free_port()}/none",
            "STARTUP_TIMEOUT_SECONDS": "1",
        }
    )
    ran = subprocess.run(
        [sys.executable, "-m", service.replace("-", "_")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 1
    assert ran.stderr.startswith(f"{service} does not start: SECRETS_KEYS is not set"), ran.stderr
    assert "Fernet.generate_key()" in ran.stderr
    assert "Traceback" not in ran.stderr

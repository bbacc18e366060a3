"""The chaos run's own stack: every service under supervisord (deploy/local/stack.py)
beside the platform simulators, on ports, a RabbitMQ vhost, a database and a run
directory of its own, so a `make up` or `make demo` on this machine is left alone.

Also what the faults need: a service's pid, `kill -9`, supervisorctl, and the
moment a service answers /health again."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import aio_pika.exceptions
from test_support.infrastructure import delete_queues

ROOT = Path(__file__).resolve().parents[2]
STACK = ROOT / "deploy" / "local" / "stack.py"
RUN = ROOT / ".run" / "chaos"
PYTHON = sys.executable
SUPERVISORCTL = Path(PYTHON).with_name("supervisorctl")

PORTS = {
    "campaign-api": ("CAMPAIGN_API_PORT", 8180),
    "audience-resolver": ("AUDIENCE_RESOLVER_PORT", 8181),
    "scheduler": ("SCHEDULER_PORT", 8182),
    "dispatcher-telegram": ("DISPATCHER_TELEGRAM_PORT", 8183),
    "dispatcher-whatsapp": ("DISPATCHER_WHATSAPP_PORT", 8184),
    "dispatcher-instagram": ("DISPATCHER_INSTAGRAM_PORT", 8185),
    "ai-composer": ("AI_COMPOSER_PORT", 8186),
}
REPLICA_PORT_OFFSET = 100
"""deploy/local/stack.py: a worker's second replica answers on its port + 100."""
SIM_PORTS = {"telegram": 9100, "whatsapp": 9101, "instagram": 9102, "openai": 9103}
RABBITMQ_URL = os.environ.get(
    "CHAOS_RABBITMQ_URL", f"amqp://guest:guest@127.0.0.1:5672/chaos-{int(time.time())}"
)
"""A vhost of the run's own, deleted at its end (see `remove_vhost`)."""
DATABASE_URL = os.environ.get(
    "CHAOS_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/campaigns_chaos"
)
API = f"http://127.0.0.1:{PORTS['campaign-api'][1]}"
SIM_URLS = {name: f"http://127.0.0.1:{port}" for name, port in SIM_PORTS.items()}
TELEGRAM_SIM = SIM_URLS["telegram"]
COMPOSER_KEY = "sk-chaos-composer-key"


def environment(replicas: int = 1) -> dict[str, str]:
    """What the stack's services run with."""
    env = dict(os.environ)
    env.update({setting: str(port) for setting, port in PORTS.values()})
    env.update({f"{name.upper()}_SIM_PORT": str(port) for name, port in SIM_PORTS.items()})
    env.update(
        {
            "STACK_RUN_DIR": str(RUN),
            "SIMULATORS": "1",
            "WORKER_REPLICAS": str(replicas),
            "RABBITMQ_URL": RABBITMQ_URL,
            "DATABASE_URL": DATABASE_URL,
            "TELEGRAM_API_BASE": TELEGRAM_SIM,
            "WHATSAPP_API_BASE": f"http://127.0.0.1:{SIM_PORTS['whatsapp']}/v21.0",
            "INSTAGRAM_API_BASE": f"http://127.0.0.1:{SIM_PORTS['instagram']}/v21.0",
            "COMPOSER_OPENAI_BASE_URL": f"http://127.0.0.1:{SIM_PORTS['openai']}/v1",
            "COMPOSER_OPENAI_API_KEY": COMPOSER_KEY,
            "SNAPSHOT_LEAD_SECONDS": "1",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def _stack(command: str, replicas: int) -> int:
    return subprocess.run(
        [PYTHON, str(STACK), command], env=environment(replicas), check=False
    ).returncode


def _rabbitmqctl(*args: str, timeout: float = 60) -> str:
    return subprocess.run(
        ["rabbitmqctl", "-q", *args], check=True, capture_output=True, text=True, timeout=timeout
    ).stdout


def vhost() -> str:
    return urlsplit(RABBITMQ_URL).path.lstrip("/") or "/"


def fresh_infrastructure() -> None:
    """An empty vhost and database: nothing left from an earlier run."""
    if vhost() != "/":
        if vhost() not in _rabbitmqctl("list_vhosts").split():
            _rabbitmqctl("add_vhost", vhost(), timeout=300)  # took 70 s once, the broker busy
        _rabbitmqctl("set_permissions", "-p", vhost(), "guest", ".*", ".*", ".*")
    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    subprocess.run(
        ["psql", "-q", admin, "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
        check=True,
        capture_output=True,
    )


def remove_vhost() -> None:
    """Delete the run's vhost: its queues one by one first, then the empty vhost.
    (On this machine's RabbitMQ 3.10.8, a `delete_vhost` of a vhost still holding
    the quorum queues that went through the faults hung for minutes, and the broker
    then answered no new connection; emptied first, each takes under a second.)
    `CHAOS_KEEP_VHOST=1` leaves it, to look into."""
    if vhost() == "/" or os.environ.get("CHAOS_KEEP_VHOST") == "1":
        print(f"the RabbitMQ vhost {vhost()} is left")
        return
    try:
        listed = _rabbitmqctl("list_queues", "-p", vhost(), "name", "--no-table-headers")
        queues = [name for name in listed.split() if not name.endswith(".dlq")]
        asyncio.run(delete_queues(RABBITMQ_URL, queues))  # with their dead-letter queues
        _rabbitmqctl("delete_vhost", vhost())
    except (subprocess.SubprocessError, OSError, aio_pika.exceptions.AMQPError) as failed:
        print(f"the RabbitMQ vhost {vhost()} is left: deleting it failed ({failed})")


def up(replicas: int = 1) -> None:
    """The whole system with `replicas` of every worker, healthy; raises otherwise."""
    if _stack("up", replicas) != 0:
        raise RuntimeError(f"the stack did not come up; logs in {RUN / 'logs'}")


def down() -> None:
    _stack("down", 1)


def supervisorctl(*args: str) -> str:
    done = subprocess.run(
        [str(SUPERVISORCTL), "-c", str(RUN / "supervisord.conf"), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip()


def pid_of(process: str) -> int:
    """The pid supervisord runs `process` as (0: not running)."""
    answer = supervisorctl("pid", process)
    return int(answer) if answer.isdigit() else 0


def kill9(process: str) -> int:
    """`kill -9` of the process; answers the pid killed."""
    pid = pid_of(process)
    if not pid:
        raise RuntimeError(f"{process} is not running")
    os.kill(pid, signal.SIGKILL)
    return pid


def health_url(process: str) -> str:
    """`<service>` or its second replica `<service>-2`."""
    replica = process.endswith("-2")
    service = process.removesuffix("-2")
    port = PORTS[service][1] + (REPLICA_PORT_OFFSET if replica else 0)
    return f"http://127.0.0.1:{port}/health"


def health(process: str) -> str:
    """The /health answer: "200", or the status and body, or why there was none."""
    try:
        with urllib.request.urlopen(health_url(process), timeout=2) as answer:  # noqa: S310
            return str(answer.status)
    except urllib.error.HTTPError as refused:
        return f"{refused.code} {refused.read()[:300].decode(errors='replace')}"
    except (urllib.error.URLError, OSError) as failed:
        return f"no answer ({failed})"


def healthy(process: str) -> bool:
    return health(process) == "200"


def wait_back(process: str, old_pid: int, timeout: float = 90) -> float:
    """The moment (unix time) a new process of `process`, not `old_pid`, answers /health."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid = pid_of(process)
        if pid and pid != old_pid and healthy(process):
            return time.time()
        time.sleep(0.1)
    raise TimeoutError(
        f"{process} was not back within {timeout:g} s (pid {pid_of(process)}, "
        f"/health: {health(process)})"
    )

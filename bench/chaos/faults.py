"""The faults, each injected into a running scenario.  A fault answers the moments
(unix time) the component it hit was back: a new process answering /health, the
broker or database answering again."""

from __future__ import annotations

import contextlib
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx
from control import kill9, pid_of, supervisorctl, wait_back


class Run(Protocol):
    """What a fault needs of the scenario it hits."""

    def start(self) -> None:
        """Create the scenario's campaigns."""

    def wait_sent(self, fraction: float) -> None:
        """Until this share of the scenario's messages reached the platform."""

    def start_killing_api(self) -> float:
        """Create the campaigns, campaign-api killed while the first is being
        created (`post_with_kill`); answers when it was back."""


@dataclass(frozen=True)
class Fault:
    what: str
    inject: Callable[[Run], list[float]]


def kill(process: str, *fractions: float) -> Fault:
    """`kill -9` of `process` once each fraction of the messages was sent."""

    def inject(run: Run) -> list[float]:
        run.start()
        back = []
        for fraction in fractions or (0.3,):
            run.wait_sent(fraction)
            back.append(wait_back(process, kill9(process)))
        return back

    return Fault(f"kill -9 {process}", inject)


def kill_soon_after_start(process: str, delay: float) -> Fault:
    """`kill -9` of `process` `delay` seconds after the campaigns were created
    (the audience-resolver: while it snapshots the audience)."""

    def inject(run: Run) -> list[float]:
        run.start()
        time.sleep(delay)
        return [wait_back(process, kill9(process))]

    return Fault(f"kill -9 {process} {delay:g} s after creation", inject)


def stop_for(process: str, seconds: float) -> Fault:
    """`supervisorctl stop`, `seconds` of nothing, `supervisorctl start`."""

    def inject(run: Run) -> list[float]:
        run.start()
        run.wait_sent(0.3)
        supervisorctl("stop", process)
        time.sleep(seconds)
        supervisorctl("start", process)
        return [wait_back(process, 0)]

    return Fault(f"supervisorctl stop {process}; {seconds:g} s; start", inject)


def restart_rabbitmq(down_seconds: float = 10) -> Fault:
    def inject(run: Run) -> list[float]:
        run.start()
        run.wait_sent(0.3)
        subprocess.run(["rabbitmqctl", "-q", "stop_app"], check=True, capture_output=True)
        time.sleep(down_seconds)
        subprocess.run(["rabbitmqctl", "-q", "start_app"], check=True, capture_output=True)
        return [time.time()]

    return Fault(f"rabbitmqctl stop_app; {down_seconds:g} s; start_app", inject)


def restart_postgresql(down_seconds: float = 10) -> Fault:
    version = sorted(Path("/etc/postgresql").iterdir(), key=lambda p: p.name)[-1].name

    def ctl(action: str) -> None:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
            check=True,
            capture_output=True,
        )

    def inject(run: Run) -> list[float]:
        run.start()
        run.wait_sent(0.3)
        ctl("stop")
        time.sleep(down_seconds)
        ctl("start")
        return [time.time()]

    return Fault(f"pg_ctlcluster {version} main stop; {down_seconds:g} s; start", inject)


def post_with_kill(url: str, body: object, headers: dict[str, str], process: str) -> float:
    """POST `body` while `process` (campaign-api) is killed mid-request; answers
    when it was back.  The request's own answer (or its broken connection) is
    dropped: the caller retries with the same Idempotency-Key."""

    def post() -> None:
        with contextlib.suppress(httpx.HTTPError):
            httpx.post(url, json=body, headers=headers, timeout=30)

    sender = threading.Thread(target=post)
    pid = pid_of(process)
    sender.start()
    time.sleep(0.01)
    kill9(process)
    sender.join()
    return wait_back(process, pid)


def kill_api_while_creating() -> Fault:
    def inject(run: Run) -> list[float]:
        return [run.start_killing_api()]

    return Fault("kill -9 campaign-api during POST /v1/campaigns", inject)

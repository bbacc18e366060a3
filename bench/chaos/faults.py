"""The faults, each injected into a running scenario.  A fault answers the moments
(unix time) the component it hit was back: a new process answering /health, the
broker or database answering again."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx
from control import health_url, kill9, pid_of, supervisorctl, wait_back


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


def kill_while_snapshotting(process: str = "audience-resolver") -> Fault:
    """`kill -9` of the audience-resolver as soon as it has taken a campaign's
    snapshot (its /metrics count it), while it streams it to the scheduler: about
    0.1 s for 10,000 people here.  The request was not acknowledged, so the new
    process gets it again and streams the stored snapshot once more."""

    def inject(run: Run) -> list[float]:
        before = snapshots_taken(process)
        pid = pid_of(process)  # now: supervisorctl takes ~0.1 s, longer than the stream
        creating = threading.Thread(target=run.start)
        creating.start()
        deadline = time.monotonic() + 30
        while snapshots_taken(process) == before and time.monotonic() < deadline:
            time.sleep(0.002)
        os.kill(pid, signal.SIGKILL)
        creating.join()
        back = wait_back(process, pid)
        time.sleep(3)
        print(f"  the new {process} handled: {snapshot_counts(process)}")
        return [back]

    return Fault(f"kill -9 {process} while it streams a snapshot", inject)


def _metrics(process: str) -> list[str]:
    url = health_url(process).replace("/health", "/metrics/")
    return httpx.get(url, timeout=5).text.splitlines()


def snapshots_taken(process: str) -> float:
    prefix = 'audience_snapshots_total{outcome="taken"} '
    found = [float(m.removeprefix(prefix)) for m in _metrics(process) if m.startswith(prefix)]
    return found[0] if found else 0.0


def snapshot_counts(process: str) -> str:
    """The audience-resolver's snapshot requests by outcome since it started: a
    request it was handling when killed comes again ('taken' if the snapshot had not
    been stored, 'repeated' if it had and was being streamed)."""
    lines = [
        m
        for m in _metrics(process)
        if m.startswith(("audience_snapshots_total", "consumer_messages_total"))
    ]
    return ", ".join(lines) or "no snapshot request"


def kill_lease_holder(service: str) -> Fault:
    """Two replicas: `kill -9` of the one sending (holding the connections' leases,
    `dispatch_connections_sending` in its /metrics) once 30 % were sent."""

    def inject(run: Run) -> list[float]:
        run.start()
        run.wait_sent(0.3)
        holder = max((service, f"{service}-2"), key=connections_sending)
        print(f"  {holder} holds {connections_sending(holder):g} connections' leases")
        return [wait_back(holder, kill9(holder))]

    return Fault(f"kill -9 of the {service} replica that sends", inject)


def connections_sending(process: str) -> float:
    prefix = "dispatch_connections_sending "
    found = [float(m.removeprefix(prefix)) for m in _metrics(process) if m.startswith(prefix)]
    return found[0] if found else 0.0


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

    answered: list[str] = []

    def post() -> None:
        with contextlib.suppress(httpx.HTTPError):
            answer = httpx.post(url, json=body, headers=headers, timeout=30)
            answered.append(str(answer.status_code))

    sender = threading.Thread(target=post)
    pid = pid_of(process)
    sender.start()
    time.sleep(0.015)  # the request is in campaign-api's hands (answered in ~0.05 s here)
    os.kill(pid, signal.SIGKILL)
    sender.join()
    back = wait_back(process, pid)
    print(f"  the POST killed mid-way was answered: {answered[0] if answered else 'no (cut off)'}")
    return back


def kill_api_while_creating() -> Fault:
    def inject(run: Run) -> list[float]:
        return [run.start_killing_api()]

    return Fault("kill -9 campaign-api during POST /v1/campaigns", inject)

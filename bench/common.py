"""What the benchmarks share: a fresh database and RabbitMQ vhost-free setup,
the platform simulator as its own process, every service as its own process."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

RABBITMQ_URL = os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
DATABASE_URL = os.environ.get(
    "DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/campaigns_bench"
)
LOG_DIR = Path(__file__).resolve().parents[1] / ".run" / "bench"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> str:
    return (
        f"p50 {percentile(values, 50) * 1000:.1f} ms, p99 {percentile(values, 99) * 1000:.1f} ms, "
        f"max {max(values) * 1000:.1f} ms, mean {statistics.mean(values) * 1000:.1f} ms"
    )


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_simulator(port: int, *extra: str) -> subprocess.Popen[bytes]:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = (LOG_DIR / "platform-sim.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "platform_sim", "--telegram-port", str(port), *extra],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    time.sleep(1.0)
    return process


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def cpu_of_command(fragment: str) -> float:
    """CPU time of every process whose command line contains `fragment`
    (PostgreSQL's backends, RabbitMQ's Erlang VM)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if fragment in command:
                total += cpu_seconds(int(entry.name))
        except OSError:
            continue
    return total

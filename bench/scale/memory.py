"""Resident memory of named processes over time, sampled from /proc, printed
every so often and drawn as a PNG."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path


def rss_mb(pid: int) -> float:
    """The process's resident memory now (VmRSS), in MB; 0 once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class MemoryLog:
    """Samples of each process's resident memory, seconds from the log's start,
    with the moments worth marking on the plot (seeded, campaign created, ...)."""

    processes: dict[str, int]
    started: float = field(default_factory=time.monotonic)
    samples: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    marks: list[tuple[float, str]] = field(default_factory=list)

    def now(self) -> float:
        return time.monotonic() - self.started

    def sample(self) -> None:
        at = self.now()
        for name, pid in self.processes.items():
            self.samples.setdefault(name, []).append((at, rss_mb(pid)))

    def mark(self, label: str) -> None:
        self.marks.append((self.now(), label))

    def line(self) -> str:
        latest = ", ".join(f"{name} {points[-1][1]:.0f}" for name, points in self.samples.items())
        return f"  [{self.now():5.0f} s] resident MB: {latest}"

    def after(self, since: float) -> dict[str, tuple[float, float]]:
        """Per process: its memory at the first sample from `since` on, and the
        most it had at any sample after that."""
        found = {}
        for name, points in self.samples.items():
            later = [mb for at, mb in points if at >= since]
            if later:
                found[name] = (later[0], max(later))
        return found


@contextlib.asynccontextmanager
async def sampling(
    log: MemoryLog, every: float = 2.0, say_every: float = 30.0
) -> AsyncIterator[None]:
    """Sample `log` every `every` seconds, printing its latest line every
    `say_every` seconds, until the block ends."""

    async def loop() -> None:
        said = 0.0
        while True:
            log.sample()
            if log.now() - said >= say_every:
                said = log.now()
                print(log.line(), flush=True)
            await asyncio.sleep(every)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        log.sample()


def plot(log: MemoryLog, path: Path, title: str) -> None:
    """Each process's resident memory against time, the marks as vertical lines."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(10, 5.5), dpi=100)
    for name, points in sorted(log.samples.items(), key=lambda item: -max(p[1] for p in item[1])):
        axes.plot([at for at, _ in points], [mb for _, mb in points], label=name, linewidth=1.2)
    for at, label in log.marks:
        axes.axvline(at, color="grey", linestyle=":", linewidth=0.8)
        axes.annotate(
            label,
            (at, 1),
            xycoords=("data", "axes fraction"),
            rotation=90,
            va="top",
            ha="right",
            fontsize=7,
            color="grey",
        )
    axes.set_xlabel("seconds from the start of the run")
    axes.set_ylabel("resident memory, MB")
    axes.set_ylim(bottom=0)
    axes.set_title(title, fontsize=10)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    pyplot.close(figure)

"""`make bench`: every benchmark, one after another; each prints its figures.

.venv/bin/python bench/run_all.py [NAME ...]    (the names: BENCHMARKS and OPTIONAL below)

With no names it runs BENCHMARKS; an OPTIONAL one runs only when named.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS: dict[str, list[str]] = {
    "throughput": [str(HERE / "throughput" / "run.py")],
    # the same 100,000 recipients on four bots at 1000/s: what the system delivers
    # when one bot's cap is not what holds it (issue 19's targets)
    "throughput-4-bots": [str(HERE / "throughput" / "run.py"), "--bots", "4", "--slow", "0"],
    "scheduler": [str(HERE / "scheduler" / "run.py")],
    "audience": [str(HERE / "audience" / "run.py")],
    "composer": [str(HERE / "composer" / "run.py")],
    # 20,000 delivery outcomes through one typed handler and the dead-letter middleware
    "consumers": [str(HERE / "consumers" / "run.py")],
    # the web console's pages for 10,000 campaigns, the newest of 1,000,000 recipients
    "console": [str(HERE / "console" / "run.py")],
    # campaign-api writing 100,000 outcomes 1,000 at a time, with and without the text sent
    "outcomes": [str(HERE / "outcomes" / "run.py")],
    # the estimate's one scan before and after the pre-flight, on 1,000,000 contacts
    "preflight": [str(HERE / "preflight" / "run.py")],
}
OPTIONAL: dict[str, list[str]] = {
    # 10,000,000 contacts and a campaign to all of them over four bots at 1000/s:
    # over an hour here (`bench/scale/run.py --contacts 200000` checks it in minutes)
    "scale": [str(HERE / "scale" / "run.py")],
}


def main(names: list[str]) -> int:
    known = {**BENCHMARKS, **OPTIONAL}
    unknown = [name for name in names if name not in known]
    if unknown:
        print(f"no such benchmark: {', '.join(unknown)} (the names: {', '.join(known)})")
        return 2
    failed = []
    for name in names or list(BENCHMARKS):
        print(f"\n===== {name}", flush=True)
        started = time.monotonic()
        if subprocess.run([sys.executable, "-u", *known[name]], check=False).returncode:
            failed.append(name)
        print(f"===== {name}: {time.monotonic() - started:.0f} s", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

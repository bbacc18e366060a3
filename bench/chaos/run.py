"""`make chaos`: the whole system under supervisord, as `make demo` runs it, and
for each scenario a campaign at speed with one fault injected in the middle; a
table row per scenario.  Exits 1 on any lost or duplicated message.

    .venv/bin/python bench/chaos/run.py [--recipients 20000] [--ai-recipients 1000]
        [--other-recipients 3000]
        [scenario,scenario ...]          (default: every scenario; `make chaos SCENARIOS=...`)

The stack is its own (ports 8180-8186, simulators 9100-9103, a RabbitMQ vhost
`chaos-<time>`, database `campaigns_chaos`, .run/chaos), so a running `make up` is left
alone; the restart-rabbitmq and restart-postgresql scenarios restart the
machine's broker and database, which every other user of them notices.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import control
from scenarios import BY_NAME, SCENARIOS


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="?", default="", help="comma-separated names")
    parser.add_argument("--recipients", type=int, default=20_000, help="split over two bots")
    parser.add_argument("--ai-recipients", type=int, default=1_000)
    parser.add_argument(
        "--other-recipients", type=int, default=3_000, help="of the WhatsApp and Instagram runs"
    )
    args = parser.parse_args()
    names = [n for n in args.scenarios.split(",") if n] or [s.name for s in SCENARIOS]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        parser.error(f"no scenario {', '.join(unknown)}; there are: {', '.join(BY_NAME)}")
    # replicas last: the stack is restarted once for them
    args.chosen = sorted((BY_NAME[n] for n in names), key=lambda s: s.replicas)
    return args


def main() -> int:
    args = parse()
    os.environ["CAMPAIGN_API_PORT"] = str(control.PORTS["campaign-api"][1])
    from report import HEADER, line
    from runner import Runner  # reads CAMPAIGN_API_PORT (scripts/demo_channels)

    rows = []
    started = time.monotonic()
    control.down()
    control.fresh_infrastructure()
    try:
        replicas = 0
        runner: Runner | None = None
        for scenario in args.chosen:
            if scenario.replicas != replicas:
                replicas = scenario.replicas
                control.down()
                print(f"\nstarting the stack, {replicas} of every worker", flush=True)
                control.up(replicas)
                sizes = (args.recipients, args.ai_recipients, args.other_recipients)
                runner = runner or Runner(*sizes)
            assert runner is not None
            print(f"\n== {scenario.name}: {scenario.fault.what}", flush=True)
            rows.append(runner.run(scenario))
            print(line(rows[-1]), flush=True)
    finally:
        control.down()
        control.remove_vhost()
    print(f"\nchaos: {len(rows)} scenarios in {time.monotonic() - started:.0f} s\n")
    print(HEADER)
    for row in rows:
        print(line(row))
    return 0 if all(row.passed for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

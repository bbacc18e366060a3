"""Outside development, dispatcher-telegram does not start without `SECRETS_KEYS`: it
exits at once saying which setting is missing and how to make a key."""

from __future__ import annotations

import os
import subprocess
import sys

from test_support.system import free_port


def test_without_secrets_keys_the_service_exits_naming_the_setting() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRETS_KEYS", "ENVIRONMENT")}
    env.update(
        DISPATCHER_TELEGRAM_PORT=str(free_port()),
        RABBITMQ_URL=f"amqp://guest:guest@127.0.0.1:{free_port()}/",
        DATABASE_URL=f"postgresql://postgres@127.0.0.1:{free_port()}/none",
        STARTUP_TIMEOUT_SECONDS="1",
    )
    ran = subprocess.run(
        [sys.executable, "-m", "dispatcher_telegram"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 1
    assert ran.stderr.startswith("dispatcher-telegram does not start: SECRETS_KEYS is not set"), (
        ran.stderr
    )
    assert "Fernet.generate_key()" in ran.stderr
    assert "Traceback" not in ran.stderr

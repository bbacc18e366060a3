"""Run the whole system on this machine, in the background, under supervisord.

    python deploy/local/stack.py up      start every service (and, with SIMULATORS=1,
                                          the platform simulators); return once healthy
    python deploy/local/stack.py down    stop everything `up` started
    python deploy/local/stack.py status

Services take their settings from the environment `up` runs in (RABBITMQ_URL,
DATABASE_URL, TELEGRAM_API_BASE, ...).  supervisord restarts a service that
dies, so a killed process is back within seconds and carries on where it
stopped.  Logs: .run/logs/<service>.log.

The key that seals the connections' credentials is `SECRETS_KEYS` when set;
otherwise `up` makes one the first time, in .run/secrets.key (readable by its
owner only), and gives the same to every service, every time after.

STACK_RUN_DIR puts the config, socket and logs elsewhere than .run (a second
stack beside `make up`, as `make chaos` runs); TELEGRAM_SIM_PORT, WHATSAPP_SIM_PORT,
INSTAGRAM_SIM_PORT and OPENAI_SIM_PORT move the simulators (9000-9003).
WORKER_REPLICAS=2 runs two of every worker (not campaign-api): the second
replica of a worker answers /health on the worker's port + 100 and is named
`<service>-2` in supervisorctl.
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN = Path(os.environ.get("STACK_RUN_DIR") or ROOT / ".run")
CONF = RUN / "supervisord.conf"
PYTHON = sys.executable

# name, module, port setting, default port
SERVICES = [
    ("campaign-api", "campaign_api", "CAMPAIGN_API_PORT", 8080),
    ("audience-resolver", "audience_resolver", "AUDIENCE_RESOLVER_PORT", 8081),
    ("scheduler", "scheduler", "SCHEDULER_PORT", 8082),
    ("dispatcher-telegram", "dispatcher_telegram", "DISPATCHER_TELEGRAM_PORT", 8083),
    ("dispatcher-whatsapp", "dispatcher_whatsapp", "DISPATCHER_WHATSAPP_PORT", 8084),
    ("dispatcher-instagram", "dispatcher_instagram", "DISPATCHER_INSTAGRAM_PORT", 8085),
    ("ai-composer", "ai_composer", "AI_COMPOSER_PORT", 8086),
    ("operator-bot", "operator_bot", "OPERATOR_BOT_PORT", 8087),
]
SIMULATOR_PORTS = {
    name: int(os.environ.get(f"{name.upper()}_SIM_PORT") or default)
    for name, default in {
        "telegram": 9000,
        "whatsapp": 9001,
        "instagram": 9002,
        "openai": 9003,
    }.items()
}
REPLICA_PORT_OFFSET = 100
"""A worker's second replica answers /health on its port + this."""
SETTINGS = (
    "RABBITMQ_URL",
    "DATABASE_URL",
    "PLATFORM_API_KEY",
    "TELEGRAM_API_BASE",
    "WHATSAPP_API_BASE",
    "INSTAGRAM_API_BASE",
    "COMPOSER_OPENAI_BASE_URL",
    "COMPOSER_OPENAI_API_KEY",
    "COMPOSER_MODEL",
    "SECRETS_KEYS",
    "ENVIRONMENT",
    "LOG_LEVEL",
    "HTTP_HOST",
    "SIMULATORS",
    "WORKER_REPLICAS",
    *(f"{name.upper()}_SIM_PORT" for name in ("telegram", "whatsapp", "instagram", "openai")),
    *(setting for _, _, setting, _ in SERVICES),
)
"""What the services read from the environment: a stack started with other values
is restarted, so `X=... make up` always means X."""
FINGERPRINT = RUN / "settings.sha256"
SECRETS_KEY_FILE = RUN / "secrets.key"


def secrets_keys() -> str:
    """`SECRETS_KEYS` from the environment, else this run directory's own key,
    made the first time (32 random bytes, as `Fernet.generate_key()` makes them)."""
    given = os.environ.get("SECRETS_KEYS", "").strip()
    if given:
        return given
    if not SECRETS_KEY_FILE.exists():
        RUN.mkdir(parents=True, exist_ok=True)
        key = base64.urlsafe_b64encode(os.urandom(32)).decode()
        descriptor = os.open(SECRETS_KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(key + "\n")
        print(f"made the key that seals the connections' credentials: {SECRETS_KEY_FILE}")
    return SECRETS_KEY_FILE.read_text(encoding="utf-8").strip()


def settings_fingerprint() -> str:
    """A digest of the settings (not the values: the file must not hold keys)."""
    text = "\n".join(f"{name}={os.environ.get(name, '')}" for name in SETTINGS)
    return hashlib.sha256(text.encode()).hexdigest()


def replicas() -> int:
    """How many of every worker run (WORKER_REPLICAS, 1 or 2)."""
    return 2 if os.environ.get("WORKER_REPLICAS") == "2" else 1


def processes() -> list[tuple[str, str, str, int]]:
    """Every supervised service process: name, module, port setting, port."""
    found = []
    for name, module, setting, default in SERVICES:
        port = int(os.environ.get(setting) or default)
        found.append((name, module, setting, port))
        if replicas() == 2 and name != "campaign-api":
            found.append((f"{name}-2", module, setting, port + REPLICA_PORT_OFFSET))
    return found


def _program(name: str, command: str, environment: str = "") -> str:
    return f"""
[program:{name}]
command={command}
{environment}directory={ROOT}
autorestart=true
startsecs=2
startretries=100
stopsignal=TERM
stopwaitsecs=30
redirect_stderr=true
stdout_logfile={RUN / "logs" / f"{name}.log"}
stdout_logfile_maxbytes=20MB
stdout_logfile_backups=2
"""


def write_config(simulators: bool) -> None:
    (RUN / "logs").mkdir(parents=True, exist_ok=True)
    text = f"""[supervisord]
logfile={RUN / "supervisord.log"}
pidfile={RUN / "supervisord.pid"}
childlogdir={RUN / "logs"}
directory={ROOT}

[unix_http_server]
file={RUN / "supervisor.sock"}

[supervisorctl]
serverurl=unix://{RUN / "supervisor.sock"}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
"""
    if simulators:
        ports = " ".join(f"--{name}-port {port}" for name, port in SIMULATOR_PORTS.items())
        text += _program("platform-sim", f"{PYTHON} -m platform_sim {ports}")
    for name, module, setting, port in processes():
        text += _program(name, f"{PYTHON} -m {module}", f'environment={setting}="{port}"\n')
    CONF.write_text(text, encoding="utf-8")


def _supervisor(*args: str) -> subprocess.CompletedProcess[str]:
    binary = Path(PYTHON).with_name("supervisorctl")
    return subprocess.run(
        [str(binary), "-c", str(CONF), *args], capture_output=True, text=True, check=False
    )


def running() -> bool:
    return CONF.exists() and _supervisor("pid").returncode == 0


def health_urls() -> dict[str, str]:
    host = os.environ.get("HTTP_HOST", "127.0.0.1")
    return {name: f"http://{host}:{port}/health" for name, _, _, port in processes()}


def wait_healthy(timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    pending = health_urls()
    while pending and time.monotonic() < deadline:
        for name, url in list(pending.items()):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local URL)
                    if response.status == 200:
                        print(f"  {name:<22} healthy")
                        del pending[name]
            except (urllib.error.URLError, OSError):
                pass
        time.sleep(0.5)
    for name in pending:
        log = RUN / "logs" / f"{name}.log"
        tail = log.read_text(errors="replace").splitlines()[-15:] if log.exists() else []
        print(f"  {name:<22} NOT healthy; last log lines:", *tail, sep="\n    ")
    return not pending


def up() -> int:
    os.environ["SECRETS_KEYS"] = secrets_keys()  # supervisord passes it to every service
    if running():
        started_with = FINGERPRINT.read_text().strip() if FINGERPRINT.exists() else ""
        if started_with == settings_fingerprint():
            print("already running with these settings (`make down` stops it)")
            return 0 if wait_healthy(60) else 1
        print("running with other settings: restarting with these")
        down()
    simulators = os.environ.get("SIMULATORS") == "1"
    write_config(simulators)
    FINGERPRINT.write_text(settings_fingerprint() + "\n", encoding="utf-8")
    daemon = Path(PYTHON).with_name("supervisord")
    subprocess.run([str(daemon), "-c", str(CONF)], check=True)
    also = " and the platform simulators" if simulators else ""
    print(f"starting {len(processes())} service processes{also}")
    healthy = wait_healthy(float(os.environ.get("UP_TIMEOUT_SECONDS", "120")))
    print("all services healthy" if healthy else "some services are not healthy")
    return 0 if healthy else 1


def down() -> int:
    if not running():
        print("nothing running")
        return 0
    _supervisor("shutdown")
    pid_file = RUN / "supervisord.pid"
    deadline = time.monotonic() + 60
    while pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    print("stopped")
    return 0


def status() -> int:
    if not running():
        print("nothing running")
        return 1
    print(_supervisor("status").stdout, end="")
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "status"
    actions = {"up": up, "down": down, "status": status}
    if command not in actions:
        sys.exit(f"usage: {sys.argv[0]} up|down|status")
    sys.exit(actions[command]())

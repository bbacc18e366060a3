#!/usr/bin/env bash
# What `make demo` and `make up` need on a fresh Debian machine with Python:
#   bootstrap.sh tools   uv and the workspace (.venv)
#   bootstrap.sh infra   RabbitMQ and PostgreSQL from the OS packages, unless something
#                        already answers on 127.0.0.1:5672 and :5432
#   bootstrap.sh browser Chromium from the OS packages, for the console's browser tests
#   bootstrap.sh compose docker-compose from the OS packages, for `make lint` to check
#                        deploy/compose.yaml (`config -q` needs no Docker engine)
#   bootstrap.sh monitoring promtool (Debian package prometheus), for the alert rules' tests,
#                        and the local RabbitMQ's Prometheus endpoint (plugin rabbitmq_prometheus)
set -euo pipefail
cd "$(dirname "$0")/.."

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
wait_for() {  # port what
  for _ in $(seq 1 120); do answers "$1" && return 0; sleep 1; done
  echo "$2 does not answer on port $1" >&2; exit 1
}

tools() {
  export PATH="$HOME/.local/bin:$PATH"
  if ! command -v uv >/dev/null 2>&1; then
    echo "installing uv"
    if ! python3 -m pip --version >/dev/null 2>&1; then
      echo "  (pip first: Debian package python3-pip)"
      as_root apt-get update -qq
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip >/dev/null
    fi
    # Debian marks its Python externally managed (PEP 668): a --user install of
    # one tool is what it allows with --break-system-packages.
    python3 -m pip install --quiet --user uv 2>/dev/null \
      || python3 -m pip install --quiet --user --break-system-packages uv \
      || python3 -m pip install --quiet uv
  fi
  uv sync --frozen --quiet
}

rabbitmq() {
  answers 5672 && return 0
  if ! command -v rabbitmq-server >/dev/null 2>&1; then
    echo "installing RabbitMQ (Debian package rabbitmq-server)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
  fi
  answers 5672 || as_root service rabbitmq-server start >/dev/null 2>&1 \
    || as_root rabbitmq-server -detached
  wait_for 5672 RabbitMQ
}

trust_local_connections() {
  # a development database: trust connections from this machine only
  local hba
  hba=$(ls /etc/postgresql/*/main/pg_hba.conf 2>/dev/null | sort -V | tail -n 1)
  [ -n "$hba" ] || return 0
  if ! as_root grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(pg_version)" main reload 2>/dev/null \
      || as_root service postgresql reload >/dev/null 2>&1 || true
  fi
}

pg_version() { ls /etc/postgresql | sort -V | tail -n 1; }

postgresql() {
  if ! answers 5432; then
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
      echo "installing PostgreSQL (Debian package postgresql)"
      as_root apt-get update -qq
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    trust_local_connections
    answers 5432 || as_root pg_ctlcluster --skip-systemctl-redirect "$(pg_version)" main start \
      2>/dev/null || as_root service postgresql start
    wait_for 5432 PostgreSQL
  fi
  # A cluster this script installed (or one installed but stopped) must let the
  # services in as postgres without a password, as DATABASE_URL's default says.
  if command -v psql >/dev/null 2>&1 \
      && ! psql -w -h 127.0.0.1 -U postgres -d postgres -Atc 'SELECT 1' >/dev/null 2>&1 \
      && [ -d /etc/postgresql ]; then
    trust_local_connections
    sleep 1
  fi
}

browser() {
  # the console's tests drive Debian's chromium (Playwright cannot download one here)
  local chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
  [ -x "$chromium" ] && return 0
  echo "installing Chromium for the console's browser tests (Debian package chromium)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}

compose_cli() {
  command -v docker-compose >/dev/null 2>&1 && return 0
  echo "installing docker-compose to check deploy/compose.yaml (Debian package docker-compose)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
}

monitoring() {
  rabbitmq_metrics
  # `make test` checks the alert rules and runs their unit tests with promtool
  command -v promtool >/dev/null 2>&1 && return 0
  echo "installing promtool for the alert rules' tests (Debian package prometheus)"
  as_root apt-get update -qq
  # only the package that carries promtool (not the node exporter it recommends)
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
}

rabbitmq_metrics() {
  # the local RabbitMQ's Prometheus endpoint (:15692), which the dead-letters tool
  # lists queues from and its test reads; its plugin ships with the server
  answers 15692 && return 0
  answers 5672 || return 0  # no local broker: the tests use testcontainers
  command -v rabbitmq-plugins >/dev/null 2>&1 || return 0
  echo "enabling RabbitMQ's Prometheus endpoint (plugin rabbitmq_prometheus, port 15692)"
  as_root rabbitmq-plugins enable --quiet rabbitmq_prometheus >/dev/null
  wait_for 15692 "RabbitMQ's Prometheus endpoint"
}

case "${1:-all}" in
  tools) tools ;;
  infra) rabbitmq; postgresql ;;
  browser) browser ;;
  compose) compose_cli ;;
  monitoring) monitoring ;;
  all) tools; rabbitmq; postgresql ;;
  *) echo "usage: $0 [tools|infra|browser|compose|monitoring|all]" >&2; exit 2 ;;
esac

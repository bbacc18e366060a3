#!/usr/bin/env bash
# The test suite on the real broker and database.  RABBITMQ_URL and DATABASE_URL
# name them when set; otherwise the local ones are used, each suite in its own
# RabbitMQ vhost (so a running `make up` stack is left alone, and suites can run
# side by side) when this machine's rabbitmqctl can create one, and
# testcontainers when nothing answers.
#
# Suites run TEST_JOBS at a time (default 3), longest first: most of the slow
# ones wait on the platforms' rate limits and the scheduler's clock rather than
# use the CPU (README).  Each suite's output is printed whole when it
# ends.  With RABBITMQ_URL set, or no vhosts to be had, they run one at a time:
# suites delete the queues they use, so two cannot share a vhost.
set -euo pipefail
cd "$(dirname "$0")/.."

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The vhosts named, each open to guest (those missing made: rabbitmqctl starts in
# about half a second, so what is there is asked once), or failure when
# rabbitmqctl cannot.
own_vhosts() {
  command -v rabbitmqctl >/dev/null 2>&1 || return 1
  local open name
  open=$(rabbitmqctl list_user_permissions -q guest 2>/dev/null) || return 1
  for name in "$@"; do
    grep -qxF "$name"$'\t.*\t.*\t.*' <<<"$open" && continue
    { rabbitmqctl add_vhost "$name" >/dev/null 2>&1 || rabbitmqctl list_vhosts -q | grep -qxF "$name"; } \
      && rabbitmqctl set_permissions -p "$name" guest '.*' '.*' '.*' >/dev/null 2>&1 \
      || return 1
  done
}

if [ -z "${DATABASE_URL:-}" ] && answers 5432; then
  # Tests make fresh databases beside this one, so suites side by side do not meet.
  export DATABASE_URL="postgresql://postgres@127.0.0.1:5432/campaigns_test"
fi

# With arguments: one pytest run of them (e.g. `scripts/test.sh services/scheduler/tests
# -k pause`), in the vhost `campaigns-test`.
if [ "$#" -gt 0 ]; then
  if [ -z "${RABBITMQ_URL:-}" ] && answers 5672 && own_vhosts campaigns-test; then
    export RABBITMQ_URL="amqp://guest:guest@127.0.0.1:5672/campaigns-test"
  fi
  exec .venv/bin/pytest "$@"
fi

# The longest suites first, so the last to start are the short ones; then the rest.
suites=(tests services/dispatcher-telegram/tests services/campaign-api/tests
        services/scheduler/tests services/dispatcher-whatsapp/tests
        services/dispatcher-instagram/tests)
for suite in libs/*/tests services/*/tests tools/*/tests; do
  [[ " ${suites[*]} " == *" $suite "* ]] || suites+=("$suite")
done
member_of() { if [ "$1" = tests ]; then echo end-to-end; else echo "${1%/tests}"; fi; }

jobs=${TEST_JOBS:-3}
declare -A broker=()
if [ -n "${RABBITMQ_URL:-}" ]; then
  jobs=1
elif answers 5672; then
  for suite in "${suites[@]}"; do
    broker[$suite]="campaigns-test-$(member_of "$suite" | tr / -)"
  done
  if own_vhosts "${broker[@]}"; then
    for suite in "${suites[@]}"; do
      broker[$suite]="amqp://guest:guest@127.0.0.1:5672/${broker[$suite]}"
    done
  else
    echo "warning: cannot create the RabbitMQ vhosts campaigns-test-* (rabbitmqctl needs root):" \
         "the suites run one at a time in the default vhost and delete its queues, so stop a" \
         "running \`make up\` first" >&2
    export RABBITMQ_URL="amqp://guest:guest@127.0.0.1:5672/"
    jobs=1
    broker=()
  fi
fi
if [ "${#broker[@]}" -gt 0 ]; then
  rabbitmq="127.0.0.1:5672, a vhost per suite (campaigns-test-<member>)"
else
  rabbitmq=${RABBITMQ_URL:-<testcontainers>}
fi
echo "tests use PostgreSQL ${DATABASE_URL:-<testcontainers>} and RabbitMQ $rabbitmq," \
     "$jobs suites at a time"

# Prometheus's alert rules: valid, and their unit tests (deploy/prometheus/tests) pass.
alert_rules() {
  if ! command -v promtool >/dev/null 2>&1; then
    echo "promtool is missing: scripts/bootstrap.sh monitoring installs it (Debian package prometheus)" >&2
    return 1
  fi
  promtool check rules deploy/prometheus/alerts.yml && promtool test rules deploy/prometheus/tests/*.yml
}

# Each member's suite runs in its own pytest process: every member has a `tests`
# package of its own, and one process can import only one package of a name.
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
failed=()
# Each suite in a process group of its own (job control), so that stopping this
# script stops every suite running and the services its tests started (SIGTERM to
# each group): suites in the background ignore SIGINT and would outlive it.
set -m
declare -A running=()
stop_suites() {
  local pid
  for pid in "${!running[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  wait
}
trap 'stop_suites; exit 130' INT TERM
started=$(date +%s)
echo "=== alert rules"
if ! alert_rules; then
  failed+=("alert rules")
fi

started_at=()
# Wait for one suite to end, print its output whole, and note it if it failed.
collect() {
  local pid status=0
  wait -n -p pid "${!running[@]}" || status=$?
  local n=${running[$pid]}
  unset "running[$pid]"
  local member
  member=$(member_of "${suites[$n]}")
  echo "=== $member ($(( $(date +%s) - started_at[n] )) s)"
  cat "$logs/$n.log"
  if [ "$status" -ne 0 ]; then
    failed+=("$member")
  fi
}
for n in "${!suites[@]}"; do
  while [ "${#running[@]}" -ge "$jobs" ]; do
    collect
  done
  suite=${suites[$n]}
  url=${broker[$suite]:-${RABBITMQ_URL:-}}
  started_at[n]=$(date +%s)
  ${url:+env RABBITMQ_URL="$url"} .venv/bin/pytest -q "$suite" >"$logs/$n.log" 2>&1 &
  running[$!]=$n
done
while [ "${#running[@]}" -gt 0 ]; do
  collect
done
echo "=== all suites in $(( $(date +%s) - started )) s"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all passed"

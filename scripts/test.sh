#!/usr/bin/env bash
# The test suite on the real broker and database.  RABBITMQ_URL and DATABASE_URL
# name them when set; otherwise the local ones are used, with the tests in their
# own RabbitMQ vhost (so a running `make up` stack is left alone) when this
# machine's rabbitmqctl can create one, and testcontainers when nothing answers.
set -euo pipefail
cd "$(dirname "$0")/.."

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ -z "${RABBITMQ_URL:-}" ] && answers 5672; then
  vhost=campaigns-test
  if command -v rabbitmqctl >/dev/null 2>&1 \
      && { rabbitmqctl list_vhosts 2>/dev/null | grep -qx "$vhost" \
           || rabbitmqctl add_vhost "$vhost" >/dev/null 2>&1; } \
      && rabbitmqctl set_permissions -p "$vhost" guest '.*' '.*' '.*' >/dev/null 2>&1; then
    export RABBITMQ_URL="amqp://guest:guest@127.0.0.1:5672/$vhost"
  else
    echo "warning: cannot create the RabbitMQ vhost $vhost (rabbitmqctl needs root): the tests" \
         "use the default vhost and delete its queues, so stop a running \`make up\` first" >&2
    export RABBITMQ_URL="amqp://guest:guest@127.0.0.1:5672/"
  fi
fi
if [ -z "${DATABASE_URL:-}" ] && answers 5432; then
  export DATABASE_URL="postgresql://postgres@127.0.0.1:5432/campaigns_test"
fi
echo "tests use RabbitMQ ${RABBITMQ_URL:-<testcontainers>} and PostgreSQL ${DATABASE_URL:-<testcontainers>}"

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
if [ "$#" -gt 0 ]; then
  exec .venv/bin/pytest "$@"
fi
failed=()
started=$(date +%s)
echo "=== alert rules"
if ! alert_rules; then
  failed+=("alert rules")
fi
for suite in libs/*/tests services/*/tests tools/*/tests tests; do
  member=${suite%/tests}
  [ "$suite" = tests ] && member="end-to-end"
  echo "=== $member"
  if ! .venv/bin/pytest -q "$suite"; then
    failed+=("$member")
  fi
done
echo "=== all suites in $(( $(date +%s) - started )) s"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all passed"

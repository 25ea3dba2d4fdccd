# The two commands: `make run` (set up everything, then serve) and `make test` (set up, run every test).
SHELL := /bin/bash
.DEFAULT_GOAL := help

# One build cache outside the clone, so CI and fresh clones reuse it.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/booking-target
# Builds never talk to a database: a DATABASE_URL in the environment must not reach sqlx's
# compile-time checks (those of our dependencies included).
export SQLX_OFFLINE := true
# Incremental caches of this leptos-heavy workspace grow by gigabytes per change; CI and tests
# gain nothing from them. `make dev` turns them back on.
export CARGO_INCREMENTAL ?= 0
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)

CARGO_LEPTOS_VERSION := 0.3.10
# Must equal the wasm-bindgen pinned in Cargo.toml.
WASM_BINDGEN_VERSION := 0.2.130
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The build tools are compiled without their own full LTO and single codegen unit: most of a cold
# machine's set-up time went there, and they only orchestrate (wasm-opt is npm's binaryen).
QUICK_INSTALL := CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

SERVER_BIN := $(CARGO_TARGET_DIR)/release/server
# schemathesis and openapi-spec-validator (PyPI) for the API's checks, in a virtualenv outside
# the clone.
SCHEMATHESIS_VERSION := 4.32.5
OPENAPI_SPEC_VALIDATOR_VERSION := 0.9.0
# check-jsonschema (PyPI, with the schemas vendored) checks compose.yaml against the Compose
# specification and the release workflow against GitHub's: there is no container engine here.
CHECK_JSONSCHEMA_VERSION := 0.39.0
VENV ?= $(HOME)/.cache/booking-venv
VENV_STAMP := $(VENV)/.installed-$(SCHEMATHESIS_VERSION)-$(OPENAPI_SPEC_VALIDATOR_VERSION)-$(CHECK_JSONSCHEMA_VERSION)
E2E_PORT ?= 3100
# The browser tests' server: its own database and Redis prefix, never the demo database.
E2E_ENV := APP_ENV=test DB_NAME=booking_e2e REDIS_PREFIX=booking_e2e: DEMO_DATA=true \
	JWT_SECRET_KEY=e2e-only-secret-not-for-production \
	LEPTOS_OUTPUT_NAME=booking LEPTOS_SITE_ROOT=$(CARGO_TARGET_DIR)/site LEPTOS_SITE_PKG_DIR=pkg \
	LEPTOS_SITE_ADDR=127.0.0.1:$(E2E_PORT) LEPTOS_ENV=PROD \
	RUST_LOG=warn SERVER_BIN=$(SERVER_BIN) E2E_PORT=$(E2E_PORT) \
	SMTP_HOST=127.0.0.1 SMTP_PORT=1125 SMTP_TLS=none E2E_MAIL_WEB_PORT=1180 \
	APP_URL=http://127.0.0.1:$(E2E_PORT) MEDIA_DIR=$(CARGO_TARGET_DIR)/e2e-media

.PHONY: help run dev test test-faults scale bundle-budget containers-check bench-scale setup tools npm-deps browser lint sqlx-prepare unit e2e fuzz release-build wrk bench bench-auth bench-catalog bench-bookings bench-pictures bench-api bench-calendar

help:
	@echo "make run   - set up, then serve the release build on http://127.0.0.1:3000"
	@echo "make test  - set up, then run lints, unit, integration and browser tests"
	@echo "make dev   - set up, then cargo leptos watch"
	@echo "make test-faults - fault scenarios with real processes (several minutes)"

# The built server is run directly, not under `cargo leptos serve`, which would pipe every log
# line through itself (the log's cost doubled; server/bench/logging.sh).
run: setup release-build
	LEPTOS_OUTPUT_NAME=booking LEPTOS_SITE_ROOT=$(CARGO_TARGET_DIR)/site LEPTOS_SITE_PKG_DIR=pkg \
		LEPTOS_ENV=PROD exec $(SERVER_BIN)

dev: setup
	CARGO_INCREMENTAL=1 cargo leptos watch --split

test: setup browser lint unit e2e bundle-budget scale fuzz

setup: tools npm-deps

tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
		|| rustup target add wasm32-unknown-unknown
	@cargo leptos --version 2>/dev/null | grep -qF "$(CARGO_LEPTOS_VERSION)" \
		|| $(QUICK_INSTALL) cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked
	@wasm-bindgen --version 2>/dev/null | grep -qF "$(WASM_BINDGEN_VERSION)" \
		|| $(QUICK_INSTALL) cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)

npm-deps: node_modules/.installed end2end/node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@# The API docs page (/docs) ships Swagger UI with the app: nothing from a CDN.
	mkdir -p public/docs
	cp node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/swagger-ui-bundle.js public/docs/
	@touch $@

end2end/node_modules/.installed: end2end/package.json end2end/package-lock.json
	cd end2end && npm ci --no-audit --no-fund
	@touch $@

# Debian's Chromium for Playwright (a browser download is not possible here).
browser:
	@command -v chromium >/dev/null \
		|| { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends chromium; }

lint: containers-check
	cargo fmt --all -- --check
	cargo clippy -p app -p server --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
	server/sql/prepare.sh --check

# After changing a `sqlx::query!` or a migration: regenerate the committed query data (.sqlx/).
sqlx-prepare:
	server/sql/prepare.sh

unit:
	env -u DATABASE_URL cargo test -p app -p server

# --split: the back office's pages are lazy routes, each a wasm chunk of its own (app/src/pages.rs).
release-build:
	cargo leptos build --release --precompress --split

# The guest's first load (brotli wasm + js), in KB. A ratchet: issue 20's goal is 250; lower it
# as the bundle shrinks, never raise it without a reason in the commit. Raised from 680 to 720
# for the hearts, the recently viewed list and live availability (/saved itself is lazy).
BUNDLE_BUDGET_KB := 720

bundle-budget: release-build
	server/bench/bundle.sh --budget $(BUNDLE_BUDGET_KB)

e2e: release-build
	cd end2end && env -u DATABASE_URL $(E2E_ENV) npx playwright test; status=$$?; \
		env -u DATABASE_URL $(E2E_ENV) $(SERVER_BIN) db drop >/dev/null; \
		redis-cli EVAL "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end" \
			0 'booking_e2e:*' >/dev/null 2>&1; \
		rm -rf $(CARGO_TARGET_DIR)/e2e-media; exit $$status

# Fault scenarios (several minutes, not part of `make test`): the release server as real
# processes (two servers, workers) on a PostgreSQL cluster, a Redis and a maildev of their own;
# SMTP slow and down, a worker killed, PostgreSQL restarted and stopped, Redis killed and
# partitioned (server/tests/faults/).
test-faults: setup release-build
	env -u DATABASE_URL SERVER_BIN=$(SERVER_BIN) LEPTOS_SITE_ROOT=$(CARGO_TARGET_DIR)/site \
		cargo test -p app -p server --test faults -- --ignored --test-threads=1 --nocapture

# Scale-out (server/tests/faults/scale_out.rs): two web processes and a worker on one site, and
# a restart under load on a shared socket; then traces and error reports sent to a local
# receiver (telemetry.rs). The release binary as real processes. `-p app -p server` as in `make
# unit`: the same features, so the test build reuses unit's instead of rebuilding `app`.
scale: release-build
	env -u DATABASE_URL SERVER_BIN=$(SERVER_BIN) LEPTOS_SITE_ROOT=$(CARGO_TARGET_DIR)/site \
		cargo test -p app -p server --test faults -- --ignored --test-threads=1 scale_out:: telemetry::

# The container and CI files, checked as far as this machine can without an engine: compose.yaml
# and the release workflow against their schemas, compose.yaml against the README's variables,
# the Dockerfile against the Makefile's tool versions and the server's commands.
containers-check: $(VENV_STAMP)
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.compose-spec compose.yaml
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/release.yml
	$(VENV)/bin/python .ci/containers.py

# The HTTP API from its OpenAPI document: generated requests, bounded time, no 5xx allowed.
fuzz: release-build $(VENV_STAMP)
	PYTHON_BIN=$(VENV)/bin server/fuzz/api.sh

$(VENV_STAMP):
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet "schemathesis==$(SCHEMATHESIS_VERSION)" \
		"openapi-spec-validator==$(OPENAPI_SPEC_VALIDATOR_VERSION)" \
		"check-jsonschema==$(CHECK_JSONSCHEMA_VERSION)" pyyaml
	@touch $@

# Load tests (wrk, from apt): numbers for the closing notes, not pass/fail tests.
# Every load test, then one summary table of the figures that matter (server/bench/all.sh).
bench: release-build wrk
	server/bench/all.sh

wrk:
	@command -v wrk >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y wrk; }

bench-auth: release-build wrk
	server/bench/auth.sh

bench-catalog: release-build wrk
	server/bench/catalog.sh

bench-bookings: release-build wrk
	server/bench/bookings.sh

bench-pictures: release-build
	server/bench/pictures.sh

bench-api: release-build wrk
	server/bench/api.sh

bench-calendar: release-build wrk
	server/bench/calendar.sh

bench-scale: release-build wrk
	server/bench/scale.sh

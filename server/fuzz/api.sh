#!/usr/bin/env bash
# The HTTP API checked from its own OpenAPI document, against the release server on its own
# database: the document must validate as OpenAPI 3.1 (openapi-spec-validator), then schemathesis
# sends generated valid and invalid requests to every operation (examples, coverage and fuzzing
# phases) signed in as an admin, so every route's code runs (all but logout, which would end
# that admin's session: signing out revokes the token), with every check schemathesis has: no
# 5xx, only documented statuses, content types and bodies that match the document, valid
# input accepted and invalid input refused, authentication not ignored, undeclared methods
# 405 (server/fuzz/schemathesis.toml says where a rule may refuse valid-looking input).
# Fails on any failed check or a request that times out. Bounded by FUZZ_SECONDS.
# Usage: server/fuzz/api.sh   (after `make release-build`; PYTHON_BIN: where `st` and
# `openapi-spec-validator` are, as `make fuzz` installs them)
set -euo pipefail
cd "$(dirname "$0")/../.."

target=${CARGO_TARGET_DIR:-$HOME/.cache/booking-target}
bin="$target/release/server"
# Where `st` and `openapi-spec-validator` are; absolute, as schemathesis runs from the scratch
# directory (it keeps its state, .schemathesis/, where it runs).
tools=""
if [ -n "${PYTHON_BIN:-}" ]; then tools="$(cd "$PYTHON_BIN" && pwd)/"; fi
port=${FUZZ_PORT:-3300}
seconds=${FUZZ_SECONDS:-90}
scratch=$(mktemp -d)
export APP_ENV=test DB_NAME=booking_fuzz REDIS_PREFIX=booking_fuzz: DEMO_DATA=true \
  RUST_LOG=error JWT_SECRET_KEY=fuzz-only-secret-not-for-production \
  LEPTOS_OUTPUT_NAME=booking LEPTOS_SITE_ROOT="$target/site" LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_ENV=PROD \
  MEDIA_DIR="$scratch/media" MAIL_OUTBOX_DIR="$scratch/mail"
unset DATABASE_URL SMTP_HOST
base="http://127.0.0.1:$port"
password=fuzz-admin-password

server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  "$bin" db drop >/dev/null 2>&1 || true
  # Keys hold generated text (quotes, newlines): deleted inside Redis, not through a pipe.
  redis-cli EVAL "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end" \
    0 'booking_fuzz:*' >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT

"$bin" db reset >/dev/null
ADMIN_PASSWORD=$password "$bin" create-admin fuzz-admin@example.com >/dev/null
"$bin" serve 2>"$scratch/server.log" & server=$!
for _ in $(seq 150); do curl -fs "$base/health" >/dev/null && break; sleep 0.2; done
token=$(curl -fsS -X POST -H 'content-type: application/json' \
  -d "{\"email\": \"fuzz-admin@example.com\", \"password\": \"$password\"}" \
  "$base/api/v1/auth/login" | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')

curl -fsS "$base/api/v1/openapi.json" -o "$scratch/openapi.json"
"${tools}openapi-spec-validator" "$scratch/openapi.json"

status=0
config="$(pwd)/server/fuzz/schemathesis.toml"
export FUZZ_TOKEN=$token
(cd "$scratch" && "${tools}st" --config-file "$config" run "$base/api/v1/openapi.json" --url "$base" \
  --checks all \
  --exclude-path /api/v1/auth/logout \
  --phases examples,coverage,fuzzing \
  --max-time "$seconds" --request-timeout 10 --seed 20261127 --workers 2 \
  --warnings off --report junit --report-dir "$target/schemathesis") || status=$?
if [ "$status" -ne 0 ] && [ -s "$scratch/server.log" ]; then
  echo "--- server log ---"; tail -n 50 "$scratch/server.log"
fi
exit "$status"

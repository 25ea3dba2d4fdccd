#!/usr/bin/env bash
# Compile-time checked SQL: writes the query data of every `sqlx::query!`-family macro to
# `.sqlx/` (committed; builds read it with SQLX_OFFLINE=true), or with `--check` verifies that
# the committed data is what the current queries and migrations give. Either way against a
# scratch database migrated from `migrations/`, never a real one.
set -euo pipefail
cd "$(dirname "$0")/../.."

db="booking_sqlx_$$"
admin_url="postgres://${DB_USER:-postgres}@${DB_HOST:-127.0.0.1}:${DB_PORT:-5432}/postgres"
url="postgres://${DB_USER:-postgres}@${DB_HOST:-127.0.0.1}:${DB_PORT:-5432}/$db"
out="$(mktemp -d)"
stamp="$(mktemp)"
touch -r app/src/lib.rs "$stamp"
cleanup() {
    # Give lib.rs back its own time: a newer one would make every later build of the app
    # (the release build included) start again from scratch.
    touch -r "$stamp" app/src/lib.rs
    psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
    rm -rf "$out" "$stamp"
}
trap cleanup EXIT

psql -q "$admin_url" -c "CREATE DATABASE $db" >/dev/null
for migration in migrations/*.up.sql; do
    psql -q -v ON_ERROR_STOP=1 --single-transaction "$url" -f "$migration" >/dev/null
done

# The macros expand only when the crate compiles: touch it so they run again.
touch app/src/lib.rs
SQLX_OFFLINE=false DATABASE_URL="$url" SQLX_OFFLINE_DIR="$out" \
    cargo check --quiet -p app --features ssr --lib

if [ "${1:-}" = "--check" ]; then
    if ! diff -r .sqlx "$out" >/dev/null; then
        echo "sqlx: .sqlx/ is out of date with the queries or migrations; run make sqlx-prepare" >&2
        diff -r .sqlx "$out" | head -20 >&2
        exit 1
    fi
    echo "sqlx: the committed query data is current ($(ls "$out" | wc -l) queries)"
else
    rm -rf .sqlx
    mkdir -p .sqlx
    cp "$out"/*.json .sqlx/ 2>/dev/null || true
    echo "sqlx: wrote $(ls .sqlx | wc -l) queries to .sqlx/"
fi

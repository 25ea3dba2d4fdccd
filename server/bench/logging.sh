#!/usr/bin/env bash
# The cost of the request log: the same loads (cached search, the session check) served with
# RUST_LOG=warn (no line per request) and with the default filter (a line per request, as
# `make run` serves), the log going to a pipe read by another process, as a terminal, journald or
# a container runtime reads it. Prints req/s of each and the lines written.
# Usage: server/bench/logging.sh   (after `make release-build`)
set -euo pipefail
cd "$(dirname "$0")/../.."
. server/bench/env.sh
catalog_stays
export BENCH_HOTELS=6

logs=$(mktemp)
server=""
stop_server() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  server=""
}
trap 'stop_server; rm -f "$logs"; "$bin" db drop >/dev/null 2>&1 || true; clear_redis' EXIT
"$bin" db reset >/dev/null
clear_redis

serve() { # RUST_LOG value ("" = the default filter)
  stop_server
  # The server's pid (not the pipe's reader) is what stop_server and memory_report need.
  if [ -n "$1" ]; then RUST_LOG=$1 "$bin" > >(cat >"$logs") & else env -u RUST_LOG "$bin" > >(cat >"$logs") & fi
  server=$!
  for _ in $(seq 100); do curl -fs "$base/health" >/dev/null && return; sleep 0.2; done
  echo "the server did not start" >&2; exit 1
}

run() { # label
  cookie=$(guest_cookie "bench-log-$RANDOM%40example.com")
  BENCH_KIND=search BENCH_ROTATE=0 wrk -t1 -c1 -d1s -s server/bench/catalog.lua "$base" >/dev/null
  : >"$logs"
  printf '%-40s ' "$1 search (cached)"
  BENCH_KIND=search BENCH_ROTATE=0 wrk -t2 -c32 -d"${duration}s" -s server/bench/catalog.lua "$base" \
    | sed -n 's/^RESULT //p'
  printf '%-40s ' "$1 GET /auth/session"
  wrk -t2 -c32 -d"${duration}s" -H "Cookie: $cookie" "$base/auth/session" \
    | awk '/Requests\/sec/ {printf "req/s=%.0f\n", $2}'
  echo "$1 log lines written: $(wc -l <"$logs")"
}

serve "warn,sqlx::query=error"
run "RUST_LOG=warn:"
serve ""
run "default filter:"

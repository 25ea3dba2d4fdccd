#!/usr/bin/env bash
# One web process against two on one shared socket (as a supervisor or a balancer spreads a
# site), on the demo data without Redis (every request reaches PostgreSQL): the search and the
# hotel page as the hydrated pages ask for them, and the session check GET /api/v1/auth/me.
# Two cores run wrk, PostgreSQL and the servers, so expect little; the point is that it works.
# Usage: server/bench/scale.sh   (after `make release-build`)
set -euo pipefail
cd "$(dirname "$0")/../.."
. server/bench/env.sh
catalog_stays

launcher="" server=""
stop_servers() {
  if [ -n "$launcher" ]; then kill "$launcher"; wait "$launcher" 2>/dev/null || true; fi
  launcher="" server=""
}
trap 'stop_servers; "$bin" db drop >/dev/null 2>&1 || true; clear_redis' EXIT
"$bin" db reset >/dev/null
clear_redis

# Starts $1 `serve --no-worker` processes on the bench port; $server holds their pids.
start_servers() {
  local pids
  pids=$(mktemp)
  REDIS_URL="" python3 server/bench/shared_socket.py "127.0.0.1:$port" "$1" \
    "$bin" serve --no-worker >"$pids" & launcher=$!
  for _ in $(seq 100); do
    [ "$(wc -l <"$pids")" -ge "$1" ] && curl -fs "$base/health/ready" >/dev/null && break
    sleep 0.2
  done
  server=$(tr '\n' ' ' <"$pids"); rm -f "$pids"
}

cookie=""
for processes in 1 2; do
  start_servers "$processes"
  [ -n "$cookie" ] || cookie=$(guest_cookie "bench-scale%40example.com")
  for kind in search hotel; do
    BENCH_KIND=$kind BENCH_ROTATE=1 wrk -t1 -c1 -d1s -s server/bench/catalog.lua "$base" >/dev/null
    printf '%-44s ' "$processes process(es): $kind, uncached"
    BENCH_KIND=$kind BENCH_ROTATE=1 wrk_cpu -t2 -c32 -d"${duration}s" -s server/bench/catalog.lua "$base"
  done
  printf '%-44s ' "$processes process(es): GET /api/v1/auth/me"
  BENCH_KIND=api-me BENCH_COOKIE=$cookie wrk_cpu -t2 -c32 -d"${duration}s" -s server/bench/catalog.lua "$base"
  stop_servers
done

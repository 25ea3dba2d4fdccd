#!/usr/bin/env bash
# Load test of the catalog with wrk (32 connections, bounded time): search and hotel-page server
# functions, cached (Redis, same request) and uncached (no Redis, varied requests), on the demo
# data and on a generated large catalog (10,000 hotels / 100,000 room types / 1,000,000
# bookings). Prints the search plan on the large catalog. Databases are dropped afterwards.
# Usage: server/bench/catalog.sh [demo|large|all]   (after `make release-build`; `make bench`)
set -euo pipefail
cd "$(dirname "$0")/../.."

. server/bench/env.sh
which=${1:-all}

catalog_stays

server=""
stop_server() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  server=""
}
trap 'stop_server; "$bin" db drop >/dev/null 2>&1 || true; redis-cli --scan --pattern "booking_bench:*" | xargs -r redis-cli del >/dev/null' EXIT

start_server() { # REDIS_URL value ("" = no cache)
  stop_server
  REDIS_URL="$1" "$bin" & server=$!
  for _ in $(seq 100); do curl -fs "$base/health" >/dev/null && return; sleep 0.2; done
  echo "the server did not start" >&2; exit 1
}

load() { # label kind rotate
  printf '%-44s ' "$1"
  BENCH_KIND=$2 BENCH_ROTATE=$3 wrk_cpu -t2 -c32 -d"${duration}s" -s server/bench/catalog.lua "$base"
}

run_all() { # dataset hotel-count
  export BENCH_HOTELS=$2
  start_server "redis://127.0.0.1:6379"
  for kind in search hotel; do
    BENCH_KIND=$kind BENCH_ROTATE=0 wrk -t1 -c1 -d1s -s server/bench/catalog.lua "$base" >/dev/null
    load "$1 $kind, cached (same request)" $kind 0
  done
  start_server ""
  for kind in search hotel; do
    # Warms the in-memory search index (a place's hotels load once per catalog version).
    BENCH_KIND=$kind BENCH_ROTATE=1 wrk -t1 -c1 -d1s -s server/bench/catalog.lua "$base" >/dev/null
    load "$1 $kind, uncached (varied requests)" $kind 1
  done
  memory_report " ($1 catalog, uncached)"
  stop_server
}

if [ "$which" = demo ] || [ "$which" = all ]; then
  "$bin" db reset >/dev/null
  run_all demo 6
fi
if [ "$which" = large ] || [ "$which" = all ]; then
  "$bin" db reset >/dev/null
  "$bin" generate-catalog 10000 10 1000000
  run_all large 10006
  echo "== plan of the uncached search (Москва, $BENCH_FROM..$BENCH_TO) on the large catalog"
  "$bin" explain-search Москва "$BENCH_FROM" "$BENCH_TO"
  echo "== plan of the search without a place"
  "$bin" explain-search "" "$BENCH_FROM" "$BENCH_TO"
fi

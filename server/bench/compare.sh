#!/usr/bin/env bash
# Two builds of the server side by side on the large generated catalog: uncached search and hotel
# pages (no Redis, varied requests), alternating old and new in each round, with the CPU time
# per request. Each build gets its own database (its migrations), generated once and kept
# between runs (REGEN=1 makes them anew; `DB_NAME=booking_bench_old server db drop` drops one).
# Usage: server/bench/compare.sh OLD_BIN NEW_BIN [ROUNDS]   (release builds of two commits)
set -euo pipefail
cd "$(dirname "$0")/../.."
old=$1 new=$2 rounds=${3:-2}
. server/bench/env.sh
catalog_stays
export BENCH_HOTELS=10006
server=""
stop_server() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  server=""
}
trap stop_server EXIT
for which in old new; do
  build=${!which}
  if [ "${REGEN:-0}" = 1 ] || ! psql -h "${DB_HOST:-127.0.0.1}" -U "${DB_USER:-postgres}" -lqt \
      | cut -d'|' -f1 | grep -qw "booking_bench_$which"; then
    DB_NAME=booking_bench_$which "$build" db reset >/dev/null
    DB_NAME=booking_bench_$which "$build" generate-catalog 10000 10 1000000 >/dev/null
  fi
done
for round in $(seq "$rounds"); do
  for which in old new; do
    DB_NAME=booking_bench_$which REDIS_URL="" "${!which}" serve --no-worker & server=$!
    for _ in $(seq 100); do curl -fs "$base/health" >/dev/null && break; sleep 0.2; done
    for kind in search hotel; do
      BENCH_KIND=$kind BENCH_ROTATE=1 wrk -t1 -c1 -d2s -s server/bench/catalog.lua "$base" >/dev/null
      printf 'round %s %-4s %-7s ' "$round" "$which" "$kind"
      BENCH_KIND=$kind BENCH_ROTATE=1 wrk_cpu -t2 -c32 -d"${duration}s" -s server/bench/catalog.lua "$base"
    done
    stop_server
  done
done

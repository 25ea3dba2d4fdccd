#!/usr/bin/env bash
# Load test of the HTTP API v1 catalog routes with wrk (32 connections, bounded time), uncached
# and varied, on the generated large catalog: GET /api/v1/hotels/{location} (every free hotel of
# a place, unpaged as in the original's contract) and GET /api/v1/hotels/{id}/rooms.
# Usage: server/bench/api.sh   (after `make release-build`)
set -euo pipefail
cd "$(dirname "$0")/../.."
. server/bench/env.sh

day() { date -d "+$1 days" +%F; }
export BENCH_FROM BENCH_TO BENCH_STAYS BENCH_HOTELS=10006
BENCH_FROM=$(day 30) BENCH_TO=$(day 32)
BENCH_STAYS=""
for offset in 5 12 19 26 33 47 61 75; do
  BENCH_STAYS+="$(day $offset),$(day $((offset + 1 + offset % 4))) "
done

server=""
trap 'if [ -n "$server" ]; then kill "$server"; wait "$server" 2>/dev/null || true; fi; "$bin" db drop >/dev/null 2>&1 || true' EXIT
"$bin" db reset >/dev/null
"$bin" generate-catalog 10000 10 1000000
REDIS_URL="" "$bin" & server=$!
for _ in $(seq 100); do curl -fs "$base/health" >/dev/null && break; sleep 0.2; done
for kind in api-search api-rooms; do
  BENCH_KIND=$kind BENCH_ROTATE=1 wrk -t1 -c1 -d1s -s server/bench/catalog.lua "$base" >/dev/null
  printf '%-44s ' "large $kind, uncached (varied requests)"
  BENCH_KIND=$kind BENCH_ROTATE=1 wrk -t2 -c32 -d"${duration}s" -s server/bench/catalog.lua "$base" \
    | grep '^RESULT' | sed 's/^RESULT //'
done
echo "hotels listed for Москва: $(curl -fs "$base/api/v1/hotels/%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0?date_from=$BENCH_FROM&date_to=$BENCH_TO" | grep -o '"rooms_left"' | wc -l)"

#!/usr/bin/env bash
# Load test of the HTTP API v1 with wrk (32 connections, bounded time), uncached and varied, on
# the generated large catalog: GET /api/v1/hotels/{location} (every free hotel of a place,
# unpaged as in the original's contract), GET /api/v1/hotels/{id}/rooms, then one guest booking
# random room types with POST /api/v1/bookings (some fill up: 409), checked for overbooking.
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
# The request path only: no email worker (it would send the booking phase's confirmations).
REDIS_URL="" "$bin" serve --no-worker & server=$!
for _ in $(seq 100); do curl -fs "$base/health" >/dev/null && break; sleep 0.2; done
for kind in api-search api-rooms; do
  BENCH_KIND=$kind BENCH_ROTATE=1 wrk -t1 -c1 -d1s -s server/bench/catalog.lua "$base" >/dev/null
  printf '%-44s ' "large $kind, uncached (varied requests)"
  BENCH_KIND=$kind BENCH_ROTATE=1 wrk_cpu -t2 -c32 -d"${duration}s" -s server/bench/catalog.lua "$base"
done
echo "hotels listed for Москва: $(curl -fs "$base/api/v1/hotels/%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0?date_from=$BENCH_FROM&date_to=$BENCH_TO" | grep -o '"rooms_left"' | wc -l)"

cookie=$(guest_cookie bench-api-booker%40example.com)
first_room=$(psql_q "SELECT min(id) FROM rooms WHERE hotel_id > 6")
rooms=$(psql_q "SELECT count(*) FROM rooms WHERE hotel_id > 6")
printf '%-44s ' "POST /api/v1/bookings ($rooms room types)"
BENCH_API=1 BENCH_COOKIE=$cookie BENCH_STAYS=$BENCH_STAYS BENCH_FIRST_ROOM=$first_room BENCH_ROOMS=$rooms \
  wrk_cpu -t2 -c32 -d"${duration}s" -s server/bench/booking.lua "$base"
echo "bookings stored: $(psql_q "SELECT count(*) FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.email = 'bench-api-booker@example.com'")"
echo "nights of its bookings over capacity (must be 0): $(overbooked_nights bench-api-booker@example.com)"
memory_report

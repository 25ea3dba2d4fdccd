#!/usr/bin/env bash
# Load test of booking with wrk (32 connections, bounded time): one signed-in guest books random
# room types of a generated catalog (1,000 hotels, 10,000 room types) for 8 stays, so some room
# types fill up and answer 409. Then checks that no night of any room type is overbooked.
# Usage: server/bench/bookings.sh   (after `make release-build`; `make bench-bookings`)
set -euo pipefail
cd "$(dirname "$0")/../.."
. server/bench/env.sh

"$bin" db reset >/dev/null
"$bin" generate-catalog 1000 10 0 >/dev/null
# The booking path only: the email worker would otherwise send the confirmations as well.
"$bin" serve --no-worker & server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; "$bin" db drop >/dev/null; clear_redis' EXIT
for _ in $(seq 100); do curl -fs "$base/health" >/dev/null && break; sleep 0.2; done

cookie=$(guest_cookie bench-booker%40example.com)
day() { date -d "+$1 days" +%F; }
BENCH_STAYS=""
for offset in 3 4 5 6 10 11 12 13; do BENCH_STAYS+="$(day $offset),$(day $((offset + 2))) "; done
first_room=$(psql_q "SELECT min(id) FROM rooms WHERE name <> '' AND hotel_id > 6")

echo "== create_booking, 32 connections, ${duration}s, 10,000 room types x 8 stays"
BENCH_COOKIE=$cookie BENCH_STAYS=$BENCH_STAYS BENCH_FIRST_ROOM=$first_room BENCH_ROOMS=10000 \
  wrk_cpu -t2 -c32 -d"${duration}s" -s server/bench/booking.lua "$base"
echo "bookings stored: $(psql_q 'SELECT count(*) FROM bookings WHERE user_id = (SELECT max(id) FROM users)')"
echo "emails queued with them: $(psql_q "SELECT count(*) FROM notifications WHERE kind = 'confirmation'")"
echo "room-type nights over capacity (must be 0): $(overbooked_nights)"
memory_report

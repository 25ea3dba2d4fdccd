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
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; "$bin" db drop >/dev/null' EXIT
for _ in $(seq 100); do curl -fs "$base/health" >/dev/null && break; sleep 0.2; done

cookie=$(curl -fs -D - -o /dev/null -X POST "$base/api/register" \
  -H 'Content-Type: application/x-www-form-urlencoded' \
  --data 'email=bench-booker%40example.com&password=correct%20horse%20battery' \
  | sed -n 's/^set-cookie: \(booking_access_token=[^;]*\).*/\1/ip')
day() { date -d "+$1 days" +%F; }
BENCH_STAYS=""
for offset in 3 4 5 6 10 11 12 13; do BENCH_STAYS+="$(day $offset),$(day $((offset + 2))) "; done
psql_q() { psql -h "${DB_HOST:-127.0.0.1}" -U "${DB_USER:-postgres}" -d booking_bench -tAc "$1"; }
first_room=$(psql_q "SELECT min(id) FROM rooms WHERE name <> '' AND hotel_id > 6")

echo "== create_booking, 32 connections, ${duration}s, 10,000 room types x 8 stays"
BENCH_COOKIE=$cookie BENCH_STAYS=$BENCH_STAYS BENCH_FIRST_ROOM=$first_room BENCH_ROOMS=10000 \
  wrk -t2 -c32 -d"${duration}s" -s server/bench/booking.lua "$base" | grep '^RESULT' | sed 's/^RESULT //'
echo "bookings stored: $(psql_q 'SELECT count(*) FROM bookings WHERE user_id = (SELECT max(id) FROM users)')"
echo "emails queued with them: $(psql_q "SELECT count(*) FROM notifications WHERE kind = 'confirmation'")"
echo "room-type nights over capacity (must be 0): $(psql_q "
  SELECT count(*) FROM (
    SELECT b.room_id, night, count(*) AS taken
    FROM bookings b, generate_series(b.date_from, b.date_to - 1, interval '1 day') AS night
    WHERE b.cancelled_at IS NULL GROUP BY 1, 2) n
  JOIN rooms r ON r.id = n.room_id WHERE n.taken > r.quantity")"

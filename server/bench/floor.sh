#!/usr/bin/env bash
# What PostgreSQL alone can do on this machine, with no server in the way: pgbench (32 clients,
# like wrk -c32, on the same two cores) runs on the bench database
#  - the least a durable booking must do: lock its room type, insert the booking and its email
#    row, commit (no availability count, no prices: less than the real booking does);
#  - the session check GET /api/v1/auth/me makes on every request (the same query).
# A figure the server is asked to beat that is above these cannot be reached by the server here.
# Usage: server/bench/floor.sh   (after `make release-build`)
set -euo pipefail
cd "$(dirname "$0")/../.."
. server/bench/env.sh

trap '"$bin" db drop >/dev/null 2>&1 || true' EXIT
"$bin" db reset >/dev/null
"$bin" generate-catalog 1000 10 0 >/dev/null
user=$(psql_q "WITH u AS (INSERT INTO users (email, hashed_password)
  VALUES ('bench-floor@example.com', 'x') RETURNING id) SELECT id FROM u")
rooms=$(psql_q "SELECT min(id) || ' ' || max(id) FROM rooms")
read -r first_room last_room <<<"$rooms"
scripts=$(mktemp -d)
trap 'rm -rf "$scripts"; "$bin" db drop >/dev/null 2>&1 || true' EXIT

cat >"$scripts/booking.sql" <<SQL
\set room random($first_room, $last_room)
\set day random(400, 4000)
BEGIN;
SELECT id FROM rooms WHERE id = :room FOR NO KEY UPDATE;
WITH b AS (INSERT INTO bookings (room_id, user_id, date_from, date_to, price)
           VALUES (:room, $user, current_date + :day::integer, current_date + :day::integer + 3, 1000) RETURNING id)
INSERT INTO notifications (booking_id, kind, sequence) SELECT id, 'confirmation', 0 FROM b;
COMMIT;
SQL
cat >"$scripts/session.sql" <<SQL
SELECT id, email, role, EXISTS (SELECT 1 FROM hotel_staff s WHERE s.user_id = users.id)
FROM users WHERE id = $user AND disabled_at IS NULL
  AND (sessions_since IS NULL OR sessions_since <= to_timestamp(extract(epoch FROM now())))
  AND NOT EXISTS (SELECT 1 FROM revoked_sessions WHERE jti = 'bench-floor-token');
SQL

pgbench_run() { # label script
  printf '%-52s ' "$1"
  pgbench -h "${DB_HOST:-127.0.0.1}" -U "${DB_USER:-postgres}" -n -M prepared -c 32 -j 2 \
    -T "$duration" -f "$scripts/$2" booking_bench >"$scripts/out" 2>&1 \
    || { echo "pgbench failed:"; cat "$scripts/out"; exit 1; }
  awk '/latency average/ {lat = $4} /^tps/ {tps = $3}
       END {printf "%.0f tx/s, mean latency %.2f ms\n", tps, lat}' "$scripts/out"
}
pgbench_run "durable booking floor (lock, 2 inserts, commit)" booking.sql
PGOPTIONS="-c synchronous_commit=off" pgbench_run "the same, synchronous_commit=off (not durable)" booking.sql
pgbench_run "session check of /auth/me (one query)" session.sql
echo "bookings stored by the floor run: $(psql_q "SELECT count(*) FROM bookings WHERE user_id = $user")"

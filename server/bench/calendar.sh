#!/usr/bin/env bash
# The inventory calendar on a hotel of 50 room types (generated: rate rules, single-date prices,
# restrictions, 50,000 bookings over 18 months): reading 60 days, previewing and saving an edit
# of every room type on 60 days. Single requests (one connection: the server time plus loopback)
# and the read under load (4 connections). The database is dropped afterwards.
# Usage: server/bench/calendar.sh   (after `make release-build`; `make bench-calendar`)
set -euo pipefail
cd "$(dirname "$0")/../.."
. server/bench/env.sh

"$bin" db reset >/dev/null
"$bin" generate-catalog 1 50 50000
hotel=$(psql_q "SELECT max(id) FROM hotels")
rooms=$(psql_q "SELECT string_agg(id::text, ',') FROM rooms WHERE hotel_id = $hotel")
ADMIN_PASSWORD='correct horse battery' "$bin" create-admin bench-admin@example.com >/dev/null
"$bin" & server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; "$bin" db drop >/dev/null; clear_redis' EXIT
for _ in $(seq 50); do curl -fs "$base/health" >/dev/null && break; sleep 0.2; done
cookie=$(curl -fs -D - -o /dev/null -X POST "$base/api/login" \
  -H 'Content-Type: application/x-www-form-urlencoded' \
  --data 'email=bench-admin%40example.com&password=correct%20horse%20battery' \
  | sed -n 's/^set-cookie: \(booking_access_token=[^;]*\).*/\1/ip')

first=$(date -d "+1 day" +%F) last=$(date -d "+60 days" +%F)
read_body="hotel_id=$hotel&from=$first&days=60"
# The server functions take the edit as one argument: its fields as edit[name].
edit="hotel_id=$hotel&edit[rooms]=${rooms//,/%2C}&edit[first]=$first&edit[last]=$last"
edit+="&edit[min_action]=set&edit[min_stay]=2"

timed() { # label path body runs: median and slowest of single requests, in ms
  local label=$1 path=$2 body=$3 runs=$4 times
  times=$(for _ in $(seq "$runs"); do
    curl -fs -o /dev/null -w '%{time_total}\n' -X POST "$base$path" -H "Cookie: $cookie" \
      -H 'Content-Type: application/x-www-form-urlencoded' --data "$body"
  done | sort -n)
  awk -v label="$label" '{ t[NR] = $1 * 1000 } END {
    printf "%-58s median %.1f ms, slowest %.1f ms (%d runs)\n", label, t[int((NR + 1) / 2)], t[NR], NR }' <<<"$times"
}

echo "== hotel $hotel: 50 room types x 60 days ($first..$last)"
timed "calendar, 60 days" /api/calendar "$read_body" 30
timed "preview: minimum stay on 50 x 60 cells" /api/calendar_preview "$edit" 10
# Saves alternate between two prices, so each one changes all 3000 cells.
for price in 5100 5200 5100 5200 5100 5200 5100 5200 5100 5200; do
  echo "$edit&edit[price_action]=set&edit[price]=$price"
done >/tmp/calendar-bench-saves.$$
printf '%-58s ' "save: a price on 50 x 60 cells (3000 overrides)"
while read -r body; do
  curl -fs -o /dev/null -w '%{time_total}\n' -X POST "$base/api/calendar_save" -H "Cookie: $cookie" \
    -H 'Content-Type: application/x-www-form-urlencoded' --data "$body"
done </tmp/calendar-bench-saves.$$ | sort -n | awk '{ t[NR] = $1 * 1000 } END {
  printf "median %.1f ms, slowest %.1f ms (%d runs)\n", t[int((NR + 1) / 2)], t[NR], NR }'
rm -f /tmp/calendar-bench-saves.$$
printf '%-58s ' "calendar, 60 days, 4 connections, ${duration}s"
BENCH_PATH=/api/calendar BENCH_BODY="$read_body" BENCH_COOKIE="$cookie" \
  wrk_cpu -t1 -c4 -d"${duration}s" -s server/bench/calendar.lua "$base"
memory_report

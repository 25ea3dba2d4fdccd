#!/usr/bin/env bash
# Instructions per request of two server builds on the large generated catalog, counted by
# valgrind's callgrind: unlike req/s or CPU time on a shared 2-core machine, the count is the
# same on every run of the same build and requests, so differences of a few percent show.
# The same fixed list of uncached searches and hotel pages (no Redis) goes to each build once
# to warm its in-memory catalog and PostgreSQL's plans, then once counted. Uses the databases
# compare.sh generates (booking_bench_old / booking_bench_new).
# Usage: server/bench/instructions.sh OLD_BIN NEW_BIN [REQUESTS_PER_KIND]
set -euo pipefail
cd "$(dirname "$0")/../.."
old=$1 new=$2 count=${3:-240}
. server/bench/env.sh
catalog_stays
command -v callgrind_control >/dev/null || { echo "needs valgrind (apt install valgrind)"; exit 1; }
work=$(mktemp -d)
server=""
stop_server() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  server=""
}
trap 'stop_server; rm -rf "$work"' EXIT

# curl config files: one request per section, sent one after another on one connection.
places=(%D0%90%D0%BB%D1%82%D0%B0%D0%B9 %D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0
  %D0%9A%D0%B0%D0%B7%D0%B0%D0%BD%D1%8C %D0%A1%D0%BE%D1%87%D0%B8
  %D0%A1%D1%8B%D0%BA%D1%82%D1%8B%D0%B2%D0%BA%D0%B0%D1%80 %D0%A2%D0%B2%D0%B5%D1%80%D1%8C)
read -ra stays <<<"$BENCH_STAYS"
for kind in search hotel; do
  for i in $(seq 0 $((count - 1))); do
    stay=${stays[$((i % ${#stays[@]}))]}
    dates="date_from=${stay%,*}&date_to=${stay#*,}"
    if [ "$kind" = search ]; then
      body="location=${places[$((i * 7 % ${#places[@]}))]}&$dates"
      path=search_hotels
    else
      body="hotel_id=$((i * 7919 % 10000 + 1))&$dates"
      path=get_hotel
    fi
    # `next` between requests, not after the last (an empty section is an error).
    [ "$i" -gt 0 ] && echo next
    printf 'url = "%s/api/%s"\ndata = "%s"\noutput = "/dev/null"\n' "$base" "$path" "$body"
  done >"$work/$kind.curl"
done

count_build() {
  local which=$1 bin=$2 kind out
  DB_NAME=booking_bench_$which REDIS_URL="" valgrind --tool=callgrind --instr-atstart=no \
    --callgrind-out-file="$work/$which.%p" "$bin" serve --no-worker 2>/dev/null & server=$!
  for _ in $(seq 600); do curl -fs "$base/health" >/dev/null && break; sleep 0.5; done
  for kind in search hotel; do
    # Warm: the catalog in memory, the statements prepared; every answer must be a 200.
    codes=$(curl -s -K "$work/$kind.curl" -w '%{http_code}\n' | sort | uniq -c)
    [[ "$codes" =~ ^\ *[0-9]+\ 200$ ]] || { echo "$which $kind answered: $codes" >&2; exit 1; }
    callgrind_control -z "$server" >/dev/null 2>&1
    callgrind_control -i on "$server" >/dev/null 2>&1
    curl -sf -K "$work/$kind.curl"
    callgrind_control -i off "$server" >/dev/null 2>&1
    out=$(callgrind_control -d "$kind" "$server" >/dev/null 2>&1; sleep 1
      grep -h '^summary:\|^totals:' "$work/$which.$server".* | tail -1 | awk '{print $2}')
    # KEEP=dir keeps the profiles (callgrind_annotate reads them).
    if [ -n "${KEEP:-}" ]; then
      mkdir -p "$KEEP" && for f in "$work/$which.$server".*; do cp "$f" "$KEEP/$which.$kind.callgrind"; done
    fi
    rm -f "$work/$which.$server".*
    printf '%-4s %-6s %12s instructions/request\n' "$which" "$kind" $((out / count))
  done
  stop_server
}
count_build old "$old"
count_build new "$new"

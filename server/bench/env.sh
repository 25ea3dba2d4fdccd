# Sourced by the bench scripts: the release server on its own database, Redis prefix and port.
target=${CARGO_TARGET_DIR:-$HOME/.cache/booking-target}
# BENCH_BIN: another build of the server (to compare two builds on one machine).
bin=${BENCH_BIN:-$target/release/server}
port=${BENCH_PORT:-3200}
duration=${BENCH_SECONDS:-10}
export APP_ENV=test DB_NAME=booking_bench REDIS_PREFIX=booking_bench: DEMO_DATA=true \
  RUST_LOG=warn,sqlx::query=error JWT_SECRET_KEY=bench-only-secret-not-for-production \
  LEPTOS_OUTPUT_NAME=booking LEPTOS_SITE_ROOT="$target/site" LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_ENV=PROD
unset DATABASE_URL
base="http://127.0.0.1:$port"

psql_q() { psql -h "${DB_HOST:-127.0.0.1}" -U "${DB_USER:-postgres}" -d booking_bench -tAc "$1"; }

# Room-type nights with more live bookings than rooms: must always be 0. With an email, only the
# nights that guest booked count (the generated catalog's random bookings ignore capacity).
overbooked_nights() {
  psql_q "
    SELECT count(*) FROM (
      SELECT b.room_id, night, count(*) AS taken,
             bool_or(u.email = coalesce(nullif('${1:-}', ''), u.email)) AS checked
      FROM bookings b JOIN users u ON u.id = b.user_id,
           generate_series(b.date_from, b.date_to - 1, interval '1 day') AS night
      WHERE b.cancelled_at IS NULL GROUP BY 1, 2) n
    JOIN rooms r ON r.id = n.room_id WHERE n.taken > r.quantity AND n.checked"
}

# Registers a guest through the server function and prints its session cookie.
guest_cookie() {
  curl -fs -D - -o /dev/null -X POST "$base/api/register" \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    --data "email=$1&password=correct%20horse%20battery" \
    | sed -n 's/^set-cookie: \(booking_access_token=[^;]*\).*/\1/ip'
}

# CPU time (clock ticks) used so far by the processes given (utime + stime; the fields after
# the command name, which may hold spaces).
cpu_ticks() {
  local sum=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] && sum=$((sum + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
  done
  echo "$sum"
}

# Runs wrk with the arguments given and prints its RESULT line with the CPU time each request
# cost the server (pid $server, or the pids in it) and PostgreSQL: a figure that, unlike req/s, hardly moves when
# something else shares the machine's two cores.
wrk_cpu() {
  local ticks=$(( $(getconf CLK_TCK) )) s0 p0 out requests
  # shellcheck disable=SC2086 # $server may hold several pids
  s0=$(cpu_ticks $server); p0=$(cpu_ticks $(pgrep -x postgres))
  out=$(wrk "$@" | grep '^RESULT' | sed 's/^RESULT //')
  local s=$(( $(cpu_ticks $server) - s0 )) p=$(( $(cpu_ticks $(pgrep -x postgres)) - p0 ))
  requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$out")
  awk -v out="$out" -v s="$s" -v p="$p" -v n="${requests:-0}" -v hz="$ticks" 'BEGIN {
    if (n > 0) printf "%s cpu/req: server=%.3fms db=%.3fms\n", out, s * 1000 / hz / n, p * 1000 / hz / n
    else print out }'
}

# The catalog benchmarks' stays: BENCH_FROM..BENCH_TO (a month ahead, two nights) and the varied
# BENCH_STAYS (eight check-ins over the next months, 1-4 nights).
catalog_stays() {
  local offset
  BENCH_FROM=$(date -d "+30 days" +%F) BENCH_TO=$(date -d "+32 days" +%F) BENCH_STAYS=""
  for offset in 5 12 19 26 33 47 61 75; do
    BENCH_STAYS+="$(date -d "+$offset days" +%F),$(date -d "+$((offset + 1 + offset % 4)) days" +%F) "
  done
  export BENCH_FROM BENCH_TO BENCH_STAYS
}

# Removes the benches' Redis keys (cache generations, the login throttle's counters), so a run
# inherits nothing from the last one and leaves nothing behind.
clear_redis() { redis-cli --scan --pattern "booking_bench:*" | xargs -r redis-cli del >/dev/null; }

# The server's resident memory: peak (VmHWM) and now (VmRSS), in MB.
memory_report() {
  awk -v what="${1:-}" '/^VmHWM/ {hwm = $2} /^VmRSS/ {rss = $2}
    END {printf "server memory%s: peak %d MB, now %d MB\n", what, hwm / 1024, rss / 1024}' \
    "/proc/$server/status"
}

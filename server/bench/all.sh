#!/usr/bin/env bash
# `make bench`: every load test in turn, each one's output as it runs, then one table of the
# figures the performance work is judged by (issue "Performance"), each with the command that
# measured it. The full output stays in $BENCH_LOG (default target dir/bench.log).
# Usage: server/bench/all.sh   (after `make release-build` and `wrk`)
set -uo pipefail
cd "$(dirname "$0")/../.."
target=${CARGO_TARGET_DIR:-$HOME/.cache/booking-target}
log=${BENCH_LOG:-$target/bench.log}
: >"$log"

failed=()
for bench in auth catalog bookings pictures api calendar scale; do
  echo "######## server/bench/$bench.sh" | tee -a "$log"
  server/bench/$bench.sh 2>&1 | tee -a "$log" || failed+=("$bench")
done

# The RESULT part of the line a label starts: "req/s=… p99=…".
figure() { # label-regex
  grep -E "^$1" "$log" | head -1 | grep -oE 'req/s=[0-9]+ p50=[0-9.]+ms p99=[0-9.]+ms' \
    | sed 's/ p50=[0-9.]*ms//' || true
}
peak_rss=$(grep -oE 'peak [0-9]+ MB' "$log" | awk '{ if ($2 > max) max = $2 } END { print max + 0 }')
pictures=$(grep -E '^4000x3000 JPEG' "$log" | grep -oE 'median [0-9]+ ms|peak RSS [0-9]+ MiB' | paste -sd, - || true)
wasm_js=$(server/bench/bundle.sh 2>/dev/null | tail -1)

row() { printf '| %-52s | %-34s | %s |\n' "$1" "${2:-(not measured)}" "$3"; }
echo
echo "## make bench: summary (full output: $log)"
row "what" "figure" "command"
row "---" "---" "---"
row "peak RSS of the server, any bench" "${peak_rss} MB" "every bench's memory_report"
row "POST /api/v1/bookings, random stays, 100k room types" "$(figure 'POST /api/v1/bookings')" "server/bench/api.sh"
row "create_booking (server function), 10k room types" "$(grep -A1 '^== create_booking' "$log" | grep -oE 'req/s=[0-9]+ p50=[0-9.]+ms p99=[0-9.]+ms' | sed 's/ p50=[0-9.]*ms//')" "server/bench/bookings.sh"
row "GET /api/v1/auth/me with a cookie" "$(figure 'GET /api/v1/auth/me with the cookie')" "server/bench/auth.sh"
row "hotel page uncached, large catalog (p99 <= 20 ms)" "$(figure 'large hotel, uncached')" "server/bench/catalog.sh"
row "search uncached, large catalog" "$(figure 'large search, uncached')" "server/bench/catalog.sh"
row "search uncached, demo data: 1 process / 2 processes" "$(figure '1 process\(es\): search') / $(figure '2 process\(es\): search')" "server/bench/scale.sh"
row "picture job, 4000x3000 JPEG -> 4 sizes x WebP+JPEG" "$pictures" "server/bench/pictures.sh"
row "first load of a guest page, wasm + js (brotli)" "$wasm_js" "server/bench/bundle.sh"
if [ ${#failed[@]} -gt 0 ]; then
  echo "benches that failed: ${failed[*]}" >&2
  exit 1
fi

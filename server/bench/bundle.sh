#!/usr/bin/env bash
# What a guest's first page load downloads of the app's code, as served (brotli): the main
# wasm, its JavaScript glue and the split-module loader. The back office's lazy chunks are
# not counted (a guest never fetches them; end2end/tests/bundle.spec.ts checks that).
# Usage: server/bench/bundle.sh [--budget KB]   (after `make release-build`)
# With --budget it fails when the first load is over KB kilobytes (`make test` runs it so).
set -euo pipefail
pkg=${CARGO_TARGET_DIR:-$HOME/.cache/booking-target}/site/pkg
size() { stat -c %s "$1" 2>/dev/null || echo 0; }
[ -f "$pkg/booking.wasm.br" ] || { echo "no $pkg/booking.wasm.br: run make release-build" >&2; exit 1; }
wasm=$(size "$pkg/booking.wasm.br")
js=$(( $(size "$pkg/booking.js.br") + $(size "$pkg"/__wasm_split.*.js.br) ))
echo "main wasm $(( $(size "$pkg/booking.wasm") / 1024 )) KB raw"
echo "$(( wasm / 1024 )) KB wasm + $(( js / 1024 )) KB js (brotli)"
if [ "${1:-}" = --budget ]; then
	budget=${2:?--budget needs a size in KB}
	total=$(( (wasm + js) / 1024 ))
	if [ "$total" -gt "$budget" ]; then
		echo "over budget: the guest's first load is $total KB, the budget $budget KB" >&2
		exit 1
	fi
	echo "within budget: $total KB of $budget KB"
fi

#!/usr/bin/env bash
# Picture processing benchmark: every size (200/400/1000/2000 wide, WebP and JPEG) of a
# photo-like 4000x3000 JPEG, as the worker makes them; median of several runs and the peak
# memory of the process. Usage: server/bench/pictures.sh [RUNS]   (after `make release-build`)
set -euo pipefail
cd "$(dirname "$0")/../.."
. server/bench/env.sh
"$bin" bench-pictures "${1:-7}"

#!/usr/bin/env bash
# Load test of authentication with wrk (32 connections, bounded time): the session check (token
# only) and login (argon2id). Starts the release server on its own database and stops it after.
# Usage: server/bench/auth.sh   (after `make release-build`; `make bench-auth` does both)
set -euo pipefail
cd "$(dirname "$0")/../.."

. server/bench/env.sh

"$bin" db reset >/dev/null
"$bin" & server=$!
# The login throttle's counters live in Redis: a run must not inherit the last one's.
clear_redis
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; "$bin" db drop >/dev/null; clear_redis' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done

curl -fs -o /dev/null -X POST "$base/api/register" \
  -H 'Content-Type: application/x-www-form-urlencoded' \
  --data 'email=bench%40example.com&password=correct%20horse%20battery'
cookie=$(curl -fs -D - -o /dev/null -X POST "$base/api/login" \
  -H 'Content-Type: application/x-www-form-urlencoded' \
  --data 'email=bench%40example.com&password=correct%20horse%20battery' \
  | sed -n 's/^set-cookie: \(booking_access_token=[^;]*\).*/\1/ip')

echo "== session check (GET /auth/session with the cookie), 32 connections, ${duration}s"
wrk -t2 -c32 -d"${duration}s" --latency -H "Cookie: $cookie" "$base/auth/session"
printf '%-44s ' "GET /api/v1/auth/me with the cookie"
BENCH_KIND=api-me BENCH_COOKIE=$cookie wrk_cpu -t2 -c32 -d"${duration}s" -s server/bench/catalog.lua "$base"
echo "== login (POST /api/login, argon2id m=19MiB t=2), 32 connections, ${duration}s"
wrk -t2 -c32 -d"${duration}s" --latency -s server/bench/login.lua "$base/api/login"
memory_report " after the login storm"
# The blocking pool's idle threads leave after 10 s; what the storm kept shows after that.
sleep 12
memory_report " 12 s later"

# Sourced by the bench scripts: the release server on its own database, Redis prefix and port.
target=${CARGO_TARGET_DIR:-$HOME/.cache/booking-target}
bin="$target/release/server"
port=${BENCH_PORT:-3200}
duration=${BENCH_SECONDS:-10}
export APP_ENV=test DB_NAME=booking_bench REDIS_PREFIX=booking_bench: DEMO_DATA=true \
  RUST_LOG=warn,sqlx::query=error JWT_SECRET_KEY=bench-only-secret-not-for-production \
  LEPTOS_OUTPUT_NAME=booking LEPTOS_SITE_ROOT="$target/site" LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_ENV=PROD
unset DATABASE_URL
base="http://127.0.0.1:$port"

# syntax=docker/dockerfile:1
# The booking server as a container image: built with cargo-leptos in a Rust image, run from a
# small Debian image as a non-root user. Build: `docker build -t booking .`; run it with
# compose.yaml (PostgreSQL, Redis, a mail catcher, N web processes behind a proxy, a worker).

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

FROM rust:${RUST_VERSION}-${DEBIAN_RELEASE} AS build
# Node.js and npm give wasm-opt (npm's binaryen 132: Debian's breaks hydration) and Swagger UI.
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
RUN rustup target add wasm32-unknown-unknown
# The same tool versions as the Makefile; wasm-bindgen-cli must equal the crate in Cargo.lock.
RUN cargo install cargo-leptos --version 0.3.10 --locked \
    && cargo install wasm-bindgen-cli --version 0.2.130
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# SQLX_OFFLINE: the queries were checked against the schema when .sqlx/ was made; the build
# talks to no database.
ENV SQLX_OFFLINE=true CARGO_TARGET_DIR=/src/target CARGO_INCREMENTAL=0
RUN mkdir -p public/docs \
    && cp node_modules/swagger-ui-dist/swagger-ui.css \
          node_modules/swagger-ui-dist/swagger-ui-bundle.js public/docs/ \
    && cargo leptos build --release --precompress --split \
    && mkdir -p /out \
    && cp target/release/server /out/server \
    && cp -r target/site /out/site

FROM debian:${DEBIAN_RELEASE}-slim AS runtime
# ca-certificates: SMTP over TLS to a real mail provider.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin booking \
    && mkdir -p /var/lib/booking/media /var/lib/booking/outbox \
    && chown booking /var/lib/booking/media /var/lib/booking/outbox
COPY --from=build /out/server /app/server
COPY --from=build /out/site /app/site
WORKDIR /app
# Production by default: the server then refuses to start without a JWT_SECRET_KEY of at least
# 32 characters and never loads demo data. The LEPTOS_* names say where the built site is.
ENV APP_ENV=production \
    LEPTOS_OUTPUT_NAME=booking \
    LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_SITE_ADDR=0.0.0.0:3000 \
    LEPTOS_ENV=PROD \
    MEDIA_DIR=/var/lib/booking/media \
    MAIL_OUTBOX_DIR=/var/lib/booking/outbox \
    RUST_LOG=info,sqlx=warn
USER booking
VOLUME ["/var/lib/booking/media"]
EXPOSE 3000
# `server healthcheck` asks /health/live on this container's port: the image has no curl.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/app/server", "healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/server"]
# One process serving and running the worker; compose.yaml runs `serve --no-worker` and
# `worker` as separate services instead.
CMD ["serve"]

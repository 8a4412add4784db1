#!/usr/bin/env bash
# Starts sockudo, the local Pusher-compatible server: one app from PUSHER_APP_*,
# bound to 127.0.0.1:PUSHER_PORT, memory drivers, rate limiter and metrics off.
# `exec`s so the caller's signals reach sockudo itself.
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH"
# sockudo reads ./config/config.toml when present: run it where there is none.
cd "${SOCKUDO_WORKDIR:-${TMPDIR:-/tmp}}"
exec env \
  HOST=127.0.0.1 \
  PORT="${PUSHER_PORT:-6001}" \
  SOCKUDO_DEFAULT_APP_ID="${PUSHER_APP_ID:-app-id}" \
  SOCKUDO_DEFAULT_APP_KEY="${PUSHER_APP_KEY:-app-key}" \
  SOCKUDO_DEFAULT_APP_SECRET="${PUSHER_APP_SECRET:-app-secret}" \
  SOCKUDO_DEFAULT_APP_ENABLE_CLIENT_MESSAGES=true \
  SOCKUDO_DEFAULT_APP_ENABLE_USER_AUTHENTICATION=false \
  ADAPTER_DRIVER=local CACHE_DRIVER=memory QUEUE_DRIVER=memory \
  RATE_LIMITER_ENABLED=false METRICS_ENABLED=false \
  SHUTDOWN_GRACE_PERIOD="${SOCKUDO_SHUTDOWN_GRACE_PERIOD:-1}" \
  RUST_LOG="${SOCKUDO_LOG:-warn}" \
  sockudo

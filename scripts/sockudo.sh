#!/usr/bin/env bash
# Starts sockudo, the local Pusher-compatible server: one app from PUSHER_APP_*,
# bound to 127.0.0.1:PUSHER_PORT, memory drivers, rate limiter and metrics off.
# Client events are off (no feature sends them; a socket could otherwise talk to
# every other member of a channel it joined); SOCKUDO_CLIENT_EVENTS=true turns
# them on for the Pusher client's own protocol tests.
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
  SOCKUDO_DEFAULT_APP_ENABLE_CLIENT_MESSAGES="${SOCKUDO_CLIENT_EVENTS:-false}" \
  SOCKUDO_DEFAULT_APP_ENABLE_USER_AUTHENTICATION=false \
  ADAPTER_DRIVER=local CACHE_DRIVER=memory QUEUE_DRIVER=memory \
  RATE_LIMITER_ENABLED=false METRICS_ENABLED=false \
  SHUTDOWN_GRACE_PERIOD="${SOCKUDO_SHUTDOWN_GRACE_PERIOD:-1}" \
  RUST_LOG="${SOCKUDO_LOG:-warn}" \
  sockudo

#!/usr/bin/env bash
# README command 1: install what is missing, build, and run the dashboard on the
# local stack (the reference backend serving dist/ + API, and sockudo).
# Ctrl-C stops everything this script started.
#
# Environment (all optional):
#   DASHBOARD_PORT (8080)  PUSHER_PORT (6001)  DATA_DIR (./.data)
#   SEED_ADMIN=user:password  SEED_USER=user:password  ACCESS_TOKEN_TTL_SECS (1800)
#   PUSHER_APP_ID / PUSHER_APP_KEY / PUSHER_APP_SECRET
#   SKIP_BUILD=1 to reuse an existing dist/ and backend build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

export DASHBOARD_PORT="${DASHBOARD_PORT:-8080}"
export PUSHER_PORT="${PUSHER_PORT:-6001}"
export DATA_DIR="${DATA_DIR:-$REPO_ROOT/.data}"
export SEED_ADMIN="${SEED_ADMIN:-admin:admin-pass-123}"
export SEED_USER="${SEED_USER:-teacher:teacher-pass-123}"
export PUSHER_APP_ID="${PUSHER_APP_ID:-app-id}"
export PUSHER_APP_KEY="${PUSHER_APP_KEY:-app-key}"
export PUSHER_APP_SECRET="${PUSHER_APP_SECRET:-app-secret}"

port_free "$DASHBOARD_PORT" || die "port $DASHBOARD_PORT is already in use (set DASHBOARD_PORT to another port)"
port_free "$PUSHER_PORT" || die "port $PUSHER_PORT is already in use (set PUSHER_PORT to another port)"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  scripts/bootstrap.sh
  say "building the dashboard (release; ≈2 min cold, seconds when warm)"
  trunk build --release
  say "building the reference backend (≈2 min cold)"
  cargo build -p reference-backend
fi
[ -f dist/index.html ] || die "dist/ is missing: run without SKIP_BUILD=1"

mkdir -p "$DATA_DIR"
export DATA_DIR="$(cd "$DATA_DIR" && pwd)"
# This environment's runtime settings, served as /app-config.json.
cat >"$DATA_DIR/app-config.json" <<JSON
{
  "environment": "local",
  "api_base_url": "",
  "refresh_interval_secs": 5,
  "pusher": {
    "key": "$PUSHER_APP_KEY",
    "cluster": "mt1",
    "ws_host": "127.0.0.1",
    "ws_port": $PUSHER_PORT,
    "force_tls": false,
    "auth_endpoint": "/api/v1/pusher/auth"
  }
}
JSON

pids=()
stop_all() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    say "stopping the local stack"
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap 'stop_all; exit 130' INT TERM
trap stop_all EXIT

wait_for() { # URL SECONDS NAME PID
  local deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    kill -0 "$4" 2>/dev/null || die "$3 exited during start-up (see the log above)"
    [ $SECONDS -lt $deadline ] || die "$3 did not answer $1 within $2 s"
    sleep 0.2
  done
}

say "starting sockudo on 127.0.0.1:$PUSHER_PORT"
SOCKUDO_WORKDIR="$DATA_DIR" scripts/sockudo.sh &
pids+=($!)
wait_for "http://127.0.0.1:$PUSHER_PORT/up/$PUSHER_APP_ID" 30 sockudo "${pids[-1]}"

say "starting the reference backend on 127.0.0.1:$DASHBOARD_PORT"
DIST_DIR="$REPO_ROOT/dist" VERCEL_JSON="$REPO_ROOT/vercel.json" APP_CONFIG="$DATA_DIR/app-config.json" \
PUSHER_URL="http://127.0.0.1:$PUSHER_PORT" CSP_EXTRA_CONNECT_SRC="ws://127.0.0.1:$PUSHER_PORT" \
  "$REPO_ROOT/target/debug/reference-backend" &
pids+=($!)
wait_for "http://127.0.0.1:$DASHBOARD_PORT/api/v1/health/live" 60 "reference backend" "${pids[-1]}"
wait_for "http://127.0.0.1:$DASHBOARD_PORT/" 10 "reference backend" "${pids[-1]}"

cat <<INFO

  Dashboard:  http://127.0.0.1:$DASHBOARD_PORT
  Sign in as  ${SEED_ADMIN%%:*} / ${SEED_ADMIN#*:}   (admin)
         or   ${SEED_USER%%:*} / ${SEED_USER#*:}   (teacher)
  Pusher:     ws://127.0.0.1:$PUSHER_PORT (app key $PUSHER_APP_KEY)
  Data:       $DATA_DIR
  Press Ctrl-C to stop.

INFO
echo "READY http://127.0.0.1:$DASHBOARD_PORT"

# If either process dies, stop the other and fail.
set +e
wait -n "${pids[@]}"
status=$?
set -e
die "a part of the local stack stopped unexpectedly (exit $status)"

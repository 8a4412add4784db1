#!/usr/bin/env bash
# README command 1: install what is missing, build, and run the dashboard on the
# local stack (the reference backend serving dist/ + API, and sockudo).
# Ctrl-C stops everything this script started.
#
# Environment (all optional):
#   DASHBOARD_PORT (8080)  PUSHER_PORT (6001)  DATA_DIR (./.data)
#   SEED_ADMIN=user:password  SEED_USER=user:password  ACCESS_TOKEN_TTL_SECS (1800)
#   PUSHER_APP_ID / PUSHER_APP_KEY / PUSHER_APP_SECRET
#   AUTH_MODE=oidc for hosted sign-in: a real OpenID provider (tools/oidc,
#     panva's oidc-provider) on OIDC_PORT (9090) with the same seeded accounts;
#     OIDC_ACCESS_TOKEN_TTL_SECS (600). AUTH_MODE=password (default): the form.
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
AUTH_MODE="${AUTH_MODE:-password}"
export OIDC_PORT="${OIDC_PORT:-9090}"
case "$AUTH_MODE" in
  password) ;;
  oidc) port_free "$OIDC_PORT" || die "port $OIDC_PORT is already in use (set OIDC_PORT to another port)" ;;
  *) die "AUTH_MODE must be password or oidc, not $AUTH_MODE" ;;
esac

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
OIDC_ISSUER_URL="http://127.0.0.1:$OIDC_PORT"
if [ "$AUTH_MODE" = oidc ]; then
  AUTH_JSON="{ \"mode\": \"oidc\", \"issuer\": \"$OIDC_ISSUER_URL\", \"client_id\": \"toolboxai-dashboard\", \"resource\": \"urn:toolboxai:api\", \"provider_name\": \"ToolBoxAI Identity\" }"
else
  AUTH_JSON='{ "mode": "password" }'
fi
cat >"$DATA_DIR/app-config.json" <<JSON
{
  "environment": "local",
  "auth": $AUTH_JSON,
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

# Each part runs under a small supervisor, like a process manager: a part that
# dies is restarted (1 s, then doubling up to 30 s; back to 1 s once it has
# run for a minute) while the others keep serving. Five exits within a minute
# is a crash loop: the supervisor gives up and the whole stack stops.
run_dir="$DATA_DIR/run"
mkdir -p "$run_dir"
rm -f "$run_dir"/*.pid "$run_dir/stopping"

supervise() { # NAME COMMAND...
  local name="$1"
  shift
  local delay=1 started status
  local -a exits=()
  while :; do
    started=$SECONDS
    "$@" &
    echo $! >"$run_dir/$name.pid"
    set +e
    wait $!
    status=$?
    set -e
    [ -e "$run_dir/stopping" ] && return 0
    exits+=("$SECONDS")
    local -a recent=()
    for t in "${exits[@]}"; do [ $((SECONDS - t)) -lt 60 ] && recent+=("$t"); done
    exits=("${recent[@]}")
    if [ ${#exits[@]} -ge 5 ]; then
      printf 'error: %s exited %d times within a minute (last status %d): giving up\n' "$name" "${#exits[@]}" "$status" >&2
      return 1
    fi
    [ $((SECONDS - started)) -ge 60 ] && delay=1
    say "$name exited (status $status); restarting it in ${delay} s"
    sleep "$delay"
    delay=$((delay * 2 > 30 ? 30 : delay * 2))
  done
}

supervisors=()
stop_all() {
  trap - INT TERM EXIT
  touch "$run_dir/stopping"
  if [ ${#supervisors[@]} -gt 0 ]; then
    say "stopping the local stack"
    for f in "$run_dir"/*.pid; do
      [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
    done
    wait "${supervisors[@]}" 2>/dev/null || true
  fi
}
trap 'stop_all; exit 130' INT TERM
trap stop_all EXIT

wait_for() { # URL SECONDS NAME SUPERVISOR_PID
  local deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    kill -0 "$4" 2>/dev/null || die "$3 could not be started (see the log above)"
    [ $SECONDS -lt $deadline ] || die "$3 did not answer $1 within $2 s"
    sleep 0.2
  done
}

say "starting sockudo on 127.0.0.1:$PUSHER_PORT"
SOCKUDO_WORKDIR="$DATA_DIR" supervise sockudo scripts/sockudo.sh &
supervisors+=($!)
wait_for "http://127.0.0.1:$PUSHER_PORT/up/$PUSHER_APP_ID" 30 sockudo "${supervisors[-1]}"

backend_oidc=()
csp_extra="ws://127.0.0.1:$PUSHER_PORT"
if [ "$AUTH_MODE" = oidc ]; then
  say "starting the OpenID provider (oidc-provider) on $OIDC_ISSUER_URL"
  OIDC_ISSUER="$OIDC_ISSUER_URL" DASHBOARD_ORIGINS="http://127.0.0.1:$DASHBOARD_PORT,http://localhost:$DASHBOARD_PORT" \
    supervise oidc-provider node tools/oidc/server.mjs &
  supervisors+=($!)
  wait_for "$OIDC_ISSUER_URL/.well-known/openid-configuration" 30 "the OpenID provider" "${supervisors[-1]}"
  backend_oidc=(OIDC_ISSUER="$OIDC_ISSUER_URL" OIDC_AUDIENCE="urn:toolboxai:api" OIDC_CLIENT_IDS="toolboxai-dashboard")
  csp_extra="$csp_extra $OIDC_ISSUER_URL"
fi

say "starting the reference backend on 127.0.0.1:$DASHBOARD_PORT"
# The route list Vercel derives from vercel.json (routing-utils), which the server executes.
node tools/vercel-routes.mjs vercel.json --out "$DATA_DIR/vercel-routes.json"
# MALLOC_ARENA_MAX=2: glibc would keep an allocator arena per thread that ever
# allocated, so memory stayed at its peak after a burst (reports/abuse.md).
MALLOC_ARENA_MAX=2 DIST_DIR="$REPO_ROOT/dist" VERCEL_ROUTES="$DATA_DIR/vercel-routes.json" APP_CONFIG="$DATA_DIR/app-config.json" \
PUSHER_URL="http://127.0.0.1:$PUSHER_PORT" CSP_EXTRA_CONNECT_SRC="$csp_extra" \
  supervise reference-backend env "${backend_oidc[@]}" "$REPO_ROOT/target/debug/reference-backend" &
supervisors+=($!)
wait_for "http://127.0.0.1:$DASHBOARD_PORT/api/v1/health/live" 60 "reference backend" "${supervisors[-1]}"
wait_for "http://127.0.0.1:$DASHBOARD_PORT/" 10 "reference backend" "${supervisors[-1]}"

cat <<INFO

  Dashboard:  http://127.0.0.1:$DASHBOARD_PORT
  Sign-in:    $AUTH_MODE$([ "$AUTH_MODE" = oidc ] && echo " (hosted, at $OIDC_ISSUER_URL)")
  Sign in as  ${SEED_ADMIN%%:*} / ${SEED_ADMIN#*:}   (admin)
         or   ${SEED_USER%%:*} / ${SEED_USER#*:}   (teacher)
  Pusher:     ws://127.0.0.1:$PUSHER_PORT (app key $PUSHER_APP_KEY)
  Data:       $DATA_DIR (process ids in $run_dir)
  A part that dies is restarted; Ctrl-C stops everything.

INFO
echo "READY http://127.0.0.1:$DASHBOARD_PORT"

# Only a supervisor that gave up (a crash loop) ends the stack.
set +e
wait -n "${supervisors[@]}"
status=$?
set -e
die "a part of the local stack is in a crash loop (exit $status); see the log above"

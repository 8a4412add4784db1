#!/usr/bin/env bash
# The @smoke set exactly as it runs against a deployment (BASE_URL mode: no
# harness-managed stack), pointed at a local stack started with scripts/run.sh
# as the stand-in deployment: once without credentials (production-safe, read
# only), once with them (sign-in, observability, chat round trip).
# Then the supervisor check: kill -9 of the stack's Pusher server while the
# dashboard is open (e2e/tests/supervisor.spec.ts).
# Needs dist/ and the backend built (scripts/test.sh builds them first).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

free_port() { # first free port from $1
  local p="$1"
  until port_free "$p"; do p=$((p + 1)); done
  echo "$p"
}
export DASHBOARD_PORT PUSHER_PORT SEED_ADMIN SEED_USER
SEED_ADMIN="${SEED_ADMIN:-admin:admin-pass-123}"
SEED_USER="${SEED_USER:-teacher:teacher-pass-123}"
DASHBOARD_PORT=$(free_port 18480)
PUSHER_PORT=$(free_port 16401)
data_dir=$(mktemp -d)
log="$data_dir/stack.log"

SKIP_BUILD=1 DATA_DIR="$data_dir" scripts/run.sh >"$log" 2>&1 &
stack_pid=$!
cleanup() {
  kill "$stack_pid" 2>/dev/null || true
  wait "$stack_pid" 2>/dev/null || true
  rm -rf "$data_dir"
}
trap cleanup EXIT

deadline=$((SECONDS + 90))
until grep -q '^READY ' "$log"; do
  kill -0 "$stack_pid" 2>/dev/null || { cat "$log"; die "the local stack did not start"; }
  [ $SECONDS -lt $deadline ] || { cat "$log"; die "the local stack did not start within 90 s"; }
  sleep 0.5
done
url="http://127.0.0.1:$DASHBOARD_PORT"

say "@smoke against $url without credentials (what is safe on production)"
# Its own output dir: Playwright empties it per run, and e2e/test-results holds the main run's traces.
(cd e2e && BASE_URL="$url" npx playwright test --grep @smoke --reporter=list --output test-results-smoke/anonymous)

say "@smoke against $url with credentials"
(cd e2e && BASE_URL="$url" \
  E2E_ADMIN_USER="${SEED_ADMIN%%:*}" E2E_ADMIN_PASSWORD="${SEED_ADMIN#*:}" \
  E2E_USER="${SEED_USER%%:*}" E2E_USER_PASSWORD="${SEED_USER#*:}" \
  npx playwright test --grep @smoke --reporter=list --output test-results-smoke/signed-in)

say "the stack survives a dying part: kill -9 of its Pusher server"
(cd e2e && BASE_URL="$url" RUN_SH_DATA_DIR="$data_dir" \
  E2E_ADMIN_USER="${SEED_ADMIN%%:*}" E2E_ADMIN_PASSWORD="${SEED_ADMIN#*:}" \
  E2E_USER="${SEED_USER%%:*}" E2E_USER_PASSWORD="${SEED_USER#*:}" \
  npx playwright test supervisor --reporter=list --output test-results-smoke/supervisor)
grep -q "sockudo exited (status" "$log" || { cat "$log"; die "the supervisor did not report the restart"; }

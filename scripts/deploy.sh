#!/usr/bin/env bash
# Deploy to Vercel as a prebuilt Build Output: Vercel's build image has no Rust,
# so the site is built here (the same release build the tests run against) and
# uploaded as static files with the routes Vercel derives from vercel.json.
#
#   scripts/deploy.sh            # build and prepare .vercel/output, then deploy a preview
#   scripts/deploy.sh --prod     # ... deploy to production
#   scripts/deploy.sh --dry-run  # build and prepare only (no Vercel account needed)
#
# Environment:
#   VERCEL_TOKEN, VERCEL_ORG_ID, VERCEL_PROJECT_ID   the project to deploy to (not for --dry-run)
#   APP_CONFIG=path/to/app-config.json               this environment's runtime config, or:
#   APP_ENVIRONMENT, API_BASE_URL, CHAT_API_BASE_URL, REFRESH_INTERVAL_SECS,
#   PUSHER_KEY, PUSHER_CLUSTER                       to make one (see tools/vercel-output.mjs)
#   SKIP_BUILD=1                                     reuse dist/
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

VERCEL_CLI_VERSION=64.0.2
mode=preview
for arg in "$@"; do
  case "$arg" in
    --prod) mode=production ;;
    --dry-run) mode=dry-run ;;
    *) die "unknown argument $arg (use --prod or --dry-run)" ;;
  esac
done

if [ "$mode" != dry-run ]; then
  [ -n "${VERCEL_TOKEN:-}" ] || die "VERCEL_TOKEN is not set (or use --dry-run)"
  [ -n "${VERCEL_ORG_ID:-}" ] && [ -n "${VERCEL_PROJECT_ID:-}" ] \
    || die "VERCEL_ORG_ID and VERCEL_PROJECT_ID name the project (see docs/deploy.md)"
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  scripts/bootstrap.sh
  say "building the dashboard (release)"
  trunk build --release
fi

say "preparing .vercel/output (Build Output API v3)"
node tools/vercel-output.mjs ${APP_CONFIG:+--app-config "$APP_CONFIG"}

if [ "$mode" = dry-run ]; then
  done_ "prepared; not deployed (--dry-run)"
  exit 0
fi
say "deploying ($mode) with the Vercel CLI $VERCEL_CLI_VERSION"
prod_flag=()
[ "$mode" = production ] && prod_flag=(--prod)
npx --yes "vercel@$VERCEL_CLI_VERSION" deploy --prebuilt "${prod_flag[@]}" --token "$VERCEL_TOKEN" --yes

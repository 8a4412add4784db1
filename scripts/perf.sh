#!/usr/bin/env bash
# The performance report: bytes per route (with the budget of e2e/perf/budget.json),
# load timings with and without 4x CPU throttling, memory and main-thread time over
# 1,000 accelerated refreshes, 10,000 Pusher events through the client. Prints the
# report and writes it to reports/performance.md (or $PERF_REPORT). ≈10 min when built (2 cores).
#   SKIP_BUILD=1 reuses dist/ and the backend build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  scripts/bootstrap.sh
  say "building the dashboard (release) and the reference backend"
  trunk build --release
  cargo build -p reference-backend
fi
export PERF_REPORT="${PERF_REPORT:-$REPO_ROOT/reports/performance.md}"
say "measuring (headless Chromium, local stacks)"
(cd e2e && npx playwright test --config playwright.perf.config.ts performance --output test-results-perf)
done_ "report: $PERF_REPORT"

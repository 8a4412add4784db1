#!/usr/bin/env bash
# README command 2: the whole test suite. Installs what is missing first, then:
# formatting, clippy (native and wasm32), native tests, browser unit tests
# (wasm-bindgen-test in headless Chromium), the deployment policy tests, the
# release build, vercel.json validation and a deploy dry run, the size budget,
# a bounded load-and-abuse run of the backend, Playwright E2E against local
# stacks it starts itself, the @smoke set in deployed-URL mode against a local
# stack, and the supervisor check (kill -9 of that stack's Pusher server).
# Reports: e2e/playwright-report/ (HTML) and e2e/test-results/ (traces of failures).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

scripts/bootstrap.sh

summary=()
record() { summary+=("$1"); }
step() { say "$*"; }

step "format check (cargo fmt --check)"
cargo fmt --all -- --check
record "fmt: ok"

step "clippy, native: backend and browser-free crates"
cargo clippy --workspace --exclude dashboard --all-targets -- -D warnings
step "clippy, wasm32: the dashboard"
cargo clippy -p dashboard -p dashboard-core -p pusher-core --target wasm32-unknown-unknown --lib -- -D warnings
cargo clippy -p dashboard --target wasm32-unknown-unknown --all-targets -- -D warnings
record "clippy: ok (native + wasm32)"
step "rustdoc: the core crates' documentation, links included"
RUSTDOCFLAGS="-D warnings" cargo doc -p dashboard-core -p pusher-core --no-deps --quiet
record "rustdoc: ok"

step "native tests (backend, core logic)"
native_log=$(mktemp)
cargo test --workspace --exclude dashboard 2>&1 | tee "$native_log"
record "native tests: $(grep -E '^test result:' "$native_log" | awk '{p+=$4; f+=$6} END {print p" passed, "f" failed"}')"

step "browser unit tests (wasm-bindgen-test, headless Chromium)"
wasm_log=$(mktemp)
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" \
  cargo test -p dashboard --target wasm32-unknown-unknown 2>&1 | tee "$wasm_log"
record "browser unit tests: $(grep -E '^test result:' "$wasm_log" | awk '{p+=$4; f+=$6} END {print p" passed, "f" failed"}')"

step "build tools: the deployment policy checker's, the import renaming's, the wasm naming's and the chart adapter's own tests"
node --test tools/vercel-rules.test.mjs tools/short-imports.test.mjs tools/split-app.test.mjs tools/charts/geometry.test.mjs
record "build tool tests (deployment policy, import renaming, chart windows and labels): ok"

step "release build (trunk build --release)"
trunk build --release
cargo build -q -p reference-backend
record "release build: ok (wasm bytes: app $(du -b dist/dashboard-*_bg.wasm | cut -f1), sign-in page $(du -b dist/signin-*_bg.wasm | cut -f1))"

step "vercel.json: Vercel's routing-utils (schemas, routes) and the deployment policy"
node tools/check-vercel-json.mjs
step "deploy flow, dry run: the Build Output Vercel would receive"
SKIP_BUILD=1 PUSHER_KEY=dry-run-key PUSHER_CLUSTER=us2 scripts/deploy.sh --dry-run
record "vercel.json + deploy dry run: ok"

failed=0
run_gate() { # NAME COMMAND...: run, record, remember a failure, go on
  local name="$1"
  shift
  if "$@"; then
    record "$name: ok"
  else
    record "$name: FAILED"
    failed=1
  fi
}

step "size budget (bytes per route on a first visit, e2e/perf/budget.json)"
mkdir -p reports/tmp
run_gate "size budget" bash -c 'cd e2e && PERF_REPORT="$PWD/../reports/tmp/budget.md" npx playwright test \
  --config playwright.perf.config.ts performance --grep budget --output test-results-budget --reporter=list'

step "load and abuse run (loopback, bounded, ≈40 s): 300 wrong sign-ins, 1,000 messages, 10,000 tasks"
run_gate "load and abuse run (reports/tmp/abuse.md)" node e2e/perf/abuse.mjs --report reports/tmp/abuse.md

step "end-to-end tests (Playwright + Chromium against a local stack)"
run_gate "e2e (report: e2e/playwright-report/index.html)" bash -c 'cd e2e && npx playwright test'

step "@smoke set in deployed-URL mode, against a local stack as the stand-in deployment"
run_gate "@smoke via BASE_URL" scripts/smoke-local.sh

echo
say "summary"
printf '  %s\n' "${summary[@]}"
exit $failed

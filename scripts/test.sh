#!/usr/bin/env bash
# README command 2: the whole test suite. Installs what is missing first, then:
# formatting, clippy (native and wasm32), native tests, browser unit tests
# (wasm-bindgen-test in headless Chromium), vercel.json validation, the
# release build, and Playwright E2E against a local stack it starts itself.
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

step "vercel.json: Vercel's own routing-utils vs the reference server's reading of it"
cargo build -q -p reference-backend
node tools/check-vercel-json.mjs
record "vercel.json: valid, routes identical to @vercel/routing-utils"

step "release build (trunk build --release)"
trunk build --release
record "release build: ok ($(du -b dist/*_bg.wasm | cut -f1) bytes of wasm)"

step "end-to-end tests (Playwright + Chromium against a local stack)"
set +e
(cd e2e && npx playwright test)
e2e_status=$?
set -e
[ $e2e_status -eq 0 ] && record "e2e: ok" || record "e2e: FAILED (report: e2e/playwright-report/index.html)"

echo
say "summary"
printf '  %s\n' "${summary[@]}"
exit $e2e_status

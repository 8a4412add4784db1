#!/usr/bin/env bash
# Installs every tool the project needs, idempotently: each step checks first and
# skips what is already present at the right version. Nothing is downloaded from
# GitHub or a CDN; only apt, crates.io and npm are used (see docs/toolchain.md).
#
#   scripts/bootstrap.sh            # everything
#   scripts/bootstrap.sh --no-sockudo   # skip the Pusher server (dashboard-only work)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

want_sockudo=1
for arg in "$@"; do
  case "$arg" in
    --no-sockudo) want_sockudo=0 ;;
    *) die "unknown option $arg" ;;
  esac
done

TRUNK_VERSION=0.21.14
SOCKUDO_VERSION=5.2.0
TOTAL=7
step=0
next() { step=$((step + 1)); say "[$step/$TOTAL] $*"; }

# ---------------------------------------------------------------------------
next "system packages: chromium, chromium-driver, protobuf-compiler, brotli, curl (≈1 min when missing)"
apt_pkgs=(chromium chromium-driver protobuf-compiler brotli curl)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  skip "all present"
else
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
  done_ "installed ${missing[*]}"
fi

# ---------------------------------------------------------------------------
next "Rust target wasm32-unknown-unknown (≈5 s when missing)"
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  skip "installed"
else
  rustup target add wasm32-unknown-unknown
  done_ "added"
fi

# ---------------------------------------------------------------------------
next "trunk $TRUNK_VERSION (≈8 min compile when missing)"
if have_version trunk "trunk $TRUNK_VERSION"; then
  skip "trunk $TRUNK_VERSION present"
else
  # 0.22.x declares rust-version 1.96.1; 0.21.14 is the newest that builds on 1.95.
  cargo install trunk --version "$TRUNK_VERSION" --locked
  done_ "installed"
fi

# ---------------------------------------------------------------------------
WBG_VERSION=$(wasm_bindgen_version)
next "wasm-bindgen-cli $WBG_VERSION, matching Cargo.lock (≈2 min compile when missing)"
if have_version wasm-bindgen "wasm-bindgen $WBG_VERSION"; then
  skip "wasm-bindgen $WBG_VERSION present"
else
  install_wasm_bindgen_cli "$WBG_VERSION"
  done_ "installed"
fi

# ---------------------------------------------------------------------------
WSPLIT_VERSION=0.2.4
next "wasm-split-cli $WSPLIT_VERSION, which cuts the app's lazy pages into their own wasm chunks (≈2 min compile when missing)"
if cargo install --list | grep -qF "wasm_split_cli_support v$WSPLIT_VERSION:"; then
  skip "wasm-split-cli $WSPLIT_VERSION present"
else
  cargo install wasm_split_cli_support --version "$WSPLIT_VERSION" --features build-binary --locked
  done_ "installed"
fi

# ---------------------------------------------------------------------------
next "npm packages: tools/ (wasm-opt from binaryen 132), tools/oidc/ (the local OpenID provider) and e2e/ (Playwright) (≈10 s)"
npm_install tools
npm_install tools/oidc
npm_install e2e
# Debian's binaryen 108 produces a wasm that fails in the browser; ours must win.
"$PWD/tools/node_modules/.bin/wasm-opt" --version | grep -q "version 132" \
  || die "tools/node_modules/.bin/wasm-opt is not binaryen 132"
done_ "npm dependencies ready"

# ---------------------------------------------------------------------------
next "sockudo $SOCKUDO_VERSION, the local Pusher server (≈11 min compile when missing)"
if [ "$want_sockudo" -eq 0 ]; then
  skip "skipped (--no-sockudo)"
elif have_version sockudo "$SOCKUDO_VERSION"; then
  skip "sockudo $SOCKUDO_VERSION present"
else
  cargo install sockudo --version "$SOCKUDO_VERSION" --locked
  done_ "installed"
fi

say "bootstrap complete"

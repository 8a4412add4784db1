# Shared helpers for the project's scripts. Source from the repository root.
# shellcheck shell=bash

REPO_ROOT="$PWD"
export PATH="$HOME/.cargo/bin:$REPO_ROOT/tools/node_modules/.bin:$PATH"
# trunk: never ask crates.io for updates, never download tools.
export TRUNK_SKIP_VERSION_CHECK=true
export TRUNK_OFFLINE=true

if [ -t 1 ]; then
  _b=$'\e[1m'; _d=$'\e[2m'; _g=$'\e[32m'; _r=$'\e[31m'; _z=$'\e[0m'
else
  _b=""; _d=""; _g=""; _r=""; _z=""
fi

say()   { printf '%s==> %s%s\n' "$_b" "$*" "$_z"; }
skip()  { printf '    %sskip: %s%s\n' "$_d" "$*" "$_z"; }
done_() { printf '    %sdone: %s%s\n' "$_g" "$*" "$_z"; }
die()   { printf '%serror: %s%s\n' "$_r" "$*" "$_z" >&2; exit 1; }

# have_version CMD EXPECTED: CMD exists and `CMD --version` mentions EXPECTED.
have_version() {
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>&1 | grep -qF "$2"
}

# The wasm-bindgen version in Cargo.lock; wasm-bindgen-cli must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

# wasm-bindgen-cli's own lockfile can pin a crate newer than the registry mirror
# has (0.2.130 pins webpki-roots 1.0.11). Try it as published, then with such pins
# relaxed to what the registry offers, still --locked for everything else.
install_wasm_bindgen_cli() {
  local version="$1"
  if cargo install wasm-bindgen-cli --version "$version" --locked; then
    return 0
  fi
  local crate scratch
  crate=$(ls "$HOME"/.cargo/registry/cache/*/wasm-bindgen-cli-"$version".crate 2>/dev/null | head -n 1)
  [ -n "$crate" ] || die "wasm-bindgen-cli $version was not downloaded"
  scratch=$(mktemp -d)
  tar xzf "$crate" -C "$scratch"
  (
    cd "$scratch/wasm-bindgen-cli-$version"
    cargo update -p webpki-roots --precise 1.0.10
    cargo install --path . --locked
  )
  rm -rf "$scratch"
}

# npm_install DIR: `npm ci` unless DIR/node_modules already matches its lockfile.
npm_install() {
  local dir="$1" stamp="$1/node_modules/.package-lock.sha256"
  local want
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    skip "$dir/node_modules up to date"
    return 0
  fi
  # ~/.npmrc on these machines sets nodedir, which npm 11 warns about on every call.
  npm ci --prefix "$dir" --no-audit --no-fund 2>&1 | { grep -v 'Unknown user config "nodedir"' || true; }
  [ "${PIPESTATUS[0]}" -eq 0 ] || die "npm ci failed in $dir"
  echo "$want" >"$stamp"
}

# port_free PORT: nothing listens on 127.0.0.1:PORT.
port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

#!/usr/bin/env bash
# Installs what building and testing need, skipping what is already there:
# the wasm32 target, wasm-bindgen-cli at the version Cargo.lock pins, wasm-pack, the npm
# dev-dependencies (wasm-opt is npm's binaryen), and with --browser Debian's Chromium and ChromeDriver.
# Nothing is downloaded from outside the package registries (crates.io, Debian, npm).
set -euo pipefail
cd "$(dirname "$0")/.."

browser=false
for arg in "$@"; do
  case "$arg" in
    --browser) browser=true ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else say "need root to run: $*"; return 1; fi
}

apt_updated=false
apt_install() {
  if ! $apt_updated; then as_root apt-get update -qq; apt_updated=true; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

command -v cargo >/dev/null || { say "cargo not found: install Rust with rustup first"; exit 1; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version"
  # --locked first; a registry mirror that lacks a locked dependency version needs a fresh resolve.
  cargo install wasm-bindgen-cli --version "$bindgen_version" --locked --force \
    || cargo install wasm-bindgen-cli --version "$bindgen_version" --force
fi

if ! command -v wasm-pack >/dev/null; then
  say "installing wasm-pack"
  cargo install wasm-pack --locked || cargo install wasm-pack
fi

if $browser && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
  say "installing Chromium and ChromeDriver (Debian's packages)"
  apt_install chromium chromium-driver
fi

if [ -f package-lock.json ] && { [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  command -v npm >/dev/null || apt_install nodejs npm
  say "installing npm dev-dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi

#!/usr/bin/env bash
# Sets up what is missing and runs every test: formatting and lints, native unit,
# property, fixture and CLI tests, the Wasm shell's tests under Node and in Chromium,
# and the end-to-end tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

step setup
scripts/setup.sh --browser

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (native and wasm32)"
cargo clippy --all-targets -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings
# The fetched modules leave out parts of the crate by feature: each is linted as built.
for features in view full; do
  cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features "$features" -- -D warnings
done

step "cargo test"
cargo test

step "wasm-pack test --node (the Wasm API) and --chrome (the browser stores)"
wasm-pack test --node --no-default-features --features full --test web
# Chrome under chromedriver sometimes never runs the test page's first script: the runner
# waits on "Loading scripts..." until the renderer times out, 300 s later (wasm-pack#783). On
# this kind of machine (Chromium 156.0.8078.129, 2026-12-08) it hung in 7 of 9 first runs
# after the test's Wasm was rebuilt (3 of the 4 CI runs among them) and in 1 of 9 other
# runs. Such a hang, and only that, gets one more try; a test that fails, fails. A run with
# its compile takes 5-50 s, so 90 s means hung.
browser_log=$(mktemp)
for attempt in 1 2; do
  status=0
  timeout --kill-after=10 90 wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver \
    --no-default-features --test browser >"$browser_log" 2>&1 || status=$?
  cat "$browser_log"
  [ "$status" = 0 ] && break
  hung=false
  if [ "$status" = 124 ] || grep -q 'Failed to detect test as having been run' "$browser_log"; then hung=true; fi
  if [ "$attempt" = 2 ] || ! $hung; then exit "$status"; fi
  echo "the browser never ran the Wasm tests (status $status): once more" >&2
done
rm -f "$browser_log"

step "build the Wasm module and the npm package"
scripts/build-wasm.sh
scripts/build-npm.sh

step "size budgets"
node bench/budget.mjs

step "end-to-end tests in Chromium"
node --test tests/e2e/

step "all tests passed"

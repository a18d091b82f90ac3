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
wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver --no-default-features --test browser

step "build the Wasm module and the npm package"
scripts/build-wasm.sh
scripts/build-npm.sh

step "size budgets"
node bench/budget.mjs

step "end-to-end tests in Chromium"
node --test tests/e2e/

step "all tests passed"

#!/usr/bin/env bash
# Builds the npm package `policy-consent` for `--target web` (plain ESM in browsers) and
# `--target bundler` into target/npm/{web,bundler}: the module, TypeScript types for the
# whole API, the stylesheet and README; then packs each (npm pack) beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
for target in web bundler; do
  out="target/npm/$target"
  rm -rf "$out"
  wasm-pack --quiet build --target "$target" --release --out-dir "$out" --out-name policy_consent -- --no-default-features
  npx --no-install wasm-opt -Oz --strip-debug --strip-producers --strip-target-features \
    "$out/policy_consent_bg.wasm" -o "$out/policy_consent_bg.wasm"
  cat src/web/ui.css src/render/policy.css > "$out/policy-consent.css"
  node scripts/finish-npm.mjs "$out"
  (cd "$out" && npm pack --silent >/dev/null)
  printf 'built %s: %s\n' "$out" "$(ls "$out"/*.tgz)" >&2
done

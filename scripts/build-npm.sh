#!/usr/bin/env bash
# Builds the npm package `policy-consent` for `--target web` (plain ESM in browsers) and
# `--target bundler` into target/npm/{web,bundler}: the consent app module (the package's
# entry, with TypeScript types for the whole API), the view and full modules beside it, the
# loader, the stylesheet and README; then packs each (npm pack) beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
for target in web bundler; do
  out="target/npm/$target"
  rm -rf "$out"
  scripts/build-wasm.sh "$out" "$target"
  rm -f "$out/policy.css" "$out/.gitignore"
  cp README.md "$out/README.md"
  # (For web, scripts/build-wasm.sh has put the loader beside the glue.)
  node scripts/finish-npm.mjs "$out" "$target"
  (cd "$out" && npm pack --silent >/dev/null)
  printf 'built %s: %s\n' "$out" "$(ls "$out"/*.tgz)" >&2
done

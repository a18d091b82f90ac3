#!/usr/bin/env bash
# Builds the npm package `policy-consent` for `--target web` (plain ESM in browsers) and
# `--target bundler` into target/npm/{web,bundler}: the consent app module (the package's
# entry, with TypeScript types for the whole API), the full module beside it, the loader,
# the stylesheet and README; then packs each (npm pack) beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
for target in web bundler; do
  out="target/npm/$target"
  rm -rf "$out"
  scripts/build-wasm.sh "$out" "$target"
  rm -f "$out/policy.css" "$out/.gitignore"
  cp README.md "$out/README.md"
  # The loader, fetching and importing the app from beside it (its Wasm too).
  if [ "$target" = web ]; then
    npx --no-install esbuild src/web/loader.js --minify --format=esm --log-level=warning | sed 's|"\./pkg/|"./|g' > "$out/policy-consent.js"
  fi
  node scripts/finish-npm.mjs "$out" "$target"
  (cd "$out" && npm pack --silent >/dev/null)
  printf 'built %s: %s\n' "$out" "$(ls "$out"/*.tgz)" >&2
done

#!/usr/bin/env bash
# Builds the three Wasm modules into www/pkg (wasm-pack, then wasm-opt -Oz from npm's
# binaryen), the one stylesheet, and copies the sample policy into the site root www/:
#   policy_consent        the consent app: engine, UI, storage, gating, signals;
#   policy_consent_view   parser, renderer: fetched when the viewer shows the policy;
#   policy_consent_full   those and the comparison: fetched when changes are marked or
#                         listed (and the npm package's `full` entry for sites' own use).
# For --target web the JS glue is minified (esbuild, an npm dev-dependency) and the
# imports get short names (scripts/short-imports.mjs).
# For --target web it also builds the loader, minified from src/web/loader.js: into www/ as
# www/policy-consent.js, elsewhere beside the glue (the npm package) as OUT_DIR/policy-consent.js.
# (The banner path itself is that loader, the stylesheet and the manifest.)
# usage: scripts/build-wasm.sh [OUT_DIR] [TARGET]   (default www/pkg web)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-www/pkg}"
target="${2:-web}"

build() { # name, cargo features
  local name=$1 features=$2
  # Optimised for size: the release profile (Cargo.toml) is the native CLI's, for speed.
  wasm-pack --quiet build --target "$target" --release --out-dir "$out" --out-name "$name" --no-pack \
    -- --no-default-features $features --config 'profile.release.opt-level="z"'
  # binaryen from npm (a current release; Debian's 108 breaks wasm-bindgen's externref
  # table). It reads the enabled Wasm features from the module's target_features section.
  # The exported functions go first, so that no two of their indices are equal modulo 128
  # (V8 names them by index through a cache that otherwise grows the heap by 64 KB).
  node scripts/export-first.mjs name "$out/${name}_bg.wasm"
  npx --no-install wasm-opt -Oz --reorder-functions-by-name --strip-debug --strip-producers --strip-target-features \
    "$out/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
  node scripts/export-first.mjs check "$out/${name}_bg.wasm"
  for glue in "$out/$name.js" "$out/${name}_bg.js"; do
    if [ -f "$glue" ]; then node scripts/inline-snippets.mjs "$glue"; fi
  done
  # The glue's source text stays in the page's JS heap as long as the module lives (V8
  # keeps it for lazy compilation): minified, the app's is 25 KB instead of 56 KB, and
  # short import names ("0", "1", … for wasm-bindgen's hashed ones) save the heap another
  # 12 KB. Only for browsers' plain ESM (web); bundlers link the imports by name and
  # minify their own. The types header is kept.
  if [ "$target" = web ]; then
    local glue="$out/$name.js" header
    node scripts/short-imports.mjs "$out/${name}_bg.wasm" "$glue"
    node scripts/init-no-request.mjs "$glue"
    header=$(head -n 1 "$glue" | grep '^/\* @ts-self-types=' || true)
    npx --no-install esbuild "$glue" --minify --format=esm --log-level=warning --outfile="$glue.min"
    { [ -z "$header" ] || echo "$header"; cat "$glue.min"; } > "$glue"
    rm "$glue.min"
  fi
}
rm -rf "$out"
mkdir -p "$out"
build policy_consent_full "--features full"
build policy_consent_view "--features view"
build policy_consent ""
rm -rf "$out/snippets"
# One stylesheet for the UI and the rendered policy it shows.
cat src/web/ui.css src/render/policy.css > "$out/policy-consent.css"
cp src/render/policy.css "$out/policy.css"
if [ "$out" = www/pkg ]; then
  rm -rf www/policy
  cp -r policy www/policy
fi
# The loader's text stays in the page's heap too: minified (and ASCII, so a one-byte string)
# it is ~6 KB less, and 1.6 KiB less gzip on the banner path. It imports the app from ./pkg/;
# beside the glue, from ./.
if [ "$target" = web ]; then
  loader=$(npx --no-install esbuild src/web/loader.js --minify --format=esm --log-level=warning)
  if [ "$out" = www/pkg ]; then
    printf '%s\n' "$loader" > www/policy-consent.js
  else
    printf '%s\n' "$loader" | sed 's|"\./pkg/|"./|g' > "$out/policy-consent.js"
  fi
fi
for name in policy_consent policy_consent_view policy_consent_full; do
  wasm="$out/${name}_bg.wasm"
  printf 'built %s: %d bytes, %d gzip -9\n' "$wasm" "$(wc -c <"$wasm")" "$(gzip -9c "$wasm" | wc -c)" >&2
done

#!/usr/bin/env bash
# Builds the Wasm module into www/pkg (wasm-pack, then wasm-opt -Oz from npm's binaryen) and copies
# the stylesheet and the sample policy into the site root www/.
set -euo pipefail
cd "$(dirname "$0")/.."

wasm-pack --quiet build --target web --release --out-dir www/pkg --no-pack -- --no-default-features
# binaryen from npm (a current release; Debian's 108 breaks wasm-bindgen's externref
# table). It reads the enabled Wasm features from the module's target_features section.
npx --no-install wasm-opt -Oz --strip-debug --strip-producers --strip-target-features \
  www/pkg/policy_consent_bg.wasm -o www/pkg/policy_consent_bg.wasm
cp src/render/policy.css www/pkg/policy.css
# One stylesheet for the UI and the rendered policy it shows.
cat src/web/ui.css src/render/policy.css > www/pkg/policy-consent.css
rm -rf www/policy
cp -r policy www/policy

wasm=www/pkg/policy_consent_bg.wasm
printf 'built %s: %d bytes, %d gzip -9\n' "$wasm" "$(wc -c <"$wasm")" "$(gzip -9c "$wasm" | wc -c)" >&2

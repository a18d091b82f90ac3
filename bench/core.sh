#!/usr/bin/env bash
# The core's figures: release Wasm module size, native parse + render throughput (×1, ×10,
# ×100), and the time to compare two versions of a 48 KB policy natively and in Wasm.
# usage: bench/core.sh     (BENCH_MS=… sets the time per render measurement, default 900)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-wasm.sh 2>/dev/null
printf 'release modules in www/pkg (the app loads first; the view or full module on first need):\n'
printf '  %-32s %9s %9s\n' file raw "gzip -9"
for f in www/policy-consent.js www/pkg/policy_consent_bg.wasm www/pkg/policy_consent.js \
  www/pkg/policy_consent_view_bg.wasm www/pkg/policy_consent_view.js \
  www/pkg/policy_consent_full_bg.wasm www/pkg/policy_consent_full.js www/pkg/policy-consent.css; do
  printf '  %-32s %9d %9d\n' "$(basename "$f")" "$(wc -c <"$f")" "$(gzip -9c "$f" | wc -c)"
done
echo
cargo run --quiet --release --example bench-render
echo
cargo run --quiet --release --example bench-diff
echo
node bench/diff-wasm.mjs

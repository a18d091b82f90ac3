#!/usr/bin/env bash
# Sets up, builds the Wasm module and serves the demo site (www/) on 127.0.0.1.
# PORT=8080 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-wasm.sh
exec node scripts/serve.mjs --port "${PORT:-8080}"

// Time to compare two versions of the Firefox notice in the release Wasm module under Node
// (parse both + compare, as comparePolicies does), ×1 and ×10. Run by bench/core.sh after
// scripts/build-wasm.sh.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const root = fileURLToPath(new URL("..", import.meta.url));
const { initSync, comparePolicies } = await import(`${root}/www/pkg/policy_consent_full.js`);
initSync({ module: readFileSync(`${root}/www/pkg/policy_consent_full_bg.wasm`) });

const old = readFileSync(`${root}/tests/fixtures/mozilla-en-firefox_privacy_notice.md`, "utf8");
const edits = [
  ["for more than 25 months", "for more than 36 months"],
  ["we will never discriminate", "we may never discriminate"],
  ["3. Request portability of your data\n", ""],
  ["Once the retention period expires we securely delete your data", "Once the retention period expires we securely delete your data. Backups are kept for one more year"],
  ["That’s why we build Firefox", "That’s why we bulid Firefox"],
];
let revised = old;
for (const [from, to] of edits) revised = revised.replace(from, to);

console.log("comparePolicies in the release Wasm module (Node), median of 15 (parse both + compare)");
for (const times of [1, 10]) {
  const a = old.repeat(times), b = revised.repeat(times);
  const samples = [];
  let level;
  for (let i = 0; i < 16; i++) {
    const t = performance.now();
    level = comparePolicies(a, b, "markdown").level;
    if (i > 0) samples.push(performance.now() - t);
  }
  samples.sort((x, y) => x - y);
  console.log(`×${times}: ${samples[7].toFixed(2)} ms  (${a.length} bytes, level: ${level})`);
}

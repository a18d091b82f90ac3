// Time to compare two versions of the Firefox notice in the release Wasm module under Node
// (parse both + compare, as comparePolicies does), ×1, ×10 and ×40 (the module refuses a
// policy over 2 MiB), with the time per KB of one version (linear growth keeps it level).
// Run by bench/core.sh after scripts/build-wasm.sh.
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

console.log("comparePolicies in the release Wasm module (Node), median of 15, ×40 of 5 (parse both + compare; the first call not counted)");
for (const times of [1, 10, 40]) {
  const a = old.repeat(times), b = revised.repeat(times);
  const samples = [];
  let level;
  for (let i = 0; i <= (times === 40 ? 5 : 15); i++) {
    const t = performance.now();
    level = comparePolicies(a, b, "markdown").level;
    if (i > 0) samples.push(performance.now() - t);
  }
  samples.sort((x, y) => x - y);
  const median = samples[samples.length >> 1];
  const perKb = (median * 1e3) / (a.length / 1024);
  console.log(`×${times}: ${median.toFixed(2)} ms, ${perKb.toFixed(1)} µs per KB  (${a.length} bytes, level: ${level})`);
}

// Size budgets, checked by scripts/test.sh after scripts/build-wasm.sh so a change that
// grows what visitors download fails the tests. The banner path is what a first visit
// fetches before the banner is on screen: the loader, the stylesheet and the manifest
// (the loader paints the banner itself; the app module arrives alongside). The module
// limits are ratchets a little above today's sizes: lower them when a change shrinks a
// module, never raise them without saying why in the commit.
// usage: node bench/budget.mjs
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = fileURLToPath(new URL("..", import.meta.url));
const KiB = 1024;
const gzip = (path) => gzipSync(readFileSync(`${root}/${path}`), { level: 9 }).length;

const budgets = [
  {
    name: "banner path (loader + stylesheet + manifest)",
    files: ["www/policy-consent.js", "www/pkg/policy-consent.css", "policy/consent.json"],
    limit: 15 * KiB,
  },
  { name: "app module (wasm + glue)", files: ["www/pkg/policy_consent_bg.wasm", "www/pkg/policy_consent.js"], limit: 145 * KiB },
  // What the policy viewer fetches (without a rendering made ahead): issue 7's 70 KiB.
  { name: "view module (wasm + glue)", files: ["www/pkg/policy_consent_view_bg.wasm", "www/pkg/policy_consent_view.js"], limit: 70 * KiB },
  { name: "full module (wasm + glue)", files: ["www/pkg/policy_consent_full_bg.wasm", "www/pkg/policy_consent_full.js"], limit: 111 * KiB },
];

let over = 0;
for (const { name, files, limit } of budgets) {
  const size = files.reduce((sum, path) => sum + gzip(path), 0);
  const ok = size <= limit;
  if (!ok) over++;
  console.log(`${ok ? "ok  " : "OVER"} ${name}: ${(size / KiB).toFixed(1)} KiB gzip (budget ${(limit / KiB).toFixed(0)} KiB)`);
}
process.exit(over ? 1 : 0);

// How long the policy viewer takes to show the 48 KB Firefox notice after a click, two ways
// for the page and two for the click. The page: the view module (parser, renderer) and the
// text fetched on first need and rendered in the browser (viewer/index.html); or the
// viewer's rendering made ahead by the CLI (`render --format view`, viewer/ahead.html), which
// needs neither. The click: with no warning (the pointer lands and clicks at once), or after
// the pointer rested 300 ms on the link, as a person's does (the hover starts the fetches and
// the rendering). Each on a fresh browser, from pointerdown to the first frame showing the
// rendered policy. With --network, on an emulated network (bench/networks.mjs), files served
// gzip-encoded. With --settle MS, the pointer moves that long after the app has started (by
// default at once, when the app's own start-up still competes for the cores). It prints the
// Wasm modules each page fetched.
// usage: node bench/viewer.mjs [-n 15] [--network slow-4g|fast-4g] [--settle MS]
//        (after scripts/build-wasm.sh; builds the CLI if needed)
import { chromium } from "playwright-core";
import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "../scripts/serve.mjs";
import { NETWORKS, emulate } from "./networks.mjs";
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";

const here = fileURLToPath(new URL(".", import.meta.url));
const flag = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const runs = Number(flag("-n") || 15) || 15;
const network = flag("--network");
if (network !== undefined && !NETWORKS[network]) throw new Error(`--network: ${network} is not one of ${Object.keys(NETWORKS).join(", ")}`);
const patience = network ? 30000 : 10000;
const settle = Number(flag("--settle") ?? 0);
const vendor = join(here, "pages/ours/vendor");
await rm(vendor, { recursive: true, force: true });
await mkdir(vendor, { recursive: true });
await cp(join(here, "../www/policy-consent.js"), join(vendor, "policy-consent.js"));
await cp(join(here, "../www/pkg"), join(vendor, "pkg"), { recursive: true });
await cp(join(here, "../tests/fixtures/mozilla-en-firefox_privacy_notice.md"), join(here, "pages/viewer/notice.md"));
const cli = join(here, "../target/release/policy-consent");
if (!existsSync(cli)) execFileSync("cargo", ["build", "--release", "--quiet", "--features", "cli"], { cwd: join(here, ".."), stdio: "inherit" });
const viewer = join(here, "pages/viewer");
writeFileSync(join(viewer, "notice.view.json"), execFileSync(cli, ["render", join(viewer, "notice.md"), "--format", "view", "--manifest", join(viewer, "consent.json")]));
const { server, url } = await serve({ root: join(here, "pages"), gzip: Boolean(network) });
const modules = new Map();

async function once(file, hover) {
  const profile = await mkdtemp(join(tmpdir(), "pc-viewer-"));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"],
  });
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    if (network) await emulate(page, network);
    await page.goto(`${url}/viewer/${file}`);
    await page.waitForFunction(() => window.policyConsent, null, { timeout: patience });
    if (settle) await page.waitForTimeout(settle);
    await page.evaluate(() => {
      window.__viewer = {};
      addEventListener("pointerdown", () => (window.__viewer.down = performance.now()), true);
      const check = () => {
        const shown = document.querySelector('[data-pc="policy"][open] .pc-policy');
        if (shown && shown.getBoundingClientRect().height > 0) window.__viewer.shown = performance.now();
        else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    });
    const link = page.locator('[data-pc="banner"] [data-pc-action="policy"]');
    const box = await link.boundingBox();
    if (hover) {
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.waitForTimeout(300);
    }
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(() => window.__viewer.shown, null, { timeout: patience });
    const wasm = await page.evaluate(() => performance.getEntriesByType("resource").map((r) => r.name.split("/").pop()).filter((f) => f.endsWith(".wasm")));
    modules.set(file, wasm.join(" + "));
    return await page.evaluate(() => window.__viewer.shown - window.__viewer.down);
  } finally {
    await browser.close();
    await rm(profile, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const show = (xs) => `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
const modes = [
  ["index.html", false, "text, click at once"],
  ["index.html", true, "text, click after a 300 ms hover"],
  ["ahead.html", false, "made ahead, click at once"],
  ["ahead.html", true, "made ahead, click after a 300 ms hover"],
];
const times = modes.map(() => []);
for (let i = 0; i < runs; i++) {
  for (const [m, [page, hover]] of modes.entries()) times[m].push(await once(page, hover));
  process.stderr.write(`run ${i + 1}/${runs}: ${modes.map(([, , label], m) => `${label} ${times[m].at(-1).toFixed(0)} ms`).join(", ")}\n`);
}
server.close();
const on = `${network ? `, network ${network} (files gzip-encoded)` : ""}${settle ? `, ${settle} ms after the app started` : ""}`;
console.log(`policy viewer with the 48 KB Firefox notice, ${runs} runs${on}, pointerdown → rendered policy on screen, median (min–max):`);
for (const [m, [, , label]] of modes.entries()) console.log(`  ${label.padEnd(40)} ${show(times[m])}`);
for (const [file, wasm] of modules) console.log(`Wasm fetched by viewer/${file}: ${wasm}`);

// How long the policy viewer takes to show the 48 KB Firefox notice after a click: the
// full module (parser, renderer) and the policy text are fetched on first need. Measured
// two ways, each on a fresh browser: a click with no warning (the pointer lands and
// clicks at once), and a click after the pointer rested 300 ms on the link, as a person's
// does (the hover starts the fetches). From pointerdown to the first frame showing the
// rendered policy. usage: node bench/viewer.mjs [-n 15]   (after bench/banner.mjs has run once)
import { chromium } from "playwright-core";
import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "../scripts/serve.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const runs = Number(process.argv[process.argv.indexOf("-n") + 1] || 15) || 15;
const vendor = join(here, "pages/ours/vendor");
await rm(vendor, { recursive: true, force: true });
await mkdir(vendor, { recursive: true });
await cp(join(here, "../www/policy-consent.js"), join(vendor, "policy-consent.js"));
await cp(join(here, "../www/pkg"), join(vendor, "pkg"), { recursive: true });
await cp(join(here, "../tests/fixtures/mozilla-en-firefox_privacy_notice.md"), join(here, "pages/viewer/notice.md"));
const { server, url } = await serve({ root: join(here, "pages") });

async function once(hover) {
  const profile = await mkdtemp(join(tmpdir(), "pc-viewer-"));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"],
  });
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(`${url}/viewer/`);
    await page.waitForFunction(() => window.policyConsent);
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
    await page.waitForFunction(() => window.__viewer.shown, null, { timeout: 10000 });
    return await page.evaluate(() => window.__viewer.shown - window.__viewer.down);
  } finally {
    await browser.close();
    await rm(profile, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cold = [];
const warm = [];
for (let i = 0; i < runs; i++) {
  cold.push(await once(false));
  warm.push(await once(true));
  process.stderr.write(`run ${i + 1}/${runs}: click ${cold.at(-1).toFixed(0)} ms, after hover ${warm.at(-1).toFixed(0)} ms\n`);
}
server.close();
const show = (xs) => `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
console.log(`policy viewer with the 48 KB Firefox notice, ${runs} runs, pointerdown → rendered policy on screen, median (min–max):`);
console.log(`  click at once:            ${show(cold)}`);
console.log(`  click after a 300 ms hover: ${show(warm)}`);

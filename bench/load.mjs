// The consent UI under load, in Chromium, on the demo site with its manifest replaced by
// one with N optional purposes (default 8 — the sample's count — and 1,000, the most a
// manifest may have): time to open the settings (click → first frame with the dialog
// shown), per toggle (click on a switch → next frame), to save (click → dialog closed and
// the record stored) and per decision from the API. Fresh browser per run.
// usage: node bench/load.mjs [-n 7] [--purposes 8,1000]   (after scripts/build-wasm.sh)
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { serve } from "../scripts/serve.mjs";

const argv = process.argv.slice(2);
const value = (flag, fallback) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : fallback);
const runs = Number(value("-n", 7));
const counts = value("--purposes", "8,1000").split(",").map(Number);
const www = fileURLToPath(new URL("../www/", import.meta.url));
const sample = JSON.parse(readFileSync(new URL("../policy/consent.json", import.meta.url), "utf8"));

function manifestWith(n) {
  const template = sample.purposes.find((p) => p.id === "personalization");
  return {
    ...sample,
    age_gate: "off",
    purposes: Array.from({ length: n }, (_, i) => ({
      ...template,
      id: `service-${i}`,
      title: { en: `Service ${i}` },
      description: { en: `What service ${i} does with your data.` },
    })),
  };
}

/** ms from a click on `selector` to the first frame in which `done()` holds. */
async function frameAfterClick(page, selector, done) {
  await page.evaluate(
    ([selector, done]) => {
      window.__t = null;
      const check = new Function(`return (${done})()`);
      addEventListener(
        "pointerdown",
        () => {
          const start = performance.now();
          const frame = () => (check() ? (window.__t = performance.now() - start) : requestAnimationFrame(frame));
          requestAnimationFrame(frame);
        },
        { capture: true, once: true },
      );
      void selector;
    },
    [selector, done.toString()],
  );
  await page.click(selector);
  return (await page.waitForFunction(() => window.__t)).jsonValue();
}

async function once(n) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  try {
    const context = await browser.newContext();
    const manifest = manifestWith(n);
    await context.route("**/policy/consent.json", (route) => route.fulfill({ json: manifest }));
    const page = await context.newPage();
    await page.goto(`${url}/`);
    await page.waitForFunction(() => window.policyConsent);
    await page.waitForSelector('[data-pc="banner"] [data-pc-action="settings"]');
    await page.waitForTimeout(300);
    const open = await frameAfterClick(page, '[data-pc="banner"] [data-pc-action="settings"]', () => document.querySelector('[data-pc="settings"][open]')?.getBoundingClientRect().height > 0);
    const toggles = [];
    for (const i of [0, Math.floor(n / 2), n - 1]) {
      const selector = `input[data-pc-purpose="service-${i}"]`;
      await page.locator(selector).scrollIntoViewIfNeeded();
      toggles.push(await frameAfterClick(page, selector, new Function(`return () => document.querySelector('${selector}').checked`)()));
    }
    const save = await frameAfterClick(page, '[data-pc="settings"] [data-pc-action="save"]', () => !document.querySelector('[data-pc="settings"][open]') && localStorage.getItem("policy-consent:sample-privacy"));
    const api = await page.evaluate((n) => {
      const pc = window.policyConsent;
      const t = performance.now();
      for (let i = 0; i < 50; i++) pc.grant([`service-${i % n}`]);
      return (performance.now() - t) / 50;
    }, n);
    const size = await page.evaluate(() => localStorage.getItem("policy-consent:sample-privacy").length);
    return { open, toggle: Math.max(...toggles), save, api, size };
  } finally {
    await browser.close();
  }
}

const { server, url } = await serve({ root: www });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs) => `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
const rows = [];
for (const n of counts) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    samples.push(await once(n));
    process.stderr.write(`${n} purposes, run ${i + 1}/${runs}: ${JSON.stringify(samples.at(-1))}\n`);
  }
  const col = (k) => range(samples.map((s) => s[k]));
  rows.push(`| ${n} | ${col("open")} | ${col("toggle")} | ${col("save")} | ${col("api")} | ${median(samples.map((s) => s.size))} |`);
}
server.close();
console.log(`Chromium, ${runs} runs each, medians (min–max) in ms; the toggle is the slowest of three (first, middle, last)`);
console.log("| purposes | open settings | toggle | save | API decision | record bytes |\n|---|---|---|---|---|---|");
for (const row of rows) console.log(row);

// Screenshots of the consent UI (banner, settings, policy, age gate, guardian, change notices)
// on desktop (1280×800) and phone (390×844), light and dark, into target/screenshots/.
// usage: node scripts/screenshots.mjs   (after scripts/build-wasm.sh)
import { chromium } from "playwright-core";
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { serve } from "./serve.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = `${root}target/screenshots`;
await mkdir(out, { recursive: true });
const { server, url } = await serve({ root: `${root}www` });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});

const adult = async (page) => {
  await page.click('[data-pc-action="accept-all"]');
  await page.fill('[data-pc-field="birth-year"]', "1990");
  await page.selectOption('[data-pc-field="birth-month"]', "4");
  await page.click('[data-pc-action="age-submit"]');
  await page.waitForFunction(() => window.policyConsent.granted("analytics"));
};

const scenes = {
  banner: async () => {},
  settings: async (page) => page.click('[data-pc-action="settings"]'),
  policy: async (page) => {
    await page.click('[data-pc-action="policy"]');
    await page.waitForSelector('[data-pc="policy"] .pc-policy');
  },
  "age-gate": async (page) => page.click('[data-pc-action="accept-all"]'),
  guardian: async (page) => {
    await page.click('[data-pc-action="accept-all"]');
    await page.fill('[data-pc-field="birth-year"]', String(new Date().getFullYear() - 15));
    await page.selectOption('[data-pc-field="birth-month"]', "1");
    await page.click('[data-pc-action="age-submit"]');
    await page.waitForSelector('[data-pc="guardian"]');
  },
  "notice-material": async (page) => {
    await adult(page);
    await page.goto(`${url}/?revision=2027-01`);
    await page.waitForSelector('[data-pc="change-notice"] .pc-change ins');
  },
};

for (const [name, scene] of Object.entries(scenes)) {
  for (const [device, viewport] of [["desktop", { width: 1280, height: 800 }], ["phone", { width: 390, height: 844 }]]) {
    for (const scheme of ["light", "dark"]) {
      const context = await browser.newContext({ viewport, colorScheme: scheme, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.goto(`${url}/`);
      await page.waitForFunction(() => window.policyConsent);
      await scene(page);
      await page.waitForTimeout(400);
      await page.screenshot({ path: `${out}/${name}-${device}-${scheme}.png` });
      await context.close();
    }
  }
}
await browser.close();
server.close();
console.log(`screenshots in ${out}`);

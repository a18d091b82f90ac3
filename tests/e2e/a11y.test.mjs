// Accessibility (WCAG 2.2 AA): axe-core on every screen in light and dark, and what axe
// cannot judge, checked in Chromium: keyboard focus in dialogs, the focused element never
// hidden by the banner, target sizes, labelled switches, heading order, reduced motion,
// text at 200%.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { start, newPage } from "./browser.mjs";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");

let env;
before(async () => (env = await start()));
after(async () => env?.close());

const $ = (hook) => `[data-pc="${hook}"]`;
const action = (name) => `[data-pc-action="${name}"]`;

async function visit(options = {}, path = "/") {
  const context = await env.browser.newContext(options);
  const page = await newPage(context);
  if (options.init) await page.addInitScript(options.init);
  await page.goto(env.url + path);
  await page.waitForFunction(() => window.policyConsent);
  return { page, context };
}

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } }),
  );
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

async function adult(page) {
  await page.click(action("accept-all"));
  await page.fill('[data-pc-field="birth-year"]', "1990");
  await page.selectOption('[data-pc-field="birth-month"]', "4");
  await page.click(action("age-submit"));
  await page.waitForFunction(() => window.policyConsent.granted("analytics"));
}

const screens = {
  banner: async (page) => page.waitForSelector($("banner")),
  settings: async (page) => {
    await page.click(action("settings"));
    await page.waitForSelector(`${$("settings")}[open]`);
  },
  policy: async (page) => {
    await page.click(`${$("banner")} ${action("policy")}`);
    await page.waitForSelector(`${$("policy")} .pc-policy`);
  },
  "age gate": async (page) => {
    await page.click(action("accept-all"));
    await page.waitForSelector(`${$("age-gate")}[open]`);
  },
  guardian: async (page) => {
    await page.click(action("accept-all"));
    await page.fill('[data-pc-field="birth-year"]', String(new Date().getFullYear() - 15));
    await page.selectOption('[data-pc-field="birth-month"]', "1");
    await page.click(action("age-submit"));
    await page.waitForSelector(`${$("guardian")}[open]`);
  },
  "embed placeholder": async (page) => {
    await page.click(action("reject-all"));
    await page.waitForSelector($("placeholder"));
  },
  "change notice": async (page) => {
    await adult(page);
    await page.goto(env.url + "/?revision=2027-01");
    await page.waitForSelector(`${$("change-notice")} .pc-change ins`);
  },
};

for (const scheme of ["light", "dark"]) {
  for (const [name, open] of Object.entries(screens)) {
    test(`axe: no WCAG 2.2 AA violations on the ${name} (${scheme})`, async () => {
      const { page, context } = await visit({ colorScheme: scheme });
      await open(page);
      assert.deepEqual(await axe(page), []);
      await context.close();
    });
  }
}

// The loader's banner with a click taken before the app has started (the app held back).
for (const scheme of ["light", "dark"]) {
  test(`axe: no WCAG 2.2 AA violations on the banner busy with an early click (${scheme})`, async () => {
    const context = await env.browser.newContext({ colorScheme: scheme });
    await context.route("**/pkg/policy_consent_bg.wasm", () => {});
    const page = await newPage(context);
    await page.goto(env.url + "/");
    await page.click(`${$("banner")} ${action("reject-all")}`);
    await page.waitForSelector(`${$("banner")}[aria-busy="true"]`);
    assert.deepEqual(await axe(page), []);
    await context.close();
  });
}

test("keyboard: every control reachable; in settings Tab and Shift+Tab stay inside, Escape closes, focus returns", async () => {
  const { page, context } = await visit();
  // The banner's controls are reachable by Tab from the page.
  const reached = new Set();
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press("Tab");
    reached.add(await page.evaluate(() => document.activeElement?.dataset?.pcAction ?? document.activeElement?.tagName));
  }
  for (const control of ["policy", "accept-all", "reject-all", "settings"]) assert.ok(reached.has(control), `${control} not reachable: ${[...reached]}`);
  await page.focus(action("settings"));
  await page.keyboard.press("Enter");
  await page.waitForSelector(`${$("settings")}[open]`);
  const inside = () => page.evaluate(() => !!document.activeElement?.closest('[data-pc="settings"]'));
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    assert.ok(await inside(), `Tab ${i} left the dialog`);
  }
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Shift+Tab");
    assert.ok(await inside(), `Shift+Tab ${i} left the dialog`);
  }
  // Space toggles a switch.
  await page.focus('input[data-pc-purpose="surveys"]');
  await page.keyboard.press("Space");
  assert.equal(await page.isChecked('input[data-pc-purpose="surveys"]'), true);
  await page.keyboard.press("Escape");
  assert.equal(await page.locator(`${$("settings")}[open]`).count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.pcAction), "settings", "focus back on the opener");
  await context.close();
});

test("the banner never hides the focused element (WCAG 2.4.11)", async () => {
  const { page, context } = await visit({ viewport: { width: 390, height: 700 } });
  await page.waitForSelector($("banner"));
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Tab");
    const overlap = await page.evaluate(() => {
      const focused = document.activeElement;
      const banner = document.querySelector('[data-pc="banner"]');
      if (!focused || !banner || banner.contains(focused) || focused === document.body) return null;
      const f = focused.getBoundingClientRect();
      const b = banner.getBoundingClientRect();
      const hidden = f.top >= b.top - 1 && f.bottom <= b.bottom + 1 && f.left >= b.left - 1 && f.right <= b.right + 1;
      return hidden ? `${focused.tagName} ${focused.textContent.trim().slice(0, 30)}` : null;
    });
    assert.equal(overlap, null, `focused element hidden behind the banner`);
  }
  await context.close();
});

test("targets are at least 24×24 px, switches are labelled checkboxes, headings are in order", async () => {
  const { page, context } = await visit();
  for (const open of [screens.banner, screens.settings, screens.policy]) {
    await open(page);
    const small = await page.evaluate(() =>
      [...document.querySelectorAll(".pc-root button, .pc-root input, .pc-root select, .pc-root .pc-toc a")]
        .filter((e) => e.checkVisibility())
        .map((e) => [e, e.getBoundingClientRect()])
        .filter(([, r]) => r.width < 24 || r.height < 24)
        .map(([e, r]) => `${e.outerHTML.slice(0, 60)} ${Math.round(r.width)}×${Math.round(r.height)}`),
    );
    assert.deepEqual(small, []);
    await page.keyboard.press("Escape");
  }
  await page.reload();
  await page.waitForFunction(() => window.policyConsent);
  await screens.settings(page);
  const switches = await page.$$eval('[data-pc="settings"] input[data-pc-purpose]', (inputs) =>
    inputs.map((i) => ({ type: i.type, role: i.getAttribute("role"), label: i.labels[0]?.textContent ?? "" })),
  );
  assert.equal(switches.length, 8);
  for (const s of switches) assert.ok(s.type === "checkbox" && s.role === "switch" && s.label.length > 0, JSON.stringify(s));
  await page.keyboard.press("Escape");
  await screens.policy(page);
  const levels = await page.$$eval('[data-pc="policy"] h1, [data-pc="policy"] h2, [data-pc="policy"] h3, [data-pc="policy"] h4, [data-pc="policy"] h5, [data-pc="policy"] h6', (hs) =>
    hs.map((h) => Number(h.tagName[1])),
  );
  for (let i = 1; i < levels.length; i++) assert.ok(levels[i] <= levels[i - 1] + 1, `heading jumps from h${levels[i - 1]} to h${levels[i]}`);
  await context.close();
});

test("prefers-reduced-motion: no animation", async () => {
  const moving = await visit();
  assert.notEqual(await moving.page.$eval($("banner"), (b) => getComputedStyle(b).animationName), "none");
  await moving.context.close();
  const still = await visit({ reducedMotion: "reduce" });
  assert.equal(await still.page.$eval($("banner"), (b) => getComputedStyle(b).animationName), "none");
  await still.context.close();
});

test("text at 200%: nothing clipped, every banner and settings control still reachable", async () => {
  const { page, context } = await visit({ viewport: { width: 1280, height: 800 } });
  await page.evaluate(() => document.documentElement.classList.add("zoom-text"));
  await page.addStyleTag({ content: "html.zoom-text { font-size: 200% }" });
  await page.waitForSelector($("banner"));
  const clipped = () =>
    page.evaluate(() =>
      [...document.querySelectorAll(".pc-root button, .pc-root label, .pc-root p, .pc-root h2")]
        .filter((e) => e.checkVisibility() && e.scrollWidth > e.clientWidth + 1)
        .map((e) => e.outerHTML.slice(0, 80)),
    );
  assert.deepEqual(await clipped(), []);
  // The banner scrolls inside itself when taller than the window: its last control is reachable.
  await page.locator(action("settings")).scrollIntoViewIfNeeded();
  assert.ok(await page.locator(`${$("banner")} ${action("settings")}`).isVisible());
  await page.click(`${$("banner")} ${action("settings")}`);
  await page.waitForSelector(`${$("settings")}[open]`);
  assert.deepEqual(await clipped(), []);
  await page.locator(action("save")).scrollIntoViewIfNeeded();
  assert.ok(await page.locator(action("save")).isVisible());
  await context.close();
});

// The consent UI in Chromium, on the demo site (www/index.html): banner, gated scripts,
// settings, age gate and guardian, revisions, storage failures, two tabs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, newPage } from "./browser.mjs";

let env;
before(async () => (env = await start()));
after(async () => env?.close());

const $ = (hook) => `[data-pc="${hook}"]`;
const action = (name) => `[data-pc-action="${name}"]`;

/** A fresh visitor (own storage) on `path`, with optional scripts run before the page's. */
async function visit(path = "/", { init = [], context } = {}) {
  context ??= await env.browser.newContext();
  const page = await newPage(context);
  for (const script of init) await page.addInitScript(script);
  await page.goto(env.url + path);
  await page.waitForFunction(() => window.policyConsent);
  return { page, context };
}

async function declareAge(page, year, month) {
  await page.waitForSelector($("age-gate"));
  await page.fill('[data-pc-field="birth-year"]', String(year));
  await page.selectOption('[data-pc-field="birth-month"]', String(month));
  await page.click(action("age-submit"));
}

const analyticsRan = (page) => page.evaluate(() => window.__analyticsRuns ?? 0);
const embedLoaded = (page) => page.evaluate(() => document.querySelector("iframe[data-consent]").getAttribute("src"));

test("first visit: the banner shows, nothing gated runs; accept all (an adult) runs them; a reload keeps it", async () => {
  const { page, context } = await visit();
  await page.waitForSelector($("banner"));
  const buttons = await page.$$eval(`${$("banner")} .pc-actions button`, (bs) =>
    bs.map((b) => ({ text: b.textContent, w: Math.round(b.getBoundingClientRect().width), h: Math.round(b.getBoundingClientRect().height), weight: getComputedStyle(b).fontWeight })),
  );
  assert.deepEqual(buttons.map((b) => b.text), ["Accept all", "Reject all", "Choose"]);
  assert.equal(new Set(buttons.map((b) => `${b.w}x${b.h}/${b.weight}`)).size, 1, `buttons differ: ${JSON.stringify(buttons)}`);
  assert.equal(await analyticsRan(page), 0);
  assert.equal(await embedLoaded(page), null);
  // Not a cookie wall: the page stays usable.
  assert.equal(await page.evaluate(() => document.querySelector("dialog[open]")), null);

  await page.click(action("accept-all"));
  assert.equal(await analyticsRan(page), 0, "nothing runs before the age is known");
  await declareAge(page, 1990, 4);
  await page.waitForFunction(() => window.__analyticsRuns === 1);
  assert.equal(await embedLoaded(page), "demo/embed.html");
  assert.equal(await page.locator($("banner")).count(), 0);
  const record = await page.evaluate(() => window.policyConsent.record());
  assert.equal(record.purposes.analytics.state, "granted");
  assert.equal(record.purposes.analytics.method, "banner");
  assert.equal(record.policy.version, "2026-11");

  await page.reload();
  await page.waitForFunction(() => window.__analyticsRuns === 1);
  assert.equal(await page.locator($("banner")).count(), 0);
  assert.equal(await page.evaluate(() => window.policyConsent.granted("analytics")), true);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test("reject all: nothing optional runs; then settings grant one purpose and only its content loads", async () => {
  const { page, context } = await visit();
  await page.waitForSelector($("banner"));
  await page.click(action("reject-all"));
  assert.equal(await page.locator($("age-gate")).count(), 0, "rejecting needs no age");
  assert.equal(await page.locator($("banner")).count(), 0);
  assert.equal(await analyticsRan(page), 0);
  await page.click(action("open-settings"));
  await page.waitForSelector(`${$("settings")}[open]`);
  // Required purposes are on and locked, with the reason; optional ones start off.
  assert.equal(await page.isChecked('input[data-pc-purpose="necessary"]'), true);
  assert.equal(await page.isDisabled('input[data-pc-purpose="necessary"]'), true);
  assert.equal(await page.locator('[data-pc-purpose-row="necessary"] [data-pc-lock="required"]').count(), 1);
  assert.equal(await page.isChecked('input[data-pc-purpose="analytics"]'), false);
  await page.check('input[data-pc-purpose="personalization"]');
  await page.click(action("save"));
  await declareAge(page, 1985, 1);
  await page.waitForFunction(() => document.querySelector("iframe[data-consent]").getAttribute("src"));
  assert.equal(await analyticsRan(page), 0, "analytics stays off");
  assert.equal(await page.evaluate(() => window.policyConsent.record().purposes.personalization.method), "settings");
  assert.deepEqual(page.problems, []);
  await context.close();
});

test("a gated embed not allowed has a placeholder saying what it needs; Allow grants only that, and the embed takes its place", async () => {
  const { page, context } = await visit();
  await page.click(action("reject-all"));
  const placeholder = page.locator($("placeholder"));
  await placeholder.waitFor();
  assert.equal(await placeholder.getAttribute("data-pc-for"), "personalization");
  assert.equal(await placeholder.getAttribute("aria-label"), "Map preview");
  assert.match(await placeholder.textContent(), /Map preview.*only with your consent to: Personalised settings\./);
  // It stands where the embed is, sized by the embed's own class; the empty frame is hidden.
  assert.match(await placeholder.getAttribute("class"), /\bsite-embed\b/);
  assert.equal(await page.locator("iframe[data-consent]").isVisible(), false);
  assert.equal(await placeholder.evaluate((p) => p.scrollHeight > p.clientHeight), false, "nothing clipped");

  await placeholder.locator(action("allow")).click();
  await declareAge(page, 1990, 4);
  await page.waitForFunction(() => document.querySelector("iframe[data-consent]").getAttribute("src"));
  assert.equal(await placeholder.count(), 0);
  assert.equal(await page.locator("iframe[data-consent]").isVisible(), true);
  const record = await page.evaluate(() => window.policyConsent.record());
  assert.equal(record.purposes.personalization.state, "granted");
  assert.equal(record.purposes.personalization.method, "embed");
  assert.equal(record.purposes.analytics.state, "denied", "only what the embed needs");
  assert.equal(await analyticsRan(page), 0);

  await page.reload();
  await page.waitForFunction(() => document.querySelector("iframe[data-consent]").getAttribute("src"));
  assert.equal(await placeholder.count(), 0);
  // Withdrawn, the embed already loaded stays until a reload; then the placeholder is back.
  await page.evaluate(() => window.policyConsent.withdraw(["personalization"]));
  await page.reload();
  await placeholder.waitFor();
  assert.equal(await embedLoaded(page), null);
  assert.deepEqual(page.problems, []);
  await context.close();
});

/** The placeholders on tests/e2e/pages/embeds.html: for each gated element, its placeholder's
 * `data-pc-for` (null: none) and whether the element shows. */
const embeds = (page) =>
  page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll("main [data-consent]")].map((e) => {
        const before = e.previousElementSibling;
        const placeholder = before?.dataset.pc === "placeholder" ? before.dataset.pcFor : null;
        return [e.id, { placeholder, shown: e.checkVisibility(), src: e.getAttribute("src") }];
      }),
    ),
  );

test("placeholders: iframes have them unless they opt out, other elements when they opt in; Allow by keyboard moves focus to the embed", async () => {
  const { page, context } = await visit("/e2e/embeds.html", { init: [() => (window.policyConsentOptions = { birth: "1990-04" })] });
  await page.waitForSelector($("placeholder"));
  assert.deepEqual(await embeds(page), {
    video: { placeholder: "media", shown: false, src: null },
    both: { placeholder: "media ads", shown: false, src: null },
    own: { placeholder: null, shown: true, src: null },
    unknown: { placeholder: null, shown: true, src: null },
    pixel: { placeholder: null, shown: true, src: null },
    picture: { placeholder: "media", shown: false, src: null },
  });
  // Sized by the embed's class (.video: at most 30rem wide, 16:9), its fixed height aside:
  // at 30rem wide the box is 270 px tall; on a phone, as tall as its words, none clipped.
  const box = () => page.locator("#video").evaluate((e) => {
    const p = e.previousElementSibling;
    return { width: Math.round(p.getBoundingClientRect().width), height: Math.round(p.getBoundingClientRect().height), clipped: p.scrollHeight > p.clientHeight };
  });
  assert.deepEqual(await box(), { width: 480, height: 270, clipped: false });
  await page.setViewportSize({ width: 320, height: 640 });
  const narrow = await box();
  assert.ok(!narrow.clipped && narrow.height > 16 * 12, JSON.stringify(narrow));
  await page.setViewportSize({ width: 1280, height: 720 });

  await page.focus(`[data-pc-for="media"] ${action("allow")}`);
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("#video").getAttribute("src"));
  const after = await embeds(page);
  assert.deepEqual(after.video, { placeholder: null, shown: true, src: "/demo/embed.html" });
  assert.deepEqual(after.picture, { placeholder: null, shown: true, src: "/favicon.svg" });
  assert.equal(after.own.src, "/demo/embed.html", "no placeholder, gated all the same");
  assert.deepEqual(after.both, { placeholder: "media ads", shown: false, src: null }, "ads not granted");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "video");
  assert.equal(await page.evaluate(() => window.policyConsent.record().purposes.media.method), "embed");
  assert.equal(await page.evaluate(() => window.policyConsent.granted("ads")), false);
  // The banner stays: nothing else was decided.
  assert.equal(await page.locator($("banner")).count(), 1);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test("a page's handler of the focus a placeholder hands over may call the API at once", async () => {
  const { page, context } = await visit("/e2e/embeds.html", { init: [() => (window.policyConsentOptions = { birth: "1990-04" })] });
  await page.waitForSelector($("placeholder"));
  // The embed taking focus from its placeholder grants ads too: the app is not busy then.
  await page.evaluate(() => document.querySelector("#video").addEventListener("focus", () => window.policyConsent.grant(["ads"])));
  await page.focus(`[data-pc-for="media"] ${action("allow")}`);
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("#both").getAttribute("src"));
  assert.equal(await page.locator($("placeholder")).count(), 0);
  assert.equal(await page.evaluate(() => window.policyConsent.record().purposes.ads.method), "api");
  await context.close();
});

test("placeholders for a minor: none offers what minors may never have; Allow asks for a guardian", async () => {
  const birth = `${new Date().getFullYear() - 14}-01`;
  const { page, context } = await visit("/e2e/embeds.html", { init: [`window.policyConsentOptions = { birth: "${birth}" }`] });
  const both = page.locator(`${$("placeholder")}[data-pc-for="media ads"]`);
  await both.waitFor();
  assert.equal(await both.getAttribute("data-pc-lock"), "forbidden");
  assert.match(await both.textContent(), /Not available to minors/);
  assert.equal(await both.locator(action("allow")).count(), 0);
  await page.click(`[data-pc-for="media"] ${action("allow")}`);
  await page.waitForSelector(`${$("guardian")}[open]`);
  assert.equal((await embeds(page)).video.src, null);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test("withdrawal is as easy as granting and says a reload is needed for scripts that ran", async () => {
  const { page, context } = await visit();
  await page.click(action("accept-all"));
  await declareAge(page, 1990, 4);
  await page.waitForFunction(() => window.__analyticsRuns === 1);
  const detail = await page.evaluate(
    () =>
      new Promise((resolve) => {
        window.policyConsent.on("change", (d) => resolve({ granted: d.granted.analytics, reload: d.reloadNeeded, persisted: d.persisted }));
        window.policyConsent.withdraw(["analytics"]);
      }),
  );
  assert.deepEqual(detail, { granted: false, reload: ["analytics"], persisted: true });
  assert.equal(await page.evaluate(() => window.policyConsent.granted("analytics")), false);
  await context.close();
});

test("the cookies a purpose lists go while it is not granted: on start, and after a withdrawal, on every domain and path", async () => {
  // The demo served as http://www.site.test/shop/, so that cookies can be on a parent
  // domain and on a path, as analytics scripts set them.
  const context = await env.browser.newContext();
  await context.route("http://www.site.test/**", async (route) => {
    const path = new URL(route.request().url()).pathname.replace(/^\/shop/, "");
    route.fulfill({ response: await route.fetch({ url: env.url + path }) });
  });
  const site = "http://www.site.test/shop/";
  await context.addCookies([
    // Set before any consent: analytics (`_gid`) on the parent domain, ads (`_gcl_*`) on the path.
    { name: "_gid", value: "1", domain: ".site.test", path: "/" },
    { name: "_gcl_au", value: "1", domain: "www.site.test", path: "/shop" },
    { name: "_ga", value: "1", domain: ".www.site.test", path: "/" },
    // Listed by no purpose.
    { name: "session", value: "1", domain: ".site.test", path: "/" },
  ]);
  const names = async () => (await context.cookies(site)).map((c) => c.name).sort();
  const page = await newPage(context);
  await page.goto(site);
  await page.waitForFunction(() => window.policyConsent);
  await page.waitForSelector($("banner"));
  assert.deepEqual(await names(), ["session"], "nothing optional granted yet");

  await page.click(action("accept-all"));
  await declareAge(page, 1990, 4);
  await page.waitForFunction(() => window.__analyticsRuns === 1);
  assert.deepEqual(await names(), ["_ga", "_ga_DEMO", "session"], "granted: the analytics script's cookies stay");
  await page.reload();
  await page.waitForFunction(() => window.__analyticsRuns === 1);
  assert.deepEqual(await names(), ["_ga", "_ga_DEMO", "session"], "and stay on the next page");

  await page.evaluate(() => window.policyConsent.withdraw(["analytics"]));
  assert.deepEqual(await names(), ["session"], "withdrawn: they go at once");
  assert.equal(await page.evaluate(() => window.policyConsent.record().purposes.analytics.state), "denied");
  assert.deepEqual(page.problems, []);
  await context.close();
});

test("cookies that throw when written (a sandboxed frame) do not stop a decision", async () => {
  const throwing = () => {
    Object.defineProperty(Document.prototype, "cookie", {
      get: () => "_ga=1; _gid=2",
      set: () => {
        throw new DOMException("The document is sandboxed and lacks the 'allow-same-origin' flag.", "SecurityError");
      },
    });
  };
  const { page, context } = await visit("/", { init: [throwing] });
  await page.waitForSelector($("banner"));
  await page.click(action("reject-all"));
  assert.equal(await page.locator($("banner")).count(), 0);
  assert.equal(await page.evaluate(() => window.policyConsent.record().purposes.analytics.state), "denied");
  // Each change tries again to delete the analytics cookies the page reports.
  await page.evaluate(() => window.policyConsent.grant(["personalization"]));
  await declareAge(page, 1990, 4);
  await page.waitForFunction(() => window.policyConsent.granted("personalization"));
  await page.evaluate(() => window.policyConsent.withdraw(["personalization"]));
  assert.equal(await page.evaluate(() => window.policyConsent.granted("personalization")), false);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test("a 15-year-old: choices locked; a verified guardian grants what minors may have; forbidden stays locked", async () => {
  const verify = () => {
    window.policyConsentOptions = { guardian: { verify: async (contact) => (contact.includes("@") ? `verified:${contact}` : Promise.reject(new Error("no"))) } };
  };
  const { page, context } = await visit("/", { init: [verify] });
  await page.click(action("accept-all"));
  const year = new Date().getFullYear() - 15;
  await declareAge(page, year, 1);
  await page.waitForSelector(`${$("guardian")}[open]`);
  assert.equal(await analyticsRan(page), 0);
  assert.match(await page.locator(`${$("guardian")} [data-pc-lock="forbidden"]`).textContent(), /Personalised advertising/);
  // A failed verification keeps everything off and says so.
  await page.fill('[data-pc-field="guardian-name"]', "Ana Li");
  await page.check('[data-pc-field="guardian-attest"]');
  await page.fill('[data-pc-field="guardian-contact"]', "not-an-address");
  await page.click(action("guardian-submit"));
  await page.waitForSelector(`${$("guardian")} .pc-error`);
  assert.equal(await analyticsRan(page), 0);
  await page.fill('[data-pc-field="guardian-name"]', "Ana Li");
  await page.check('[data-pc-field="guardian-attest"]');
  await page.fill('[data-pc-field="guardian-contact"]', "ana@example.com");
  await page.click(action("guardian-submit"));
  await page.waitForSelector($("banner"));
  // The guardian chooses in the settings: forbidden purposes are locked with the reason.
  await page.click(action("settings"));
  await page.waitForSelector(`${$("settings")}[open]`);
  assert.equal(await page.isDisabled('input[data-pc-purpose="ads"]'), true);
  assert.equal(await page.locator('[data-pc-purpose-row="ads"] [data-pc-lock="forbidden"]').count(), 1);
  assert.equal(await page.isDisabled('input[data-pc-purpose="analytics"]'), false);
  await page.check('input[data-pc-purpose="analytics"]');
  await page.click(action("save"));
  await page.waitForFunction(() => window.__analyticsRuns === 1);
  const record = await page.evaluate(() => window.policyConsent.record());
  assert.equal(record.purposes.analytics.by, "guardian");
  assert.equal(record.guardian.token, "verified:ana@example.com");
  assert.equal(await page.evaluate(() => window.policyConsent.granted("ads")), false);
  // The minor alone, on the next visit, cannot grant more: locked until a guardian acts.
  await page.reload();
  await page.waitForFunction(() => window.policyConsent);
  assert.equal(await page.evaluate(() => window.policyConsent.granted("analytics")), true);
  await page.click(action("open-settings"));
  assert.equal(await page.isDisabled('input[data-pc-purpose="surveys"]'), true);
  assert.equal(await page.locator('[data-pc-purpose-row="surveys"] [data-pc-lock="guardian"]').count(), 1);
  assert.deepEqual(page.problems.filter((p) => !p.includes("no")), []);
  await context.close();
});

test("a material revision: a prominent notice first, the affected purpose suspended, the others kept", async () => {
  const { page, context } = await visit();
  await page.click(action("accept-all"));
  await declareAge(page, 1990, 4);
  await page.waitForFunction(() => window.__analyticsRuns === 1);
  await page.goto(env.url + "/?revision=2027-01");
  await page.waitForFunction(() => window.policyConsent);
  const notice = page.locator(`${$("change-notice")}[data-pc-level="material"]`);
  await notice.waitFor();
  assert.equal(await notice.evaluate((d) => d.open && d.matches(":modal")), true, "a modal, before anything else");
  assert.equal(await page.locator($("banner")).count(), 0);
  assert.match(await notice.textContent(), /advertising partners/);
  assert.deepEqual(await notice.locator("input[data-pc-purpose]").evaluateAll((inputs) => inputs.map((i) => [i.dataset.pcPurpose, i.checked])), [["ads", false]]);
  // The changed section with its inserted words, from the published old version.
  await notice.locator(".pc-change ins").first().waitFor();
  assert.match(await notice.locator(".pc-change ins").first().textContent(), /advertising partners/);
  assert.equal(await page.evaluate(() => window.policyConsent.granted("ads")), false, "suspended");
  assert.equal(await page.evaluate(() => window.policyConsent.granted("analytics")), true, "kept");
  assert.equal(await page.evaluate(() => window.policyConsent.record().purposes.ads.state), "suspended");
  await page.click(`${$("change-notice")} ${action("acknowledge")}`);
  assert.equal(await page.locator($("change-notice")).count(), 0);
  assert.equal(await page.evaluate(() => window.policyConsent.granted("ads")), false, "not re-affirmed");
  await page.reload();
  await page.waitForFunction(() => window.policyConsent);
  assert.equal(await page.locator($("change-notice")).count(), 0, "acknowledged for good");
  assert.deepEqual(page.problems, []);
  await context.close();
});

test("a revision the changelog does not declare: the published texts are compared, and the purposes citing what changed materially are asked again", async () => {
  const { page, context } = await visit();
  await page.click(action("accept-all"));
  await declareAge(page, 1990, 4);
  await page.waitForFunction(() => window.__analyticsRuns === 1);
  // The revised manifest without its 2027-01 entry: only the comparison of
  // versions/2026-11.txt with versions/2027-01.txt can say what the revision is.
  await page.route("**/policy/revised.json", async (route) => {
    const manifest = await (await route.fetch()).json();
    manifest.changelog = manifest.changelog.filter((entry) => entry.version !== "2027-01");
    await route.fulfill({ json: manifest });
  });
  const oldText = page.waitForRequest((r) => r.url().endsWith("/policy/versions/2026-11.txt"));
  await page.goto(env.url + "/?revision=2027-01");
  await oldText;
  await page.waitForFunction(() => window.policyConsent);
  const notice = page.locator(`${$("change-notice")}[data-pc-level="material"]`);
  await notice.waitFor();
  assert.deepEqual(await notice.locator("input[data-pc-purpose]").evaluateAll((inputs) => inputs.map((i) => i.dataset.pcPurpose)), ["ads"]);
  assert.equal(await page.evaluate(() => window.policyConsent.record().purposes.ads.state), "suspended");
  assert.equal(await page.evaluate(() => window.policyConsent.granted("analytics")), true, "kept");
  assert.deepEqual(page.problems, []);
  await context.close();
});

test("a cosmetic revision shows nothing and keeps every choice", async () => {
  const { page, context } = await visit();
  await page.click(action("accept-all"));
  await declareAge(page, 1990, 4);
  await page.waitForFunction(() => window.__analyticsRuns === 1);
  await page.route("**/policy/consent.json", async (route) => {
    const manifest = await (await route.fetch()).json();
    manifest.policy.version = "2026-12";
    manifest.changelog.push({ version: "2026-12", date: "2026-12-01", level: "cosmetic", summary: "Typo fixes." });
    await route.fulfill({ json: manifest });
  });
  await page.reload();
  await page.waitForFunction(() => window.policyConsent);
  await page.waitForFunction(() => window.__analyticsRuns === 1);
  assert.equal(await page.locator(`${$("change-notice")}, ${$("banner")}`).count(), 0);
  assert.equal(await page.evaluate(() => window.policyConsent.record().policy.version), "2026-12");
  assert.equal(await page.evaluate(() => window.policyConsent.granted("ads")), true);
  await context.close();
});

test("localStorage throwing: it still works (cookie), and survives a reload", async () => {
  const broken = () => {
    for (const name of ["getItem", "setItem", "removeItem"]) {
      Storage.prototype[name] = () => {
        throw new DOMException("The operation is insecure.", "SecurityError");
      };
    }
  };
  const { page, context } = await visit("/", { init: [broken] });
  await page.waitForSelector($("banner"));
  assert.equal(await page.evaluate(() => window.policyConsent.storage()), "cookie");
  await page.click(action("reject-all"));
  await page.reload();
  await page.waitForFunction(() => window.policyConsent);
  assert.equal(await page.locator($("banner")).count(), 0);
  assert.equal(await page.evaluate(() => window.policyConsent.record().purposes.analytics.state), "denied");
  assert.deepEqual(page.problems, []);
  await context.close();
});

test("a corrupt stored record: the banner again, the raw value kept aside, no console error", async () => {
  const context = await env.browser.newContext();
  const page = await newPage(context);
  await page.addInitScript(() => {
    if (!sessionStorage.getItem("seeded")) {
      localStorage.setItem("policy-consent:sample-privacy", '{"schema":1,"id":"x","purposes":{"analytics":{"state":"granted"');
      sessionStorage.setItem("seeded", "1");
    }
  });
  await page.goto(env.url + "/");
  await page.waitForFunction(() => window.policyConsent);
  await page.waitForSelector($("banner"));
  assert.equal(await page.evaluate(() => window.policyConsent.granted("analytics")), false);
  assert.equal(await analyticsRan(page), 0);
  assert.match((await page.evaluate(() => window.policyConsent.warnings()))[0], /malformed/);
  assert.match(await page.evaluate(() => localStorage.getItem("policy-consent:sample-privacy:backup")), /"state":"granted"/);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test("two tabs: a decision in one applies in the other at once", async () => {
  const context = await env.browser.newContext();
  const { page: first } = await visit("/", { context });
  const { page: second } = await visit("/", { context });
  await first.click(action("accept-all"));
  await declareAge(first, 1990, 4);
  await first.waitForFunction(() => window.__analyticsRuns === 1);
  await second.waitForFunction(() => window.policyConsent.granted("analytics"));
  await second.waitForFunction(() => window.__analyticsRuns === 1);
  assert.equal(await second.locator($("banner")).count(), 0);
  await second.evaluate(() => window.policyConsent.withdraw(["ads"]));
  await first.waitForFunction(() => !window.policyConsent.granted("ads"));
  await context.close();
});

test("the policy viewer: rendered sections, search, a cited section opened from settings", async () => {
  const { page, context } = await visit();
  await page.click(action("settings"));
  await page.click('[data-pc-purpose-row="ads"] [data-pc-action="policy"]');
  const viewer = page.locator(`${$("policy")}[open]`);
  await viewer.locator("#s-2-5").waitFor();
  await page.waitForFunction(() => document.activeElement?.closest("#s-2-5"));
  assert.equal(await viewer.locator("section.pc-section").count(), 25);
  await page.fill('[data-pc-field="policy-search"]', "Minors");
  assert.equal(await viewer.locator("section.pc-section:not([hidden])").count(), 1);
  assert.equal(await viewer.locator("section.pc-section:not([hidden]) h3").textContent(), "Protection of Minors");
  await page.fill('[data-pc-field="policy-search"]', "zzz no such words");
  assert.equal(await viewer.locator("[data-pc-empty]:not([hidden])").count(), 1);
  // Escape first clears the search field (the browser's own behaviour), then closes.
  await page.keyboard.press("Escape");
  await page.keyboard.press("Escape");
  assert.equal(await page.locator(`${$("policy")}[open]`).count(), 0);
  await context.close();
});

test("an upcoming version is announced in its window, with its changes marked; a minor revision is a dismissible bar", async () => {
  const { page, context } = await visit();
  await page.click(action("reject-all"));
  // The manifest announces 2027-01 from 2026-12-15; on 2026-12-20 the bar shows.
  await page.clock.setFixedTime(new Date("2026-12-20T10:00:00Z"));
  await page.reload();
  await page.waitForFunction(() => window.policyConsent);
  const bar = page.locator(`${$("change-notice")}[data-pc-level="upcoming"]`);
  await bar.waitFor();
  assert.match(await bar.textContent(), /Our privacy policy changes on 15 January 2027/);
  const fetched = [];
  page.on("request", (r) => /_bg\.wasm$|\.view\.json$/.test(r.url()) && fetched.push(new URL(r.url()).pathname.split("/").pop()));
  await bar.locator(action("policy")).click();
  const viewer = page.locator(`${$("policy")}[open]`);
  await viewer.locator('#s-2-5[data-pc-change="material"]').waitFor();
  assert.match(await viewer.locator("#s-2-5 h4").textContent(), /advertising partners/);
  // Marking changes is the comparison's: the full module. Neither the view module nor the
  // current version's rendering made ahead, not even on the way to the click (its hover).
  assert.deepEqual(fetched, ["policy_consent_full_bg.wasm"]);
  await page.keyboard.press("Escape");
  // The current version, nothing to mark, and no rendering made ahead: the full module, loaded
  // now, renders it too, with no view module fetched besides.
  await page.route("**/privacy-policy.view.json", (route) => route.fulfill({ status: 404, body: "" }));
  await page.evaluate(() => window.policyConsent.showPolicy());
  await page.waitForFunction(() => {
    const viewer = document.querySelector('[data-pc="policy"]');
    return viewer?.open && viewer.querySelector("article.pc-policy #s-2-5") && !viewer.querySelector("[data-pc-change]");
  });
  assert.deepEqual(fetched, ["policy_consent_full_bg.wasm", "privacy-policy.view.json"]);
  await page.keyboard.press("Escape");
  await page.unroute("**/privacy-policy.view.json");
  page.problems.splice(0, Infinity, ...page.problems.filter((p) => !/status of 404/.test(p)));
  await bar.locator(action("acknowledge")).click();
  assert.equal(await bar.count(), 0);
  await page.reload();
  await page.waitForFunction(() => window.policyConsent);
  assert.equal(await page.locator($("change-notice")).count(), 0, "acknowledged");

  // A minor revision: a bar, choices carried over.
  await page.route("**/policy/consent.json", async (route) => {
    const manifest = await (await route.fetch()).json();
    manifest.policy.version = "2026-12";
    delete manifest.policy.upcoming;
    manifest.changelog.push({ version: "2026-12", date: "2026-12-01", level: "minor", summary: "Clarified examples." });
    await route.fulfill({ json: manifest });
  });
  await page.reload();
  await page.waitForFunction(() => window.policyConsent);
  const minor = page.locator(`${$("change-notice")}[data-pc-level="minor"]`);
  await minor.waitFor();
  assert.equal(await minor.evaluate((el) => el.tagName), "DIV", "a bar, not a modal");
  await minor.locator(action("acknowledge")).click();
  assert.equal(await minor.count(), 0);
  assert.equal(await page.evaluate(() => window.policyConsent.record().purposes.analytics.state), "denied");
  assert.deepEqual(page.problems, []);
  await context.close();
});

// Faults and load in Chromium, on the demo site: a full storage quota, storage that throws
// with cookies disabled, two tabs deciding at the same moment, a receipts endpoint that is
// down, failing or slow, the viewer's module failing to load, and a manifest with a thousand
// purposes. In each: no exception reaches the page, no stored decision is lost or turned
// into "granted".
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { start, newPage } from "./browser.mjs";

let env;
before(async () => (env = await start()));
after(async () => env?.close());

const KEY = "policy-consent:sample-privacy";
const action = (name) => `[data-pc-action="${name}"]`;

const collectChanges = (page) =>
  page.evaluate(() => {
    window.__changes = [];
    window.policyConsent.on("change", (detail) => window.__changes.push(detail));
  });

/** A page in `context` on the demo, its change events collected in `window.__changes`. */
async function open(context, { init = [] } = {}) {
  const page = await newPage(context);
  for (const script of init) await page.addInitScript(script);
  await page.goto(env.url + "/");
  await page.waitForFunction(() => window.policyConsent);
  await collectChanges(page);
  return page;
}

/** An adult who accepted everything, stored in localStorage. */
async function acceptedAdult(context) {
  const page = await open(context);
  await page.click(action("accept-all"));
  await page.fill('[data-pc-field="birth-year"]', "1990");
  await page.selectOption('[data-pc-field="birth-month"]', "4");
  await page.click(action("age-submit"));
  await page.waitForFunction(() => window.policyConsent.granted("analytics"));
  return page;
}

const lastChange = (page) => page.evaluate(() => window.__changes.at(-1));
const stored = (page) => page.evaluate((key) => localStorage.getItem(key), KEY);

test("a full localStorage quota: the decision falls to a cookie and, on reload, wins over the older copy", async () => {
  const context = await env.browser.newContext();
  const page = await acceptedAdult(context);
  const before = await stored(page);
  // Another script on the site fills the origin's quota.
  const filled = await page.evaluate(() => {
    let chunk = "x".repeat(1 << 20);
    let i = 0;
    while (chunk.length) {
      try {
        localStorage.setItem(`filler-${i++}`, chunk);
      } catch {
        chunk = chunk.slice(0, chunk.length >> 1);
      }
    }
    try {
      localStorage.setItem("one-more", "y");
      return false;
    } catch (e) {
      return e.name;
    }
  });
  assert.equal(filled, "QuotaExceededError");
  // A load with the quota full still reads what was stored before it filled.
  await page.reload();
  await page.waitForFunction(() => window.policyConsent);
  assert.equal(await page.locator('[data-pc="banner"]').count(), 0, "the stored decision was not read");
  assert.equal(await page.evaluate(() => window.policyConsent.granted("analytics")), true);
  await collectChanges(page);
  await page.evaluate(() => window.policyConsent.withdraw(["analytics"]));
  const change = await lastChange(page);
  assert.equal(change.persisted, true);
  assert.equal(await page.evaluate(() => window.policyConsent.storage()), "cookie");
  assert.equal(await stored(page), before, "the copy in localStorage is left as it was");

  await page.reload();
  await page.waitForFunction(() => window.policyConsent);
  assert.equal(await page.evaluate(() => window.policyConsent.granted("analytics")), false, "the older copy must not win");
  assert.equal(await page.evaluate(() => window.policyConsent.granted("ads")), true);
  assert.equal(await page.locator('[data-pc="banner"]').count(), 0);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test("writes throwing and cookies disabled: it works for the visit, says persisted: false, and the stored decision stays intact", async () => {
  const context = await env.browser.newContext();
  const first = await acceptedAdult(context);
  const before = await stored(first);
  await first.close();
  const broken = () => {
    Storage.prototype.setItem = () => {
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    };
    const cookie = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
    Object.defineProperty(Document.prototype, "cookie", { get: () => "", set: () => {}, configurable: cookie.configurable });
  };
  const page = await open(context, { init: [broken] });
  assert.equal(await page.evaluate(() => window.policyConsent.granted("analytics")), true, "the stored decision is read");
  await page.evaluate(() => window.policyConsent.withdraw(["analytics"]));
  const change = await lastChange(page);
  assert.equal(change.persisted, false);
  assert.equal(await page.evaluate(() => window.policyConsent.storage()), "memory");
  assert.equal(await page.evaluate(() => window.policyConsent.granted("analytics")), false, "the withdrawal holds for the visit");
  assert.equal(await stored(page), before);
  assert.deepEqual(page.problems, []);
  await page.close();

  // Storage works again: the last decision that was stored, nothing else.
  const later = await open(context);
  assert.equal(await later.evaluate(() => window.policyConsent.granted("analytics")), true);
  assert.equal(await later.evaluate(() => window.policyConsent.record().purposes.ads.state), "granted");
  await context.close();
});

test("two tabs deciding at the same moment: both end with the same decision, and it is the one stored", async () => {
  const context = await env.browser.newContext();
  const one = await acceptedAdult(context);
  const two = await open(context);
  await two.waitForFunction(() => window.policyConsent.granted("analytics"));
  for (let round = 0; round < 8; round++) {
    // Both act on the same animation-frame boundary, 300 ms from now.
    const at = Date.now() + 300;
    const act = (page, purpose) =>
      page.evaluate(
        ([at, purpose, round]) =>
          new Promise((done) =>
            setTimeout(() => {
              // The same millisecond in both tabs: the tie-break decides, whichever
              // tab's write lands last.
              const now = Date.now;
              Date.now = () => at;
              const pc = window.policyConsent;
              if (round % 2) pc.grant([purpose]);
              else pc.withdraw([purpose]);
              Date.now = now;
              done();
            }, at - Date.now()),
          ),
        [at, purpose, round],
      );
    // Which tab's timer fires first, and so writes first, alternates.
    const acts = [() => act(one, "analytics"), () => act(two, "ads")];
    if (round % 4 >= 2) acts.reverse();
    await Promise.all(acts.map((go) => go()));
    const settled = async () => {
      const [a, b, s] = await Promise.all([
        one.evaluate(() => JSON.stringify(window.policyConsent.record())),
        two.evaluate(() => JSON.stringify(window.policyConsent.record())),
        stored(one),
      ]);
      return a === b && JSON.stringify(JSON.parse(s)) === a ? a : null;
    };
    let agreed = null;
    for (let i = 0; i < 50 && !agreed; i++) {
      agreed = await settled();
      if (!agreed) await one.waitForTimeout(20);
    }
    assert.ok(agreed, `round ${round}: the tabs and the store disagree`);
    const purposes = JSON.parse(agreed).purposes;
    const want = round % 2 ? "granted" : "denied";
    // One tab's decision is the last one; the other purpose keeps the state it had.
    const changed = ["analytics", "ads"].filter((p) => purposes[p].state === want);
    assert.ok(changed.length >= 1, `round ${round}: neither decision holds`);
  }
  assert.deepEqual([...one.problems, ...two.problems], []);
  await context.close();
});

test("receipts: an endpoint down or failing keeps them queued, a later load delivers them, a slow one never holds the UI", async () => {
  const context = await env.browser.newContext();
  await context.addInitScript(() => (window.policyConsentOptions = { receiptEndpoint: "/receipts" }));
  const received = [];
  let mode = "down";
  await context.route("**/receipts", async (route) => {
    if (mode === "down") return route.abort("connectionrefused");
    if (mode === "failing") return route.fulfill({ status: 500, body: "error" });
    if (mode === "slow") await new Promise((r) => setTimeout(r, 3000));
    received.push(JSON.parse(route.request().postData()));
    return route.fulfill({ status: 204 });
  });
  const queue = (page) => page.evaluate((key) => JSON.parse(localStorage.getItem(`${key}:receipts`) ?? "[]").length, KEY);
  const page = await acceptedAdult(context);
  await page.waitForTimeout(200);
  assert.ok((await queue(page)) >= 1, "a receipt the endpoint did not take stays queued");
  mode = "failing";
  await page.evaluate(() => window.policyConsent.withdraw(["ads"]));
  await page.waitForTimeout(200);
  const waiting = await queue(page);
  assert.ok(waiting >= 2, `after a 500: ${waiting} queued`);
  assert.equal(received.length, 0);

  mode = "ok";
  await page.reload();
  await page.waitForFunction(() => window.policyConsent);
  await page.waitForFunction((key) => !localStorage.getItem(`${key}:receipts`), KEY);
  assert.equal(received.length, waiting, "each queued receipt delivered once");
  assert.ok(received.every((r) => r.version === "policy-consent-receipt/1" && r.record && r.issued));
  assert.equal(received.at(-1).purposes.find((p) => p.id === "ads").state, "denied");

  mode = "slow";
  const took = await page.evaluate(async () => {
    const t = performance.now();
    window.policyConsent.withdraw(["analytics"]);
    return performance.now() - t;
  });
  assert.ok(took < 500, `the decision waited ${took} ms`);
  assert.equal(await page.evaluate(() => window.policyConsent.granted("analytics")), false);
  assert.equal(await queue(page), 1, "queued until the slow endpoint answers");
  await page.waitForFunction((key) => !localStorage.getItem(`${key}:receipts`), KEY, { timeout: 10000 });
  // The browser logs the refused and failed requests itself; nothing else may appear.
  assert.deepEqual(page.problems.filter((p) => !/Failed to load resource/.test(p)), []);
  await context.close();
});

/** The sample manifest with `n` optional purposes, no age question. */
function manifestWith(n) {
  const manifest = JSON.parse(readFileSync(new URL("../../policy/consent.json", import.meta.url), "utf8"));
  const template = manifest.purposes.find((p) => p.id === "personalization");
  manifest.age_gate = "off";
  manifest.purposes = Array.from({ length: n }, (_, i) => ({
    ...template,
    id: `service-${i}`,
    title: { en: `Service ${i}` },
    description: { en: `What service ${i} does with your data.` },
  }));
  return manifest;
}

test("the viewer's module failing to load: the viewer says so, consent still works, and the next open loads it and shows the policy", async () => {
  const context = await env.browser.newContext();
  // No rendering made ahead, so the viewer needs the view module; its first request fails.
  await context.route("**/privacy-policy.view.json", (route) => route.fulfill({ status: 404, body: "" }));
  let failures = 0;
  await context.route("**/pkg/policy_consent_view_bg.wasm", (route) => (failures++ === 0 ? route.fulfill({ status: 503, body: "busy" }) : route.continue()));
  const page = await open(context);
  const link = `[data-pc="banner"] ${action("policy")}`;
  const viewer = page.locator('[data-pc="policy"]');
  await page.click(link);
  await page.waitForFunction(() => /could not be loaded/.test(document.querySelector('[data-pc="policy"][open] [data-pc-policy-body]')?.textContent));
  assert.equal(await viewer.locator("article.pc-policy").count(), 0);
  await page.keyboard.press("Escape");
  await page.click(link);
  await page.locator('[data-pc="policy"][open] article.pc-policy #s-2-5').waitFor();
  assert.equal(failures, 2);
  await page.keyboard.press("Escape");
  // The consent UI never depended on it.
  await page.click(action("reject-all"));
  await page.waitForFunction(() => window.__changes.length === 1);
  assert.equal(JSON.parse(await stored(page)).purposes.analytics.state, "denied");
  assert.deepEqual(page.problems.filter((p) => !/Failed to load resource|status of (404|503)/.test(p)), []);
  await context.close();
});

test("10,000 rapid decisions from the API: the record stays bounded and valid, the last decision holds", async () => {
  const context = await env.browser.newContext();
  const page = await acceptedAdult(context);
  const after = await page.evaluate(() => {
    const pc = window.policyConsent;
    const t = performance.now();
    for (let i = 0; i < 10000; i++) {
      if (i % 2) pc.grant(["analytics"]);
      else pc.withdraw(["analytics"]);
    }
    const record = pc.record();
    return { events: record.events.length, folded: record.folded?.events ?? 0, ms: performance.now() - t };
  });
  assert.ok(after.events <= 40, `${after.events} events kept`);
  assert.ok(after.events + after.folded >= 10000, `${after.events} kept, ${after.folded} folded`);
  const size = (await stored(page)).length;
  assert.ok(size < 16_000, `record of ${size} bytes`);
  await page.reload();
  await page.waitForFunction(() => window.policyConsent);
  assert.deepEqual(await page.evaluate(() => window.policyConsent.warnings()), []);
  assert.equal(await page.evaluate(() => window.policyConsent.granted("analytics")), true);
  assert.deepEqual(page.problems, []);
  console.log(`# 10,000 decisions in ${after.ms.toFixed(0)} ms; record ${size} bytes`);
  await context.close();
});

test("a thousand purposes: settings list them all, toggles and save work, API decisions are stored; ten thousand are refused clearly", async () => {
  const context = await env.browser.newContext();
  const manifest = manifestWith(1000);
  await context.route("**/policy/consent.json", (route) => route.fulfill({ json: manifest }));
  const page = await open(context);
  await page.evaluate(() => window.policyConsent.showSettings());
  await page.waitForSelector('[data-pc="settings"][open]');
  assert.equal(await page.locator("input[data-pc-purpose]").count(), 1000);
  for (const i of [0, 499, 999]) await page.locator(`input[data-pc-purpose="service-${i}"]`).check();
  await page.click(action("save"));
  const granted = await page.evaluate(() => Object.entries(window.policyConsent.record().purposes).filter(([, p]) => p.state === "granted").map(([id]) => id));
  assert.deepEqual(granted.sort(), ["service-0", "service-499", "service-999"]);
  assert.equal((await lastChange(page)).persisted, true);

  // Decisions from the API with a thousand purposes: each is stored and told.
  const took = await page.evaluate(() => {
    const pc = window.policyConsent;
    const t = performance.now();
    for (let i = 0; i < 100; i++) pc.grant([`service-${i}`]);
    return (performance.now() - t) / 100;
  });
  const size = (await stored(page)).length;
  assert.ok(size < 300_000, `record of ${size} bytes`);
  await page.reload();
  await page.waitForFunction(() => window.policyConsent);
  assert.deepEqual(await page.evaluate(() => window.policyConsent.warnings()), []);
  assert.equal(await page.evaluate(() => window.policyConsent.granted("service-1")), true);
  assert.equal(await page.evaluate(() => window.policyConsent.granted("service-100")), false);
  assert.deepEqual(page.problems, []);
  console.log(`# 1,000 purposes: record ${size} bytes, ${took.toFixed(1)} ms per API decision`);

  // Ten thousand purposes: refused with a message naming the limit, no banner that cannot
  // act, nothing gated run, the stored record untouched; for a returning and a new visitor.
  const tooMany = manifestWith(10000);
  const recordBefore = await stored(page);
  const fresh = await env.browser.newContext();
  for (const ctx of [context, fresh]) {
    await ctx.unroute("**/policy/consent.json");
    await ctx.route("**/policy/consent.json", (route) => route.fulfill({ json: tooMany }));
    const refused = await newPage(ctx);
    await refused.addInitScript(() => addEventListener("policy-consent:error", (e) => (window.__error = e.detail.message)));
    await refused.goto(env.url + "/");
    const message = await (await refused.waitForFunction(() => window.__error)).jsonValue();
    assert.match(message, /purposes: 10000 purposes: at most 1000/);
    assert.equal(await refused.locator('[data-pc="banner"]').count(), 0, "no banner that cannot act");
    assert.equal(await refused.evaluate(() => window.__analyticsRuns ?? 0), 0);
    assert.equal(await stored(refused), ctx === context ? recordBefore : null);
  }
  await fresh.close();
  await context.close();
});

// Fitting every host: strict CSP and Trusted Types, nonces, Chinese, webview bridges,
// Consent Mode and GPC.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, newPage } from "./browser.mjs";
import { CSP } from "../../scripts/serve.mjs";

let env;
before(async () => (env = await start()));
after(async () => env?.close());

const $ = (hook) => `[data-pc="${hook}"]`;
const action = (name) => `[data-pc-action="${name}"]`;

const recordViolations = () => {
  window.__violations = [];
  document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective}: ${e.blockedURI} ${e.sample}`));
};

async function visit(path, { init = [], context, options = {} } = {}) {
  context ??= await env.browser.newContext(options);
  const page = await newPage(context);
  for (const script of init) await page.addInitScript(script);
  await page.goto(env.url + path);
  await page.waitForFunction(() => window.policyConsent);
  return { page, context };
}

async function adult(page) {
  await page.click(action("accept-all"));
  await page.fill('[data-pc-field="birth-year"]', "1990");
  await page.selectOption('[data-pc-field="birth-month"]', "4");
  await page.click(action("age-submit"));
  await page.waitForFunction(() => window.policyConsent.granted("analytics"));
}

test("strict CSP with Trusted Types 'none': everything works, no violation", async () => {
  const { page, context } = await visit("/csp.html", { init: [recordViolations] });
  const csp = await page.evaluate(async () => (await fetch(location.href)).headers.get("content-security-policy"));
  assert.match(csp, /require-trusted-types-for 'script'; trusted-types 'none'/);
  await page.waitForSelector($("banner"));
  await page.click(action("settings"));
  await page.check('input[data-pc-purpose="personalization"]');
  await page.click(action("save"));
  await page.fill('[data-pc-field="birth-year"]', "1990");
  await page.selectOption('[data-pc-field="birth-month"]', "4");
  await page.click(action("age-submit"));
  await page.waitForFunction(() => document.querySelector("iframe[data-consent]").getAttribute("src"));
  await page.click(action("open-settings"));
  await page.click('[data-pc-purpose-row="ads"] [data-pc-action="policy"]');
  await page.waitForSelector(`${$("policy")} #s-2-5`);
  await page.fill('[data-pc-field="policy-search"]', "Minors");
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test("the manifest in the page (a JSON data block): no request before the banner, strict CSP, clear error when broken", async () => {
  const context = await env.browser.newContext();
  // The strict CSP of /csp.html, on the test pages too.
  await context.route("**/e2e/inline-manifest*.html", async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), "content-security-policy": CSP["/csp.html"] } });
  });
  const page = await newPage(context);
  const requests = [];
  page.on("request", (r) => requests.push(new URL(r.url()).pathname));
  await page.addInitScript(recordViolations);
  await page.goto(env.url + "/e2e/inline-manifest.html");
  const banner = page.locator($("banner"));
  await banner.waitFor();
  assert.equal(await banner.locator("h2").textContent(), "Privacy, from the page itself");
  const before = requests.slice();
  assert.ok(!before.some((p) => p.endsWith(".json")), `no manifest request: ${before.join(", ")}`);
  await page.waitForFunction(() => window.policyConsent);
  await page.click(action("accept-all"));
  await page.waitForFunction(() => window.policyConsent.granted("analytics"));
  assert.ok(!requests.some((p) => p.endsWith(".json")), `no manifest request at all: ${requests.join(", ")}`);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(page.problems, []);

  const broken = await newPage(context);
  await broken.addInitScript(() => addEventListener("policy-consent:error", (e) => (window.__error = e.detail.message)));
  await broken.goto(env.url + "/e2e/inline-manifest-broken.html");
  const message = await (await broken.waitForFunction(() => window.__error)).jsonValue();
  assert.match(message, /^#pc-manifest: not JSON/);
  assert.equal(await broken.locator($("banner")).count(), 0);
  await context.close();
});

test("data-birth: the host's birth month makes accepting one click; a wrong one is named and the visitor asked", async () => {
  // A fresh context per visitor (nothing stored), each page served with the strict CSP and
  // the birth month of ?birth= in its attribute.
  const visitor = async () => {
    const context = await env.browser.newContext();
    await context.route("**/e2e/host-birth.html*", async (route) => {
      const response = await route.fetch();
      const birth = new URL(route.request().url()).searchParams.get("birth");
      const text = await response.text();
      const body = birth === null ? text : text.replace('data-birth="1990-04"', `data-birth="${birth}"`);
      await route.fulfill({ response, body, headers: { ...response.headers(), "content-security-policy": CSP["/csp.html"] } });
    });
    return { context, page: await newPage(context) };
  };
  const { context, page } = await visitor();
  await page.goto(env.url + "/e2e/host-birth.html");
  await page.waitForFunction(() => window.policyConsent);
  await page.click(action("accept-all"));
  await page.waitForFunction(() => window.policyConsent.granted("analytics"));
  const { birth_year, birth_month, by } = await page.evaluate(() => window.policyConsent.record().age);
  assert.deepEqual({ birth_year, birth_month, by }, { birth_year: 1990, birth_month: 4, by: "system" });
  assert.equal(await page.locator('[data-pc-field="birth-year"]').count(), 0);
  assert.deepEqual(page.problems, []);

  await context.close();

  const { context: other, page: wrong } = await visitor();
  const warnings = [];
  wrong.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  await wrong.goto(env.url + "/e2e/host-birth.html?birth=1990-13");
  await wrong.waitForFunction(() => window.policyConsent);
  await wrong.click(action("accept-all"));
  await wrong.locator('[data-pc-field="birth-year"]').waitFor();
  assert.equal(await wrong.evaluate(() => window.policyConsent.granted("analytics")), false);
  assert.ok(warnings.some((w) => w.includes("birth month 13 is not a month") && w.includes("the visitor is asked")), warnings.join("\n"));
  assert.deepEqual(wrong.problems, []);
  await other.close();
});

/**
 * /e2e/host-birth.html (strict CSP) with more attributes on the loader, more markup in <main>,
 * and any other change to its text (`edit`); waits for the banner unless `banner` is false.
 * The page counts ready events in `__ready` and keeps the last error's message in `__error`.
 */
async function hostPage(context, { attributes = "", main = "", edit = (text) => text, banner = true } = {}) {
  await context.route("**/e2e/host-birth.html", async (route) => {
    const response = await route.fetch();
    const body = edit(await response.text())
      .replace('<script type="module" src="/policy-consent.js"', `<script type="module" src="/policy-consent.js" ${attributes}`)
      .replace("</main>", `${main}</main>`);
    const csp = main.includes("<script") ? {} : { "content-security-policy": CSP["/csp.html"] };
    await route.fulfill({ response, body, headers: { ...response.headers(), ...csp } });
  });
  const page = await newPage(context);
  await page.addInitScript(() => {
    window.__ready = 0;
    addEventListener("policy-consent:ready", () => window.__ready++);
    addEventListener("policy-consent:error", (e) => (window.__error = e.detail.message));
  });
  await page.goto(env.url + "/e2e/host-birth.html");
  if (banner) await page.locator($("banner")).waitFor();
  return page;
}

const ON_DEMAND = 'data-start="on-demand"';

test("a decision clicked before the app arrived, the visitor gone on: the next page makes it; a stale one is ignored", async () => {
  const context = await env.browser.newContext();
  const hold = (route) => {}; // never answered: the visitor leaves first
  await context.route("**/pkg/policy_consent_bg.wasm", hold);
  const page = await hostPage(context);
  await page.click(action("reject-all"));
  const kept = await page.evaluate(() => JSON.parse(localStorage.getItem("policy-consent:host-birth:early")));
  assert.deepEqual([kept.action, kept.version, typeof kept.at], ["reject-all", "1", "number"]);
  assert.equal(await page.evaluate(() => localStorage.getItem("policy-consent:host-birth")), null);

  // The next page: the banner shows the decision taken, and the app makes it.
  await context.unroute("**/pkg/policy_consent_bg.wasm", hold);
  await page.goto(env.url + "/e2e/host-birth.html");
  await page.waitForFunction(() => window.policyConsent?.record()?.purposes.analytics?.state);
  assert.equal(await page.evaluate(() => window.policyConsent.record().purposes.analytics.state), "denied");
  assert.equal(await page.evaluate(() => localStorage.getItem("policy-consent:host-birth:early")), null);
  assert.equal(await page.locator($("banner")).count(), 0);
  assert.deepEqual(page.problems, []);
  await context.close();

  // Kept for another version, or too long ago: the visitor is asked as on any first visit.
  for (const kept of [{ action: "accept-all", version: "0.9", at: Date.now() }, { action: "accept-all", version: "1", at: Date.now() - 11 * 60 * 1000 }]) {
    const stale = await env.browser.newContext();
    await stale.addInitScript((kept) => localStorage.setItem("policy-consent:host-birth:early", kept), JSON.stringify(kept));
    const fresh = await hostPage(stale);
    await fresh.waitForFunction(() => window.policyConsent);
    assert.equal(await fresh.locator(`${$("banner")}[aria-busy]`).count(), 0, JSON.stringify(kept));
    assert.equal(await fresh.evaluate(() => window.policyConsent.record()?.purposes.analytics?.state ?? null), null);
    await stale.close();
  }
});

test("a click before the app has started: the banner says so at once, and that first click decides when the app arrives", async () => {
  const context = await env.browser.newContext();
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await context.route("**/pkg/policy_consent_bg.wasm", async (route) => {
    await held;
    await route.continue();
  });
  const page = await hostPage(context);
  await page.click(action("accept-all"));
  const shown = () =>
    page.evaluate(() => {
      const banner = document.querySelector('[data-pc="banner"]');
      const faded = [...banner.querySelectorAll('[aria-disabled="true"]')].filter((b) => getComputedStyle(b).opacity === "0.5");
      return [typeof window.policyConsent, banner.getAttribute("aria-busy"), banner.querySelector("[data-pc-pressed]")?.dataset.pcAction, faded.length];
    });
  assert.deepEqual(await shown(), ["undefined", "true", "accept-all", 3]);
  // Second thoughts while the first is on its way are not taken (the keyboard still reaches
  // the buttons; the pointer does not).
  await page.focus(action("reject-all"));
  await page.keyboard.press("Enter");
  assert.deepEqual(await shown(), ["undefined", "true", "accept-all", 3]);
  release();
  await page.waitForFunction(() => window.policyConsent?.record()?.purposes.analytics?.state);
  // The app's banner, had it stayed, would not be busy: nothing of the wait is left behind.
  assert.equal(await page.locator("[aria-busy], [data-pc-pressed], [aria-disabled]").count(), 0);
  assert.equal(await page.evaluate(() => window.policyConsent.record().purposes.analytics.state), "granted");
  assert.equal(await page.locator($("banner")).count(), 0);
  assert.equal(await page.evaluate(() => window.__ready), 1);
  assert.deepEqual(page.problems, []);
  await context.close();
});

/**
 * Serves /e2e/host-birth.html with its manifest moved to /e2e/host-birth.json, which the
 * loader fetches, as by default (with `fetched` false, left in the page): `attributes` go on
 * the loader, `head` before </head>.
 */
async function birthPage(page, { attributes = "", head = "", fetched = true } = {}) {
  let manifest;
  await page.route("**/e2e/host-birth.html", async (route) => {
    const response = await route.fetch();
    const html = await response.text();
    manifest = html.match(/<script type="application\/json" id="pc-manifest">([\s\S]*?)<\/script>/)[1];
    const source = fetched ? "/e2e/host-birth.json" : "#pc-manifest";
    const body = html.replace("</head>", `${head}</head>`).replace('data-manifest="#pc-manifest"', `data-manifest="${source}" ${attributes}`);
    await route.fulfill({ response, body });
  });
  await page.route("**/e2e/host-birth.json", (route) => route.fulfill({ contentType: "application/json", body: manifest }));
  await page.goto(env.url + "/e2e/host-birth.html");
}

/** In the page: the order in which the app's Wasm is requested and the banner goes in. */
const recordOrder = () => {
  window.__order = [];
  const fetch = window.fetch;
  window.fetch = function (input, ...rest) {
    if (String(input?.url ?? input).endsWith("/pkg/policy_consent_bg.wasm")) window.__order.push("app requested");
    return fetch.call(this, input, ...rest);
  };
  new MutationObserver(() => {
    if (document.querySelector('[data-pc="banner"]') && !window.__order.includes("banner")) window.__order.push("banner");
  }).observe(document, { childList: true, subtree: true });
};

test("with long round trips the app is requested with a fetched manifest, else (on loopback, or the manifest in the page) after the banner; it decides either way", async () => {
  // A 400 ms round trip, as Chromium estimates it (navigator.connection.rtt: 400–450).
  const long = { latency: 400, downloadThroughput: 1012500, uploadThroughput: 168750 };
  for (const [network, fetched, order] of [
    [null, true, ["banner", "app requested"]],
    [long, true, ["app requested", "banner"]],
    [long, false, ["banner", "app requested"]],
  ]) {
    for (const attributes of ["", ON_DEMAND]) {
      const context = await env.browser.newContext();
      const page = await newPage(context);
      if (network) {
        const cdp = await context.newCDPSession(page);
        await cdp.send("Network.enable");
        await cdp.send("Network.emulateNetworkConditions", { offline: false, ...network });
      }
      await page.addInitScript(recordOrder);
      await birthPage(page, { attributes, fetched });
      await page.locator($("banner")).waitFor({ timeout: 20000 });
      await page.click(action("accept-all"));
      await page.waitForFunction(() => window.policyConsent?.granted("analytics"), null, { timeout: 20000 });
      assert.deepEqual(await page.evaluate(() => window.__order), order, `${JSON.stringify(network)} fetched=${fetched} ${attributes}`);
      assert.deepEqual(page.problems, []);
      await context.close();
    }
  }
});

test("a fetched manifest preloaded as README shows: the loader's request is served by the preload", async () => {
  const context = await env.browser.newContext();
  const page = await newPage(context);
  const requests = [];
  page.on("request", (r) => r.url().endsWith("/e2e/host-birth.json") && requests.push(r.url()));
  await birthPage(page, { head: '<link rel="preload" href="/e2e/host-birth.json" as="fetch" crossorigin>\n' });
  await page.locator($("banner")).waitFor();
  await page.waitForFunction(() => window.policyConsent);
  assert.equal(requests.length, 1, requests.join(", "));
  const initiators = await page.evaluate(() => performance.getEntriesByType("resource").filter((e) => e.name.endsWith("/e2e/host-birth.json")).map((e) => e.initiatorType));
  assert.deepEqual(initiators, ["link"]);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test("data-start=on-demand: the app waits for the visitor (Wasm and glue loaded), a click is one decision", async () => {
  const context = await env.browser.newContext();
  const page = await hostPage(context, { attributes: ON_DEMAND });
  await page.waitForFunction(() => performance.getEntriesByType("resource").some((r) => r.name.endsWith("/pkg/policy_consent.js")));
  await page.waitForTimeout(500);
  assert.deepEqual(await page.evaluate(() => [typeof window.policyConsent, window.__ready]), ["undefined", 0]);
  const loaded = await page.evaluate(() => performance.getEntriesByType("resource").map((r) => r.name.split("/").pop()));
  assert.ok(loaded.includes("policy_consent_bg.wasm"), loaded.join(", "));
  await page.click(action("accept-all"));
  await page.waitForFunction(() => window.policyConsent?.granted("analytics"));
  assert.equal(await page.evaluate(() => window.__ready), 1);
  assert.equal(await page.locator($("banner")).count(), 0);
  assert.equal(await page.evaluate(() => window.policyConsent.record().purposes.analytics.state), "granted");
  assert.notEqual(await page.evaluate(() => localStorage.getItem("policy-consent:host-birth")), null);
  assert.deepEqual(page.problems, []);

  // Keyboard: focus reaching the banner starts the app before any key is pressed.
  const keyboard = await hostPage(await env.browser.newContext(), { attributes: ON_DEMAND });
  await keyboard.waitForTimeout(300);
  assert.equal(await keyboard.evaluate(() => typeof window.policyConsent), "undefined");
  await keyboard.focus(action("reject-all"));
  await keyboard.waitForFunction(() => window.policyConsent);
  assert.equal(await keyboard.evaluate(() => localStorage.getItem("policy-consent:host-birth")), null);
  await keyboard.keyboard.press("Enter");
  await keyboard.waitForFunction(() => window.policyConsent.record()?.purposes.analytics?.state === "denied");
  assert.deepEqual(keyboard.problems, []);
  await keyboard.context().close();
  await context.close();
});

test("data-start=on-demand: a pointer resting on the policy link starts the app, which then fetches what the viewer needs before the click", async () => {
  for (const by of ["pointer", "focus"]) {
    const context = await env.browser.newContext();
    const page = await hostPage(context, { attributes: ON_DEMAND });
    const fetched = [];
    page.on("request", (r) => fetched.push(new URL(r.url()).pathname.split("/").pop()));
    const link = page.locator(`${$("banner")} ${action("policy")}`);
    const viewModule = page.waitForRequest((r) => r.url().endsWith("/pkg/policy_consent_view_bg.wasm"), { timeout: 5000 });
    if (by === "pointer") await link.hover();
    else await link.focus();
    await page.waitForFunction(() => window.policyConsent);
    // The pointer or focus came before the app could hear it; the app hears of it when it starts.
    await viewModule;
    assert.ok(fetched.includes("privacy-policy.txt"), `${by}: ${fetched.join(", ")}`);
    await link.click();
    await page.waitForSelector(`${$("policy")}[open] article.pc-policy #s-2-5`);
    assert.equal(fetched.filter((f) => f === "policy_consent_view_bg.wasm").length, 1, fetched.join(", "));
    assert.deepEqual(page.problems, []);
    await context.close();
  }
});

test("data-start=on-demand: the host starts it with policyConsentReady(); another tab's decision starts it", async () => {
  const context = await env.browser.newContext();
  const host = await hostPage(context, { attributes: ON_DEMAND });
  const answer = await host.evaluate(async () => {
    const pc = await window.policyConsentReady();
    return [pc === window.policyConsent, pc.granted("necessary"), pc.granted("analytics"), window.__ready];
  });
  assert.deepEqual(answer, [true, true, false, 1]);
  // The banner is the app's now: its buttons decide.
  await host.click(action("reject-all"));
  await host.waitForFunction(() => window.policyConsent.record());
  await context.close();

  // Asked for while the manifest is still on its way: remembered, and the app starts on it.
  const slow = await env.browser.newContext();
  await slow.route("**/policy/consent.json", async (route) => {
    await new Promise((r) => setTimeout(r, 700));
    await route.continue();
  });
  const early = await hostPage(slow, {
    attributes: ON_DEMAND,
    edit: (text) => text.replace('data-manifest="#pc-manifest"', 'data-manifest="/policy/consent.json"'),
    banner: false,
  });
  await early.waitForFunction(() => window.policyConsentReady);
  assert.equal(await early.locator($("banner")).count(), 0, "asked before the manifest arrived");
  const started = await early.evaluate(() =>
    Promise.race([window.policyConsentReady().then((pc) => pc === window.policyConsent), new Promise((r) => setTimeout(() => r("not started in 10 s"), 10000))]),
  );
  assert.equal(started, true);
  assert.deepEqual(early.problems, []);
  await slow.close();

  const tabs = await env.browser.newContext();
  const first = await hostPage(tabs, { attributes: ON_DEMAND });
  const second = await hostPage(tabs, { attributes: ON_DEMAND });
  await first.waitForTimeout(300);
  assert.equal(await first.evaluate(() => typeof window.policyConsent), "undefined");
  await second.click(action("accept-all"));
  await second.waitForFunction(() => window.policyConsent?.granted("analytics"));
  // The untouched tab hears the storage event, starts, and follows the decision.
  await first.waitForFunction(() => window.policyConsent?.granted("analytics"));
  assert.equal(await first.locator($("banner")).count(), 0);
  assert.deepEqual([...first.problems, ...second.problems], []);
  await tabs.close();
});

test("data-start=on-demand starts at once what the page needs at once: gated content of required purposes", async () => {
  const context = await env.browser.newContext();
  const optional = await hostPage(context, {
    attributes: ON_DEMAND,
    main: '<script type="text/plain" data-consent="analytics">window.__analyticsRan = 1</script>',
  });
  await optional.waitForTimeout(500);
  assert.equal(await optional.evaluate(() => typeof window.policyConsent), "undefined");
  await context.close();

  const needed = await env.browser.newContext();
  const page = await hostPage(needed, {
    attributes: ON_DEMAND,
    main: '<script type="text/plain" data-consent="necessary">window.__necessaryRan = 1</script>',
  });
  await page.waitForFunction(() => window.__necessaryRan === 1 && window.policyConsent && window.__ready === 1);
  assert.equal(await page.locator($("banner")).count(), 1);
  assert.deepEqual(page.problems, []);
  await needed.close();
});

test("data-start=on-demand, a manifest the app refuses: the app's error, no banner left, nothing stored", async () => {
  // Well-formed enough to paint, refused by the app (a purpose id twice): found when the app
  // starts, at the visitor's first move; a malformed one (no purposes list) starts it at once.
  const twice = (text) => text.replace('{ "id": "analytics", "title": "Analytics"', '{ "id": "necessary", "title": "Analytics"');
  const context = await env.browser.newContext();
  const page = await hostPage(context, { attributes: ON_DEMAND, edit: twice });
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__error ?? null), null);
  // The pointer reaching the banner starts the app, which refuses the manifest.
  await page.hover(action("accept-all"));
  const message = await (await page.waitForFunction(() => window.__error)).jsonValue();
  assert.match(message, /duplicate purpose id `necessary`/);
  assert.equal(await page.locator($("banner")).count(), 0);
  assert.equal(await page.evaluate(() => localStorage.getItem("policy-consent:host-birth")), null);
  assert.match(await page.evaluate(() => window.policyConsentReady().catch((e) => e.message)), /duplicate purpose id/);
  await context.close();

  const malformed = await env.browser.newContext();
  const bare = await hostPage(malformed, {
    attributes: ON_DEMAND,
    edit: (text) => text.replace('"purposes": [', '"purposes": {"list": [').replace("]\n}\n</script>", "]}\n}\n</script>"),
    banner: false,
  });
  const early = await (await bare.waitForFunction(() => window.__error)).jsonValue();
  assert.match(early, /manifest: purposes: invalid type: map, expected a sequence/);
  assert.equal(await bare.locator($("banner")).count(), 0);
  await malformed.close();
});

test("policyConsentReady() resolves with the started app; rejects with the reason when it cannot start", async () => {
  const context = await env.browser.newContext();
  const page = await hostPage(context);
  assert.equal(await page.evaluate(async () => (await window.policyConsentReady()) === window.policyConsent), true);
  const broken = await newPage(context);
  await broken.goto(env.url + "/e2e/inline-manifest-broken.html");
  const message = await broken.evaluate(() => window.policyConsentReady().then(() => "started", (e) => e.message));
  assert.match(message, /^#pc-manifest: not JSON/);
  await context.close();
});

test("a nonce CSP: gated inline and external scripts run with the page's nonce through the Trusted Types policy", async () => {
  const { page, context } = await visit("/csp-nonce.html", { init: [recordViolations] });
  assert.equal(await page.evaluate(() => window.__inlineRan ?? 0), 0);
  await adult(page);
  await page.waitForFunction(() => window.__inlineRan === 1 && window.__analyticsRuns === 1);
  assert.equal(await page.$eval("script[data-pc-from]", (s) => s.nonce), "n0nce");
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  await context.close();
});

/** The demo page with another `<html lang>` (or none). */
async function withLang(page, lang) {
  await page.route(/\/$/, async (route) => {
    const html = await (await route.fetch()).text();
    await route.fulfill({ body: html.replace('<html lang="en">', lang ? `<html lang="${lang}">` : "<html>"), contentType: "text/html" });
  });
}

test("Chinese: chosen by the lang option, then <html lang>, then navigator.languages; strings overridable", async () => {
  const banner = async ({ lang, locale, init }) => {
    const context = await env.browser.newContext({ locale });
    const page = await newPage(context);
    if (init) await page.addInitScript(init);
    await withLang(page, lang);
    await page.goto(env.url + "/");
    await page.waitForSelector($("banner"));
    const text = await page.locator(`${$("banner")} h2`).textContent();
    return { text, page, context };
  };
  const fromHtml = await banner({ lang: "zh-CN", locale: "en-US" });
  assert.equal(fromHtml.text, "您的隐私选择");
  assert.deepEqual(await fromHtml.page.$$eval(`${$("banner")} .pc-actions button`, (b) => b.map((x) => x.textContent)), ["全部接受", "全部拒绝", "自行选择"]);
  await fromHtml.page.click(action("settings"));
  assert.equal(await fromHtml.page.locator('[data-pc-purpose-row="ads"] label').textContent(), "个性化广告");
  await fromHtml.context.close();
  const fromBrowser = await banner({ lang: null, locale: "zh-CN" });
  assert.equal(fromBrowser.text, "您的隐私选择");
  await fromBrowser.context.close();
  const htmlBeatsBrowser = await banner({ lang: "en", locale: "zh-CN" });
  assert.equal(htmlBeatsBrowser.text, "Your privacy choices");
  await htmlBeatsBrowser.context.close();
  const optionWins = await banner({ lang: "zh-CN", locale: "zh-CN", init: () => (window.policyConsentOptions = { lang: "en" }) });
  assert.equal(optionWins.text, "Your privacy choices");
  await optionWins.context.close();
  // The manifest's strings override the built-in ones.
  const context = await env.browser.newContext({ locale: "zh-CN" });
  const page = await newPage(context);
  await withLang(page, null);
  await page.route("**/policy/consent.json", async (route) => {
    const manifest = await (await route.fetch()).json();
    manifest.strings = { "zh-CN": { "accept-all": "同意全部" } };
    await route.fulfill({ json: manifest });
  });
  await page.goto(env.url + "/");
  await page.waitForSelector($("banner"));
  assert.equal(await page.locator(action("accept-all")).textContent(), "同意全部");
  await context.close();
});

test("the viewer renders the Chinese Mozilla notice: CJK lines break, search finds Chinese", async () => {
  const context = await env.browser.newContext({ locale: "zh-CN", viewport: { width: 360, height: 740 } });
  const page = await newPage(context);
  await page.addInitScript(() => (window.policyConsentOptions = { policy: "/fixtures/mozilla-zh-CN-firefox_privacy_notice.md" }));
  await page.goto(env.url + "/");
  await page.waitForFunction(() => window.policyConsent);
  await page.click(`${$("banner")} ${action("policy")}`);
  const viewer = page.locator(`${$("policy")}[open]`);
  await viewer.locator(".pc-policy").waitFor();
  assert.equal(await viewer.locator("#pc-policy-title").textContent(), "Firefox 隐私声明");
  const overflow = await viewer.evaluate((d) => d.scrollWidth - d.clientWidth);
  assert.ok(overflow <= 0, `the viewer scrolls sideways by ${overflow}px`);
  const lines = await viewer.locator("section.pc-section p").first().evaluate((p) => Math.round(p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight)));
  assert.ok(lines > 1, "a long Chinese paragraph wraps");
  await page.fill('[data-pc-field="policy-search"]', "数据的国际传输");
  const shown = await viewer.locator("section.pc-section:not([hidden])").count();
  assert.ok(shown >= 1 && shown < 10, `${shown} sections match`);
  assert.match(await viewer.locator("section.pc-section:not([hidden]) h3").first().textContent(), /数据的国际传输/);
  await context.close();
});

test("webviews: the app hands a record in (storage: native), receives every new record, hears ready", async () => {
  const bridge = () => {
    window.__android = [];
    window.__ios = [];
    window.__ready = [];
    window.PolicyConsentAndroid = { postMessage: (json) => window.__android.push(JSON.parse(json)) };
    window.webkit = { messageHandlers: { policyConsent: { postMessage: (message) => window.__ios.push(message) } } };
    window.addEventListener("policy-consent:ready", (e) => window.__ready.push(e.detail));
  };
  // First run in the app: nothing stored; the person decides; the app receives the record.
  const first = await visit("/", { init: [bridge, () => (window.policyConsentOptions = { storage: "native" })] });
  await first.page.waitForSelector($("banner"));
  assert.equal((await first.page.evaluate(() => window.__ready)).length, 1);
  await adult(first.page);
  const sent = await first.page.evaluate(() => ({ android: window.__android, ios: window.__ios }));
  assert.ok(sent.android.length >= 1 && sent.ios.length === sent.android.length);
  const last = sent.android.at(-1);
  assert.equal(last.type, "policy-consent:record");
  assert.equal(last.record.purposes.analytics.state, "granted");
  assert.deepEqual(sent.ios.at(-1), last);
  assert.equal(await first.page.evaluate(() => localStorage.length), 0, "nothing in webview storage");
  await first.context.close();
  // Storage wiped; the app hands the record back: no banner, the choice holds.
  const handBack = (record) => (window.policyConsentOptions = { storage: "native", record });
  const second = await visit("/", { init: [bridge, [handBack, last.record]].map((f) => (Array.isArray(f) ? { content: `(${f[0]})(${JSON.stringify(f[1])})` } : f)) });
  assert.equal(await second.page.locator($("banner")).count(), 0);
  assert.equal(await second.page.evaluate(() => window.policyConsent.granted("analytics")), true);
  assert.equal(await second.page.evaluate(() => window.__analyticsRuns), 1);
  await second.context.close();
});

test("Consent Mode v2: default (all denied, waiting) first, an update on each decision and on load of a stored one", async () => {
  const gtag = () => {
    window.dataLayer = [];
    window.gtag = function () {
      window.dataLayer.push(arguments);
    };
  };
  const entries = (page) => page.evaluate(() => window.dataLayer.map((a) => Array.from(a)));
  const { page, context } = await visit("/", { init: [gtag] });
  const types = ["ad_personalization", "ad_storage", "ad_user_data", "analytics_storage", "functionality_storage", "personalization_storage", "security_storage"];
  const all = (value) => Object.fromEntries(types.map((t) => [t, value]));
  assert.deepEqual(await entries(page), [["consent", "default", { ...all("denied"), wait_for_update: 500 }]]);
  await page.click(action("reject-all"));
  const afterReject = await entries(page);
  assert.deepEqual(afterReject.at(-1), ["consent", "update", { ...all("denied"), functionality_storage: "granted", security_storage: "granted" }]);
  await page.click(action("open-settings"));
  await page.check('input[data-pc-purpose="analytics"]');
  await page.click(action("save"));
  await page.fill('[data-pc-field="birth-year"]', "1990");
  await page.selectOption('[data-pc-field="birth-month"]', "4");
  await page.click(action("age-submit"));
  await page.waitForFunction(() => window.policyConsent.granted("analytics"));
  assert.equal((await entries(page)).at(-1)[2].analytics_storage, "granted");
  assert.equal((await entries(page)).at(-1)[2].ad_storage, "denied");
  await page.reload();
  await page.waitForFunction(() => window.policyConsent);
  const reloaded = await entries(page);
  assert.deepEqual(reloaded[0][1], "default");
  assert.deepEqual(reloaded[1], ["consent", "update", { ...all("denied"), functionality_storage: "granted", security_storage: "granted", analytics_storage: "granted" }]);
  await context.close();
});

test("GPC: the banner says the signal is honoured and accept all leaves sale or sharing off", async () => {
  const gpc = () => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true });
  const { page, context } = await visit("/", { init: [gpc] });
  await page.waitForSelector(`${$("banner")} [data-pc-signal="gpc"]`);
  assert.match(await page.locator('[data-pc-signal="gpc"]').textContent(), /Global Privacy Control/);
  await adult(page);
  assert.equal(await page.evaluate(() => window.policyConsent.granted("ads")), false);
  assert.equal(await page.evaluate(() => window.policyConsent.granted("analytics")), true);
  assert.ok(await page.evaluate(() => window.policyConsent.record().signals.gpc > 0));
  await context.close();
});

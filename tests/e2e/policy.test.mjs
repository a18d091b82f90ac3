// The policy viewer page renders the sample policy with the Wasm module in Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { start, newPage } from "./browser.mjs";

let env;
before(async () => (env = await start()));
after(async () => env?.close());

test("policy.html renders the seed policy: title, contents, anchored sections", async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.url}/policy.html`);
  await page.waitForSelector("article.pc-policy");
  assert.equal(await page.title(), "Privacy Policy");
  const top = await page.$$eval("article.pc-policy > section > h2", (hs) => hs.map((h) => h.textContent));
  assert.equal(top.length, 12);
  assert.equal(top[1], "I. The information we collect");
  assert.equal(await page.locator("nav.pc-toc a[href='#s-2-5']").count(), 1);
  await page.click("nav.pc-toc a[href='#s-2-5']");
  assert.equal(new URL(page.url()).hash, "#s-2-5");
  assert.match(await page.locator("#s-2-5 > h3").textContent(), /Recommend advertisements/);
  assert.deepEqual(page.problems, []);
});

test("policy.html renders a Markdown notice with its table, and Chinese", async () => {
  const page = await newPage(env.browser, { viewport: { width: 360, height: 740 } });
  await page.goto(`${env.url}/policy.html?src=/fixtures/mozilla-en-firefox_privacy_notice.md`);
  await page.waitForSelector("article.pc-policy");
  assert.equal(await page.locator("#lawful-bases table tbody tr").count(), 14);
  // Readable on a 360 px phone: the page itself never scrolls sideways (tables scroll in their box).
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  assert.ok(overflow <= 0, `page overflows by ${overflow}px`);
  await page.goto(`${env.url}/policy.html?src=/fixtures/mozilla-zh-CN-firefox_privacy_notice.md`);
  await page.waitForSelector("article.pc-policy");
  assert.equal(await page.title(), "Firefox 隐私声明");
  assert.deepEqual(page.problems, []);
});

test("nothing executable survives: a hostile policy renders as text", async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.url}/policy.html?src=/e2e/hostile.md`);
  await page.waitForSelector("article.pc-policy");
  assert.equal(await page.evaluate(() => window.__pwned ?? false), false);
  assert.equal(await page.locator("article script, article img, article svg, article iframe").count(), 0);
  assert.match(await page.locator("article").textContent(), /window\.__pwned = true/);
  assert.deepEqual(page.problems, []);
});

test("the playground compares two versions and shows the material change", async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.url}/playground.html`);
  await page.waitForSelector("#result .pc-revision");
  assert.match(await page.locator("#verdict").textContent(), /^Overall: material/);
  assert.match(await page.locator("#result [data-pc-change=material] ins").first().textContent(), /advertising partners/);
  await page.fill("#new", await page.inputValue("#old"));
  await page.click("button[type=submit]");
  await page.waitForFunction(() => document.getElementById("verdict").textContent.startsWith("Overall: unchanged"));
  await page.fill("#new", "");
  await page.click("button[type=submit]");
  await page.waitForFunction(() => document.getElementById("verdict").textContent.includes("empty"));
  assert.deepEqual(page.problems, []);
});

/** Opens the viewer from the banner's link, at once or after a 300 ms hover; returns the paths fetched. */
async function openFromBanner(context, hover) {
  const page = await newPage(context);
  const fetched = [];
  page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  const warnings = [];
  page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  await page.goto(`${env.url}/`);
  await page.waitForFunction(() => window.policyConsent);
  const link = page.locator('[data-pc="banner"] [data-pc-action="policy"]');
  const box = await link.boundingBox();
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  if (hover) {
    await page.mouse.move(x, y);
    await page.waitForTimeout(300);
  }
  await page.mouse.click(x, y);
  await page.waitForSelector('[data-pc="policy"][open] article.pc-policy #s-2-5');
  assert.equal(await page.locator("#pc-policy-title").textContent(), "Privacy Policy");
  assert.equal(await page.locator('[data-pc="policy"] nav.pc-toc a[href="#s-2-5"]').count(), 1);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  const count = (end) => fetched.filter((p) => p.endsWith(end)).length;
  return { count, fetched, warnings, problems: page.problems };
}

test("the viewer from the banner: the rendering made ahead, with no module and no text", async () => {
  for (const hover of [false, true]) {
    const context = await env.browser.newContext();
    const { count, fetched, warnings, problems } = await openFromBanner(context, hover);
    assert.deepEqual(problems, []);
    assert.equal(count("/privacy-policy.view.json"), 1, fetched.join(", "));
    assert.equal(count("/policy_consent_view_bg.wasm"), 0, fetched.join(", "));
    assert.equal(count("/policy_consent_full_bg.wasm"), 0, fetched.join(", "));
    assert.equal(count("/privacy-policy.txt"), 0, fetched.join(", "));
    assert.deepEqual(warnings, []);
    await context.close();
  }
});

test("the viewer opens once with its policy when the rendering is ready, else with a loading note first", async () => {
  // What the dialog holds at the moment it opens, and whether it ever showed the note.
  const watch = () => {
    window.__opened = [];
    new MutationObserver(() => {
      const dialog = document.querySelector('[data-pc="policy"]');
      if (dialog?.open && window.__opened.length === 0) window.__opened.push(dialog.querySelector("[data-pc-policy-body]").textContent.slice(0, 40));
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ["open"] });
  };
  // Ready: the hover has rendered it before the click.
  let context = await env.browser.newContext();
  let page = await newPage(context);
  await page.addInitScript(watch);
  await page.goto(`${env.url}/`);
  await page.waitForFunction(() => window.policyConsent);
  const link = '[data-pc="banner"] [data-pc-action="policy"]';
  await page.hover(link);
  await page.waitForLoadState("networkidle");
  await page.click(link);
  await page.waitForSelector('[data-pc="policy"][open] article.pc-policy');
  const [ready] = await page.evaluate(() => window.__opened);
  assert.doesNotMatch(ready, /Loading/);
  assert.deepEqual(page.problems, []);
  await context.close();
  // Slow: the rendering arrives after a second; the dialog is open with the note long before.
  context = await env.browser.newContext();
  await context.route("**/privacy-policy.view.json", async (route) => {
    await new Promise((r) => setTimeout(r, 1000));
    await route.continue();
  });
  page = await newPage(context);
  await page.addInitScript(watch);
  await page.goto(`${env.url}/`);
  await page.waitForFunction(() => window.policyConsent);
  const clicked = await page.evaluate(() => performance.now());
  await page.click(link);
  await page.waitForSelector('[data-pc="policy"][open]');
  const waited = (await page.evaluate(() => performance.now())) - clicked;
  assert.equal(await page.locator('[data-pc="policy"] article.pc-policy').count(), 0, `open after ${waited} ms`);
  assert.match(await page.locator("[data-pc-policy-body]").textContent(), /Loading the policy/);
  assert.ok(waited < 900, `the dialog opened ${waited} ms after the click`);
  await page.waitForSelector('[data-pc="policy"][open] article.pc-policy #s-2-5');
  assert.match((await page.evaluate(() => window.__opened))[0], /Loading/);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test("a rendering made ahead that is missing, stale or hostile is not used: the text is rendered, once, by the view module", async () => {
  const published = JSON.parse(readFileSync(new URL("../../policy/privacy-policy.view.json", import.meta.url), "utf8"));
  const stale = { ...published, policy: { ...published.policy, version: "2000-01" } };
  const script = ["script", {}, "window.__pwned = true"];
  const hostile = { ...published, tree: ["article", { class: "pc-policy" }, ["p", { onclick: "window.__pwned = true" }, "x"], script] };
  const cases = [
    ["missing", (route) => route.fulfill({ status: 404, body: "not found" }), /HTTP 404/],
    ["stale", (route) => route.fulfill({ json: stale }), /made for .* 2000-01/],
    ["hostile", (route) => route.fulfill({ json: hostile }), /attribute not allowed: onclick/],
  ];
  for (const [name, answer, warning] of cases) {
    for (const hover of [false, true]) {
      const context = await env.browser.newContext();
      await context.route("**/privacy-policy.view.json", answer);
      // A slow module: the text arrives first and the rendering asks for the module while
      // the prefetch is still loading it.
      await context.route("**/policy_consent_view_bg.wasm", async (route) => {
        await new Promise((r) => setTimeout(r, 300));
        await route.continue();
      });
      const { count, fetched, warnings, problems } = await openFromBanner(context, hover);
      // The browser itself reports the 404.
      assert.deepEqual(problems.filter((p) => !(name === "missing" && /status of 404/.test(p))), []);
      // Nothing to mark on a first visit: the view module, without the comparison.
      assert.equal(count("/policy_consent_view_bg.wasm"), 1, `${name}, hover ${hover}: ${fetched.join(", ")}`);
      assert.equal(count("/policy_consent_full_bg.wasm"), 0, `${name}, hover ${hover}: ${fetched.join(", ")}`);
      assert.ok(count("/privacy-policy.txt") >= 1, fetched.join(", "));
      if (hover) assert.equal(count("/privacy-policy.txt"), 1, fetched.join(", "));
      assert.ok(warnings.some((w) => warning.test(w)), `${name}: ${warnings.join(" | ")}`);
      await context.close();
    }
  }
});

test("the view module renders what the full module renders, and has no comparison", async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.url}/policy.html`);
  const result = await page.evaluate(async () => {
    const text = await (await fetch("/fixtures/mozilla-en-firefox_privacy_notice.md")).text();
    const load = async (name) => {
      const module = await import(`/pkg/${name}.js`);
      await module.default();
      return module;
    };
    const [view, full] = [await load("policy_consent_view"), await load("policy_consent_full")];
    const html = (module) => {
      const { node, title } = module.policyView(text, "markdown", undefined, "en", "Changed");
      return [title, node.outerHTML];
    };
    let marking;
    try {
      view.policyView(text, "markdown", text.replace("Firefox", "Firefox browser"), "en", "Changed");
    } catch (error) {
      marking = error.message;
    }
    return { same: JSON.stringify(html(view)) === JSON.stringify(html(full)), title: html(view)[0], length: html(view)[1].length, marking, exports: Object.keys(view).filter((k) => k !== "default" && k !== "initSync") };
  });
  assert.ok(result.same, "the view module's rendering differs from the full module's");
  assert.match(result.title, /Firefox/);
  assert.ok(result.length > 20000, `${result.length} characters`);
  assert.match(result.marking ?? "", /marking changes needs the full module/);
  assert.deepEqual(result.exports, ["policyView"]);
  assert.deepEqual(page.problems, []);
});

test("the rendering made ahead and the one made in the browser are the same DOM", async () => {
  const html = [];
  for (const ahead of [true, false]) {
    const context = await env.browser.newContext();
    if (!ahead) await context.route("**/privacy-policy.view.json", (route) => route.fulfill({ status: 404, body: "" }));
    const page = await newPage(context);
    await page.goto(`${env.url}/`);
    await page.waitForFunction(() => window.policyConsent);
    await page.click('[data-pc="banner"] [data-pc-action="policy"]');
    const article = page.locator('[data-pc="policy"][open] article.pc-policy');
    await article.waitFor();
    html.push(await article.evaluate((a) => a.outerHTML));
    await context.close();
  }
  assert.ok(html[0].length > 20000, `${html[0].length} characters`);
  assert.equal(html[0], html[1]);
});

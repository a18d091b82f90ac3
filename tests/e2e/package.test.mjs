// The npm package: packed by scripts/build-npm.sh, installed into examples/esm from the
// tarball (no registry), type-checked with tsc, and run in Chromium as a plain ES module.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.mjs";
import { LAUNCH, newPage } from "./browser.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const example = `${root}examples/esm/`;
const tarball = (target) => `${root}target/npm/${target}/policy-consent-0.1.0.tgz`;

let server, url, browser;
before(async () => {
  assert.ok(existsSync(tarball("web")), "run scripts/build-npm.sh first");
  rmSync(`${example}node_modules`, { recursive: true, force: true });
  execFileSync("npm", ["install", "--no-save", "--no-package-lock", "--offline", "--no-audit", "--no-fund", tarball("web")], { cwd: example, stdio: "pipe" });
  ({ server, url } = await serve({ root: example, mounts: { "/policy/": `${root}policy/` } }));
  browser = await chromium.launch(LAUNCH);
});
after(async () => {
  await browser?.close();
  server?.close();
});

test("the packed package ships the module, types, stylesheet and README, with its JS snippets inlined", () => {
  const files = execFileSync("tar", ["-tzf", tarball("web")], { encoding: "utf8" }).split("\n");
  for (const file of ["policy_consent.js", "policy_consent_bg.wasm", "policy_consent.d.ts", "policy_consent_full.js", "policy_consent_full_bg.wasm", "policy_consent_full.d.ts", "policy_consent_view.js", "policy_consent_view_bg.wasm", "policy-consent.js", "policy-consent.css", "README.md", "package.json"]) {
    assert.ok(files.includes(`package/${file}`), `${file} missing: ${files.join(" ")}`);
  }
  assert.ok(!files.some((f) => f.startsWith("package/snippets/")), "snippets shipped as separate modules");
  for (const glue of ["policy_consent.js", "policy_consent_full.js", "policy_consent_view.js"]) {
    const source = execFileSync("tar", ["-xzOf", tarball("web"), `package/${glue}`], { encoding: "utf8" });
    assert.doesNotMatch(source, /from '\.\/snippets\//, `${glue} imports a snippet`);
  }
  const bundler = execFileSync("tar", ["-tzf", tarball("bundler")], { encoding: "utf8" });
  assert.match(bundler, /package\/policy_consent_bg\.js/);
});

test("the public types have no `any` and type-check a strict TypeScript user", () => {
  const types = readFileSync(`${example}node_modules/policy-consent/policy_consent.d.ts`, "utf8");
  const full = readFileSync(`${example}node_modules/policy-consent/policy_consent_full.d.ts`, "utf8");
  assert.equal(types.match(/\bany\b/g), null);
  assert.equal(full.match(/\bany\b/g), null);
  for (const name of ["StartOptions", "ConsentRecord", "ChangeDetail", "Receipt", "Prompt"]) assert.match(types, new RegExp(`(interface|type) ${name}\\b`));
  for (const name of ["Revision", "PolicyModel"]) assert.match(full, new RegExp(`(interface|type) ${name}\\b`));
  execFileSync(`${root}node_modules/.bin/tsc`, ["-p", example], { cwd: example, stdio: "pipe" });
});

test("the packaged loader starts the app from beside it, on demand too", async () => {
  for (const start of ["", 'data-start="on-demand"']) {
    const page = await newPage(browser);
    await page.route(`${url}/loader.html`, (route) =>
      route.fulfill({
        contentType: "text/html",
        body: `<!doctype html><html lang="en"><link rel="stylesheet" href="/node_modules/policy-consent/policy-consent.css">
<script type="module" src="/node_modules/policy-consent/policy-consent.js" data-manifest="/policy/consent.json" ${start}></script><body><main>host</main>`,
      }),
    );
    await page.goto(`${url}/loader.html`);
    await page.waitForSelector('[data-pc="banner"]');
    await page.click('[data-pc-action="reject-all"]');
    await page.waitForFunction(() => window.policyConsent?.record());
    assert.equal(await page.evaluate(() => window.policyConsent.granted("analytics")), false);
    assert.deepEqual(page.problems, [], start);
    await page.close();
  }
});

test("the example runs from npm in Chromium: banner, a decision, the change event", async () => {
  const page = await newPage(browser);
  await page.goto(`${url}/`);
  await page.waitForSelector('[data-pc="banner"]');
  await page.click('[data-pc-action="reject-all"]');
  assert.equal(await page.locator("#status").textContent(), "analytics granted: false");
  await page.evaluate(() => window.example.grant(["analytics"]));
  await page.fill('[data-pc-field="birth-year"]', "1990");
  await page.selectOption('[data-pc-field="birth-month"]', "4");
  await page.click('[data-pc-action="age-submit"]');
  await page.waitForFunction(() => document.getElementById("status").textContent === "analytics granted: true");
  assert.deepEqual(page.problems, []);
});

// Where the banner page's JS heap goes: the bench page of bench/banner.mjs loaded with the
// loader stopped after each of its steps, beside the floor's banner from one script. Each
// load: a fresh browser and profile, an idle second, the page, 1.5 s, two GCs, then
// performance.memory.usedJSHeapSize (as banner.mjs's heap column, without its probe).
//
//   floor-script  the floor's banner made by one small script (what any file starts at)
//   loader        our loader has painted the banner (the app's files not yet requested)
//   glue          … and requested the app's files: its JS glue imported, the Wasm fetched
//   instance      … and instantiated the app module
//   started       … and PolicyConsent.start has returned: the page as shipped
//   on-demand     the page with data-start="on-demand": Wasm compiled and glue loaded, the
//                 app not started (no visitor has reached the banner)
//   vanilla-cookieconsent   the peer whose heap is issue 7's target, for reference
//
// The stops are made by editing a copy of the loader's source, src/web/loader.js: an endless
// wait before one of its lines (the script fails if the line is not found), then
// minified as scripts/build-wasm.sh builds www/policy-consent.js.
// usage: node bench/heap.mjs [-n 3]   (after scripts/build-wasm.sh; bench's npm ci)
import { chromium } from "playwright-core";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { transformSync } from "esbuild";
import { serve } from "../scripts/serve.mjs";
import { editLoaderTag } from "./pages.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "..");
const argv = process.argv.slice(2);
const runs = argv.includes("-n") ? Number(argv[argv.indexOf("-n") + 1]) : 3;
if (!(runs >= 1)) throw new Error("usage: node bench/heap.mjs [-n RUNS]");
const STEPS = [
  ["loader", "app ??= requestApp();"],
  ["glue", "await init({ module_or_path: wasm });"],
  ["instance", "window.policyConsent = await PolicyConsent.start({ ...options, manifest });"],
  ["started", null],
];

async function page(name, stopBefore, attributes = "") {
  const dir = await mkdtemp(join(tmpdir(), `pc-heap-${name}-`));
  await cp(join(here, "pages/ours"), dir, { recursive: true });
  await rm(join(dir, "vendor"), { recursive: true, force: true });
  await cp(join(root, "www/pkg"), join(dir, "vendor/pkg"), { recursive: true });
  let loader = await readFile(join(root, "src/web/loader.js"), "utf8");
  if (stopBefore) {
    if (!loader.includes(stopBefore)) throw new Error(`src/web/loader.js: no \`${stopBefore}\` to stop at`);
    // Wait here for good: the banner stays, and nothing else runs (not the catch, whose
    // error event would count the CustomEvent interface in the wrong step).
    loader = loader.replace(stopBefore, `await new Promise(() => {});\n  ${stopBefore}`);
  }
  await writeFile(join(dir, "vendor/policy-consent.js"), transformSync(loader, { minify: true, format: "esm" }).code);
  if (attributes) await editLoaderTag(join(dir, "index.html"), { attributes });
  return dir;
}

async function heap(dir) {
  const { server, url } = await serve({ root: dir });
  const profile = await mkdtemp(join(tmpdir(), "pc-heap-profile-"));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-blink-features=AutomationControlled", "--enable-precise-memory-info", "--js-flags=--expose-gc"],
    viewport: { width: 1280, height: 720 },
  });
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const tab = browser.pages()[0] ?? (await browser.newPage());
    await tab.goto(`${url}/`, { waitUntil: "load" });
    await tab.waitForTimeout(1500);
    return await tab.evaluate(() => {
      gc();
      gc();
      return performance.memory.usedJSHeapSize;
    });
  } finally {
    await browser.close();
    server.close();
    await rm(profile, { recursive: true, force: true });
  }
}

/** bench/banner.mjs's vanilla-cookieconsent page, with the package from bench/node_modules. */
async function vanilla() {
  const dir = await mkdtemp(join(tmpdir(), "pc-heap-vanilla-"));
  await cp(join(here, "pages/vanilla-cookieconsent"), dir, { recursive: true });
  await mkdir(join(dir, "vendor"), { recursive: true });
  for (const file of ["cookieconsent.umd.js", "cookieconsent.css"]) {
    await cp(join(here, "node_modules/vanilla-cookieconsent/dist", file), join(dir, "vendor", file));
  }
  return dir;
}

const pages = [["floor-script", join(here, "pages/baseline-script")]];
// Each page stops before its step's line: "loader" before the app's files are requested, and so on.
for (const [name, stopBefore] of STEPS) pages.push([name, await page(name, stopBefore)]);
// As shipped with data-start="on-demand", before the visitor reaches the banner.
pages.push(["on-demand", await page("on-demand", null, 'data-start="on-demand"')]);
pages.push(["vanilla-cookieconsent", await vanilla()]);
const samples = new Map(pages.map(([name]) => [name, []]));
for (let round = 0; round < runs; round++) {
  for (const [name, dir] of pages) samples.get(name).push(await heap(dir));
  process.stderr.write(`round ${round + 1}/${runs}\n`);
}
for (const [, dir] of pages.slice(1)) await rm(dir, { recursive: true, force: true });

// As bench/banner.mjs: the mean of the middle two for an even count.
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
console.log(`JS heap after GC, ${runs} runs, medians (KB = 1024 bytes)\n`);
console.log("| page | heap KB | + KB |");
console.log("|---|---|---|");
let previous = null;
for (const [name] of pages) {
  const value = median(samples.get(name)) / 1024;
  const step = previous !== null && STEPS.some(([s]) => s === name);
  console.log(`| ${name} | ${value.toFixed(1)} | ${step ? (value - previous).toFixed(1) : ""} |`);
  previous = value;
}
const kb = (name) => median(samples.get(name)) / 1024;
console.log(`\nours ÷ vanilla-cookieconsent: ${(kb("started") / kb("vanilla-cookieconsent")).toFixed(2)}; on demand: ${(kb("on-demand") / kb("vanilla-cookieconsent")).toFixed(2)}`);

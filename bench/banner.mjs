// policy-consent against vanilla-cookieconsent, klaro and Osano's cookieconsent, in headless
// Chromium, in one interleaved run, with two reference pages: no library (the floor: the
// banner in the HTML) and the same banner made by one small external script (the floor for
// anything loaded from a file).
//
// Per page load: a new browser with a new empty profile (no cache, no stored consent), an
// idle second after launch, then: bytes fetched (raw, gzip -9, brotli), when the banner is
// first visible (when the first animation frame showing it is rendered), when "accept all",
// clicked as soon as it is visible, has stored consent, and (a second load with
// --expose-gc) the JS heap after GC. Rounds interleave the pages, so drift hits all alike.
//
// usage: node bench/banner.mjs [-n 15] [--warmup 1] [--peers ours,floor,...] [--no-heap]
//        [--network slow-4g|fast-4g]   (emulated network, files gzip-encoded; no heap)
//        (after scripts/build-wasm.sh; peers come from bench/node_modules: npm ci in bench/)
import { chromium } from "playwright-core";
import { NETWORKS, emulate } from "./networks.mjs";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { serve } from "../scripts/serve.mjs";
import { probe } from "./probe.mjs";
import { editLoaderTag, manifestToFile } from "./pages.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "..");
const modules = join(here, "node_modules");

// What the bench watches on every page of ours: the banner, its accept button, the record.
const OURS = {
  banner: '[data-pc="banner"]',
  accept: '[data-pc="banner"] [data-pc-action="accept-all"]',
  consent: { type: "localStorage", name: "policy-consent:bench" },
};

const PEERS = [
  {
    id: "floor",
    label: "no library (the floor)",
    dir: "pages/baseline",
    banner: "#floor-banner",
    accept: "#floor-accept",
    consent: { type: "cookie", name: "floor_consent" },
  },
  {
    id: "floor-script",
    label: "the floor's banner from one script",
    dir: "pages/baseline-script",
    banner: "#floor-banner",
    accept: "#floor-accept",
    consent: { type: "cookie", name: "floor_consent" },
  },
  {
    id: "osano",
    label: "cookieconsent (Osano)",
    package: "cookieconsent",
    dir: "pages/osano",
    vendor: [["cookieconsent/build/cookieconsent.min.js", "cookieconsent.min.js"], ["cookieconsent/build/cookieconsent.min.css", "cookieconsent.min.css"]],
    banner: ".cc-window",
    accept: ".cc-window .cc-allow",
    consent: { type: "cookie", name: "cookieconsent_status" },
  },
  {
    id: "klaro",
    label: "klaro",
    package: "klaro",
    dir: "pages/klaro",
    vendor: [["klaro/dist/klaro.js", "klaro.js"]],
    banner: "#klaro .cookie-notice:not(.cookie-notice-hidden)",
    accept: "#klaro .cookie-notice .cm-btn-success",
    consent: { type: "cookie", name: "klaro" },
  },
  {
    id: "vanilla",
    label: "vanilla-cookieconsent",
    package: "vanilla-cookieconsent",
    dir: "pages/vanilla-cookieconsent",
    vendor: [["vanilla-cookieconsent/dist/cookieconsent.umd.js", "cookieconsent.umd.js"], ["vanilla-cookieconsent/dist/cookieconsent.css", "cookieconsent.css"]],
    banner: "#cc-main .cm",
    accept: '#cc-main .cm .cm__btn[data-role="all"]',
    consent: { type: "cookie", name: "cc_cookie" },
  },
  {
    id: "ours",
    label: "policy-consent",
    dir: "pages/ours",
    ...OURS,
  },
  {
    // The same page, the app started when the visitor reaches the banner (README: on demand).
    id: "ours-on-demand",
    label: "policy-consent, on demand",
    dir: "pages/ours-on-demand",
    from: "pages/ours",
    attributes: 'data-start="on-demand"',
    ...OURS,
  },
  {
    // The same page, the app's files requested with the page (README: on a slow network).
    // Not in a default run: name it in --peers.
    id: "ours-preload",
    extra: true,
    label: "policy-consent, app preloaded",
    dir: "pages/ours-preload",
    from: "pages/ours",
    head: '<link rel="preload" href="vendor/pkg/policy_consent_bg.wasm" as="fetch" type="application/wasm" crossorigin>\n<link rel="modulepreload" href="vendor/pkg/policy_consent.js">',
    ...OURS,
  },
  {
    // The same page, the manifest fetched from a file of its own, as by default (README),
    // not read from the page. Not in a default run: name it in --peers.
    id: "ours-fetched",
    extra: true,
    label: "policy-consent, manifest fetched",
    dir: "pages/ours-fetched",
    from: "pages/ours",
    manifestFile: true,
    ...OURS,
  },
  {
    // That page with the manifest preloaded (README: its request starts with the page's,
    // not when the loader runs). Not in a default run: name it in --peers.
    id: "ours-fetched-preload",
    extra: true,
    label: "policy-consent, manifest fetched, preloaded",
    dir: "pages/ours-fetched-preload",
    from: "pages/ours",
    manifestFile: true,
    head: '<link rel="preload" href="manifest.json" as="fetch" crossorigin>',
    ...OURS,
  },
];

const FLAGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--enable-precise-memory-info",
  // navigator.webdriver false, as for a visitor (vanilla-cookieconsent hides from bots).
  "--disable-blink-features=AutomationControlled",
  // Nothing but loopback resolves: an outside request would be an error here.
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
];

function args() {
  const argv = process.argv.slice(2);
  const value = (name, fallback) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  return {
    runs: Number(value("-n", 15)),
    warmup: Number(value("--warmup", 1)),
    peers: value("--peers", PEERS.filter((p) => !p.extra).map((p) => p.id).join(",")).split(","),
    heap: !argv.includes("--no-heap"),
    idle: Number(value("--idle", 1000)),
    network: value("--network", null),
    chromium: value("--chromium", process.env.CHROMIUM ?? "/usr/bin/chromium"),
    out: value("--out", join(here, "results", "latest.json")),
  };
}

async function vendor(peer) {
  const dir = join(here, peer.dir, "vendor");
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  if (peer.from) {
    // A variant of a page: its files, the loader's tag given more attributes.
    await rm(join(here, peer.dir), { recursive: true, force: true });
    await cp(join(here, peer.from), join(here, peer.dir), { recursive: true, filter: (path) => !path.includes("/vendor") });
    await mkdir(dir, { recursive: true });
    await editLoaderTag(join(here, peer.dir, "index.html"), { attributes: peer.attributes, before: peer.head });
    if (peer.manifestFile) await manifestToFile(join(here, peer.dir));
  }
  if (peer.id.startsWith("ours")) {
    if (!existsSync(join(root, "www/pkg/policy_consent_bg.wasm"))) throw new Error("run scripts/build-wasm.sh first");
    await cp(join(root, "www/policy-consent.js"), join(dir, "policy-consent.js"));
    await cp(join(root, "www/pkg"), join(dir, "pkg"), { recursive: true });
    peer.version = JSON.parse(await readFile(join(root, "package.json"), "utf8")).version ?? (await readFile(join(root, "Cargo.toml"), "utf8")).match(/^version = "(.*)"/m)[1];
    return;
  }
  for (const [from, to] of peer.vendor ?? []) await cp(join(modules, from), join(dir, to));
  if (peer.package) peer.version = JSON.parse(await readFile(join(modules, peer.package, "package.json"), "utf8")).version;
}

async function launch(options, extra = []) {
  const profile = await mkdtemp(join(tmpdir(), "pc-bench-"));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: options.chromium,
    args: [...FLAGS, ...extra],
    viewport: { width: 1280, height: 720 },
  });
  await new Promise((r) => setTimeout(r, options.idle));
  return {
    browser,
    close: async () => {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

function waitFor(page, tag, kind, timeout) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeout);
    page.on("console", (message) => {
      const text = message.text();
      if (text.startsWith(`${tag} ${kind} `)) {
        clearTimeout(timer);
        resolve(JSON.parse(text.slice(tag.length + kind.length + 2)));
      }
    });
  });
}

async function timing(peer, options) {
  const { browser, close } = await launch(options);
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    const tag = `pcbench-${Math.random().toString(36).slice(2)}`;
    await page.addInitScript(probe, { banner: peer.banner, accept: peer.accept, consent: peer.consent, tag });
    // Under an emulated network (bench/networks.mjs) the heap is not measured.
    if (options.network) await emulate(page, options.network);
    const patience = options.network ? 30000 : 3000;
    const ready = waitFor(page, tag, "ready", 15000 + patience);
    const stored = waitFor(page, tag, "stored", 15000 + patience);
    await page.goto(peer.url, { waitUntil: "commit" });
    const where = await ready;
    if (!where) throw new Error(`${peer.id}: the banner or its accept button never showed`);
    await page.mouse.click(where.x, where.y);
    // Long enough for the slowest library's own work at the emulated speed, short enough not
    // to sit out `patience` when the click came too early for a page (below).
    let store = await Promise.race([stored, new Promise((r) => setTimeout(() => r(null), options.network ? 8000 : 3000))]);
    let retried = false;
    if (!store) {
      // Clicked before the page had wired its button (the floor page can show the banner a
      // frame before its script runs): click again once Playwright sees it actionable.
      retried = true;
      await page.click(peer.accept, { timeout: 5000 });
      store = await Promise.race([stored, new Promise((r) => setTimeout(() => r(null), patience))]);
    }
    // A banner that fades out may show the click taken after the write.
    await page.waitForFunction(() => window.__probe.feedback !== null, null, { timeout: 2000 }).catch(() => {});
    const result = await page.evaluate(() => ({
      probe: window.__probe,
      resources: performance.getEntriesByType("resource").map((r) => ({ name: r.name, end: r.responseEnd })),
    }));
    if (!store || result.probe.stored === null) throw new Error(`${peer.id}: accepting stored nothing`);
    return {
      bannerVisible: result.probe.bannerVisible,
      bannerFrameScheduled: result.probe.bannerFrameScheduled,
      bannerInDom: result.probe.bannerInDom,
      pointerDown: result.probe.pointerDown,
      stored: result.probe.stored,
      clickToStore: result.probe.stored - result.probe.pointerDown,
      clickToFeedback: result.probe.feedback === null ? null : result.probe.feedback - result.probe.pointerDown,
      heapAtBanner: result.probe.heapAtBanner,
      retried,
      resources: result.resources,
    };
  } finally {
    await close();
  }
}

async function heap(peer, options) {
  const { browser, close } = await launch(options, ["--js-flags=--expose-gc"]);
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    const tag = `pcbench-${Math.random().toString(36).slice(2)}`;
    await page.addInitScript(probe, { banner: peer.banner, accept: peer.accept, consent: peer.consent, tag });
    const ready = waitFor(page, tag, "ready", 15000);
    await page.goto(peer.url, { waitUntil: "commit" });
    if (!(await ready)) throw new Error(`${peer.id}: no banner`);
    await page.waitForTimeout(500);
    // Awaited here, before `finally` closes the browser.
    return await page.evaluate(() => {
      gc();
      gc();
      return performance.memory.usedJSHeapSize;
    });
  } finally {
    await close();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const range = (xs) => [Math.min(...xs), Math.max(...xs)];
/** The run whose banner showed at the median time (the lower middle one for an even count). */
const medianSample = (samples) => [...samples].sort((a, b) => a.bannerVisible - b.bannerVisible)[(samples.length - 1) >> 1];

/** Sizes of the JS, CSS, Wasm and JSON files a page fetched; and of those it had before the banner showed. */
async function sizes(peer, sample) {
  const kinds = /\.(m?js|css|wasm|json)$/;
  const files = { all: [], bannerPath: [] };
  const measured = (path, bytes) => ({
    path,
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  });
  for (const resource of sample.resources) {
    const path = new URL(resource.name).pathname;
    if (!kinds.test(path)) continue;
    const size = measured(path, await readFile(join(here, peer.dir, decodeURIComponent(path))));
    files.all.push(size);
    // The banner path: what had arrived when the banner went into the page, and the
    // stylesheets that arrived before it showed (they block that frame). Not all that
    // arrived before the frame: a page's module may land in between without being needed.
    if (resource.end <= sample.bannerInDom || (path.endsWith(".css") && resource.end <= sample.bannerVisible)) files.bannerPath.push(size);
  }
  // A configuration given in the page as a JSON data block is part of what the page needs,
  // as a peer's config.js is: counted in the bytes and on the banner path.
  const html = await readFile(join(here, peer.dir, "index.html"), "utf8");
  for (const [, json] of html.matchAll(/<script type="application\/json"[^>]*>([\s\S]*?)<\/script>/g)) {
    const size = measured("index.html (JSON data block)", Buffer.from(json));
    files.all.push(size);
    files.bannerPath.push(size);
  }
  const sum = (list, key) => list.reduce((n, f) => n + f[key], 0);
  return {
    files: files.all,
    gzip: sum(files.all, "gzip"),
    brotli: sum(files.all, "brotli"),
    raw: sum(files.all, "raw"),
    bannerPathGzip: sum(files.bannerPath, "gzip"),
    bannerPathFiles: files.bannerPath.map((f) => f.path),
  };
}

const options = args();
const unknown = options.peers.filter((id) => !PEERS.some((p) => p.id === id));
if (unknown.length) throw new Error(`--peers: no page ${unknown.join(", ")} (there are ${PEERS.map((p) => p.id).join(", ")})`);
if (options.network && !NETWORKS[options.network]) throw new Error(`--network: ${options.network} is not one of ${Object.keys(NETWORKS).join(", ")}`);
const peers = PEERS.filter((p) => options.peers.includes(p.id));
const servers = [];
for (const peer of peers) {
  await vendor(peer);
  const { server, url } = await serve({ root: join(here, peer.dir), gzip: Boolean(options.network) });
  servers.push(server);
  peer.url = `${url}/`;
  peer.samples = [];
  peer.heaps = [];
}
const rounds = options.warmup + options.runs;
for (let round = 0; round < rounds; round++) {
  const order = peers.map((_, i) => peers[(i + round) % peers.length]);
  for (const peer of order) {
    const sample = await timing(peer, options);
    const heapAfterGc = options.heap && !options.network ? await heap(peer, options) : null;
    if (round >= options.warmup) {
      peer.samples.push(sample);
      if (heapAfterGc !== null) peer.heaps.push(heapAfterGc);
    }
    process.stderr.write(`round ${round + 1}/${rounds} ${peer.id}: banner ${sample.bannerVisible.toFixed(0)} ms, stored ${sample.stored.toFixed(0)} ms${heapAfterGc ? `, heap ${(heapAfterGc / 1048576).toFixed(2)} MiB` : ""}\n`);
  }
}
servers.forEach((s) => s.close());

const results = [];
for (const peer of peers) {
  const metric = (key) => peer.samples.map((s) => s[key]);
  results.push({
    id: peer.id,
    label: peer.label,
    version: peer.version ?? null,
    // Which files beat the banner varies with timing: count them in the median run, not the first.
    size: await sizes(peer, medianSample(peer.samples)),
    bannerVisible: { median: median(metric("bannerVisible")), range: range(metric("bannerVisible")) },
    stored: { median: median(metric("stored")), range: range(metric("stored")) },
    clickToStore: { median: median(metric("clickToStore")), range: range(metric("clickToStore")) },
    clickToFeedback: metric("clickToFeedback").every((t) => t !== null)
      ? { median: median(metric("clickToFeedback")), range: range(metric("clickToFeedback")) }
      : null,
    heapAfterGc: peer.heaps.length ? { median: median(peer.heaps), range: range(peer.heaps) } : null,
    samples: peer.samples.map(({ resources, ...s }) => s),
    heaps: peer.heaps,
  });
}

const kib = (b) => (b / 1024).toFixed(1);
const ms = (m) => `${m.median.toFixed(0)} (${m.range[0].toFixed(0)}–${m.range[1].toFixed(0)})`;
const mib = (m) => (m ? `${(m.median / 1048576).toFixed(2)}` : "–");
const network = options.network ? `, network ${options.network} (${JSON.stringify(NETWORKS[options.network])}, files gzip-encoded)` : "";
console.log(`Chromium ${(await chromium.launch({ executablePath: options.chromium, args: ["--headless=new", "--no-sandbox"] }).then(async (b) => [b.version(), await b.close()]))[0]}, ${options.runs} runs${network}, medians (min–max); sizes are JS+CSS+Wasm+JSON, gzip -9\n`);
console.log("| page | version | gzip KiB | banner path KiB | banner visible ms | accept → stored ms | click → store ms | click → taken ms | heap after GC MiB |");
console.log("|---|---|---|---|---|---|---|---|---|");
for (const r of results) {
  console.log(`| ${r.label} | ${r.version ?? ""} | ${kib(r.size.gzip)} | ${kib(r.size.bannerPathGzip)} | ${ms(r.bannerVisible)} | ${ms(r.stored)} | ${ms(r.clickToStore)} | ${r.clickToFeedback ? ms(r.clickToFeedback) : "–"} | ${mib(r.heapAfterGc)} |`);
}
console.log("\nclick → taken: pointerdown to the first frame with the banner hidden, fading or marked busy (aria-busy).");
for (const ours of results.filter((r) => r.id.startsWith("ours"))) {
  console.log(`\n${ours.label} ÷ each library (below 1 is better):\n`);
  console.log("| library | banner path bytes | banner visible | accept → stored | heap after GC |");
  console.log("|---|---|---|---|---|");
  for (const r of results.filter((r) => !r.id.startsWith("ours") && !r.id.startsWith("floor"))) {
    const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : "–");
    console.log(`| ${r.label} | ${ratio(ours.size.bannerPathGzip, r.size.bannerPathGzip)} | ${ratio(ours.bannerVisible.median, r.bannerVisible.median)} | ${ratio(ours.stored.median, r.stored.median)} | ${ratio(ours.heapAfterGc?.median, r.heapAfterGc?.median)} |`);
  }
  const scriptFloor = results.find((r) => r.id === "floor-script");
  if (scriptFloor) console.log(`\nbanner visible, ${ours.label} − the floor's banner from one script: ${(ours.bannerVisible.median - scriptFloor.bannerVisible.median).toFixed(0)} ms`);
  console.log(`\n${ours.label} files: ${ours.size.files.map((f) => `${f.path} ${kib(f.gzip)}`).join(", ")}; before the banner: ${ours.size.bannerPathFiles.join(", ")}`);
}
await mkdir(join(here, "results"), { recursive: true });
await writeFile(options.out, JSON.stringify({ date: new Date().toISOString(), options, flags: FLAGS, results }, null, 2));

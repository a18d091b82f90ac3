// policy-consent loader: <script type="module" src="policy-consent.js" data-manifest="…" data-policy="…">.
// Also data-lang, data-storage, data-versions, data-receipt-endpoint, data-policy-view, and
// data-birth="YYYY-MM" (with age_gate "host"), the StartOptions of the same names; and
// data-start="on-demand" (below).
//
// The banner path is this file, the stylesheet and the manifest. On a first visit (nothing
// stored) the banner is painted at once, from the manifest, with the markup the consent app
// builds; the app (Wasm) is fetched once that banner's first frame is out (with a fetched
// manifest and long round trips, beside the manifest: see longRoundTrips), and adopts it.
// The manifest is fetched from data-manifest, or read from the page with no request before
// the banner: data-manifest="#id" names a <script type="application/json" id="id">, or
// window.policyConsentOptions.manifest is the object. Every decision is the app's: a click
// made before it is ready is shown taken at once and replayed to it (an accept or reject all
// is kept meanwhile, so that it survives the visitor moving on; see keptDecision). The
// started instance is window.policyConsent; window.policyConsentReady() resolves with it.
// Options that are not strings (a guardian `verify` function, say) go on
// window.policyConsentOptions beforehand.
//
// With data-start="on-demand" (or the option start: "on-demand"), a first visit loads the
// app's code but starts it only when something needs it: the visitor's pointer or focus
// reaching the banner, policyConsentReady(), or a decision stored by another tab. Until then
// window.policyConsent is undefined, and the page's JS heap ~130 KB smaller. It starts at once
// anyway when the page needs it at once (see neededAtOnce).

// The banner's built-in words, the same as src/web/strings.rs (tests/tests.rs checks).
const WORDS = {
  en: {
    "banner.title": "Your privacy choices",
    "banner.text": "We ask before using your information for anything the service can work without, such as analytics and personalised advertising. You can change your choices at any time.",
    "banner.policy": "Read the privacy policy",
    "banner.gpc": "Your browser's Global Privacy Control signal is honoured: nothing is sold or shared unless you turn it on.",
    "accept-all": "Accept all",
    "reject-all": "Reject all",
    choose: "Choose",
  },
  "zh-CN": {
    "banner.title": "您的隐私选择",
    "banner.text": "对于服务运行并非必需的用途（例如统计分析和个性化广告），我们会先征得您的同意再使用您的信息。您可以随时更改您的选择。",
    "banner.policy": "阅读隐私政策",
    "banner.gpc": "我们已遵循您浏览器的“全球隐私控制”信号：除非您主动开启，否则不会出售或共享任何信息。",
    "accept-all": "全部接受",
    "reject-all": "全部拒绝",
    choose: "自行选择",
  },
};

// Plain strings, not URL objects: the first URL a page makes has Blink build the interface,
// ~4 KB of the page's heap (import.meta.url is absolute already).
const here = import.meta.url;
const tag = [...document.querySelectorAll("script[src]")].find((s) => s.src === here) ?? document.querySelector("script[data-manifest]");
const data = tag?.dataset ?? {};
const options = {
  policy: data.policy,
  versions: data.versions,
  lang: data.lang,
  storage: data.storage,
  receiptEndpoint: data.receiptEndpoint,
  policyView: data.policyView,
  birth: data.birth,
  ...(window.policyConsentOptions ?? {}),
};
const source = options.manifest ?? data.manifest ?? "/policy/consent.json";
const manifestFetched = typeof source === "string" && !source.startsWith("#");

/** Whether a record for this policy is stored (the app reads and judges it). */
function stored(key) {
  try {
    if (localStorage.getItem(key) !== null) return true;
  } catch {}
  const name = `${encodeURIComponent(key)}=`;
  return document.cookie.split("; ").some((c) => c.startsWith(name) && c.length > name.length);
}

// A decision (accept all, reject all) clicked on the painted banner is kept until the app has
// made it: a visitor who leaves before the app arrives (seconds, on a slow network) has it
// made on the next page, not asked again. Kept in localStorage, for this policy version, ten
// minutes; not with storage "cookie", "memory" or "native", where the host chose otherwise.
const EARLY_FOR_MS = 10 * 60 * 1000;
const earlyKey = (id) => `policy-consent:${id}:early`;
const decision = (action) => action === "accept-all" || action === "reject-all";

/** The decision kept for this policy version, if any (anything else there is ignored). */
function keptDecision(id, version) {
  try {
    const kept = JSON.parse(localStorage.getItem(earlyKey(id)));
    const age = Date.now() - kept?.at;
    if (kept?.version === version && decision(kept.action) && age >= 0 && age < EARLY_FOR_MS) return kept.action;
  } catch {}
  return null;
}

function keepDecision(id, version, action) {
  try {
    localStorage.setItem(earlyKey(id), JSON.stringify({ action, version, at: Date.now() }));
  } catch {}
}

function dropDecision(id) {
  try {
    if (localStorage.getItem(earlyKey(id)) !== null) localStorage.removeItem(earlyKey(id));
  } catch {}
}

/** The locale: the lang option, then <html lang>, then navigator.languages. */
function locale() {
  for (const lang of [options.lang, document.documentElement.lang, ...(navigator.languages ?? [])]) {
    const l = (lang ?? "").toLowerCase();
    if (l.startsWith("zh")) return "zh-CN";
    if (l.startsWith("en")) return "en";
  }
  return "en";
}

function el(name, attrs = {}, ...children) {
  const node = document.createElement(name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

/** Paints the banner on a first visit; returns its root, or null when something is stored. */
function paint(manifest) {
  const id = manifest?.policy?.id;
  const nothingStored = options.storage === "memory" || (options.storage === "native" ? !options.record : !stored(`policy-consent:${id}`));
  if (!id || !nothingStored || !document.body) return null;
  const lang = locale();
  const language = lang.split("-")[0];
  const own = Object.entries(manifest.strings ?? {}).find(([k]) => k.toLowerCase() === lang.toLowerCase() || k.split(/[-_]/)[0] === language)?.[1] ?? {};
  const word = (key) => own[key] ?? WORDS[lang][key];
  const button = (action, key, cls = "pc-button") => el("button", { type: "button", class: cls, "data-pc-action": action }, word(key));
  const gpc = navigator.globalPrivacyControl === true;
  const banner = el(
    "section",
    { "data-pc": "banner", class: "pc-banner", role: "region", "aria-labelledby": "pc-banner-title" },
    el("h2", { id: "pc-banner-title", class: "pc-title" }, word("banner.title")),
    el("p", { class: "pc-text" }, word("banner.text")),
    ...(gpc ? [el("p", { class: "pc-note pc-gpc", "data-pc-signal": "gpc" }, word("banner.gpc"))] : []),
    el("p", { class: "pc-text" }, button("policy", "banner.policy", "pc-link")),
    el("div", { class: "pc-actions pc-actions-equal" }, button("accept-all", "accept-all"), button("reject-all", "reject-all"), button("settings", "choose")),
  );
  const root = el("div", { class: "pc-root", "data-pc-root": "", lang }, banner);
  (options.mount ?? document.body).append(root);
  return root;
}

/** A manifest in the page, `<script type="application/json" id="…">`: no request before the banner. */
function inline(selector) {
  const element = document.getElementById(selector.slice(1));
  if (element?.type !== "application/json") throw new Error(`${selector}: no <script type="application/json"> with this id`);
  try {
    return JSON.parse(element.textContent);
  } catch (error) {
    throw new Error(`${selector}: not JSON (${error.message})`);
  }
}

async function fetched(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

/** Whether something on a first visit needs the app before the visitor does: a gated element
 * every purpose of which is required (with nothing stored, the engine grants exactly those:
 * tests/consent.rs checks), Consent Mode defaults for a page with gtag or a dataLayer, or
 * receipts a former load could not deliver. */
function neededAtOnce(manifest) {
  // The app judges the manifest; here a malformed one only means "start at once" (and hear
  // the app's error now).
  const purposes = Array.isArray(manifest.purposes) ? manifest.purposes.filter((p) => p && typeof p === "object") : null;
  if (!purposes) return true;
  const required = new Set(purposes.filter((p) => p.required).map((p) => p.id));
  const gated = [...document.querySelectorAll("[data-consent]")].some((e) => {
    const ids = e.getAttribute("data-consent").split(/\s+/).filter(Boolean);
    return ids.length > 0 && ids.every((id) => required.has(id));
  });
  const consentMode = purposes.some((p) => Array.isArray(p.consent_mode) && p.consent_mode.length) && (window.gtag != null || window.dataLayer != null);
  return gated || consentMode || (options.receiptEndpoint != null && stored(`policy-consent:${manifest.policy.id}:receipts`));
}

// The app's Wasm, beside this file in pkg/.
const appWasm = import.meta.resolve?.("./pkg/policy_consent_bg.wasm") ?? new URL("./pkg/policy_consent_bg.wasm", import.meta.url);

/** Requests the app's files: its JS glue (imported) and its Wasm (a response to compile). */
function requestApp() {
  const requests = { glue: import("./pkg/policy_consent.js"), wasm: fetch(appWasm) };
  for (const request of Object.values(requests)) request.catch(() => {});
  return requests;
}

/** Whether a round trip takes 150 ms or more, as the browser estimates it (Chromium's
 * navigator.connection.rtt, rounded and with noise added: 100 with nothing measured, as on
 * loopback, 150–200 on DevTools' Fast 4G, 500–600 on its Slow 4G; elsewhere unknown, taken
 * as less). */
function longRoundTrips() {
  return navigator.connection?.rtt >= 150;
}

let painted = null;
// The first demand for the app: the visitor reaching the banner, the host, another tab. Only a
// start on demand waits for it; a demand made early (the manifest still on its way) counts.
let wake;
const demanded = new Promise((resolve) => (wake = resolve));
// window.policyConsentReady(): the started app, when it has started; with data-start="on-demand"
// it starts it now. Rejects with the error when the app cannot start.
const ready = start();
ready.catch(() => {});
window.policyConsentReady = () => (wake(), ready);

async function start() {
  try {
    // A fetched manifest and long round trips: the app's files are requested now, beside it.
    // Requested after the banner (below), they wait a round trip more (~0.6 s on DevTools'
    // Slow 4G, ~0.2 s on Fast 4G), and there they cost the banner nothing measurable. On
    // loopback they would arrive in time to delay its frame; with the manifest in the page
    // nothing is fetched before the banner, so there is no round trip to save (and the
    // estimate is not read on the banner's path).
    let app = manifestFetched && longRoundTrips() ? requestApp() : null;
    const manifest = manifestFetched ? await fetched(source) : typeof source === "string" ? inline(source) : source;
    painted = paint(manifest);
    const { id, version } = manifest?.policy ?? {};
    const keeps = !["cookie", "memory", "native"].includes(options.storage);
    // With a record stored, a decision kept from an earlier page is spent or stale.
    if (!painted && keeps && id) dropDecision(id);
    // A click on the painted banner before the app is ready is remembered and replayed. The
    // banner says at once that it is on it (on a slow network the app can be seconds away):
    // busy, the pressed button marked, the others unavailable; the first click counts. A
    // decision kept from an earlier page counts as that click.
    let early = painted && keeps ? keptDecision(id, version) : null;
    const banner = painted?.querySelector('[data-pc="banner"]');
    const busy = (on, pressed) => {
      if (on) banner.setAttribute("aria-busy", "true");
      else banner.removeAttribute("aria-busy");
      for (const b of banner.querySelectorAll("[data-pc-action]")) {
        b.toggleAttribute("data-pc-pressed", on && b === pressed);
        if (on && b !== pressed) b.setAttribute("aria-disabled", "true");
        else b.removeAttribute("aria-disabled");
      }
    };
    const remember = (event) => {
      const button = event.target.closest?.("[data-pc-action]");
      if (!button || early) return;
      early = button.dataset.pcAction;
      busy(true, button);
      if (keeps && decision(early)) keepDecision(id, version, early);
    };
    if (early) busy(true, banner.querySelector(`[data-pc-action="${early}"]`));
    painted?.addEventListener("click", remember);
    const onDemand = painted && (options.start ?? data.start) === "on-demand";
    if (onDemand) {
      // Listening starts with the banner, so that nothing the visitor does is missed.
      for (const type of ["pointerover", "pointerdown", "focusin", "keydown", "click"]) painted.addEventListener(type, wake, { once: true });
      const key = `policy-consent:${id}`;
      window.addEventListener("storage", (e) => e.key === key && wake());
      document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && stored(key) && wake());
    }
    // The banner's first frame goes out before the app's code arrives to compete with it for
    // the main thread (~15 ms sooner in the bench). A hidden tab has no frames: a timeout.
    if (painted) await new Promise((resolve) => (requestAnimationFrame(() => setTimeout(resolve, 0)), setTimeout(resolve, 100)));
    app ??= requestApp();
    // The module and its code in parallel: the Wasm downloads (and compiles, streaming) while
    // the JS glue and its imports load.
    let wasm = app.wasm;
    if (onDemand && !early && !neededAtOnce(manifest)) {
      // On demand: the Wasm compiles off the main thread now; the app's instance and start
      // (~130 KB of JS heap) wait for the demand.
      wasm = wasm.then((r) => (r.ok && /^application\/wasm\b/.test(r.headers.get("Content-Type")) ? WebAssembly.compileStreaming(r) : r));
      wasm.catch(() => {});
      await demanded;
    }
    await startApp(app.glue, wasm, manifest);
    painted?.removeEventListener("click", remember);
    if (early) {
      busy(false);
      banner.querySelector(`[data-pc-action="${early}"]`)?.click();
      if (keeps) dropDecision(id);
    } else {
      // A pointer on, or focus in, the link to the policy since before the app started (on
      // demand, what started it): the app was not there to see it arrive, so it hears it now
      // and fetches what the viewer needs, as it does for a hover.
      painted?.querySelector('[data-pc-action="policy"]:is(:hover, :focus)')?.dispatchEvent(new Event("pointerover", { bubbles: true }));
    }
    return window.policyConsent;
  } catch (error) {
    // Fail closed and say so: no banner whose buttons do nothing, nothing gated runs, and the
    // site hears why.
    painted?.remove();
    const message = String(error?.message ?? error);
    console.error("policy-consent:", message);
    window.dispatchEvent(new CustomEvent("policy-consent:error", { detail: { message } }));
    throw error;
  }
}

async function startApp(glue, wasm, manifest) {
  const { default: init, PolicyConsent } = await glue;
  await init({ module_or_path: wasm });
  window.policyConsent = await PolicyConsent.start({ ...options, manifest });
}

// Zero-code loader: <script type="module" src="policy-consent.js" data-manifest="…" data-policy="…">.
// It starts fetching the manifest while the Wasm module compiles (streaming), starts the
// consent UI and exposes it as window.policyConsent. Options that are not strings (a
// guardian verify function, say) can be set on window.policyConsentOptions beforehand.
import init, { PolicyConsent } from "./pkg/policy_consent.js";

const here = new URL(import.meta.url).href;
const tag = [...document.querySelectorAll("script[src]")].find((s) => s.src === here) ?? document.querySelector("script[data-manifest]");
const data = tag?.dataset ?? {};
const extra = window.policyConsentOptions ?? {};
const manifestUrl = extra.manifest ?? data.manifest ?? "/policy/consent.json";

try {
  const [, manifest] = await Promise.all([
    init(),
    typeof manifestUrl === "string"
      ? fetch(manifestUrl).then((r) => {
          if (!r.ok) throw new Error(`${manifestUrl}: HTTP ${r.status}`);
          return r.json();
        })
      : manifestUrl,
  ]);
  const options = {
    policy: data.policy,
    versions: data.versions,
    lang: data.lang,
    storage: data.storage,
    receiptEndpoint: data.receiptEndpoint,
    ...extra,
    manifest,
  };
  window.policyConsent = await PolicyConsent.start(options);
} catch (error) {
  console.error("policy-consent:", error?.message ?? error);
}

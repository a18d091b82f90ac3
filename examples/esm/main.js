// The npm package used from plain ES modules (no bundler): init, start, listen.
import init, { PolicyConsent } from "./node_modules/policy-consent/policy_consent.js";

await init();
const consent = await PolicyConsent.start({
  manifest: "/policy/consent.json",
  policy: "/policy/privacy-policy.txt",
  storage: "memory",
});
const status = document.getElementById("status");
const show = () => (status.textContent = `analytics granted: ${consent.granted("analytics")}`);
consent.on("change", show);
show();
window.example = consent;

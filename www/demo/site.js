// The demo site's own script (not part of the module): the revision switch and buttons.
const params = new URLSearchParams(location.search);
const loader = document.querySelector('script[data-manifest]');
if (params.get("revision") === "2027-01" && loader) {
  // Runs before the loader (module scripts run in order), so it starts with these.
  loader.dataset.manifest = "policy/revised.json";
  loader.dataset.policy = "policy/versions/2027-01.txt";
  document.getElementById("served-version").textContent = "Serving policy version 2027-01 (revised).";
  const link = document.getElementById("revision-switch");
  link.href = "./";
  link.textContent = "Serve the current policy (2026-11)";
}
document.getElementById("show-settings").addEventListener("click", () => window.policyConsent?.showSettings());
document.getElementById("show-policy").addEventListener("click", () => window.policyConsent?.showPolicy("2.5"));
document.getElementById("forget").addEventListener("click", () => {
  for (const key of Object.keys(localStorage)) if (key.startsWith("policy-consent:")) localStorage.removeItem(key);
  document.cookie = "policy-consent%3Asample-privacy=; Max-Age=0; Path=/";
  location.reload();
});

// A stand-in analytics script: it only marks that it ran.
window.__analyticsRuns = (window.__analyticsRuns ?? 0) + 1;
const status = document.getElementById("analytics-status");
if (status) {
  status.textContent = "loaded and running";
  status.dataset.status = "on";
  status.className = "status status-on";
}

// A stand-in analytics script: it marks that it ran and sets the cookies Google Analytics
// would (the manifest lists them under `analytics`, so they go when it is not granted).
window.__analyticsRuns = (window.__analyticsRuns ?? 0) + 1;
document.cookie = "_ga=GA1.1.demo; Max-Age=63072000; Path=/; SameSite=Lax";
document.cookie = "_ga_DEMO=GS1.1.demo; Max-Age=63072000; Path=/; SameSite=Lax";
const status = document.getElementById("analytics-status");
if (status) {
  status.textContent = "loaded and running";
  status.dataset.status = "on";
  status.className = "status status-on";
}

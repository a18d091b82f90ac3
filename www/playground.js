// The playground page (demo only): two versions in, the comparison and both renderings out.
import init, { comparePolicies, renderComparison, renderPolicy } from "./pkg/policy_consent_full.js";

const old = document.getElementById("old");
const updated = document.getElementById("new");
const verdict = document.getElementById("verdict");

async function compare() {
  try {
    const revision = comparePolicies(old.value, updated.value);
    const changed = revision.sections.filter((s) => s.level !== "unchanged").length;
    verdict.textContent = `Overall: ${revision.level} (${changed} section${changed === 1 ? "" : "s"} changed)`;
    verdict.dataset.level = revision.level;
    document.getElementById("result").replaceChildren(renderComparison(old.value, updated.value, undefined, document.getElementById("all").checked));
    document.getElementById("old-rendered").replaceChildren(renderPolicy(old.value, "dom"));
    document.getElementById("new-rendered").replaceChildren(renderPolicy(updated.value, "dom"));
  } catch (error) {
    verdict.textContent = `Could not compare: ${error.message ?? error}`;
    verdict.dataset.level = "error";
  }
}

const [, oldText, newText] = await Promise.all([
  init(),
  fetch("policy/versions/2026-11.txt").then((r) => r.text()),
  fetch("policy/versions/2027-01.txt").then((r) => r.text()),
]);
old.value = oldText;
updated.value = newText;
document.getElementById("compare").addEventListener("submit", (event) => {
  event.preventDefault();
  compare();
});
await compare();

// The policy page: fetches the sample policy and renders it with the Wasm module into DOM
// nodes (createElement/textContent inside the module; no innerHTML anywhere).
import init, { renderPolicy } from "./pkg/policy_consent_full.js";

const main = document.getElementById("policy");
const source = new URLSearchParams(location.search).get("src") || "policy/privacy-policy.txt";

try {
  const [text] = await Promise.all([
    fetch(source).then((r) => {
      if (!r.ok) throw new Error(`${source}: HTTP ${r.status}`);
      return r.text();
    }),
    init(),
  ]);
  const format = source.endsWith(".md") ? "markdown" : "text";
  const fragment = renderPolicy(text, "dom", format);
  const title = fragment.querySelector(".pc-title");
  if (title) document.title = title.textContent;
  main.replaceChildren(fragment);
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
} catch (error) {
  const message = document.createElement("p");
  message.className = "error";
  message.textContent = `The policy could not be shown: ${error.message ?? error}`;
  main.replaceChildren(message);
  console.error(error);
} finally {
  main.removeAttribute("aria-busy");
}

// The floor page's banner and click handlers, built by a script: nothing a library does
// beyond existing in a file.
const el = (name, attrs, text) => Object.assign(document.createElement(name), attrs, text ? { textContent: text } : {});
const banner = el("section", { id: "floor-banner" });
banner.setAttribute("aria-labelledby", "floor-title");
banner.append(
  el("h2", { id: "floor-title" }, "We value your privacy"),
  el("p", {}, "We use cookies and similar technologies to keep this site working, to understand how it is used, to show relevant ads and to remember your preferences. You can accept all, reject the optional ones, or choose per category."),
  el("button", { id: "floor-accept", type: "button" }, "Accept all"),
  el("button", { id: "floor-reject", type: "button" }, "Reject all"),
);
document.body.append(banner);
function save(value) {
  document.cookie = `floor_consent=${value}; path=/; max-age=15778800; samesite=lax`;
  banner.remove();
}
document.getElementById("floor-accept").onclick = () => save("all");
document.getElementById("floor-reject").onclick = () => save("necessary");

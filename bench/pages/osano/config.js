window.cookieconsent.initialise({
  palette: { popup: { background: "#000" }, button: { background: "#f1d600" } },
  type: "opt-in",
  layout: "basic-header",
  position: "bottom",
  content: {
    header: "We value your privacy",
    message: "We use cookies and similar technologies to keep this site working, to understand how it is used, to show relevant ads and to remember your preferences. You can accept all, reject the optional ones, or choose per category.",
    allow: "Accept all",
    deny: "Reject all",
    link: "Manage preferences",
    href: "#preferences",
    target: "_self",
  },
});

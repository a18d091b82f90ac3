// The host page's configuration, as the peers have theirs (config.js): the visitor's birth
// month, which a signed-in site knows (age_gate "host"), and the manifest itself, so that
// the loader paints the banner with no request in between (README: "In the browser").
window.policyConsentOptions = {
  birth: { year: 1990, month: 4 },
  manifest: {
    "policy": {
      "id": "bench",
      "version": "1",
      "effective": "2026-11-01",
      "source": "policy.txt"
    },
    "age_gate": "host",
    "purposes": [
      {
        "id": "necessary",
        "title": "Strictly necessary",
        "description": "Required for the website to work, such as security and load balancing. These cannot be switched off.",
        "required": true,
        "minors": "allowed"
      },
      {
        "id": "analytics",
        "title": "Analytics",
        "description": "Helps us count visits and understand how visitors use the site, so that we can measure and improve it."
      },
      {
        "id": "marketing",
        "title": "Marketing",
        "description": "Used to show you relevant advertising on this and other sites and to measure how well campaigns perform."
      },
      {
        "id": "personalization",
        "title": "Personalization",
        "description": "Remembers your choices, such as language or region, to give you a more personal experience on the site."
      }
    ],
    "strings": {
      "en": {
        "banner.title": "We value your privacy",
        "banner.text": "We use cookies and similar technologies to keep this site working, to understand how it is used, to show relevant ads and to remember your preferences. You can accept all, reject the optional ones, or choose per category.",
        "choose": "Manage preferences"
      }
    }
  },
};

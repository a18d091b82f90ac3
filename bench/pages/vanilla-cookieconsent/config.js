import "./vendor/cookieconsent.umd.js";

const section = (title, description, linkedCategory) => ({ title, description, linkedCategory });
CookieConsent.run({
  categories: { necessary: { enabled: true, readOnly: true }, analytics: {}, marketing: {}, personalization: {} },
  language: {
    default: "en",
    translations: {
      en: {
        consentModal: {
          title: "We value your privacy",
          description: "We use cookies and similar technologies to keep this site working, to understand how it is used, to show relevant ads and to remember your preferences. You can accept all, reject the optional ones, or choose per category.",
          acceptAllBtn: "Accept all",
          acceptNecessaryBtn: "Reject all",
          showPreferencesBtn: "Manage preferences",
        },
        preferencesModal: {
          title: "Manage preferences",
          acceptAllBtn: "Accept all",
          acceptNecessaryBtn: "Reject all",
          savePreferencesBtn: "Save preferences",
          closeIconLabel: "Close",
          sections: [
            section("Strictly necessary", "Required for the website to work, such as security and load balancing. These cannot be switched off.", "necessary"),
            section("Analytics", "Helps us count visits and understand how visitors use the site, so that we can measure and improve it.", "analytics"),
            section("Marketing", "Used to show you relevant advertising on this and other sites and to measure how well campaigns perform.", "marketing"),
            section("Personalization", "Remembers your choices, such as language or region, to give you a more personal experience on the site.", "personalization"),
          ],
        },
      },
    },
  },
});

// One service per purpose gives klaro the same four categories as the other pages.
var klaroConfig = {
  version: 1,
  elementID: "klaro",
  storageMethod: "cookie",
  cookieName: "klaro",
  cookieExpiresAfterDays: 182,
  groupByPurpose: true,
  showNoticeTitle: true,
  default: false,
  mustConsent: false,
  acceptAll: true,
  hideDeclineAll: false,
  lang: "en",
  purposeOrder: ["necessary", "analytics", "marketing", "personalization"],
  translations: {
    en: {
      consentNotice: { title: "We value your privacy", description: "We use cookies and similar technologies to keep this site working, to understand how it is used, to show relevant ads and to remember your preferences. You can accept all, reject the optional ones, or choose per category.", learnMore: "Manage preferences" },
      consentModal: { title: "Manage preferences", description: "We use cookies and similar technologies to keep this site working, to understand how it is used, to show relevant ads and to remember your preferences. You can accept all, reject the optional ones, or choose per category." },
      ok: "Accept all",
      acceptAll: "Accept all",
      decline: "Reject all",
      save: "Save preferences",
      purposes: {
        necessary: { title: "Strictly necessary", description: "Required for the website to work, such as security and load balancing. These cannot be switched off." },
        analytics: { title: "Analytics", description: "Helps us count visits and understand how visitors use the site, so that we can measure and improve it." },
        marketing: { title: "Marketing", description: "Used to show you relevant advertising on this and other sites and to measure how well campaigns perform." },
        personalization: { title: "Personalization", description: "Remembers your choices, such as language or region, to give you a more personal experience on the site." },
      },
    },
  },
  services: [
    { name: "session", title: "Session", purposes: ["necessary"], required: true },
    { name: "stats", title: "Statistics", purposes: ["analytics"] },
    { name: "ads", title: "Advertising", purposes: ["marketing"] },
    { name: "prefs", title: "Preferences", purposes: ["personalization"] },
  ],
};

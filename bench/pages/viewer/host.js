// The visitor's birth month, which a signed-in site knows (age_gate "host").
window.policyConsentOptions = { birth: { year: 1990, month: 4 } };

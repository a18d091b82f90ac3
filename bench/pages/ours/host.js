// What a signed-in site knows: the visitor's birth month (age_gate "host").
window.policyConsentOptions = { birth: { year: 1990, month: 4 } };

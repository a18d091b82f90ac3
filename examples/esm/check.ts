// Type-checks the package's public API (tsc --strict --noEmit): options, record, events,
// prompts and the exported functions, as a TypeScript user would write them.
import init, { PolicyConsent, type ChangeDetail, type ConsentRecord, type Prompt, type PurposeView, type Receipt, type StartOptions } from "policy-consent";
import initFull, { comparePolicies, renderComparison, renderPolicy, type PolicyModel, type Revision } from "policy-consent/full";

/** A page with the loader, its app started on demand: the host asks for it when it needs it. */
export async function withTheLoader(): Promise<boolean> {
  window.policyConsentOptions = { start: "on-demand", guardian: { verify: async (contact: string) => `token:${contact}` } };
  const consent: PolicyConsent | undefined = await window.policyConsentReady?.();
  return consent?.granted("analytics") ?? window.policyConsent?.granted("analytics") ?? false;
}

export async function example(): Promise<void> {
  await init();
  const options: StartOptions = {
    manifest: "/policy/consent.json",
    policy: "/policy/privacy-policy.txt",
    lang: "zh-CN",
    storage: "auto",
    guardian: { verify: async (contact: string) => `token:${contact}` },
    receiptEndpoint: "/consent-receipts",
    birth: { year: 1990, month: 4 },
  };
  const consent: PolicyConsent = await PolicyConsent.start(options);
  const analytics: boolean = consent.granted("analytics");
  const record: ConsentRecord = consent.record();
  const state: "granted" | "denied" | "suspended" | undefined = record.purposes["ads"]?.state;
  const receipt: Receipt = consent.receipt();
  const prompt: Prompt = consent.prompt();
  if (prompt.type === "change-notice") {
    const level: "minor" | "material" = prompt.level;
    console.log(level, prompt.purposes.join(","));
  }
  const views: PurposeView[] = consent.purposes();
  consent.on("change", (detail: ChangeDetail) => {
    const persisted: boolean = detail.persisted;
    const reload: string[] = detail.reloadNeeded;
    console.log(persisted, reload, detail.consentMode["ad_storage"]);
  });
  consent.grant(["analytics"]);
  consent.withdraw(["ads"]);
  consent.showSettings();
  consent.showPolicy("2.5");
  await initFull();
  const revision: Revision = comparePolicies("old", "new", "text");
  const level: Revision["level"] = revision.level;
  const fragment: DocumentFragment = renderComparison("old", "new", undefined, true);
  const html = renderPolicy("Policy\n\nIntro\nText.", "html");
  const model = renderPolicy("Policy\n\nIntro\nText.", "json") as PolicyModel;
  console.log(model.sections[0]?.heading);
  console.log(analytics, state, receipt.purposes.length, views.length, level, fragment, html);
}

// Writes a package.json for a built module directory and keeps `any` out of the public
// types (wasm-bindgen's raw exports become `unknown`).
// usage: node scripts/finish-npm.mjs DIR web|bundler
import { readFileSync, writeFileSync, readdirSync } from "node:fs";

const [dir, target] = process.argv.slice(2);
const cargo = readFileSync(new URL("../Cargo.toml", import.meta.url), "utf8");
const field = (name) => cargo.match(new RegExp(`^${name} = "(.*)"$`, "m"))?.[1];
const files = readdirSync(dir).filter((f) => !f.endsWith(".tgz") && f !== "package.json");
const pkg = {
  name: field("name"),
  version: field("version"),
  description: field("description"),
  license: field("license"),
  repository: { type: "git", url: field("repository") },
  type: "module",
  main: "policy_consent.js",
  module: "policy_consent.js",
  types: "policy_consent.d.ts",
  style: "policy-consent.css",
  files,
  exports: {
    ".": { types: "./policy_consent.d.ts", default: "./policy_consent.js" },
    "./full": { types: "./policy_consent_full.d.ts", default: "./policy_consent_full.js" },
    "./policy-consent.css": "./policy-consent.css",
    ...(target === "web" ? { "./loader": "./policy-consent.js" } : {}),
    "./*.wasm": "./*.wasm",
  },
  sideEffects: ["./policy-consent.css", "./policy-consent.js", "./policy_consent.js", "./policy_consent_full.js", "./policy_consent_view.js"],
  keywords: ["consent", "privacy", "gdpr", "cookie-banner", "privacy-policy", "wasm"],
};
writeFileSync(`${dir}/package.json`, JSON.stringify(pkg, null, 2) + "\n");

for (const types of files.filter((f) => f.endsWith(".d.ts"))) {
  const path = `${dir}/${types}`;
  writeFileSync(path, readFileSync(path, "utf8").replace(/\bany\b/g, "unknown"));
}

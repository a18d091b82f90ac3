// Completes a wasm-pack package: ships the stylesheet and the JS snippets, adds `exports`,
// and keeps `any` out of the public types (wasm-bindgen's raw exports become `unknown`).
import { readFileSync, writeFileSync } from "node:fs";

const dir = process.argv[2];
const pkgPath = `${dir}/package.json`;
const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
pkg.description = "Renders a privacy policy, captures per-purpose consent with an under-18 guardian gate, and asks again when the policy changes materially.";
pkg.files = [...new Set([...(pkg.files ?? []), "snippets", "policy-consent.css", "README.md"])];
pkg.style = "policy-consent.css";
pkg.exports = {
  ".": { types: "./policy_consent.d.ts", default: `./${pkg.module ?? pkg.main}` },
  "./policy-consent.css": "./policy-consent.css",
  "./policy_consent_bg.wasm": "./policy_consent_bg.wasm",
};
pkg.sideEffects = [...new Set([...(Array.isArray(pkg.sideEffects) ? pkg.sideEffects : []), "./snippets/*", "./policy-consent.css"])];
writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + "\n");

const typesPath = `${dir}/policy_consent.d.ts`;
const types = readFileSync(typesPath, "utf8").replace(/\bany\b/g, "unknown");
writeFileSync(typesPath, types);

// Inlines wasm-bindgen's JS snippets into the module's glue: each snippet is a separate
// module the browser would fetch only after the glue, one more round trip before the app
// can start. Ours are one-line functions. usage: node scripts/inline-snippets.mjs GLUE.js
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const glue = process.argv[2];
let source = readFileSync(glue, "utf8");
source = source.replace(/^import \{ ([\w, ]+) \} from '(\.\/snippets\/[^']+)';$/gm, (line, names, path) => {
  const snippet = readFileSync(join(dirname(glue), path), "utf8").replace(/\bexport function /g, "function ");
  for (const name of names.split(",").map((n) => n.trim())) {
    if (!new RegExp(`function ${name}\\b`).test(snippet)) throw new Error(`${path} does not define ${name}`);
  }
  return `// inlined from ${path}\n${snippet.trim()}`;
});
if (/from '\.\/snippets\//.test(source)) throw new Error(`${glue}: a snippet import was not inlined`);
writeFileSync(glue, source);

// wasm-bindgen's init takes the module as a URL string, a Request, a URL, or a promise of a
// Response (what the loader, src/web/loader.js, passes) and tells them apart with `instanceof Request`
// and `instanceof URL`. Merely naming `Request` makes Blink build its interface object and
// prototype, 5 KB of JS heap on a page that never uses one. A promise has a `then` and is
// neither: asked first, it leaves `Request` unnamed. usage: node scripts/init-no-request.mjs GLUE.js
import { readFileSync, writeFileSync } from "node:fs";

const glue = process.argv[2];
const source = readFileSync(glue, "utf8");
const check =
  "(typeof Request === 'function' && module_or_path instanceof Request) || (typeof URL === 'function' && module_or_path instanceof URL)";
const found = source.split(check).length - 1;
if (found !== 1) throw new Error(`${glue}: wasm-bindgen's init check for a Request or URL found ${found} times, not once`);
writeFileSync(glue, source.replace(check, `(typeof module_or_path?.then !== 'function' && (${check}))`));

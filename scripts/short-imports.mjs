// Renames a Wasm module's function imports to short names ("0", "1", …) and the keys of
// the JS glue's import object to match. wasm-bindgen names each import after its binding
// and a 16-digit hash (`__wbg_addEventListener_70e3766f6252144d`): ~180 such names sit in
// the page's JS heap for as long as the app runs, as strings, property keys and the glue's
// source. The glue must name each import once, as `NAME: function(` (wasm-bindgen's import
// object), and the function becomes a method, `"0"(`: for an anonymous function in an
// object literal V8 keeps an inferred name made by concatenating strings (three per import
// in heap snapshots); a method is named by its key alone. 16 KB of heap for the app's 186.
// usage: node scripts/short-imports.mjs MODULE_bg.wasm GLUE.js
import { readFileSync, writeFileSync } from "node:fs";
import { leb, reader } from "./wasm-leb.mjs";

const [wasmPath, gluePath] = process.argv.slice(2);
const bytes = readFileSync(wasmPath);
const utf8 = new TextDecoder("utf-8", { fatal: true });
const { u32, limits } = reader(bytes);

if (bytes.readUInt32LE(0) !== 0x6d736100) throw new Error(`${wasmPath}: not a Wasm module`);
const parts = [bytes.subarray(0, 8)];
const renamed = new Map();
let at = 8;
while (at < bytes.length) {
  const id = bytes[at];
  const [size, start] = u32(at + 1);
  const end = start + size;
  if (id !== 2) {
    parts.push(bytes.subarray(at, end));
    at = end;
    continue;
  }
  let [count, i] = u32(start);
  const body = leb(count);
  for (let n = 0; n < count; n++) {
    const [moduleLength, moduleStart] = u32(i);
    const module = bytes.subarray(moduleStart, moduleStart + moduleLength);
    const [nameLength, nameStart] = u32(moduleStart + moduleLength);
    const name = utf8.decode(bytes.subarray(nameStart, nameStart + nameLength));
    const kind = bytes[nameStart + nameLength];
    const desc = nameStart + nameLength + 1;
    let descEnd;
    if (kind === 0) [, descEnd] = u32(desc); // function: type index
    else if (kind === 1) descEnd = limits(desc + 1); // table: reference type, limits
    else if (kind === 2) descEnd = limits(desc); // memory: limits
    else if (kind === 3) descEnd = desc + 2; // global: value type, mutability
    else throw new Error(`${wasmPath}: import ${name} of unknown kind ${kind}`);
    let short = name;
    if (kind === 0) {
      short = String(renamed.size);
      renamed.set(name, short);
    }
    const encoded = new TextEncoder().encode(short);
    body.push(...leb(moduleLength), ...module, ...leb(encoded.length), ...encoded, ...bytes.subarray(nameStart + nameLength, descEnd));
    i = descEnd;
  }
  if (i !== end) throw new Error(`${wasmPath}: the import section did not parse to its end`);
  parts.push(Uint8Array.from([2, ...leb(body.length), ...body]));
  at = end;
}
if (at !== bytes.length) throw new Error(`${wasmPath}: a section runs past the end`);

let glue = readFileSync(gluePath, "utf8");
for (const [name, short] of renamed) {
  const key = new RegExp(`(?<![\\w$."'])${name.replace(/\$/g, "\\$")}\\s*:\\s*function\\s*\\(`, "g");
  const found = glue.match(key)?.length ?? 0;
  if (found !== 1) throw new Error(`${gluePath}: import ${name} is not named once as \`${name}: function(\` (${found} times)`);
  glue = glue.replace(key, `${JSON.stringify(short)}(`);
}
writeFileSync(wasmPath, Buffer.concat(parts));
writeFileSync(gluePath, glue);

// V8 names each exported Wasm function after its index ("1022"), through a number-to-string
// cache of 128 entries that grows for good to 8192 (64 KB of JS heap) the first time two
// numbers meet in one entry, i.e. when two export indices are equal modulo 128. With ~26
// exports spread over ~1300 functions that is all but certain; put together at the front of
// the module, their indices are consecutive and cannot meet.
//
//   node scripts/export-first.mjs name MODULE.wasm   (before wasm-opt): writes a name section
//       that sorts imports first, then exported functions, then the rest in their order, for
//       wasm-opt --reorder-functions-by-name (run first, before -Oz; --strip-debug drops it);
//   node scripts/export-first.mjs check MODULE.wasm  (after): fails if two exported functions'
//       indices are equal modulo 128.
import { readFileSync, writeFileSync } from "node:fs";
import { leb, reader } from "./wasm-leb.mjs";

const [mode, path] = process.argv.slice(2);
const bytes = readFileSync(path);
const { u32, limits } = reader(bytes);
const utf8 = new TextEncoder();
const name = (start) => {
  const [length, at] = u32(start);
  return [bytes.subarray(at, at + length).toString(), at + length];
};

if (bytes.readUInt32LE(0) !== 0x6d736100) throw new Error(`${path}: not a Wasm module`);
const kept = [bytes.subarray(0, 8)];
let imported = 0;
let defined = 0;
const exported = []; // function indices, in export order
for (let at = 8; at < bytes.length; ) {
  const id = bytes[at];
  const [size, start] = u32(at + 1);
  const end = start + size;
  if (id === 2) {
    let [count, i] = u32(start);
    for (let n = 0; n < count; n++) {
      [, i] = name(i); // module
      [, i] = name(i); // field
      const kind = bytes[i++];
      if (kind === 0) [, i] = u32(i), imported++;
      else if (kind === 1) i = limits(i + 1);
      else if (kind === 2) i = limits(i);
      else if (kind === 3) i += 2;
      else throw new Error(`${path}: import of unknown kind ${kind}`);
    }
  } else if (id === 3) {
    [defined] = u32(start);
  } else if (id === 7) {
    let [count, i] = u32(start);
    for (let n = 0; n < count; n++) {
      [, i] = name(i);
      const kind = bytes[i++];
      let index;
      [index, i] = u32(i);
      if (kind === 0) exported.push(index);
    }
  }
  const isNames = id === 0 && name(start)[0] === "name";
  if (!isNames) kept.push(bytes.subarray(at, end));
  at = end;
}

if (mode === "check") {
  const seen = new Map();
  for (const index of exported) {
    const other = seen.get(index % 128);
    if (other !== undefined && other !== index) {
      throw new Error(`${path}: exported functions ${other} and ${index} are equal modulo 128 (V8's number-string cache grows by 64 KB)`);
    }
    seen.set(index % 128, index);
  }
} else if (mode === "name") {
  const position = new Map(exported.map((index, n) => [index, n]));
  const pad = (n) => String(n).padStart(7, "0");
  const entries = [];
  for (let index = 0; index < imported + defined; index++) {
    const sort = index < imported ? `a${pad(index)}` : position.has(index) ? `b${pad(position.get(index))}` : `c${pad(index)}`;
    const text = utf8.encode(sort);
    entries.push(...leb(index), ...leb(text.length), ...text);
  }
  const functions = [...leb(imported + defined), ...entries];
  const body = [...leb(4), ...utf8.encode("name"), 1, ...leb(functions.length), ...functions];
  kept.push(Uint8Array.from([0, ...leb(body.length), ...body]));
  writeFileSync(path, Buffer.concat(kept));
} else {
  throw new Error("usage: node scripts/export-first.mjs name|check MODULE.wasm");
}

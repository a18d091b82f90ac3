// Reading and writing the LEB128 numbers and the limits of a Wasm binary, for the build
// scripts that rewrite its sections (short-imports.mjs, export-first.mjs).

/** Readers over `bytes`: `u32(at)` → [value, next], `limits(at)` → the offset after them. */
export function reader(bytes) {
  const u32 = (at) => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return [value, at];
  };
  const limits = (at) => {
    const flags = bytes[at];
    let [, end] = u32(at + 1);
    if (flags & 1) [, end] = u32(end);
    return end;
  };
  return { u32, limits };
}

/** `n` as unsigned LEB128 bytes. */
export const leb = (n) => {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};

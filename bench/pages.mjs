// Variants of bench/pages/ours: the same page with more attributes on the loader's tag
// (data-start="on-demand", say) or more tags before it (preloads), for bench/banner.mjs and
// bench/heap.mjs alike.
import { readFile, writeFile } from "node:fs/promises";

const LOADER_TAG = '<script type="module" src="vendor/policy-consent.js"';

/** Adds `attributes` to the loader's tag in the page `file`; fails if the tag is not there. */
export async function addLoaderAttributes(file, attributes) {
  const html = await readFile(file, "utf8");
  if (!html.includes(LOADER_TAG)) throw new Error(`${file}: no \`${LOADER_TAG}\``);
  await writeFile(file, html.replace(LOADER_TAG, `${LOADER_TAG} ${attributes}`));
}

/** Puts `html` (tags for the head) just before the loader's tag in the page `file`. */
export async function addBeforeLoader(file, html) {
  const page = await readFile(file, "utf8");
  if (!page.includes(LOADER_TAG)) throw new Error(`${file}: no \`${LOADER_TAG}\``);
  await writeFile(file, page.replace(LOADER_TAG, `${html}\n${LOADER_TAG}`));
}

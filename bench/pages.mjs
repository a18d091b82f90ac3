// Variants of bench/pages/ours: the same page with more attributes on the loader's tag
// (data-start="on-demand", say) or more tags before it (preloads), for bench/banner.mjs and
// bench/heap.mjs alike.
import { readFile, writeFile } from "node:fs/promises";

const LOADER_TAG = '<script type="module" src="vendor/policy-consent.js"';

/** Edits the loader's tag in the page `file`: `attributes` added to it, `before` (tags for the
 * head) put just before it; fails if the tag is not there. */
export async function editLoaderTag(file, { attributes = "", before = "" }) {
  const html = await readFile(file, "utf8");
  if (!html.includes(LOADER_TAG)) throw new Error(`${file}: no \`${LOADER_TAG}\``);
  const tag = attributes ? `${LOADER_TAG} ${attributes}` : LOADER_TAG;
  await writeFile(file, html.replace(LOADER_TAG, before ? `${before}\n${tag}` : tag));
}

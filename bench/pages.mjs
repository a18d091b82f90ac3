// Variants of bench/pages/ours: the same page with more attributes on the loader's tag
// (data-start="on-demand", say), more tags before it (preloads), or its manifest in a file,
// for bench/banner.mjs and bench/heap.mjs alike.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

const LOADER_TAG = '<script type="module" src="vendor/policy-consent.js"';

/** Edits the loader's tag in the page `file`: `attributes` added to it, `before` (tags for the
 * head) put just before it; fails if the tag is not there. */
export async function editLoaderTag(file, { attributes = "", before = "" }) {
  const html = await readFile(file, "utf8");
  if (!html.includes(LOADER_TAG)) throw new Error(`${file}: no \`${LOADER_TAG}\``);
  const tag = attributes ? `${LOADER_TAG} ${attributes}` : LOADER_TAG;
  await writeFile(file, html.replace(LOADER_TAG, before ? `${before}\n${tag}` : tag));
}

const MANIFEST_BLOCK = /<script type="application\/json" id="pc-manifest">([\s\S]*?)<\/script>\n?/;

/** Moves the manifest of the page in `dir` from its JSON data block to manifest.json beside
 * it, which the loader then fetches (as it does by default); fails if the block is not there. */
export async function manifestToFile(dir) {
  const file = join(dir, "index.html");
  const html = await readFile(file, "utf8");
  const block = html.match(MANIFEST_BLOCK);
  if (!block || !html.includes('data-manifest="#pc-manifest"')) throw new Error(`${file}: no manifest block for the loader`);
  await writeFile(join(dir, "manifest.json"), `${block[1].trim()}\n`);
  await writeFile(file, html.replace(block[0], "").replace('data-manifest="#pc-manifest"', 'data-manifest="manifest.json"'));
}

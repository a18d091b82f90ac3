// A static file server for www/ on 127.0.0.1 (the demo and the end-to-end tests).
// usage: node scripts/serve.mjs [--port N] [--root DIR]   (port 0 picks a free one)
import { createServer } from "node:http";
import { gzipSync } from "node:zlib";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/** The demo's CSP pages are served with the policies they demonstrate. */
export const CSP = {
  "/csp.html":
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; require-trusted-types-for 'script'; trusted-types 'none'",
  "/csp-nonce.html":
    "default-src 'self'; script-src 'self' 'nonce-n0nce' 'wasm-unsafe-eval'; style-src 'self'; require-trusted-types-for 'script'; trusted-types policy-consent",
};

/**
 * Starts a server for `root`; resolves to { server, url }.
 * `mounts` maps URL prefixes to other directories (the tests serve their fixtures so);
 * `headers(url)` adds response headers (a Content-Security-Policy, say); with `gzip`, text and
 * Wasm go gzip -9 encoded to clients that accept it, as a production server sends them (the
 * benchmark's throttled runs count the bytes on the wire).
 */
export function serve({ root, port = 0, mounts = {}, headers = () => ({}), gzip = false }) {
  const compressed = new Map();
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, "http://localhost");
      const prefix = Object.keys(mounts).find((p) => url.pathname.startsWith(p));
      const base = resolve(prefix ? mounts[prefix] : root);
      const rest = prefix ? url.pathname.slice(prefix.length) : url.pathname;
      let path = normalize(join(base, decodeURIComponent(rest)));
      if (!path.startsWith(base)) throw Object.assign(new Error("outside root"), { code: "ENOENT" });
      if ((await stat(path)).isDirectory()) path = join(path, "index.html");
      let body = await readFile(path);
      const encode = gzip && TYPES[extname(path)] && !/^image\/(png|x-icon)/.test(TYPES[extname(path)]) && /\bgzip\b/.test(req.headers["accept-encoding"] ?? "");
      if (encode) {
        const key = `${path}:${body.length}`;
        if (!compressed.has(key)) compressed.set(key, gzipSync(body, { level: 9 }));
        body = compressed.get(key);
      }
      res.writeHead(200, {
        "content-type": TYPES[extname(path)] ?? "application/octet-stream",
        ...(encode ? { "content-encoding": "gzip", vary: "accept-encoding" } : {}),
        "cache-control": "no-store",
        ...(CSP[url.pathname] ? { "content-security-policy": CSP[url.pathname] } : {}),
        ...headers(url),
      });
      res.end(body);
    } catch (error) {
      res.writeHead(error.code === "ENOENT" || error.code === "ENOTDIR" ? 404 : 500, { "content-type": "text/plain" });
      res.end(error.code === "ENOENT" ? "not found\n" : "error\n");
    }
  });
  return new Promise((ok) => server.listen(port, "127.0.0.1", () => ok({ server, url: `http://127.0.0.1:${server.address().port}` })));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const root = option("--root", join(fileURLToPath(new URL(".", import.meta.url)), "..", "www"));
  const { url } = await serve({ root, port: Number(option("--port", process.env.PORT ?? 8080)) });
  console.log(`policy-consent demo: ${url}/  (policy viewer: ${url}/policy.html; Ctrl-C stops)`);
}

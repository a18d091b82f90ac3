// Shared set-up for the end-to-end tests: Debian's Chromium through playwright-core,
// and the demo site served from www/ on 127.0.0.1.
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.mjs";
import { fileURLToPath } from "node:url";

export const WWW = fileURLToPath(new URL("../../www/", import.meta.url));
const MOUNTS = {
  "/fixtures/": fileURLToPath(new URL("../fixtures/", import.meta.url)),
  "/e2e/": fileURLToPath(new URL("./pages/", import.meta.url)),
};

export const LAUNCH = {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
};

/** Starts the server and the browser; returns { url, browser, close }. */
export async function start(options = {}) {
  const { server, url } = await serve({ root: WWW, mounts: MOUNTS, ...options });
  const browser = await chromium.launch(LAUNCH);
  return {
    url,
    browser,
    close: async () => {
      await browser.close();
      server.close();
    },
  };
}

/** A page that records console errors and uncaught exceptions in `page.problems`. */
export async function newPage(browser, options = {}) {
  const page = await browser.newPage(options);
  page.problems = [];
  page.on("console", (m) => m.type() === "error" && page.problems.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => page.problems.push(`pageerror: ${e.message}`));
  return page;
}

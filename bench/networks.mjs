// Network conditions to emulate (CDP), as DevTools' presets apply them (their latency and
// throughput are adjusted for the lack of packet-level emulation). The benches that take one
// serve files gzip-encoded under it, as a production server does.
export const NETWORKS = {
  "slow-4g": { latency: 562.5, downloadThroughput: (1.6e6 * 0.9) / 8, uploadThroughput: (750e3 * 0.9) / 8 },
  "fast-4g": { latency: 165, downloadThroughput: (9e6 * 0.9) / 8, uploadThroughput: (1.5e6 * 0.9) / 8 },
};

/** Emulates `name`'s conditions on `page` (before its first request). */
export async function emulate(page, name) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, ...NETWORKS[name] });
}

// Benchmark of the first view (issue #20): the explorer opened at / on the
// default data (every public dataset), in Debian's headless Chromium with an
// empty cache. Measures the bytes over the wire (what the network moved,
// compressed or not: CDP's encodedDataLength) and the time to interactive:
// from navigation until the graph is drawn, the timeline and the details
// loaded, and the search box answers. Writes test-results/e2e/firstview.json.
// Goals: under 1.5 MB over the wire, interactive under 1.5 s.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { launch, results, startServer } from "./lib.mjs";

const RUNS = Number(process.env.RUNS ?? 3);
const QUERY = process.env.FIRSTVIEW_QUERY ?? "";
const server = await startServer({ data: process.env.FIRSTVIEW_DATA ?? "all" });
const browser = await launch();
const runs = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    const byRequest = new Map();
    cdp.on("Network.responseReceived", (e) => byRequest.set(e.requestId, { url: e.response.url, encoding: e.response.headers["content-encoding"] ?? e.response.headers["Content-Encoding"] ?? "", bytes: 0 }));
    cdp.on("Network.loadingFinished", (e) => {
      const r = byRequest.get(e.requestId);
      if (r) r.bytes = e.encodedDataLength;
    });
    const t0 = Date.now();
    await page.goto(server.url + QUERY);
    await page.waitForFunction(() => window.explorer?.graph.order > 0 && window.explorer.store.get().status.timeline === "ok", null, { timeout: 60000 });
    // Interactive: the search box answers.
    await page.getByLabel("Search names and aliases").fill("APT40");
    await page.locator("#search-list [role=option]").first().waitFor({ timeout: 60000 });
    const interactiveMs = Date.now() - t0;
    await page.waitForFunction(() => document.body.dataset.layout === "settled", null, { timeout: 60000 });
    await page.waitForLoadState("networkidle");
    const requests = [...byRequest.values()].map((r) => ({ ...r, url: r.url.replace(server.url, "/") }));
    const total = requests.reduce((a, r) => a + r.bytes, 0);
    runs.push({ interactiveMs, wireBytes: total, nodes: await page.evaluate(() => window.explorer.graph.order), requests });
    if (run === 0) await page.screenshot({ path: join(results, "firstview.png") });
    await context.close();
  }
} finally {
  await browser.close();
  server.stop();
}
const median = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
const summary = {
  query: QUERY || "/", medianWireBytes: median("wireBytes"), medianInteractiveMs: median("interactiveMs"),
  runs: runs.map((r) => ({ interactiveMs: r.interactiveMs, wireBytes: r.wireBytes, nodes: r.nodes })), requests: runs[0].requests.sort((a, b) => b.bytes - a.bytes),
  chromium: browser.version(),
};
writeFileSync(join(results, "firstview.json"), JSON.stringify(summary, null, 2));
console.log(JSON.stringify({ ...summary, requests: summary.requests.slice(0, 8) }, null, 2));
const okBytes = summary.medianWireBytes < 1.5e6, okTime = summary.medianInteractiveMs < 1500;
console.log(`${okBytes ? "goal met" : "goal missed"}: ${(summary.medianWireBytes / 1e6).toFixed(2)} MB over the wire (goal under 1.5 MB)`);
console.log(`${okTime ? "goal met" : "goal missed"}: interactive in ${summary.medianInteractiveMs} ms (goal under 1.5 s)`);
if (!okBytes) process.exitCode = 1;

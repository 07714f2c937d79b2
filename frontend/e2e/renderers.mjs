// Measures sigma.js against Cytoscape.js (canvas and WebGL) in Debian's headless
// Chromium on a 5,000-node, 10,000-edge graph; writes test-results/e2e/renderers.json.
import { execSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join } from "node:path";
import { launch, results } from "./lib.mjs";

const dir = new URL("../bench-dist/", import.meta.url).pathname;
execSync("npx vite build --config vite.bench.config.ts --logLevel error", { cwd: new URL("..", import.meta.url).pathname, stdio: "inherit" });
const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };
const server = createServer((req, res) => {
  try {
    const path = join(dir, req.url === "/" ? "index.html" : decodeURIComponent(req.url.split("?")[0]));
    const body = readFileSync(path);
    res.writeHead(200, { "Content-Type": types[extname(path)] ?? "application/octet-stream" }).end(body);
  } catch {
    res.writeHead(404).end();
  }
}).listen(0, "127.0.0.1");
await new Promise((r) => server.once("listening", r));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await launch();
const out = [];
for (const [name, call] of [["sigma", "benchSigma(5000, 10000, 3)"], ["sigma-hide-edges-on-move", "benchSigma(5000, 10000, 3, true)"], ["cytoscape-canvas", "benchCytoscape(5000, 10000, 3, false)"], ["cytoscape-webgl", "benchCytoscape(5000, 10000, 3, true)"]]) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  page.on("pageerror", (e) => console.error(name, e.message));
  await page.goto(url);
  await page.waitForFunction(() => window.bench);
  let r;
  try {
    r = await page.evaluate(`window.bench.${call}`);
    await page.screenshot({ path: join(results, `renderer-${name}.png`) });
  } catch (e) {
    r = { renderer: name, error: String(e.message).split("\n")[0] }; // a renderer that crashes the page
  }
  console.log(JSON.stringify(r));
  out.push(r);
  await page.close().catch(() => {});
}
await browser.close();
server.close();
writeFileSync(join(results, "renderers.json"), JSON.stringify(out, null, 2));

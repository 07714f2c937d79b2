// Builds one page per charting library (with and without the world geometry), then loads each
// page 15 times cold in Debian's Chromium and prints a markdown table. Not run in CI.
//   node frontend/bench/charts/run.mjs [--loads N] [--screenshots]   (screenshots go to dist/NAME.png)
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { cpus, loadavg } from "node:os";
import { extname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "vite";
import { chromium } from "playwright-core";

const here = new URL(".", import.meta.url).pathname;
const pagesDir = join(here, "pages");
const dist = join(here, "dist");
const argLoads = process.argv.indexOf("--loads");
const LOADS = argLoads > 0 ? Number(process.argv[argLoads + 1]) : 15;
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

// name, the page's source files (for the line count), whether it is a main candidate.
const pages = [
  { name: "plot", label: "Observable Plot", files: ["plot.js"] },
  { name: "echarts-svg", label: "ECharts (SVG renderer)", files: ["echarts.js", "echarts-svg.js"] },
  { name: "vega", label: "Vega-Lite + vega View", files: ["vega-specs.js", "vega.js"] },
  { name: "echarts-canvas", label: "ECharts (canvas renderer, extra)", files: ["echarts.js", "echarts-canvas.js"] },
  { name: "vega-embed", label: "Vega-Lite + vega-embed (extra)", files: ["vega-specs.js", "vega-embed.js"] },
];
const version = (p) => JSON.parse(readFileSync(join(here, "node_modules", p, "package.json"))).version;
const versions = Object.fromEntries(
  ["@observablehq/plot", "echarts", "vega", "vega-lite", "vega-embed", "topojson-client", "world-atlas", "vite", "playwright-core"].map((p) => [p, version(p)]),
);

// Lines of code: non-blank lines that are not only a comment.
const loc = (file) =>
  readFileSync(join(pagesDir, file), "utf8").split("\n").filter((l) => l.trim() && !l.trim().startsWith("//")).length;

// ---- build ----
const jsBytes = (dir) => {
  let min = 0, gz = 0;
  for (const f of readdirSync(join(dir, "assets")).filter((f) => f.endsWith(".js"))) {
    const b = readFileSync(join(dir, "assets", f));
    min += b.length;
    gz += gzipSync(b).length; // zlib's default level (6), as a server would send it
  }
  return { min, gz };
};
// Every page is the same skeleton around its script: written here, before the build.
const pageHTML = (name) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${name}: trends charts benchmark</title>
    <script>window.__t0 = performance.now();</script>
    <style>body { font: 12px sans-serif; margin: 8px; } section { margin-bottom: 16px; }</style>
  </head>
  <body>
    <section id="bars" aria-label="Attributions per year by attributing country"></section>
    <section id="matrix" aria-label="Attributing by attributed country"></section>
    <section id="map" aria-label="Attributions by country"></section>
    <script type="module" src="./${name}.js"></script>
  </body>
</html>
`;
async function buildPage(name, geometry) {
  writeFileSync(join(pagesDir, `${name}.html`), pageHTML(name));
  const outDir = join(dist, geometry ? name : `${name}-nogeo`);
  await build({
    configFile: false,
    root: pagesDir,
    base: "./",
    logLevel: "warn",
    resolve: geometry ? {} : { alias: { "world-atlas/countries-110m.json": join(pagesDir, "stub-topology.json") } },
    build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 5000, rollupOptions: { input: join(pagesDir, `${name}.html`) } },
  });
  return { outDir, ...jsBytes(outDir) };
}
for (const p of pages) {
  const withGeo = await buildPage(p.name, true);
  const noGeo = await buildPage(p.name, false);
  Object.assign(p, { dir: withGeo.outDir, size: { min: withGeo.min, gz: withGeo.gz }, sizeNoGeo: { min: noGeo.min, gz: noGeo.gz } });
  p.lines = p.files.reduce((n, f) => n + loc(f), 0);
}
const sharedLines = loc("shared.js");

// ---- serve dist/ on 127.0.0.1, never cached ----
const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json" };
const server = createServer((req, res) => {
  try {
    const path = join(dist, decodeURIComponent(req.url.split("?")[0]));
    if (!path.startsWith(dist)) throw new Error("outside");
    const body = readFileSync(path);
    res.writeHead(200, { "Content-Type": types[extname(path)] ?? "application/octet-stream", "Cache-Control": "no-store" }).end(body);
  } catch {
    res.writeHead(404).end();
  }
}).listen(0, "127.0.0.1");
await new Promise((r) => server.once("listening", r));
const base = `http://127.0.0.1:${server.address().port}/`;

// ---- measure: serially, one page at a time, pages interleaved round by round ----
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const SHOTS = process.argv.includes("--screenshots");
async function load(p, shot = false) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } }); // fresh context: empty HTTP and code cache
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${base}${p.name}/${p.name}.html`);
  await page.waitForFunction(() => window.__result, null, { timeout: 30000 });
  const r = await page.evaluate(() => {
    const count = (id, sel) => document.getElementById(id).querySelectorAll(sel).length;
    const ids = ["bars", "matrix", "map"];
    return {
      ...window.__result,
      dom: Object.fromEntries(ids.map((id) => [id, { svg: count(id, "svg"), text: count(id, "svg text"), canvas: count(id, "canvas"), path: count(id, "svg path") }])),
    };
  });
  if (errors.length) r.errors = errors;
  if (shot) await page.screenshot({ path: join(dist, `${p.name}.png`), fullPage: true });
  await context.close();
  return r;
}
const chromiumVersion = browser.version();
const load0 = loadavg();
for (const p of pages) {
  p.samples = [];
  const warm = await load(p, SHOTS); // one load discarded: warms the OS file cache and the browser process
  p.dom = warm.dom;
  if (warm.errors) console.error(p.name, warm.errors);
}
const loadSamples = [];
for (let i = 0; i < LOADS; i++) {
  for (const p of pages) p.samples.push(await load(p));
  loadSamples.push(loadavg()[0]);
}
const load1 = loadavg();
await browser.close();
server.close();

// ---- report ----
const q = (xs, f) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(f * s.length) - 1)];
};
const ms = (x) => x.toFixed(0);
const kb = (b) => (b / 1024).toFixed(1);
const rows = pages.map((p) => {
  const total = p.samples.map((s) => s.frame - s.t0);
  const render = p.samples.map((s) => s.frame - s.entry);
  const d = p.dom;
  const textOK = ["bars", "matrix", "map"].map((id) => (d[id].canvas ? "canvas" : d[id].text ? `${d[id].text}` : "0")).join(" / ");
  return { ...p, total, render, textOK };
});
const table = [
  "| page | JS min KiB | JS gzip KiB | without geometry: min / gzip KiB | load → 3 charts + rAF, median / p90 / min ms | of which drawing (after library eval), median / p90 ms | SVG `<text>` elements (bars / matrix / map) | lines of page code |",
  "|---|---:|---:|---:|---:|---:|---|---:|",
  ...rows.map(
    (r) =>
      `| ${r.label} | ${kb(r.size.min)} | ${kb(r.size.gz)} | ${kb(r.sizeNoGeo.min)} / ${kb(r.sizeNoGeo.gz)} | ${ms(q(r.total, 0.5))} / ${ms(q(r.total, 0.9))} / ${ms(Math.min(...r.total))} | ${ms(q(r.render, 0.5))} / ${ms(q(r.render, 0.9))} | ${r.textOK} | ${r.lines} |`,
  ),
].join("\n");
const meta = {
  date: new Date().toISOString(),
  versions,
  chromium: chromiumVersion,
  cpus: cpus().length,
  loadavgBefore: load0,
  loadavgAfter: load1,
  loadavg1mDuring: { min: Math.min(...loadSamples), max: Math.max(...loadSamples) },
  loads: LOADS,
  sharedLines,
};
console.log(table);
console.log(`\n${LOADS} cold loads per page (fresh browser context each, pages interleaved, one warm-up load discarded); ` +
  `shared.js (data, geometry import, timing) adds ${sharedLines} lines to every page.`);
console.log(`date ${meta.date}; ${meta.cpus} cores; load average before ${load0.map((x) => x.toFixed(2)).join(" ")}, ` +
  `after ${load1.map((x) => x.toFixed(2)).join(" ")}, 1-min during ${meta.loadavg1mDuring.min.toFixed(2)}–${meta.loadavg1mDuring.max.toFixed(2)}`);
console.log(`Chromium ${chromiumVersion}; versions: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(", ")}`);
mkdirSync(dist, { recursive: true });
writeFileSync(join(dist, "results.json"), JSON.stringify({ meta, pages: rows }, (key, v) => (key === "dir" ? undefined : v), 2));

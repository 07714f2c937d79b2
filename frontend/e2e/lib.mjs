// Shared by the end-to-end tests and the benchmark: start the real binary on
// the embedded store, and Debian's Chromium driven by playwright-core (never a
// downloaded browser).
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, "..", "..");
export const results = join(root, "test-results", "e2e");
mkdirSync(results, { recursive: true });

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/**
 * startServer runs bin/attribution serve on a free port and returns its URL and a stop function.
 * data names the public datasets served beside the curated data ("none" or "all");
 * args are more arguments of serve (-import FILE adds a STIX bundle).
 */
export async function startServer({ data = "none", args = [] } = {}) {
  const bin = process.env.ATTRIBUTION_BIN ?? join(root, "bin", "attribution");
  const env = { ...process.env, NEO4J_URI: "", ATTRIBUTION_DATA: data }; // the embedded store
  const proc = spawn(bin, ["serve", "-addr", "127.0.0.1:0", ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (d) => (stderr += d));
  const url = await new Promise((resolve, reject) => {
    let out = "";
    proc.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+\/)/);
      if (m) resolve(m[1]);
    });
    proc.on("exit", (code) => reject(new Error(`${bin} exited with ${code}: ${stderr}`)));
    // Loading the default data takes seconds on an idle machine and can take
    // a minute on a busy one: the process's exit is the failure, the timer
    // only a backstop (E2E_START_TIMEOUT_MS).
    const limit = Number(process.env.E2E_START_TIMEOUT_MS ?? 300000);
    setTimeout(() => {
      proc.kill("SIGKILL"); // never left running behind a failed suite
      reject(new Error(`${bin} did not start within ${limit} ms: ${stderr}`));
    }, limit);
  });
  return { url, stop: () => proc.kill("SIGTERM") };
}

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
}

const AXE = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe runs axe-core in the page and returns its serious and critical violations. */
export async function axe(page) {
  await page.evaluate(AXE); // evaluated, not injected as a script: the server's CSP allows no inline script
  const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return res.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
}

/**
 * pngPixels decodes a PNG in the page and counts the pixels near each colour
 * ({ name: "#rrggbb" }), and the coloured pixels (not grey, white or black).
 */
export async function pngPixels(page, path, colours) {
  const b64 = (await readFile(path)).toString("base64");
  return page.evaluate(async ([b64, colours]) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement("canvas");
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext("2d");
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const counts = Object.fromEntries(Object.keys(colours).map((k) => [k, 0]));
    const rgb = Object.fromEntries(Object.entries(colours).map(([k, hex]) => [k, [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))]));
    let coloured = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 40) coloured++;
      for (const [k, [r, g, b]] of Object.entries(rgb)) {
        if (Math.abs(d[i] - r) < 24 && Math.abs(d[i + 1] - g) < 24 && Math.abs(d[i + 2] - b) < 24) counts[k]++;
      }
    }
    return { width: img.width, height: img.height, counts, coloured };
  }, [b64, colours]);
}

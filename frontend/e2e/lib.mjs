// Shared by the end-to-end tests and the benchmark: start the real binary on
// the embedded store, and Debian's Chromium driven by playwright-core (never a
// downloaded browser).
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
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
    setTimeout(() => reject(new Error(`${bin} did not start: ${stderr}`)), 20000);
  });
  return { url, stop: () => proc.kill("SIGTERM") };
}

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
}

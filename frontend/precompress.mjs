// Pre-compresses the built assets (dist/app/assets) as Brotli (.br, best
// quality) and gzip (.gz, level 9) beside each file, once at build: the
// server sends them to a client that accepts them (embed.go) instead of
// compressing the same bytes on every request. Only text assets of 1 KiB or
// more, and only when compression saves something.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const dir = new URL("dist/app/assets/", import.meta.url).pathname;
let raw = 0, br = 0;
for (const f of readdirSync(dir)) {
  if (!/\.(js|css|svg|json|html)$/.test(f)) continue;
  const data = readFileSync(join(dir, f));
  if (data.length < 1024) continue;
  const b = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
  const g = gzipSync(data, { level: 9 });
  if (b.length < data.length) writeFileSync(join(dir, f + ".br"), b);
  if (g.length < data.length) writeFileSync(join(dir, f + ".gz"), g);
  raw += data.length;
  br += Math.min(b.length, data.length);
}
console.log(`precompressed assets: ${(raw / 1024).toFixed(0)} KiB, ${(br / 1024).toFixed(0)} KiB as Brotli`);

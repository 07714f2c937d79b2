// Writes data.json: the fixed data the three chart pages draw. Deterministic
// (mulberry32, fixed seed): `node gen-data.mjs` reproduces the committed file byte for byte.
import { readFileSync, writeFileSync } from "node:fs";

const SEED = 20240611;
function mulberry32(a) {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));

// 1. Stacked bars: attributions per year by attributing country (EuRepoC-like shape).
const years = Array.from({ length: 13 }, (_, i) => 2013 + i);
const attributors = ["United States", "United Kingdom", "Ukraine", "Germany", "France", "Netherlands",
  "Canada", "Australia", "Japan", "South Korea", "Israel", "Estonia"];
const stacked = [];
for (const [i, year] of years.entries()) {
  const growth = 1 + i / 4; // attributions grow over the period
  for (const [r, country] of attributors.entries()) {
    stacked.push({ year, country, count: Math.round((int(2, 30) * growth) / (1 + r / 3)) });
  }
  stacked.push({ year, country: "Other", count: Math.round(int(5, 40) * growth) });
}

// 2. A 25 x 25 matrix: attributing country (row) x attributed country (column).
const matrixLabels = [...attributors, "Russia", "China", "Iran", "North Korea", "Belarus", "Vietnam",
  "Pakistan", "India", "Turkey", "Syria", "Lebanon", "Egypt", "Brazil"];
const matrix = matrixLabels.map((_, r) =>
  matrixLabels.map((_, c) => (r === c ? 0 : rand() < 0.45 ? 0 : Math.floor(rand() ** 3 * (c >= 12 && c < 16 ? 120 : 40)))),
);

// 3. Choropleth: a value for 130 of the 177 countries of world-atlas countries-110m.json, keyed by name.
const topo = JSON.parse(readFileSync(new URL("./node_modules/world-atlas/countries-110m.json", import.meta.url)));
const names = topo.objects.countries.geometries.map((g) => g.properties.name).sort();
for (let i = names.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [names[i], names[j]] = [names[j], names[i]];
}
const choropleth = names.slice(0, 130).sort().map((name) => ({ name, value: Math.floor(rand() ** 2 * 250) }));

const data = { seed: SEED, years, attributors: [...attributors, "Other"], stacked, matrixLabels, matrix, choropleth };
writeFileSync(new URL("./data.json", import.meta.url), JSON.stringify(data) + "\n");
console.log(`data.json: ${stacked.length} bars, ${matrixLabels.length}x${matrixLabels.length} matrix, ${choropleth.length} countries`);

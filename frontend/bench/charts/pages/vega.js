// Vega-Lite compiled in the page, rendered with vega's View directly (no vega-embed).
import { compile } from "vega-lite";
import { parse, View } from "vega";
import { done } from "./shared.js";
import { bars, map, matrix } from "./vega-specs.js";

window.__entry = performance.now();

const render = (id, spec) =>
  new View(parse(compile(spec).spec), { renderer: "svg", container: document.getElementById(id), hover: false }).runAsync();

await Promise.all([render("bars", bars), render("matrix", matrix), render("map", map)]);
done();

// The same Vega-Lite specs through vega-embed (which brings vega and vega-lite itself).
import embed from "vega-embed";
import { done } from "./shared.js";
import { bars, map, matrix } from "./vega-specs.js";

window.__entry = performance.now();

const opts = { renderer: "svg", actions: false };
await Promise.all([embed("#bars", bars, opts), embed("#matrix", matrix, opts), embed("#map", map, opts)]);
done();

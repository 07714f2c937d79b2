import * as Plot from "@observablehq/plot";
import { feature } from "topojson-client";
import { cells, data, done, maxCell, size, world } from "./shared.js";

window.__entry = performance.now();

const bars = Plot.plot({
  width: size.bars[0], height: size.bars[1],
  x: { type: "band", label: "Year", tickFormat: String },
  y: { grid: true, label: "Attributions" },
  color: { legend: true, domain: data.attributors },
  marks: [Plot.barY(data.stacked, { x: "year", y: "count", fill: "country", order: data.attributors }), Plot.ruleY([0])],
});

const matrix = Plot.plot({
  width: size.matrix[0], height: size.matrix[1], marginLeft: 100, marginBottom: 100,
  x: { domain: data.matrixLabels, tickRotate: -90, label: "Attributed" },
  y: { domain: data.matrixLabels, label: "Attributing" },
  color: { scheme: "blues", domain: [0, maxCell] },
  marks: [
    Plot.cell(cells, { x: "col", y: "row", fill: "value" }),
    Plot.text(cells, { x: "col", y: "row", text: "value", fill: (d) => (d.value > maxCell / 2 ? "white" : "black") }),
  ],
});

const values = new Map(data.choropleth.map((d) => [d.name, d.value]));
const map = Plot.plot({
  width: size.map[0], height: size.map[1],
  projection: "equal-earth",
  color: { scheme: "blues", legend: true, unknown: "#eee", label: "Attributions" },
  marks: [Plot.geo(feature(world, world.objects.countries), { fill: (d) => values.get(d.properties.name), stroke: "white" })],
});

document.getElementById("bars").append(bars);
document.getElementById("matrix").append(matrix);
document.getElementById("map").append(map);
done();

// The three Vega-Lite specs, shared by the vega (View) and vega-embed pages.
import { cells, data, maxCell, size, world } from "./shared.js";

const common = { $schema: "https://vega.github.io/schema/vega-lite/v6.json", config: { view: { stroke: null } } };

export const bars = {
  ...common,
  width: size.bars[0] - 150, height: size.bars[1] - 50,
  data: { values: data.stacked },
  mark: "bar",
  encoding: {
    x: { field: "year", type: "ordinal", title: "Year" },
    y: { field: "count", type: "quantitative", aggregate: "sum", title: "Attributions" },
    color: { field: "country", type: "nominal", sort: data.attributors, title: "Attributing country" },
    order: { field: "country", sort: "ascending" },
  },
};

export const matrix = {
  ...common,
  width: size.matrix[0] - 100, height: size.matrix[1] - 100,
  data: { values: cells },
  encoding: {
    x: { field: "col", type: "nominal", sort: data.matrixLabels, title: "Attributed" },
    y: { field: "row", type: "nominal", sort: data.matrixLabels, title: "Attributing" },
  },
  layer: [
    { mark: "rect", encoding: { color: { field: "value", type: "quantitative", scale: { scheme: "blues", domain: [0, maxCell] }, legend: null } } },
    {
      mark: { type: "text", fontSize: 10 },
      encoding: {
        text: { field: "value", type: "quantitative" },
        color: { condition: { test: `datum.value > ${maxCell / 2}`, value: "white" }, value: "black" },
      },
    },
  ],
};

export const map = {
  ...common,
  width: size.map[0] - 100, height: size.map[1],
  data: { values: world, format: { type: "topojson", feature: "countries" } },
  transform: [{ lookup: "properties.name", from: { data: { values: data.choropleth }, key: "name", fields: ["value"] } }],
  projection: { type: "equalEarth" },
  mark: { type: "geoshape", stroke: "white" },
  encoding: { color: { field: "value", type: "quantitative", scale: { scheme: "blues" }, title: "Attributions" } },
};

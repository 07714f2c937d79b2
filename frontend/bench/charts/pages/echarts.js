// The ECharts page, tree-shaken: echarts/core plus the charts, components and renderer it uses.
import * as echarts from "echarts/core";
import { BarChart, HeatmapChart, MapChart } from "echarts/charts";
import { GridComponent, LegendComponent, VisualMapComponent } from "echarts/components";
import { feature } from "topojson-client";
import { data, done, maxCell, size, world } from "./shared.js";

// renderer is SVGRenderer or CanvasRenderer from echarts/renderers, name "svg" or "canvas".
export function draw(renderer, name) {
  echarts.use([BarChart, HeatmapChart, MapChart, GridComponent, LegendComponent, VisualMapComponent, renderer]);
  const make = (id, [width, height]) => echarts.init(document.getElementById(id), null, { renderer: name, width, height });

  make("bars", size.bars).setOption({
    animation: false,
    legend: { type: "scroll", top: 0 },
    grid: { top: 40, left: 50, right: 10, bottom: 30 },
    xAxis: { type: "category", data: data.years, name: "Year" },
    yAxis: { type: "value", name: "Attributions" },
    series: data.attributors.map((country) => ({
      type: "bar", name: country, stack: "total",
      data: data.years.map((y) => data.stacked.find((d) => d.year === y && d.country === country).count),
    })),
  });

  make("matrix", size.matrix).setOption({
    animation: false,
    grid: { top: 10, left: 100, right: 10, bottom: 100 },
    xAxis: { type: "category", data: data.matrixLabels, axisLabel: { rotate: 90, interval: 0 } },
    yAxis: { type: "category", data: data.matrixLabels, inverse: true, axisLabel: { interval: 0 } },
    visualMap: { show: false, min: 0, max: maxCell, inRange: { color: ["#f7fbff", "#08306b"] } },
    series: [{
      type: "heatmap", label: { show: true, fontSize: 10 },
      data: data.matrix.flatMap((row, r) => row.map((v, c) => [c, r, v])),
    }],
  });

  echarts.registerMap("world", feature(world, world.objects.countries));
  make("map", size.map).setOption({
    animation: false,
    visualMap: { min: 0, max: 250, left: 10, bottom: 10, text: ["Attributions", ""], calculable: false, inRange: { color: ["#deebf7", "#08306b"] } },
    series: [{ type: "map", map: "world", roam: false, itemStyle: { areaColor: "#eee", borderColor: "#fff" }, data: data.choropleth }],
  });
  done();
}

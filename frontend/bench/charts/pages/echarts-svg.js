import { SVGRenderer } from "echarts/renderers";
import { draw } from "./echarts.js";

window.__entry = performance.now();

draw(SVGRenderer, "svg");

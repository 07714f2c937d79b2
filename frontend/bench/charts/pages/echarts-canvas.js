import { CanvasRenderer } from "echarts/renderers";
import { draw } from "./echarts.js";

window.__entry = performance.now();

draw(CanvasRenderer, "canvas");

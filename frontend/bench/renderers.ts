// Sigma.js against Cytoscape.js (canvas and WebGL) on the same random graph:
// time to first render, then frame times while the camera moves. Driven by
// e2e/renderers.mjs; it chose the explorer's renderer.
import Graph from "graphology";
import Sigma from "sigma";
import cytoscape from "cytoscape";

type Result = { renderer: string; firstRenderMs: number; frameMsP50: number; frameMsP95: number; fps: number };

function randomGraph(n: number, m: number) {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}`, x: rnd() * 1000, y: rnd() * 1000 }));
  const edges = Array.from({ length: m }, (_, i) => {
    const a = Math.floor(rnd() * n);
    return { id: `e${i}`, source: `n${a}`, target: `n${(a + 1 + Math.floor(rnd() * (n - 1))) % n}` };
  });
  return { nodes, edges };
}

async function frames(seconds: number, step: (t: number) => void) {
  const times: number[] = [];
  await new Promise<void>((resolve) => {
    let last = performance.now();
    const end = last + seconds * 1000;
    const tick = (now: number) => {
      times.push(now - last);
      last = now;
      step(now);
      if (now < end) requestAnimationFrame(tick);
      else resolve();
    };
    requestAnimationFrame(tick);
  });
  times.sort((a, b) => a - b);
  return { frameMsP50: +times[Math.floor(times.length / 2)].toFixed(1), frameMsP95: +times[Math.floor(times.length * 0.95)].toFixed(1), fps: +(times.length / seconds).toFixed(1) };
}

function stage(): HTMLElement {
  const el = document.getElementById("stage")!;
  el.replaceChildren();
  const c = document.createElement("div");
  c.style.cssText = "position:absolute;inset:0";
  el.append(c);
  return c;
}

async function benchSigma(n: number, m: number, seconds: number, hideEdgesOnMove = false): Promise<Result> {
  const { nodes, edges } = randomGraph(n, m);
  const t0 = performance.now();
  const g = new Graph({ multi: true });
  nodes.forEach((v) => g.addNode(v.id, { x: v.x, y: v.y, size: 4, color: "#1f77b4", label: v.id }));
  edges.forEach((e) => g.addEdgeWithKey(e.id, e.source, e.target, { size: 1, color: "#9aa3ad" }));
  const r = new Sigma(g, stage(), { labelRenderedSizeThreshold: 7, hideEdgesOnMove });
  const rendered = await new Promise<number>((res) => { r.once("afterRender", () => res(performance.now())); r.refresh(); });
  const cam = r.getCamera();
  const f = await frames(seconds, (t) => cam.setState({ x: 0.5 + 0.2 * Math.sin(t / 300), ratio: 0.6 + 0.3 * Math.cos(t / 500) }));
  r.kill();
  return { renderer: `sigma.js 3 (WebGL${hideEdgesOnMove ? ", edges hidden while moving" : ""})`, firstRenderMs: Math.round(rendered - t0), ...f };
}

async function benchCytoscape(n: number, m: number, seconds: number, webgl: boolean): Promise<Result> {
  const { nodes, edges } = randomGraph(n, m);
  const t0 = performance.now();
  const cy = cytoscape({
    container: stage(),
    elements: [...nodes.map((v) => ({ data: { id: v.id }, position: { x: v.x, y: v.y } })), ...edges.map((e) => ({ data: e }))],
    layout: { name: "preset" },
    style: [{ selector: "node", style: { width: 8, height: 8, "background-color": "#1f77b4", label: "data(id)", "min-zoomed-font-size": 10 } },
      { selector: "edge", style: { width: 1, "line-color": "#9aa3ad" } }],
    // @ts-expect-error: the WebGL renderer's options are not in @types/cytoscape yet
    renderer: { name: "canvas", webgl },
  });
  const rendered = await new Promise<number>((res) => cy.one("render", () => requestAnimationFrame(() => res(performance.now()))));
  const f = await frames(seconds, (t) => cy.viewport({ zoom: 0.6 + 0.3 * Math.cos(t / 500), pan: { x: 100 * Math.sin(t / 300), y: 0 } }));
  cy.destroy();
  return { renderer: `Cytoscape.js 3.34 (${webgl ? "WebGL" : "canvas"})`, firstRenderMs: Math.round(rendered - t0), ...f };
}

(window as unknown as Record<string, unknown>).bench = { benchSigma, benchCytoscape };

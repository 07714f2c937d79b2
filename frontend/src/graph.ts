// The graph view: sigma.js over graphology. It subscribes to what the graph
// shows (the subgraph and the paths), to the selection and to the label
// density, and turns clicks, hovers and keys into updates of the store.
import Graph from "graphology";
import Sigma from "sigma";
import { animateNodes } from "sigma/utils";
import type { NodeLabelDrawingFunction } from "sigma/rendering";
import { NodeSquareProgram } from "@sigma/node-square";
import { createNodeBorderProgram } from "@sigma/node-border";

import { fill, formatDate, relTypeLabel, messages } from "./i18n";
import { layout, seedPosition, type LayoutInput, type Positions } from "./layout";
import { closeMenu, expand, hoverEdge, openMenu, select, selectEdge, type AppState } from "./model";
import { shallowEqual, type Store } from "./store";
import { clip, plain } from "./h";
import { isGroup, KIND_STYLE, mergeSubgraphs, toGraph, type GroupInfo, type Subgraph } from "./view";
import type { Kind, LabelDensity } from "./state";

// Characters of a node's label on the graph (fewer on a phone); the details give the whole name.
const labelMax = (width: number) => (width < 600 ? 24 : 40);

/** Label density: how many labels the grid lets through, and how big a cell is. */
export const DENSITY: Record<LabelDensity, { labelDensity: number; labelGridCellSize: number; labelRenderedSizeThreshold: number }> = {
  few: { labelDensity: 0.4, labelGridCellSize: 180, labelRenderedSizeThreshold: 9 },
  some: { labelDensity: 1, labelGridCellSize: 110, labelRenderedSizeThreshold: 6 },
  many: { labelDensity: 3, labelGridCellSize: 60, labelRenderedSizeThreshold: 1 },
};

/**
 * Labels: sigma's grid (labelDensity, labelGridCellSize) picks the candidates
 * of a frame and hands each to drawLabel, which only collects it; after the
 * frame, they are drawn highlighted first (the selection, a path), then forced
 * ones (what the selection touches), then biggest node first; a label that
 * would cover one already drawn is left out, but for highlighted ones: sigma's
 * grid spaces nodes, not label widths.
 */
type Candidate = { ctx: CanvasRenderingContext2D; data: Parameters<NodeLabelDrawingFunction>[1]; settings: Parameters<NodeLabelDrawingFunction>[2] };
let candidates: Candidate[] = [];
let drawn: { x1: number; y1: number; x2: number; y2: number }[] = [];

const drawLabel: NodeLabelDrawingFunction = (ctx, data, settings) => {
  if (data.label) candidates.push({ ctx, data, settings });
};

/** drawLabels draws the frame's labels on a white halo, so that they stay readable over edges. */
function drawLabels() {
  drawn = [];
  const rank = (d: Candidate["data"]) => (d.highlighted ? 2 : d.forceLabel ? 1 : 0);
  candidates.sort((a, b) => rank(b.data) - rank(a.data) || b.data.size - a.data.size);
  for (const { ctx, data, settings } of candidates) {
    const size = settings.labelSize;
    ctx.font = `${settings.labelWeight} ${size}px ${settings.labelFont}`;
    const x = data.x + data.size + 3;
    const y = data.y + size / 3;
    const label = data.label!;
    const box = { x1: x - 2, y1: y - size, x2: x + ctx.measureText(label).width + 2, y2: y + size * 0.3 };
    if (!data.highlighted && drawn.some((o) => box.x1 < o.x2 && box.x2 > o.x1 && box.y1 < o.y2 && box.y2 > o.y1)) continue;
    drawn.push(box);
    ctx.lineJoin = "round";
    ctx.lineWidth = 4;
    ctx.strokeStyle = "rgba(255,255,255,0.92)";
    ctx.strokeText(label, x, y);
    ctx.fillStyle = "#1b1f24";
    ctx.fillText(label, x, y);
  }
  candidates = [];
}

class SquareProgram extends NodeSquareProgram {
  drawLabel = drawLabel as NodeSquareProgram["drawLabel"];
}

/** shown is what the graph draws: the loaded subgraph and the paths found. */
export function shown(s: AppState): Subgraph {
  const paths = s.paths.result;
  if (!paths?.length) return s.graph.sub;
  return mergeSubgraphs([s.graph.sub, { truncated: false, nodes: paths.flatMap((p) => p.nodes), edges: paths.flatMap((p) => p.edges) }]);
}

let lastShown: { sub: Subgraph; paths: AppState["paths"]["result"]; out: Subgraph } | null = null;
/** shownMemo is shown, computed once per change of its inputs. */
export function shownMemo(s: AppState): Subgraph {
  if (lastShown && lastShown.sub === s.graph.sub && lastShown.paths === s.paths.result) return lastShown.out;
  lastShown = { sub: s.graph.sub, paths: s.paths.result, out: shown(s) };
  return lastShown.out;
}

/** A graph of at most this many nodes labels every node. */
export const SMALL_GRAPH = 40;

export class GraphView {
  graph = new Graph({ multi: true, type: "directed" });
  renderer: Sigma;
  private pathNodes = new Set<string>();
  private pathEdges = new Set<string>();
  private neighbours = new Set<string>();
  private worker: Worker | null = null;
  private layoutSeq = 0;
  private stopAnimation: (() => void) | null = null;
  private dragged: string | null = null;
  private dragMoved = false;

  constructor(private store: Store<AppState>, private container: HTMLElement) {
    this.renderer = new Sigma(this.graph, container, {
      allowInvalidContainer: true,
      renderEdgeLabels: true,
      enableEdgeEvents: true,
      defaultEdgeType: "arrow",
      defaultDrawNodeLabel: drawLabel,
      labelFont: "system-ui, sans-serif",
      labelSize: 13,
      edgeLabelFont: "system-ui, sans-serif",
      edgeLabelSize: 12,
      stagePadding: 40,
      zIndex: true,
      ...DENSITY[store.get().view.labels],
      nodeProgramClasses: {
        square: SquareProgram,
        ring: createNodeBorderProgram({
          borders: [
            { size: { value: 0.4 }, color: { attribute: "color" } },
            { size: { fill: true }, color: { value: "#ffffff" } },
          ],
          drawLabel,
        }),
      },
      nodeReducer: (node, data) => this.nodeStyle(node, data),
      edgeReducer: (edge, data) => this.edgeStyle(edge, data),
    });
    try {
      this.worker = new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module" });
    } catch {
      this.worker = null; // layout() then runs on the page
    }
    this.renderer.on("beforeRender", () => (candidates = []));
    this.renderer.on("afterRender", drawLabels);
    this.bindEvents();
    this.bindKeys();

    store.subscribe(shownMemo, (sub) => this.show(sub));
    store.subscribe((s) => [s.view.selected, s.view.edge, s.view.path, s.paths.result, s.ui.hoveredEdge, s.lang] as const, () => this.restyle(), shallowEqual);
    store.subscribe((s) => s.view.labels, (d) => this.renderer.setSettings(DENSITY[d]));
    // Tests and the benchmark wait for this: the graph of the latest load is drawn.
    store.subscribe((s) => s.graph.loaded, (n) => (document.body.dataset.loaded = String(n)));
  }

  private get s() {
    return this.store.get();
  }

  /** show replaces what the graph shows, keeping the nodes still shown where they are until the layout moves them. */
  show(sub: Subgraph) {
    const view = toGraph(sub);
    const first = this.graph.order === 0;
    const keep = new Set(view.nodes.map((n) => n.key));
    this.graph.forEachNode((n) => {
      if (!keep.has(n)) this.graph.dropNode(n);
    });
    this.graph.clearEdges();
    const wait = first && view.nodes.length <= 2000; // a small first graph appears laid out; a large one at once
    const pending: { key: string; attrs: Record<string, unknown> }[] = [];
    const max = labelMax(this.container.clientWidth || window.innerWidth);
    for (const n of view.nodes) {
      const attrs = { label: clip(plain(n.label), max), name: n.label, kind: n.kind, color: n.color, type: n.shape, size: n.size, group: n.group };
      if (this.graph.hasNode(n.key)) this.graph.mergeNodeAttributes(n.key, attrs);
      else pending.push({ key: n.key, attrs: { ...attrs, ...seedPosition(n.key, view.nodes.length) } });
    }
    const input: LayoutInput = { nodes: view.nodes.map((n) => n.key), edges: view.edges.map((e) => [e.source, e.target]) };
    const addAll = () => {
      for (const p of pending) if (!this.graph.hasNode(p.key)) this.graph.addNode(p.key, p.attrs);
      for (const e of view.edges) {
        if (this.graph.hasNode(e.source) && this.graph.hasNode(e.target) && !this.graph.hasEdge(e.key)) {
          this.graph.addDirectedEdgeWithKey(e.key, e.source, e.target, { relType: e.label, size: 2, color: "#9aa3ad", confidence: e.confidence });
        }
      }
    };
    if (!wait) {
      addAll();
      if (pending.length) this.renderer.setCustomBBox(null); // new nodes: frame them all until the layout comes
    }
    // Large graphs pan and zoom more smoothly without their edges while moving.
    this.renderer.setSetting("hideEdgesOnMove", view.edges.length > 2000);
    this.restyle();
    void this.runLayout(input).then((positions) => {
      if (!positions) return;
      if (wait) {
        for (const p of pending) Object.assign(p.attrs, positions[p.key]);
        addAll();
        this.apply(positions, false);
        this.renderer.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
      } else {
        this.apply(positions, !first);
        if (first) this.renderer.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
      }
    });
  }

  /** runLayout lays the graph out in the worker; only the latest request's answer is used. */
  private runLayout(input: LayoutInput): Promise<Positions | null> {
    const mine = ++this.layoutSeq;
    document.body.dataset.layout = "running";
    if (input.nodes.length === 0) {
      document.body.dataset.layout = "settled";
      return Promise.resolve(null);
    }
    const done = (p: Positions) => (mine === this.layoutSeq ? p : null);
    const worker = this.worker;
    if (!worker) return Promise.resolve(done(layout(input)));
    return new Promise((resolve) => {
      const onMessage = (e: MessageEvent<{ id: number; positions: Positions }>) => {
        if (e.data.id !== mine) return;
        worker.removeEventListener("message", onMessage);
        resolve(done(e.data.positions));
      };
      worker.addEventListener("message", onMessage);
      worker.addEventListener("error", () => resolve(done(layout(input))), { once: true });
      worker.postMessage({ id: mine, input });
    });
  }

  /** apply moves the nodes to their laid-out positions, gliding when the graph was already shown. */
  private apply(positions: Positions, animate: boolean) {
    this.stopAnimation?.();
    const settled = () => {
      this.stopAnimation = null;
      document.body.dataset.layout = "settled";
    };
    const targets: Positions = {};
    this.graph.forEachNode((n) => {
      if (positions[n]) targets[n] = positions[n];
    });
    this.frameFor(Object.values(targets));
    this.restyle(); // the nodes a first layout added may neighbour the selection
    // A large graph jumps: gliding 5,000 nodes redraws them all at every frame.
    if (!animate || this.graph.order > 1000) {
      this.graph.updateEachNodeAttributes((n, a) => (targets[n] ? { ...a, ...targets[n] } : a), { attributes: ["x", "y"] });
      settled();
      return;
    }
    this.stopAnimation = animateNodes(this.graph, targets, { duration: 500, easing: "quadraticInOut" }, settled);
  }

  /**
   * frameFor fits the camera's frame to the laid-out nodes with room on the
   * right, where labels run: a label at the right edge is not cut.
   */
  private frameFor(ps: { x: number; y: number }[]) {
    if (!ps.length) {
      this.renderer.setCustomBBox(null);
      return;
    }
    const xs = ps.map((p) => p.x), ys = ps.map((p) => p.y);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const w = Math.max(x1 - x0, 1e-6), hgt = Math.max(y1 - y0, 1e-6);
    const room = this.container.clientWidth < 600 ? 0.35 : 0.3;
    // A margin all round: a node at the frame's edge (a path's end, issue #20) is not cut nor under the notes.
    this.renderer.setCustomBBox({ x: [x0 - w * 0.06, x1 + w * room], y: [y0 - hgt * 0.12, y1 + hgt * 0.12] });
  }

  // ---- style ----

  private restyle() {
    const s = this.s;
    this.pathNodes = new Set(s.paths.result?.flatMap((p) => p.nodes.map((n) => n.id)) ?? []);
    this.pathEdges = new Set(s.paths.result?.flatMap((p) => p.edges.map((e) => e.id)) ?? []);
    const sel = s.view.selected;
    this.neighbours = new Set(sel && this.graph.hasNode(sel) ? this.graph.neighbors(sel) : []);
    this.renderer.refresh({ skipIndexation: true });
  }

  private nodeStyle(node: string, data: Record<string, unknown>) {
    // A small graph (a focus, the landing view) names every node; a group node always says what it holds.
    const res = { ...data, ...(this.graph.order <= SMALL_GRAPH || data.group ? { forceLabel: true } : {}) };
    const { selected, edge } = this.s.view;
    const ends = edge && this.graph.hasEdge(edge) ? this.graph.extremities(edge) : null;
    if (ends) {
      if (ends.includes(node)) Object.assign(res, { highlighted: true, forceLabel: true, zIndex: 2 });
      else Object.assign(res, { color: "#d5d9de", label: null, zIndex: 0 });
    } else if (this.pathNodes.size) {
      if (this.pathNodes.has(node)) Object.assign(res, { highlighted: true, forceLabel: true, zIndex: 2 });
      else Object.assign(res, { color: "#d5d9de", label: null, zIndex: 0 });
    } else if (selected && this.graph.hasNode(selected)) {
      if (node === selected) Object.assign(res, { highlighted: true, forceLabel: true, zIndex: 2 });
      else if (this.neighbours.has(node)) Object.assign(res, { zIndex: 1, forceLabel: this.neighbours.size <= 12 });
      else Object.assign(res, { color: "#d5d9de", label: null, zIndex: 0 });
    }
    return res;
  }

  private edgeStyle(edge: string, data: Record<string, unknown>) {
    const s = this.s;
    const res: Record<string, unknown> = { ...data, label: null };
    const t = messages[s.lang];
    const labelled = () => Object.assign(res, { label: relTypeLabel(t, data.relType as string), forceLabel: true });
    if (this.pathEdges.size) {
      if (this.pathEdges.has(edge)) Object.assign(labelled(), { color: "#c0262d", size: 3, zIndex: 1 });
      else res.hidden = true;
    } else if (s.view.edge && this.graph.hasEdge(s.view.edge)) {
      if (edge !== s.view.edge) res.color = "#dde1e6";
    } else if (s.view.selected && this.graph.hasNode(s.view.selected)) {
      const [a, b] = this.graph.extremities(edge);
      if (a !== s.view.selected && b !== s.view.selected) res.hidden = true;
    }
    if (edge === s.view.edge) Object.assign(labelled(), { color: "#0b5cad", size: 4, zIndex: 2, hidden: false });
    else if (edge === s.ui.hoveredEdge && !res.hidden) Object.assign(labelled(), { color: "#333", size: 3, zIndex: 2 });
    return res;
  }

  // ---- events ----

  private bindEvents() {
    const r = this.renderer;
    const st = this.store;
    r.on("clickNode", ({ node }) => {
      if (this.dragMoved) return;
      if (this.openGroup(node)) return;
      st.update((s) => select(s, node));
    });
    r.on("doubleClickNode", (e) => {
      e.preventSigmaDefault();
      if (this.openGroup(e.node)) return;
      const name = this.graph.getNodeAttribute(e.node, "name") as string;
      st.update((s) => expand(s, { id: e.node, type: null }, name));
    });
    r.on("rightClickNode", (e) => {
      e.event.original.preventDefault();
      if (isGroup(e.node)) return;
      st.update((s) => openMenu(s, e.node, e.event.x, e.event.y));
    });
    r.on("clickStage", () => st.update((s) => closeMenu(select(s, null))));
    r.on("clickEdge", ({ edge }) => st.update((s) => selectEdge(s, edge)));
    r.on("enterEdge", ({ edge }) => st.update((s) => hoverEdge(s, edge)));
    r.on("leaveEdge", () => st.update((s) => hoverEdge(s, null)));
    r.on("enterNode", () => this.container.classList.add("pointing"));
    r.on("leaveNode", () => this.container.classList.remove("pointing"));
    r.on("downNode", (e) => {
      this.dragged = e.node;
      this.dragMoved = false;
      this.stopAnimation?.();
    });
    r.getMouseCaptor().on("mousemovebody", (e) => {
      if (!this.dragged) return;
      const pos = r.viewportToGraph(e);
      this.graph.mergeNodeAttributes(this.dragged, { x: pos.x, y: pos.y });
      this.dragMoved = true;
      e.preventSigmaDefault();
      e.original.preventDefault();
      e.original.stopPropagation();
    });
    const release = () => {
      this.dragged = null;
    };
    r.getMouseCaptor().on("mouseup", release);
    r.getMouseCaptor().on("mouseleave", release);
    this.container.addEventListener("contextmenu", (e) => e.preventDefault());
  }

  /** Keys on the focused graph: arrows pan, + and - zoom, 0 fits, Enter opens the selection's menu. */
  private bindKeys() {
    this.container.addEventListener("keydown", (e) => {
      const cam = this.renderer.getCamera();
      const st = cam.getState();
      const step = 0.1 * st.ratio;
      const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (moves[e.key]) {
        void cam.animate({ x: st.x + moves[e.key][0], y: st.y + moves[e.key][1] }, { duration: 150 });
      } else if (e.key === "+" || e.key === "=") {
        this.zoomIn();
      } else if (e.key === "-" || e.key === "_") {
        this.zoomOut();
      } else if (e.key === "0") {
        this.fit();
      } else if (e.key === "Enter" && this.s.view.selected && this.graph.hasNode(this.s.view.selected)) {
        const id = this.s.view.selected;
        const p = this.renderer.graphToViewport(this.graph.getNodeAttributes(id) as { x: number; y: number });
        this.store.update((s) => openMenu(s, id, p.x, p.y));
      } else {
        return;
      }
      e.preventDefault();
    });
  }

  /** labelsDrawn is how many node labels the last frame drew (after collisions). */
  labelsDrawn(): number {
    return drawn.length;
  }

  zoomIn() {
    void this.renderer.getCamera().animatedZoom({ duration: 200 });
  }

  zoomOut() {
    void this.renderer.getCamera().animatedUnzoom({ duration: 200 });
  }

  /**
   * openGroup opens a group node ("31 techniques"): its entity's relations
   * of that type are expanded, and the entity selected. False: not a group.
   */
  openGroup(node: string): boolean {
    const g = this.graph.hasNode(node) ? (this.graph.getNodeAttribute(node, "group") as GroupInfo | undefined) : undefined;
    if (!g) return false;
    const name = this.graph.hasNode(g.of) ? (this.graph.getNodeAttribute(g.of, "name") as string) : g.of;
    this.store.update((s) => select(expand(s, { id: g.of, type: g.type }, name), g.of));
    return true;
  }

  /** fit frames the selection and its neighbours (the selected claim's ends, the paths), or, with none, the whole graph. */
  fit() {
    const s = this.s;
    let ids: string[] = [];
    if (s.view.edge && this.graph.hasEdge(s.view.edge)) ids = this.graph.extremities(s.view.edge);
    else if (s.view.selected && this.graph.hasNode(s.view.selected)) ids = [s.view.selected, ...this.graph.neighbors(s.view.selected)];
    else if (this.pathNodes.size) ids = [...this.pathNodes].filter((n) => this.graph.hasNode(n));
    const ps = ids.map((id) => this.renderer.getNodeDisplayData(id)).filter((d) => !!d);
    if (ps.length < 2 || ps.length === this.graph.order) {
      void this.renderer.getCamera().animatedReset({ duration: 300 });
      return;
    }
    const xs = ps.map((p) => p.x), ys = ps.map((p) => p.y);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const ratio = Math.min(1, Math.max(0.08, Math.max(x1 - x0, y1 - y0) * 1.4));
    void this.renderer.getCamera().animate({ x: (x0 + x1) / 2, y: (y0 + y1) / 2, ratio }, { duration: 300 });
  }

  /** centre moves the camera to the selected entity, or to the selected claim's middle. */
  centre() {
    const s = this.s;
    let ids: string[] = [];
    if (s.view.edge && this.graph.hasEdge(s.view.edge)) ids = this.graph.extremities(s.view.edge);
    else if (s.view.selected && this.graph.hasNode(s.view.selected)) ids = [s.view.selected];
    else if (this.pathNodes.size) ids = [...this.pathNodes].filter((n) => this.graph.hasNode(n));
    if (!ids.length) return this.fit();
    const ps = ids.map((id) => this.renderer.getNodeDisplayData(id)).filter((d) => !!d);
    const x = ps.reduce((a, p) => a + p.x, 0) / ps.length;
    const y = ps.reduce((a, p) => a + p.y, 0) / ps.length;
    void this.renderer.getCamera().animate({ x, y, ratio: Math.min(this.renderer.getCamera().ratio, 0.6) }, { duration: 300 });
  }

  /**
   * snapshot draws the graph as the page shows it onto a canvas, with a
   * caption: sigma draws with WebGL, whose canvases read back empty once shown,
   * so the layers are drawn again and copied in the same task.
   */
  snapshot(caption: string[]): HTMLCanvasElement {
    this.renderer.refresh();
    const canvases = this.renderer.getCanvases();
    const { width, height } = canvases.edges;
    const ratio = width / Math.max(1, this.container.clientWidth);
    const line = 18 * ratio;
    const kinds = [...new Set(this.graph.mapNodes((_, a) => a.kind as Kind))];
    const t = messages[this.s.lang];
    // The legend of the kinds shown, in rows as wide as the picture.
    const measure = document.createElement("canvas").getContext("2d")!;
    measure.font = `${12 * ratio}px system-ui, sans-serif`;
    const rows: Kind[][] = [[]];
    let used = 10 * ratio;
    for (const k of kinds) {
      const w = 28 * ratio + measure.measureText(t.kind[k]).width;
      if (used + w > width && rows[rows.length - 1].length) {
        rows.push([]);
        used = 10 * ratio;
      }
      rows[rows.length - 1].push(k);
      used += w;
    }
    const legendRows = kinds.length ? rows.length : 0;
    const band = line * (caption.length + legendRows) + line * 0.8;
    const out = document.createElement("canvas");
    out.width = width;
    out.height = height + band;
    const ctx = out.getContext("2d")!;
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    for (const layer of ["edges", "nodes", "edgeLabels", "labels", "hovers", "hoverNodes"]) {
      const c = canvases[layer];
      if (c) ctx.drawImage(c, 0, 0);
    }
    ctx.fillStyle = "#c9d1d9";
    ctx.fillRect(0, height, width, 1 * ratio);
    ctx.font = `${12 * ratio}px system-ui, sans-serif`;
    ctx.textBaseline = "middle";
    let y = height + line * 0.9;
    for (const row of legendRows ? rows : []) {
      let x = 10 * ratio;
      for (const k of row) {
        ctx.fillStyle = KIND_STYLE[k].color;
        ctx.beginPath();
        ctx.arc(x + 5 * ratio, y, 5 * ratio, 0, 2 * Math.PI);
        ctx.fill();
        ctx.fillStyle = "#1b1f24";
        const label = t.kind[k];
        ctx.fillText(label, x + 14 * ratio, y);
        x += 28 * ratio + ctx.measureText(label).width;
      }
      y += line;
    }
    ctx.fillStyle = "#4a535d";
    for (const text of caption) {
      ctx.fillText(clip(text, 240), 10 * ratio, y);
      y += line;
    }
    return out;
  }

  /** caption says what the picture shows, for the PNG. */
  caption(): string[] {
    const s = this.s;
    const t = messages[s.lang];
    const f = s.view.filter;
    const bits = [fill(t.exportCaption, { date: formatDate(new Date().toISOString().slice(0, 10), s.lang) })];
    if (f.knownAt) bits.push(fill(t.knownBanner, { date: formatDate(f.knownAt, s.lang) }));
    if (f.from || f.to) bits.push(`${formatDate(f.from || "…", s.lang)} – ${formatDate(f.to || "…", s.lang)}`);
    return [bits.join(" · "), location.href];
  }
}

// The web explorer: graph, timeline, search, paths and sources, over the public GraphQL API.
import Graph from "graphology";
import Sigma from "sigma";
import { NodeSquareProgram } from "@sigma/node-square";
import { createNodeBorderProgram } from "@sigma/node-border";
import FA2Layout from "graphology-layout-forceatlas2/worker";
import forceAtlas2 from "graphology-layout-forceatlas2";
import { Timeline, DataSet } from "vis-timeline/standalone";
import "vis-timeline/styles/vis-timeline-graph2d.css";
import "./style.css";

import { ApiError, DETAIL, gql, NEIGHBORHOOD, PATHS, RELATION_TYPES, serverVersion, TIMELINE } from "./api";
import { combobox } from "./search";
import { browserLang, messages, type Lang } from "./i18n";
import { defaultState, fromQuery, graphFilter, isPartialDate, KINDS, timelineFilter, toQuery, type Kind, type State } from "./state";
import {
  escapeHTML, groupByType, KIND_STYLE, publicBy, TIMELINE_GROUPS, mergeSubgraphs, subgraphJSON, timelineCSV, timelineView, toGraph,
  origin, type Dataset, type Entity, type Relation, type Source, type Subgraph, type TimelineItem, type TimelineView,
} from "./view";

const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;

type Detail = Entity & Record<string, unknown> & { alternatives: { field: string; value: string; sources: Source[] }[]; relations: (Relation & { from: { id: string; name: string }; to: { id: string; name: string } })[] };
type PathResult = { length: number; nodes: Entity[]; edges: (Relation & { from: { id: string; name: string }; to: { id: string; name: string } })[] };

const LAYOUT_MS = 2500;
const EXPAND_DEPTH = 2; // an expanded actor shows its campaigns and whom they targeted
// Enough for a depth-2 neighbourhood on the curated data; on the public record
// (an actor uses a hundred techniques, each used by a hundred actors) it cuts
// the hairball and keeps the response under the API's 20,000-object bound.
const GRAPH_LIMIT = 300;

class Explorer {
  state: State = fromQuery(location.search);
  lang: Lang = this.state.lang ?? browserLang(navigator.languages ?? [navigator.language]);
  graph = new Graph({ multi: true, type: "directed" });
  renderer: Sigma;
  layout: FA2Layout | null = null;
  layoutTimer: number | undefined;
  timeline: Timeline;
  items = new DataSet<TimelineView>();
  groups = new DataSet<{ id: string; content: string; order: number }>();
  timelineItems: TimelineItem[] = [];
  sub: Subgraph = { truncated: false, nodes: [], edges: [] };
  pathNodes = new Set<string>();
  pathEdges = new Set<string>();
  hoveredEdge: string | null = null;
  dragged: string | null = null;
  relationTypes: { name: string; meaning: string }[] = [];
  datasets: Dataset[] = [];
  loads = 0;
  version: string | null = null; // the server's, from /healthz
  ready: Promise<void>;

  constructor() {
    this.renderer = new Sigma(this.graph, $("#graph"), {
      allowInvalidContainer: true,
      renderEdgeLabels: false,
      enableEdgeEvents: true,
      defaultEdgeType: "arrow",
      labelRenderedSizeThreshold: 7,
      nodeProgramClasses: {
        square: NodeSquareProgram,
        ring: createNodeBorderProgram({
          borders: [
            { size: { value: 0.4 }, color: { attribute: "color" } },
            { size: { fill: true }, color: { value: "#ffffff" } },
          ],
        }),
      },
      nodeReducer: (node, data) => this.nodeStyle(node, data),
      edgeReducer: (edge, data) => this.edgeStyle(edge, data),
    });
    this.timeline = new Timeline($("#timeline"), this.items, {
      height: "220px", stack: true, selectable: true, zoomKey: "ctrlKey",
      tooltip: { followMouse: true }, orientation: "top", groupOrder: "order",
    });
    this.timeline.setGroups(this.groups);
    this.bindGraph();
    this.bindTimeline();
    this.bindControls();
    this.applyLang();
    this.ready = this.start();
  }

  get t() {
    return messages[this.lang];
  }

  async start() {
    const version = this.loadVersion();
    try {
      const meta = await gql<{ relationTypes: { name: string; meaning: string }[]; datasets: Dataset[] }>(RELATION_TYPES);
      this.relationTypes = meta.relationTypes;
      this.datasets = meta.datasets;
    } catch (e) {
      this.fail(e);
    }
    this.renderFilters();
    this.renderKnownBanner();
    await Promise.all([this.loadGraph(), this.loadTimeline()]);
    await this.select(this.state.selected, false);
    if (this.state.path) await this.findPaths(this.state.path.from, this.state.path.to);
    await version;
  }

  /** loadVersion shows the server's version at the sidebar's foot; without one, nothing. */
  async loadVersion() {
    this.version = await serverVersion();
    this.renderVersion();
  }

  renderVersion() {
    const foot = $("#version");
    foot.textContent = this.version ? `${this.t.title} ${this.version}` : "";
    foot.hidden = !this.version;
  }

  // ---- state and URL ----

  commit() {
    const q = toQuery({ ...this.state, lang: this.state.lang });
    history.replaceState(null, "", q ? `?${q}` : location.pathname);
  }

  fail(e: unknown) {
    const banner = $("#alert");
    if (e instanceof ApiError && e.unreachable) {
      banner.textContent = e.message === "store unavailable" ? this.t.storeUnavailable : this.t.unreachable;
    } else {
      banner.textContent = e instanceof Error ? e.message : String(e);
    }
    banner.hidden = false;
  }

  ok() {
    $("#alert").hidden = true;
  }

  // ---- graph ----

  /**
   * loadGraph shows what lies within EXPAND_DEPTH hops of the expanded
   * entities, and the selected entity with its neighbours.
   */
  async loadGraph() {
    const mine = ++this.loads;
    const filter = graphFilter(this.state.filter);
    const sel = this.state.selected;
    const parts: Promise<{ neighborhood: Subgraph }>[] = [];
    if (this.state.expanded.length) {
      parts.push(gql(NEIGHBORHOOD, { ids: this.state.expanded, depth: EXPAND_DEPTH, filter, limit: GRAPH_LIMIT }));
    }
    if (sel && !this.state.expanded.includes(sel)) parts.push(gql(NEIGHBORHOOD, { ids: [sel], depth: 1, filter, limit: GRAPH_LIMIT }));
    $("#graph-area").setAttribute("aria-busy", "true");
    let sub: Subgraph;
    try {
      sub = mergeSubgraphs((await Promise.all(parts)).map((p) => p.neighborhood));
      this.ok();
    } catch (e) {
      this.fail(e);
      return;
    } finally {
      $("#graph-area").setAttribute("aria-busy", "false");
    }
    if (mine !== this.loads) return;
    this.showSubgraph(sub);
    document.body.dataset.loaded = String(mine);
  }

  /** showSubgraph replaces what the graph shows, keeping the positions of nodes still shown. */
  showSubgraph(sub: Subgraph) {
    this.sub = sub;
    const view = toGraph(sub);
    const keep = new Set(view.nodes.map((n) => n.key));
    this.graph.forEachNode((n) => {
      if (!keep.has(n)) this.graph.dropNode(n);
    });
    this.graph.clearEdges();
    const count = view.nodes.length;
    view.nodes.forEach((n, i) => {
      const attrs = { label: n.label, kind: n.kind, color: n.color, type: n.shape, size: n.size };
      if (this.graph.hasNode(n.key)) {
        this.graph.mergeNodeAttributes(n.key, attrs);
      } else {
        const angle = (2 * Math.PI * i) / Math.max(1, count);
        const r = 10 + Math.random() * 5;
        this.graph.addNode(n.key, { ...attrs, x: Math.cos(angle) * r, y: Math.sin(angle) * r });
      }
    });
    for (const e of view.edges) {
      this.graph.addDirectedEdgeWithKey(e.key, e.source, e.target, { label: e.label, size: 1.5, color: "#9aa3ad", confidence: e.confidence });
    }
    // Large graphs pan and zoom more smoothly without their edges while moving.
    this.renderer.setSetting("hideEdgesOnMove", this.graph.size > 2000);
    const status = $("#graph-status");
    status.textContent = count === 0 ? this.t.emptyGraph : sub.truncated ? this.t.truncated : "";
    status.hidden = !status.textContent;
    this.runLayout();
  }

  /** runLayout runs ForceAtlas2 in a worker for a while, then stops: the layout settles. */
  runLayout(ms = LAYOUT_MS) {
    this.layout?.kill();
    window.clearTimeout(this.layoutTimer);
    if (this.graph.order === 0) return;
    const settings = forceAtlas2.inferSettings(this.graph);
    this.layout = new FA2Layout(this.graph, { settings: { ...settings, barnesHutOptimize: this.graph.order > 300, slowDown: 5 } });
    this.layout.start();
    document.body.dataset.layout = "running";
    this.layoutTimer = window.setTimeout(() => {
      this.layout?.stop();
      document.body.dataset.layout = "settled";
    }, ms);
  }

  nodeStyle(node: string, data: Record<string, unknown>) {
    const res = { ...data } as Record<string, unknown>;
    const sel = this.state.selected;
    if (this.pathNodes.size) {
      if (this.pathNodes.has(node)) {
        res.highlighted = true;
        res.forceLabel = true;
      } else {
        res.color = "#d5d9de";
      }
    } else if (sel) {
      if (node === sel) {
        res.highlighted = true;
        res.forceLabel = true;
      } else if (this.graph.hasNode(sel) && this.graph.areNeighbors(node, sel)) {
        res.forceLabel = true;
      } else {
        res.color = "#d5d9de";
        res.label = "";
      }
    }
    return res;
  }

  edgeStyle(edge: string, data: Record<string, unknown>) {
    const res = { ...data } as Record<string, unknown>;
    if (edge === this.hoveredEdge) {
      res.forceLabel = true;
      res.color = "#333";
      res.size = 3;
    }
    if (this.pathEdges.size) {
      if (this.pathEdges.has(edge)) {
        res.color = "#d62728";
        res.size = 3;
        res.forceLabel = true;
      } else {
        res.hidden = true;
      }
    } else if (this.state.selected) {
      const [s, t] = this.graph.extremities(edge);
      if (s !== this.state.selected && t !== this.state.selected) res.hidden = true;
    }
    return res;
  }

  bindGraph() {
    const r = this.renderer;
    r.on("clickNode", ({ node }) => {
      if (!this.dragMoved) void this.select(node);
    });
    r.on("doubleClickNode", (e) => {
      e.preventSigmaDefault();
      void this.expand(e.node);
    });
    r.on("clickStage", () => void this.select(null));
    r.on("enterEdge", ({ edge }) => {
      this.hoveredEdge = edge;
      r.setSetting("renderEdgeLabels", true);
      r.refresh({ skipIndexation: true });
    });
    r.on("leaveEdge", () => {
      this.hoveredEdge = null;
      r.setSetting("renderEdgeLabels", !!this.pathEdges.size);
      r.refresh({ skipIndexation: true });
    });
    r.on("downNode", (e) => {
      this.dragged = e.node;
      this.dragMoved = false;
      this.layout?.stop();
    });
    r.getMouseCaptor().on("mousemovebody", (e) => {
      if (!this.dragged) return;
      const pos = r.viewportToGraph(e);
      this.graph.setNodeAttribute(this.dragged, "x", pos.x);
      this.graph.setNodeAttribute(this.dragged, "y", pos.y);
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
  }

  dragMoved = false;

  async expand(id: string) {
    if (!this.state.expanded.includes(id)) {
      this.state.expanded = [...this.state.expanded, id];
      this.commit();
      await this.loadGraph();
    }
  }

  // ---- selection and details ----

  async select(id: string | null, sync = true) {
    this.state.selected = id;
    this.commit();
    if (id && !this.graph.hasNode(id)) await this.loadGraph();
    this.renderer.refresh({ skipIndexation: true });
    if (sync) {
      const touching = this.items.get({ filter: (it: TimelineView) => !!id && it.entityIds.includes(id) }).map((it: TimelineView) => it.id);
      this.timeline.setSelection(touching);
    }
    await this.renderDetails(id);
  }

  async renderDetails(id: string | null) {
    const panel = $("#detail-body");
    if (!id) {
      panel.innerHTML = `<p class="hint">${escapeHTML(this.t.nothingSelected)}</p>`;
      return;
    }
    let e: Detail | null;
    try {
      e = (await gql<{ entity: Detail | null }>(DETAIL, { id })).entity;
      this.ok();
    } catch (err) {
      this.fail(err);
      return;
    }
    if (!e || this.state.selected !== id) return;
    const t = this.t;
    const fields: [string, string][] = [];
    for (const key of ["orgType", "eventType", "iso2", "mitreAttackId", "court", "caseNumber", "filed", "unsealed", "cves", "charges"]) {
      const v = e[key];
      const text = Array.isArray(v) ? v.join("; ") : typeof v === "string" ? (key === "iso2" ? `${v} / ${typeof e.iso3 === "string" ? e.iso3 : ""}` : v) : "";
      if (text) fields.push([t.field[key], text]);
    }
    const dates = [e.start, e.end].filter(Boolean).join(" – ");
    const groups = groupByType(e.relations);
    const known = this.state.filter.knownAt;
    panel.innerHTML = `
      <h2 id="detail-name">${escapeHTML(e.name)}</h2>
      <p><span class="kind-badge kind-${e.kind}">${escapeHTML(t.kind[e.kind])}</span> ${dates ? `<span class="dates">${escapeHTML(dates)}</span>` : ""}</p>
      ${e.aliases.length ? `<p><strong>${t.aliases}:</strong> ${e.aliases.map(escapeHTML).join(", ")}</p>` : ""}
      ${e.description ? `<p>${escapeHTML(e.description)}</p>` : ""}
      ${originNote(e.sources, this.datasets, t)}
      ${e.alternatives.length ? `<details class="alternatives"><summary>${escapeHTML(t.alternatives)} (${e.alternatives.length})</summary><ul>
        ${e.alternatives.map((a) => `<li><strong>${escapeHTML(t.field[a.field] ?? a.field)}:</strong> ${escapeHTML(a.value)} ${originNote(a.sources, this.datasets, t)}${sourceList(a.sources, known, t.notYetPublic)}</li>`).join("")}
        </ul></details>` : ""}
      ${fields.length ? `<dl>${fields.map(([k, v]) => `<dt>${escapeHTML(k)}</dt><dd>${escapeHTML(v)}</dd>`).join("")}</dl>` : ""}
      <details><summary>${t.sources} (${e.sources.length})</summary>${sourceList(e.sources, known, t.notYetPublic)}</details>
      <button type="button" class="expand" data-id="${escapeHTML(e.id)}">${t.expand}</button>
      <h3>${t.relations} (${e.relations.length})</h3>
      ${groups.map(([type, rels]) => `
        <section class="rel-group"><h4>${escapeHTML(type)} (${rels.length})</h4><ul>
        ${rels.map((r) => `<li class="claim${publicBy(r.sources, known) ? "" : " later"}">
          ${publicBy(r.sources, known) ? "" : `<span class="later-note">${escapeHTML(t.notYetPublic)}</span>`}
          <a href="#" data-goto="${escapeHTML(r.from.id === e.id ? r.to.id : r.from.id)}">${escapeHTML(r.from.id === e.id ? `→ ${r.to.name}` : `← ${r.from.name}`)}</a>
          ${r.role ? `<em>(${escapeHTML(r.role)})</em>` : ""}
          ${r.start ? `<span class="dates">${escapeHTML([r.start, r.end].filter(Boolean).join(" – "))}</span>` : ""}
          <span class="confidence">${r.confidence === null ? t.noConfidence : `${t.confidence} ${r.confidence}`}</span>
          ${r.description ? `<div class="desc">${escapeHTML(r.description)}</div>` : ""}
          ${originNote(r.sources, this.datasets, t)}
          ${sourceList(r.sources, known, t.notYetPublic)}
        </li>`).join("")}
        </ul></section>`).join("")}`;
    panel.querySelector<HTMLButtonElement>("button.expand")?.addEventListener("click", () => void this.expand(e.id));
    panel.querySelectorAll<HTMLAnchorElement>("a[data-goto]").forEach((a) =>
      a.addEventListener("click", (ev) => {
        ev.preventDefault();
        void this.select(a.dataset.goto!);
      }));
  }

  // ---- timeline ----

  async loadTimeline() {
    try {
      const data = await gql<{ timeline: { edges: { node: TimelineItem }[] } }>(TIMELINE, { filter: timelineFilter({ ...this.state.filter, from: "", to: "" }) });
      this.timelineItems = data.timeline.edges.map((e) => e.node);
      this.ok();
    } catch (e) {
      this.fail(e);
      return;
    }
    this.items.clear();
    this.items.add(timelineView(this.timelineItems));
    if (this.state.filter.from || this.state.filter.to) {
      const from = this.state.filter.from || "2000";
      const to = this.state.filter.to || String(new Date().getUTCFullYear());
      this.timeline.setWindow(new Date(`${from.padEnd(10, "-01").slice(0, 10)}T00:00:00Z`), endOf(to), { animation: false });
    } else if (this.timelineItems.length) {
      this.timeline.fit({ animation: false });
    }
  }

  bindTimeline() {
    this.timeline.on("select", ({ items }: { items: string[] }) => {
      const item = this.items.get(items[0]);
      if (item?.entityIds.length) void this.select(item.entityIds[0], false);
    });
    this.timeline.on("rangechanged", ({ start, end, byUser }: { start: Date; end: Date; byUser: boolean }) => {
      // The window's end is exclusive: its last day is the day before.
      if (byUser && $<HTMLInputElement>("#link-timeline").checked) void this.brush(isoDay(start), isoDay(new Date(end.getTime() - 1)));
    });
  }

  /** brush filters the graph to a time window, as dragging or zooming the timeline does. */
  async brush(from: string, to: string) {
    this.state.filter.from = from;
    this.state.filter.to = to;
    $<HTMLInputElement>("#f-from").value = from;
    $<HTMLInputElement>("#f-to").value = to;
    this.commit();
    await this.loadGraph();
  }

  // ---- paths ----

  async findPaths(from: string, to: string) {
    this.state.path = { from, to };
    this.commit();
    const out = $("#path-result");
    let paths: PathResult[];
    try {
      paths = (await gql<{ paths: PathResult[] }>(PATHS, { from, to, filter: graphFilter(this.state.filter) })).paths;
      this.ok();
    } catch (e) {
      this.fail(e);
      return;
    }
    this.pathNodes = new Set(paths.flatMap((p) => p.nodes.map((n) => n.id)));
    this.pathEdges = new Set(paths.flatMap((p) => p.edges.map((e) => e.id)));
    if (paths.length) {
      this.showSubgraph(mergeSubgraphs([this.sub, { truncated: false, nodes: paths.flatMap((p) => p.nodes), edges: paths.flatMap((p) => p.edges) }]));
    }
    this.renderer.setSetting("renderEdgeLabels", this.pathEdges.size > 0);
    this.renderer.refresh({ skipIndexation: true });
    if (!paths.length) {
      out.innerHTML = `<p class="hint">${escapeHTML(this.t.noPath)}</p>`;
      return;
    }
    out.innerHTML = paths.map((p, i) => `
      <ol class="path" aria-label="path ${i + 1}">
      ${p.edges.map((e, h) => `<li class="hop"><span class="hop-n">${this.t.hop} ${h + 1}</span>
        <strong>${escapeHTML(e.from.name)}</strong> <span class="rel-type">${escapeHTML(e.type)}</span> <strong>${escapeHTML(e.to.name)}</strong>
        <span class="confidence">${e.confidence === null ? this.t.noConfidence : `${this.t.confidence} ${e.confidence}`}</span>
        ${sourceList(e.sources)}</li>`).join("")}
      </ol>`).join("");
  }

  clearPaths() {
    this.pathNodes.clear();
    this.pathEdges.clear();
    this.state.path = null;
    this.commit();
    $("#path-result").replaceChildren();
    this.renderer.refresh({ skipIndexation: true });
  }

  // ---- controls ----

  bindControls() {
    const kindLabel = (k: Kind) => this.t.kind[k];
    combobox({
      input: $("#search"), list: $("#search-list"), kindLabel, noResults: () => this.t.noResults,
      onPick: (h) => void this.select(h.entity.id), onError: (e) => this.fail(e),
    });
    const pathIds: { from: string | null; to: string | null } = { from: this.state.path?.from ?? null, to: this.state.path?.to ?? null };
    for (const end of ["from", "to"] as const) {
      combobox({
        input: $(`#path-${end}`), list: $(`#path-${end}-list`), kindLabel, noResults: () => this.t.noResults,
        onPick: (h) => (pathIds[end] = h.entity.id), onError: (e) => this.fail(e),
      });
    }
    $("#path-form").addEventListener("submit", (e) => {
      e.preventDefault();
      if (pathIds.from && pathIds.to) void this.findPaths(pathIds.from, pathIds.to);
    });
    $("#path-clear").addEventListener("click", () => this.clearPaths());

    $("#filter-form").addEventListener("submit", (e) => {
      e.preventDefault();
      this.readFilters();
    });
    $("#known-clear").addEventListener("click", () => {
      this.state.filter = { ...this.state.filter, knownAt: "" };
      this.renderFilters();
      this.applyFilter();
    });
    $("#filter-reset").addEventListener("click", () => {
      this.state.filter = defaultState().filter;
      this.renderFilters();
      this.readFilters();
    });
    $("#lang").addEventListener("change", (e) => {
      this.lang = (e.target as HTMLSelectElement).value as Lang;
      this.state.lang = this.lang;
      this.commit();
      this.applyLang();
      this.renderFilters();
      this.renderKnownBanner();
      void this.renderDetails(this.state.selected);
    });
    $("#copy-link").addEventListener("click", () => void this.copyLink());
    $("#export-png").addEventListener("click", () => this.exportPNG());
    $("#export-json").addEventListener("click", () => download("attribution-subgraph.json", "application/json", subgraphJSON(this.sub, graphFilter(this.state.filter))));
    $("#export-csv").addEventListener("click", () => download("attribution-timeline.csv", "text/csv", timelineCSV(this.timelineItems)));
    document.addEventListener("keydown", (e) => {
      if (e.key === "/" && document.activeElement?.tagName !== "INPUT") {
        e.preventDefault();
        $("#search").focus();
      } else if (e.key === "Escape" && document.activeElement?.tagName !== "INPUT") {
        void this.select(null);
      }
    });
  }

  async copyLink() {
    try {
      await navigator.clipboard.writeText(location.href);
    } catch {
      /* clipboard refused (insecure context): the address bar holds the link anyway */
    }
    $("#copy-link").textContent = this.t.copied;
  }

  renderFilters() {
    const f = this.state.filter;
    $("#f-kinds").innerHTML = KINDS.map((k) => `
      <label><input type="checkbox" name="kind" value="${k}" ${f.kinds.includes(k) ? "checked" : ""}>
      <span class="swatch shape-${KIND_STYLE[k].shape}" style="--c:${KIND_STYLE[k].color}"></span>${escapeHTML(this.t.kind[k])}</label>`).join("");
    $("#f-types").innerHTML = this.relationTypes.map((r) => `
      <label title="${escapeHTML(r.meaning)}"><input type="checkbox" name="type" value="${r.name}" ${f.relationTypes.includes(r.name) ? "checked" : ""}>${r.name}</label>`).join("");
    $<HTMLInputElement>("#f-conf").value = f.minConfidence === null ? "" : String(f.minConfidence);
    $<HTMLInputElement>("#f-from").value = f.from;
    $<HTMLInputElement>("#f-to").value = f.to;
    $<HTMLInputElement>("#f-known").value = f.knownAt;
  }

  readFilters() {
    const form = $<HTMLFormElement>("#filter-form");
    const checked = (name: string) => [...form.querySelectorAll<HTMLInputElement>(`input[name=${name}]:checked`)].map((i) => i.value);
    const date = (id: string) => {
      const input = $<HTMLInputElement>(id);
      const v = input.value.trim();
      input.setCustomValidity(v && !isPartialDate(v) ? "YYYY, YYYY-MM or YYYY-MM-DD" : "");
      return isPartialDate(v) ? v : "";
    };
    const conf = $<HTMLInputElement>("#f-conf").value;
    this.state.filter = {
      kinds: checked("kind") as Kind[], relationTypes: checked("type"),
      minConfidence: conf === "" ? null : Math.max(0, Math.min(100, Number(conf))),
      from: date("#f-from"), to: date("#f-to"), knownAt: date("#f-known"),
    };
    if (!form.reportValidity()) return;
    this.applyFilter();
  }

  /** applyFilter shows the graph, the timeline and the details under the current filter. */
  applyFilter() {
    this.commit();
    this.renderKnownBanner();
    void this.loadGraph();
    void this.loadTimeline();
    void this.renderDetails(this.state.selected); // the details follow the date
  }

  /** renderKnownBanner says, over the graph, that a known-at date is on, with a way out. */
  renderKnownBanner() {
    const at = this.state.filter.knownAt;
    $("#known-banner").hidden = !at;
    $("#known-text").textContent = this.t.knownBanner.replace("{date}", at);
    $("#known-clear").textContent = this.t.knownClear;
  }

  applyLang() {
    document.documentElement.lang = this.lang;
    $<HTMLSelectElement>("#lang").value = this.lang;
    document.querySelectorAll<HTMLElement>("[data-i18n]").forEach((el) => {
      el.textContent = (this.t as Record<string, unknown>)[el.dataset.i18n!] as string;
    });
    document.querySelectorAll<HTMLInputElement>("[data-i18n-placeholder]").forEach((el) => {
      el.placeholder = (this.t as Record<string, unknown>)[el.dataset.i18nPlaceholder!] as string;
    });
    this.groups.update(TIMELINE_GROUPS.map((id, order) => ({ id, order, content: escapeHTML(this.t.groups[id]) })));
    this.renderVersion();
    $("#legend-items").innerHTML = KINDS.map((k) => `<li><span class="swatch shape-${KIND_STYLE[k].shape}" style="--c:${KIND_STYLE[k].color}"></span>${escapeHTML(this.t.kind[k])}</li>`).join("");
  }

  exportPNG() {
    const canvases = this.renderer.getCanvases();
    const { width, height } = canvases.edges;
    const out = document.createElement("canvas");
    out.width = width;
    out.height = height;
    const ctx = out.getContext("2d")!;
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, width, height);
    for (const layer of ["edges", "nodes", "edgeLabels", "labels", "hovers", "hoverNodes"]) {
      const c = canvases[layer];
      if (c) ctx.drawImage(c, 0, 0);
    }
    out.toBlob((blob) => blob && download("attribution-graph.png", "image/png", blob));
  }
}

/** originNote says which datasets a claim comes from, or that it is curated. */
function originNote(sources: Source[], datasets: Dataset[], t: { origin: string; curated: string }): string {
  const names = origin(sources, datasets);
  return `<span class="origin">${escapeHTML(t.origin)}: ${escapeHTML(names.length ? names.join(", ") : t.curated)}</span>`;
}

/** sourceList lists sources; those published after knownAt are marked as such. */
function sourceList(sources: Source[], knownAt = "", later = ""): string {
  return `<ul class="sources">${sources.map((s) => `<li class="source${publicBy([s], knownAt) ? "" : " later"}"${publicBy([s], knownAt) ? "" : ` title="${escapeHTML(later)}"`}>
    ${s.url ? `<a href="${escapeHTML(s.url)}" target="_blank" rel="noopener noreferrer">${escapeHTML(s.title)}</a>` : escapeHTML(s.title)}
    <span class="meta">${[s.publisher, s.published, s.language].filter(Boolean).map((x) => escapeHTML(x!)).join(" · ")}</span></li>`).join("")}</ul>`;
}

function download(name: string, type: string, data: string | Blob) {
  const blob = typeof data === "string" ? new Blob([data], { type }) : data;
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function endOf(date: string): Date {
  const [y, m, d] = date.split("-").map(Number);
  if (m === undefined) return new Date(Date.UTC(y + 1, 0, 1));
  if (d === undefined) return new Date(Date.UTC(y, m, 1));
  return new Date(Date.UTC(y, m - 1, d + 1));
}

const explorer = new Explorer();
// Tests and the benchmark drive the explorer through this handle.
(window as unknown as { explorer: Explorer }).explorer = explorer;

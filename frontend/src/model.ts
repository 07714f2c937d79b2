// The explorer's whole state, and the pure functions that change it. Nothing
// here touches the DOM, the network or the URL: the loaders (effects.ts) and
// the views (graph.ts, timeline.ts, panels.ts) subscribe to the store and do
// that. Each function takes a state and returns the next one.
import { browserLang, type Lang } from "./i18n";
import { expansionKey, fromQuery, parseExpansion, type Expansion, type Filter, type LabelDensity, type State } from "./state";
import type { BoxBy, ChartData, ChartId, DrillRef } from "./trends-data";
import { drillKey } from "./trends-data";
import type { Comparison } from "./compare";
import { interval } from "./view";
import type { Dataset, Detail, NamedRelation, PathResult, RelationTypeInfo, Subgraph, TimelineGroup, TimelineItem } from "./view";

export type Status = "idle" | "loading" | "ok" | "error";
export type Tab = "graph" | "list" | "trends" | "details" | "tools";
export type LoadName = "meta" | "graph" | "timeline" | "detail" | "paths" | "search" | "claim" | "stories" | "compare";
export const LOADS: LoadName[] = ["meta", "graph", "timeline", "detail", "paths", "search", "claim", "stories", "compare"];

/** What the last expansion did, said over the graph. */
export interface Notice { kind: "added" | "nothingNew" | "nothingNewCut"; n: number; name: string }

/** A failed load: unreachable (the network or the database), or what the server said. */
export interface Failure { unreachable: boolean; storeDown: boolean; message: string }

/** One end of the path form: what is typed, and the entity it names once known. */
export interface PathEnd { text: string; id: string | null }
export type PathMessage =
  | { kind: "pickBoth" }
  | { kind: "same" }
  | { kind: "notFound"; q: string }
  | { kind: "ambiguous"; q: string; names: string[] };

export interface AppState {
  view: State; // what the URL holds
  lang: Lang;
  meta: { relationTypes: RelationTypeInfo[]; datasets: Dataset[]; version: string | null };
  graph: { sub: Subgraph; loaded: number; notice: Notice | null; pending: { key: string; name: string } | null };
  // The timeline holds what begins inside the window it shows (window: first
  // and last day, null until it has been drawn), total how many items that is.
  timeline: { items: TimelineItem[]; hidden: TimelineGroup[]; window: DayWindow | null; total: number };
  detail: { id: string | null; entity: Detail | null };
  claim: { id: string | null; relation: NamedRelation | null }; // the open claim, read whole when the graph has it brief
  stories: { latest: Story[] }; // the landing view's latest attributions, from the data
  compare: { key: string; result: Comparison | null }; // the actors side by side, for view.compare
  paths: { key: string | null; result: PathResult[] | null };
  pathForm: { from: PathEnd; to: PathEnd; message: PathMessage | null; focus: "from" | "to" | null };
  ui: {
    tab: Tab; hoveredEdge: string | null; menu: { node: string; x: number; y: number } | null; copied: boolean;
    linkTimeline: boolean; // the timeline's window filters the graph
    listLimit: number;     // rows of each table of the list view
    openGroups: string[];  // relation groups of the details shown whole ("USES OUT")
  };
  status: Record<LoadName, Status>;
  errors: Partial<Record<LoadName, Failure>>;
  retries: number; // bumped by Retry: the loads that failed run again
  trends: Trends;
}

/** A chart's load: its status, its data for the key it was asked with, its failure. */
export interface ChartLoad<T> { status: Status; key: string | null; data: T | null; error: Failure | null }

/** A drill-down item: an entity a bucket counts, with its sources. */
export interface DrillItem {
  id: string; kind: string; name: string; start: string | null; end: string | null;
  sources: { id: string; title: string; publisher: string | null; url: string | null; published: string | null }[];
  relations: { type: string; to: { name: string } }[]; // ISSUED_BY and ACCUSES, out of the item
  /** The attributing states the counts derive, each with the claims it follows (GOVERNMENT, RECEIVER; ISSUED_BY: directly). */
  attributingStates?: { country: { name: string }; rule: string; via: { type: string; from: { name: string }; to: { name: string }; sources: { title: string; url: string | null }[] }[] }[];
}

/** The trends view's loaded data (what it shows is view.trends, in the URL). */
export interface Trends {
  charts: { [K in ChartId]: ChartLoad<ChartData[K]> };
  drill: {
    key: string | null;     // the drill-down and filter the ids are for
    ids: string[];          // what the buckets count, up to the API's limit per bucket
    count: number;          // how many they count
    cut: boolean;           // a bucket held more ids than the API gives
    items: DrillItem[];     // the ids' entities loaded so far, in the ids' order
    shown: number;          // how many items are asked for ("more" adds a page)
    status: Status;
    error: Failure | null;
  };
  retries: number;          // bumped by a chart's or the drill-down's Retry
}

export const DRILL_PAGE = 10;
const chartLoad = <T>(): ChartLoad<T> => ({ status: "idle", key: null, data: null, error: null });
const emptyDrill = (): Trends["drill"] => ({ key: null, ids: [], count: 0, cut: false, items: [], shown: DRILL_PAGE, status: "idle", error: null });

export const LIST_PAGE = 200;

const EMPTY: Subgraph = { truncated: false, nodes: [], edges: [] };

/** initialState reads the URL; the language comes from it or else from the browser. */
export function initialState(query: string, languages: readonly string[]): AppState {
  const view = fromQuery(query);
  return {
    view,
    lang: view.lang ?? browserLang(languages),
    meta: { relationTypes: [], datasets: [], version: null },
    graph: { sub: EMPTY, loaded: 0, notice: null, pending: null },
    timeline: { items: [], hidden: [], window: null, total: 0 },
    detail: { id: null, entity: null },
    claim: { id: null, relation: null },
    stories: { latest: [] },
    compare: { key: "", result: null },
    paths: { key: null, result: null },
    pathForm: { from: { text: "", id: view.path?.from ?? null }, to: { text: "", id: view.path?.to ?? null }, message: null, focus: null },
    ui: { tab: view.trends.on ? "trends" : "graph", hoveredEdge: null, menu: null, copied: false, linkTimeline: true, listLimit: LIST_PAGE, openGroups: [] },
    status: { meta: "idle", graph: "idle", timeline: "idle", detail: "idle", paths: "idle", search: "idle", claim: "idle", stories: "idle", compare: "idle" },
    errors: {},
    retries: 0,
    trends: {
      charts: { years: chartLoad(), matrix: chartLoad(), lags: chartLoad(), responses: chartLoad(), map: chartLoad() },
      drill: emptyDrill(),
      retries: 0,
    },
  };
}

/**
 * restoreView puts back the view a URL holds (the browser's Back and
 * Forward): the selection, the path, the filters, the trends view; the tab
 * follows the trends view, and the loaders refetch what changed.
 */
export function restoreView(s: AppState, query: string): AppState {
  const view = fromQuery(query);
  const tab: Tab = view.trends.on ? "trends" : s.ui.tab === "trends" ? "graph" : s.ui.tab;
  return {
    ...s, view, lang: view.lang ?? s.lang,
    pathForm: { ...s.pathForm, from: { text: "", id: view.path?.from ?? null }, to: { text: "", id: view.path?.to ?? null }, message: null },
    ui: { ...s.ui, tab, menu: null, copied: false },
  };
}

/**
 * place is where a view is, for the browser's history: what is selected or
 * open and which view shows it. A change of place is a new history entry;
 * any other change (a filter, the labels) replaces the current one.
 */
export function place(v: State): string {
  return JSON.stringify([v.selected, v.edge, v.path, v.trends.on, v.trends.open, v.trends.focus, v.trends.box, v.compare]);
}

const withView = (s: AppState, view: Partial<State>): AppState => ({ ...s, view: { ...s.view, ...view }, ui: { ...s.ui, copied: false } });

// ---- selection ----

/** select shows an entity's details (null: nothing); it closes a claim and the node menu. */
export function select(s: AppState, id: string | null): AppState {
  const openGroups = id === s.view.selected ? s.ui.openGroups : [];
  return { ...withView(s, { selected: id, edge: null }), ui: { ...s.ui, menu: null, copied: false, openGroups } };
}

/** selectEdge shows a claim in the details. */
export function selectEdge(s: AppState, id: string | null): AppState {
  return { ...withView(s, { edge: id }), ui: { ...s.ui, menu: null, copied: false } };
}

export function hoverEdge(s: AppState, id: string | null): AppState {
  return s.ui.hoveredEdge === id ? s : { ...s, ui: { ...s.ui, hoveredEdge: id } };
}

export function openMenu(s: AppState, node: string, x: number, y: number): AppState {
  return { ...s, ui: { ...s.ui, menu: { node, x, y } } };
}

export function closeMenu(s: AppState): AppState {
  return s.ui.menu ? { ...s, ui: { ...s.ui, menu: null } } : s;
}

/**
 * setTab shows a tab. The trends view is in the URL: the trends tab turns it
 * on, the graph and the list turn it off (a phone's details and tools tabs
 * leave it as it is, so that going back finds it).
 */
export function setTab(s: AppState, tab: Tab): AppState {
  if (s.ui.tab === tab) return s;
  const on = tab === "trends" ? true : tab === "graph" || tab === "list" ? false : s.view.trends.on;
  const next = on === s.view.trends.on ? s : withView(s, { trends: { ...s.view.trends, on } });
  return { ...next, ui: { ...next.ui, tab, menu: null } };
}

// ---- what the graph shows ----

/**
 * expand adds an entity's neighbours to the graph: all of them within two
 * hops, or those of one relation type. Asked again, it says that nothing is new.
 */
export function expand(s: AppState, e: Expansion, name: string): AppState {
  const key = expansionKey(e);
  const covered = s.view.expanded.some((x) => x === key || (x === e.id && e.type !== null));
  if (covered) {
    return { ...s, graph: { ...s.graph, pending: null, notice: { kind: s.graph.sub.truncated ? "nothingNewCut" : "nothingNew", n: 0, name } } };
  }
  return { ...withView(s, { expanded: [...s.view.expanded, key] }), graph: { ...s.graph, pending: { key, name }, notice: null } };
}

/** isShown: whether an expansion is already part of what the graph shows. */
export function isExpanded(s: AppState, e: Expansion): boolean {
  return s.view.expanded.some((x) => x === expansionKey(e) || x === e.id);
}

export function expansions(s: AppState): Expansion[] {
  return s.view.expanded.map(parseExpansion);
}

/** graphLoaded shows a new subgraph; after an expansion it says how many entities it added. */
export function graphLoaded(s: AppState, sub: Subgraph): AppState {
  const before = new Set(s.graph.sub.nodes.map((n) => n.id));
  const same = sameSubgraph(s.graph.sub, sub);
  let notice = s.graph.notice;
  const pending = s.graph.pending;
  if (pending && s.view.expanded.includes(pending.key)) {
    const added = sub.nodes.filter((n) => !before.has(n.id)).length;
    notice = added ? { kind: "added", n: added, name: pending.name } : { kind: sub.truncated ? "nothingNewCut" : "nothingNew", n: 0, name: pending.name };
  }
  return { ...s, graph: { sub: same ? s.graph.sub : sub, loaded: s.graph.loaded + 1, notice, pending: null } };
}

/** sameSubgraph: the same nodes and edges, by id, in the same order. */
export function sameSubgraph(a: Subgraph, b: Subgraph): boolean {
  return a.truncated === b.truncated && a.nodes.length === b.nodes.length && a.edges.length === b.edges.length &&
    a.nodes.every((n, i) => n.id === b.nodes[i].id) && a.edges.every((e, i) => e.id === b.edges[i].id);
}

export function dismissNotice(s: AppState): AppState {
  return s.graph.notice ? { ...s, graph: { ...s.graph, notice: null } } : s;
}

export function setFilter(s: AppState, filter: Filter): AppState {
  return { ...withView(s, { filter }), graph: { ...s.graph, notice: null } };
}

/** brush filters the graph to a time window, as dragging or zooming the timeline does. */
export function brush(s: AppState, from: string, to: string): AppState {
  return setFilter(s, { ...s.view.filter, from, to });
}

export function setLang(s: AppState, lang: Lang): AppState {
  return { ...withView(s, { lang }), lang };
}

export function setLabels(s: AppState, labels: LabelDensity): AppState {
  return withView(s, { labels });
}

export function toggleTimelineGroup(s: AppState, g: TimelineGroup): AppState {
  const hidden = s.timeline.hidden.includes(g) ? s.timeline.hidden.filter((x) => x !== g) : [...s.timeline.hidden, g];
  return { ...s, timeline: { ...s.timeline, hidden } };
}

export function setLinkTimeline(s: AppState, on: boolean): AppState {
  return { ...s, ui: { ...s.ui, linkTimeline: on } };
}

export function showMoreRows(s: AppState): AppState {
  return { ...s, ui: { ...s.ui, listLimit: s.ui.listLimit + LIST_PAGE } };
}

/** openGroup shows every claim of one relation group of the details. */
export function openGroup(s: AppState, group: string): AppState {
  return s.ui.openGroups.includes(group) ? s : { ...s, ui: { ...s.ui, openGroups: [...s.ui.openGroups, group] } };
}

export function setCopied(s: AppState, copied: boolean): AppState {
  return { ...s, ui: { ...s.ui, copied } };
}

// ---- paths ----

export function setPathEnd(s: AppState, end: "from" | "to", value: PathEnd): AppState {
  return { ...s, pathForm: { ...s.pathForm, [end]: value, message: null } };
}

/** connectFrom starts a path at an entity: the form's "From", and the focus on "To". */
export function connectFrom(s: AppState, id: string, name: string): AppState {
  const tab: Tab = s.ui.tab === "graph" || s.ui.tab === "list" || s.ui.tab === "details" ? "tools" : s.ui.tab;
  return { ...s, pathForm: { ...s.pathForm, from: { text: name, id }, message: null, focus: "to" }, ui: { ...s.ui, menu: null, tab } };
}

export function pathFocused(s: AppState): AppState {
  return s.pathForm.focus ? { ...s, pathForm: { ...s.pathForm, focus: null } } : s;
}

export function pathMessage(s: AppState, message: PathMessage | null): AppState {
  return { ...s, pathForm: { ...s.pathForm, message } };
}

export function setPath(s: AppState, from: string, to: string): AppState {
  if (from === to) return pathMessage(s, { kind: "same" });
  return { ...withView(s, { path: { from, to } }), pathForm: { ...s.pathForm, message: null } };
}

export function clearPath(s: AppState): AppState {
  return { ...withView(s, { path: null }), paths: { key: null, result: null }, pathForm: { from: { text: "", id: null }, to: { text: "", id: null }, message: null, focus: null } };
}

/** pathsLoaded shows the paths, and names the form's ends when the URL gave only ids. */
export function pathsLoaded(s: AppState, key: string, result: PathResult[] | null): AppState {
  let form = s.pathForm;
  const first = result?.[0];
  if (first && s.view.path) {
    const nameOf = (id: string) => first.nodes.find((n) => n.id === id)?.name ?? "";
    const fill = (end: PathEnd, id: string): PathEnd => (end.text ? end : { text: nameOf(id), id });
    form = { ...form, from: fill(form.from, s.view.path.from), to: fill(form.to, s.view.path.to) };
  }
  return { ...s, paths: { key, result }, pathForm: form };
}

// ---- loads ----

export function loadStarted(s: AppState, name: LoadName): AppState {
  return { ...s, status: { ...s.status, [name]: "loading" } };
}

export function loadFailed(s: AppState, name: LoadName, f: Failure): AppState {
  return { ...s, status: { ...s.status, [name]: "error" }, errors: { ...s.errors, [name]: f } };
}

export function loadOk(s: AppState, name: LoadName): AppState {
  const errors = { ...s.errors };
  delete errors[name];
  return { ...s, status: { ...s.status, [name]: "ok" }, errors };
}

/** retry runs the failed loads again; a failed search is forgotten (the next keystroke searches). */
export function retry(s: AppState): AppState {
  const next = { ...s, retries: s.retries + 1 };
  return s.errors.search ? loadOk(next, "search") : next;
}

export function metaLoaded(s: AppState, relationTypes: RelationTypeInfo[], datasets: Dataset[]): AppState {
  return { ...s, meta: { ...s.meta, relationTypes, datasets } };
}

/** versionLoaded: the server's version, shown at the sidebar's foot (none: nothing shown). */
export function versionLoaded(s: AppState, version: string | null): AppState {
  return { ...s, meta: { ...s.meta, version } };
}

export function timelineLoaded(s: AppState, items: TimelineItem[], total = items.length): AppState {
  return { ...s, timeline: { ...s.timeline, items, total } };
}

/** A window of days: its first and last day, "YYYY-MM-DD". */
export interface DayWindow { from: string; to: string }

/**
 * The timeline's window before the user moves it, without a window in the
 * filter: the spring and summer of 2021, from the Exchange disclosure to the
 * joint attribution of 19 July (375 items begin in it on the default data,
 * under a page of 500).
 */
export const DEFAULT_TIMELINE_WINDOW: DayWindow = { from: "2021-03-01", to: "2021-08-31" };

/** dayWindow turns a filter's from and to (partial dates, or "") into days. */
export function dayWindow(from: string, to: string): DayWindow | null {
  if (!from && !to) return null;
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return {
    from: from ? day(interval(from).start) : "1990-01-01",
    to: day(new Date(interval(to || String(new Date().getUTCFullYear())).end.getTime() - 86400000)),
  };
}

/**
 * timelineWindow is the window the timeline loads: the one it shows, or,
 * before it is drawn, the filter's window, or the default one.
 */
export function timelineWindow(s: AppState): DayWindow {
  return s.timeline.window ?? dayWindow(s.view.filter.from, s.view.filter.to) ?? DEFAULT_TIMELINE_WINDOW;
}

/** timelineMoved keeps the window the timeline shows (its loader then reads it). */
export function timelineMoved(s: AppState, from: string, to: string): AppState {
  const w = s.timeline.window;
  if (w && w.from === from && w.to === to) return s;
  return { ...s, timeline: { ...s.timeline, window: { from, to } } };
}

export function detailLoaded(s: AppState, id: string | null, entity: Detail | null): AppState {
  return { ...s, detail: { id, entity } };
}

/** focusOn shows one entity and its neighbourhood alone: the expansions go, the entity is selected. */
export function focusOn(s: AppState, id: string): AppState {
  return { ...withView(s, { selected: id, edge: null, expanded: [], path: null }), ui: { ...s.ui, menu: null, copied: false, openGroups: [] } };
}

/** toggleCompare puts an actor beside the others compared (at most four), or takes it out. */
export function toggleCompare(s: AppState, id: string): AppState {
  const c = s.view.compare;
  return withView(s, { compare: c.includes(id) ? c.filter((x) => x !== id) : [...c, id].slice(-4) });
}

/** closeCompare ends the comparison. */
export function closeCompare(s: AppState): AppState {
  return withView(s, { compare: [] });
}

export function compareLoaded(s: AppState, key: string, result: Comparison | null): AppState {
  return { ...s, compare: { key, result } };
}

/** A starting point of the landing view: an entity, with its title and date. */
export interface Story { id: string; title: string; date: string }

/** landing: nothing selected, expanded, nor looked for: the view offers stories to start from. */
export function landing(v: State): boolean {
  return !v.selected && !v.edge && v.expanded.length === 0 && !v.path && !v.trends.on;
}

/** storiesLoaded keeps the latest attributions, newest first. */
export function storiesLoaded(s: AppState, latest: Story[]): AppState {
  return { ...s, stories: { latest } };
}

/**
 * latestStories picks the newest attributions from timeline items (oldest
 * first, as the API gives them): one per title, at most n.
 */
export function latestStories(items: { date: string; title: string; entity: { id: string; eventType?: string } | null }[], n = 3): Story[] {
  const out: Story[] = [];
  const seen = new Set<string>();
  for (let i = items.length - 1; i >= 0 && out.length < n; i--) {
    const it = items[i];
    if (!it.entity || it.entity.eventType !== "ATTRIBUTION" || seen.has(it.title)) continue;
    seen.add(it.title);
    out.push({ id: it.entity.id, title: it.title, date: it.date });
  }
  return out;
}

/** claimLoaded keeps the claim read whole (null: not found). */
export function claimLoaded(s: AppState, id: string | null, relation: NamedRelation | null): AppState {
  return { ...s, claim: { id, relation } };
}

/** firstError is the failure the banner shows. */
export function firstError(s: AppState): Failure | null {
  for (const name of LOADS) {
    const f = s.errors[name];
    if (f) return f;
  }
  return null;
}

// ---- trends ----

const withTrends = (s: AppState, t: Partial<State["trends"]>): AppState => withView(s, { trends: { ...s.view.trends, ...t } });

/** setFocus counts the attributions of one attributed state only (null: all). */
export function setFocus(s: AppState, focus: string | null): AppState {
  return s.view.trends.focus === focus ? s : withTrends(s, { focus, open: null });
}

/** setBoxBy chooses the box plot's rows: attributing countries or attributed states. */
export function setBoxBy(s: AppState, box: BoxBy): AppState {
  if (s.view.trends.box === box) return s;
  const open = s.view.trends.open?.startsWith("lags|") ? null : s.view.trends.open;
  return withTrends(s, { box, open });
}

/** openDrill lists what a bar, cell, row or country counts (null: closes the list). */
export function openDrill(s: AppState, ref: DrillRef | null): AppState {
  const open = ref ? drillKey(ref) : null;
  return s.view.trends.open === open ? s : withTrends(s, { open });
}

export function chartStarted(s: AppState, chart: ChartId, key: string): AppState {
  const c = s.trends.charts[chart];
  return { ...s, trends: { ...s.trends, charts: { ...s.trends.charts, [chart]: { ...c, status: "loading", key } } } };
}

export function chartLoaded<K extends ChartId>(s: AppState, chart: K, key: string, data: ChartData[K] | null): AppState {
  return { ...s, trends: { ...s.trends, charts: { ...s.trends.charts, [chart]: { status: "ok", key, data, error: null } } } };
}

export function chartFailed(s: AppState, chart: ChartId, key: string, error: Failure): AppState {
  const c = s.trends.charts[chart];
  return { ...s, trends: { ...s.trends, charts: { ...s.trends.charts, [chart]: { ...c, status: "error", key, error } } } };
}

/** retryTrends asks the failed charts and drill-down again. */
export function retryTrends(s: AppState): AppState {
  return { ...s, trends: { ...s.trends, retries: s.trends.retries + 1 } };
}

/** drillStarted: a new drill-down (key) loads its ids; the same one with more items shown keeps what it has. */
export function drillStarted(s: AppState, key: string): AppState {
  const d = s.trends.drill;
  const drill = d.key === key ? { ...d, status: "loading" as const, error: null } : { ...emptyDrill(), key, status: "loading" as const };
  return { ...s, trends: { ...s.trends, drill } };
}

export function drillLoaded(s: AppState, key: string, got: { ids: string[]; count: number; cut: boolean; items: DrillItem[] }): AppState {
  const d = s.trends.drill;
  const shown = d.key === key ? d.shown : DRILL_PAGE;
  return { ...s, trends: { ...s.trends, drill: { ...d, key, ...got, shown, status: "ok", error: null } } };
}

export function drillFailed(s: AppState, key: string, error: Failure): AppState {
  return { ...s, trends: { ...s.trends, drill: { ...s.trends.drill, key, status: "error", error } } };
}

/** moreItems shows the next page of a drill-down's items. */
export function moreItems(s: AppState): AppState {
  const d = s.trends.drill;
  return { ...s, trends: { ...s.trends, drill: { ...d, shown: Math.min(d.ids.length, d.shown + DRILL_PAGE) } } };
}

/** showInGraph: the graph view, with an entity selected and its neighbours shown. */
export function showInGraph(s: AppState, id: string, name: string): AppState {
  return setTab(expand(select(s, id), { id, type: null }, name), "graph");
}

// The trends view: five charts over the aggregates of the API, drawn with
// Observable Plot, each with its title, what it counts, its total, a legend,
// a data table, its exports (SVG, PNG, CSV) and its loading, empty and error
// states; a click (or Enter) on a bar, cell, row or country opens the list of
// what it counts. Loaded lazily (main.ts): the graph's first load does not
// pay for it. Like the rest of the explorer, the loaders below watch the
// state, drop late answers and hand what they got to pure updates (model.ts);
// the views subscribe and redraw.
import * as Plot from "@observablehq/plot";
import countries from "i18n-iso-countries";
import frCountries from "i18n-iso-countries/langs/fr.json";
import { feature } from "topojson-client";
import type { Topology, GeometryCollection } from "topojson-specification";
import world from "world-atlas/countries-110m.json";
import { gql } from "./api";
import { download } from "./download";
import { failure } from "./effects";
import { fill, formatDate, formatNumber, messages, type Lang, type Messages } from "./i18n";
import { h, name } from "./h";
import * as M from "./model";
import type { AppState, DrillItem } from "./model";
import { shallowEqual, type Store } from "./store";
import {
  AGGREGATE, aggregateCSV, aggregateFilter, boxDimension, boxRows, CHARTS, DRILL_IDS, drillQueries, focusWhere, itemsQuery, LAGS, lagsCSV,
  mapCSV, mapValues, matrix, MAX_IDS, NONE, OTHER, parseDrill, RESPONSES, responsesCSV, stackByYear, topSeries, unionIds,
  type Aggregate, type ChartData, type ChartId, type DrillRef, type Key, type LagAnswer, type ResponsesAnswer, type Stack,
} from "./trends-data";

countries.registerLocale(frCountries);

type Up = (fn: (s: AppState) => AppState) => void;
type T = Messages["trends"];

/** How many series keep a colour; how many rows and columns the matrix and box plot show. */
const TOP = 7, MATRIX_N = 10, MATRIX_N_PHONE = 6, BOX_N = 12;
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
const OTHER_COLOUR = "#7f8891", NONE_COLOUR = "#c9d3dd";

// ---- loaders ----

interface ChartQuery { run: () => Promise<unknown> }

/** chartQuery is a chart's request for a state, with its key; null key: nothing to ask (the view is hidden). */
function chartQuery(s: AppState, chart: ChartId): { key: string; q: ChartQuery } | null {
  if (!s.view.trends.on) return null;
  const f = s.view.filter, { focus, box } = s.view.trends;
  const none = (key: string): { key: string; q: ChartQuery } => ({ key, q: { run: () => Promise.resolve(null) } });
  const agg = (vars: Record<string, unknown>) => {
    const key = JSON.stringify([chart, vars]);
    return vars.filter === null ? none(key) : { key, q: { run: async () => (await gql<{ aggregate: Aggregate }>(AGGREGATE, vars)).aggregate } };
  };
  switch (chart) {
    case "years": return agg({ measure: "ATTRIBUTIONS", groupBy: ["YEAR", "ATTRIBUTING_COUNTRY"], filter: aggregateFilter(f, "ATTRIBUTIONS", focusWhere(focus)), first: 1000 });
    case "matrix": return agg({ measure: "ATTRIBUTIONS", groupBy: ["ATTRIBUTING_COUNTRY", "ATTRIBUTED_COUNTRY"], filter: aggregateFilter(f, "ATTRIBUTIONS"), orderBy: "COUNT", first: 1000 });
    case "map": return agg({ measure: "INCIDENTS", groupBy: ["VICTIM_COUNTRY"], filter: aggregateFilter(f, "INCIDENTS", focusWhere(focus)), first: 1000 });
    case "lags": {
      const vars = { groupBy: [boxDimension(box)], filter: aggregateFilter(f, "ATTRIBUTIONS", box === "attributing" ? focusWhere(focus) : []), first: BOX_N + 10 };
      const key = JSON.stringify([chart, vars]);
      return vars.filter === null ? none(key) : { key, q: { run: async () => (await gql<{ timeToAttribution: LagAnswer }>(LAGS, vars)).timeToAttribution } };
    }
    case "responses": {
      const vars = { legal: aggregateFilter(f, "LEGAL_RESPONSES", focusWhere(focus)), political: aggregateFilter(f, "POLITICAL_RESPONSES", focusWhere(focus)) };
      const key = JSON.stringify([chart, vars]);
      if (!vars.legal && !vars.political) return none(key);
      const empty: Aggregate = { total: 0, bucketCount: 0, buckets: [] };
      return {
        key, q: {
          run: async () => {
            const got = await gql<ResponsesAnswer>(RESPONSES, { legal: vars.legal ?? {}, political: vars.political ?? {} });
            return { legal: vars.legal ? got.legal : empty, political: vars.political ? got.political : empty };
          },
        },
      };
    }
  }
}

function chartLoaders(store: Store<AppState>) {
  for (const chart of CHARTS) {
    let seq = 0;
    let last: string | null = null;
    store.subscribe((s) => [chartQuery(s, chart)?.key ?? null, s.trends.retries] as const, ([key]) => {
      const s = store.get();
      if (key === null || (key === last && s.trends.charts[chart].status !== "error")) return;
      last = key;
      const mine = ++seq;
      store.update((st) => M.chartStarted(st, chart, key));
      chartQuery(s, chart)!.q.run().then(
        (data) => mine === seq && store.update((st) => M.chartLoaded(st, chart, key, data as ChartData[typeof chart] | null)),
        (e: unknown) => mine === seq && store.update((st) => M.chartFailed(st, chart, key, failure(e))),
      );
    }, shallowEqual);
  }
}

/** othersOf: the series a chart puts in "Other", for a drill-down on it. */
function othersOf(s: AppState, chart: ChartId): Set<string> | null {
  if (chart === "years") {
    const d = s.trends.charts.years.data;
    return d ? yearsStack(d).other : null;
  }
  if (chart === "responses") {
    const d = s.trends.charts.responses.data;
    return d ? responsesStack(d).other : null;
  }
  return new Set();
}

/** drillBase is what a drill-down's ids depend on; null: nothing open, or "Other" waits for its chart. */
function drillBase(s: AppState): string | null {
  const ref = s.view.trends.on ? parseDrill(s.view.trends.open) : null;
  if (!ref) return null;
  const others = ref.keys.includes(OTHER) ? othersOf(s, ref.chart) : new Set<string>();
  if (!others) return null;
  return JSON.stringify([s.view.trends.open, aggregateFilter(s.view.filter, "ATTRIBUTIONS"), s.view.filter.kinds, s.view.trends.focus, s.view.trends.box, [...others]]);
}

async function fetchItems(ids: string[], f: AppState["view"]["filter"]): Promise<DrillItem[]> {
  if (!ids.length) return [];
  const vars: Record<string, unknown> = Object.fromEntries(ids.map((id, i) => [`i${i}`, id]));
  vars.known = f.knownAt || null;
  vars.minConfidence = f.minConfidence;
  const got = await gql<Record<string, DrillItem | null>>(itemsQuery(ids.length), vars);
  return ids.map((id, i) => got[`e${i}`] ?? { id, kind: "", name: id, start: null, end: null, sources: [], relations: [] });
}

function drillLoader(store: Store<AppState>) {
  let seq = 0;
  store.subscribe((s) => [drillBase(s), s.trends.drill.shown, s.trends.retries] as const, ([key, shown]) => {
    if (key === null) return;
    const s = store.get();
    const d = s.trends.drill;
    const mine = ++seq;
    const failed = (e: unknown) => mine === seq && store.update((st) => M.drillFailed(st, key, failure(e)));
    if (d.key === key && d.status === "ok") {
      if (d.items.length >= Math.min(shown, d.ids.length)) return;
      store.update((st) => M.drillStarted(st, key));
      fetchItems(d.ids.slice(d.items.length, shown), s.view.filter).then(
        (more) => mine === seq && store.update((st) => M.drillLoaded(st, key, { ids: d.ids, count: d.count, cut: d.cut, items: [...d.items, ...more] })),
        failed);
      return;
    }
    if (d.key === key && d.status === "loading") return;
    const ref = parseDrill(s.view.trends.open)!;
    const queries = drillQueries(ref, s.view.filter, s.view.trends.focus, s.view.trends.box, othersOf(s, ref.chart) ?? new Set());
    store.update((st) => M.drillStarted(st, key));
    void (async () => {
      const parts = await Promise.all((queries ?? []).map(async (q) => {
        const got = await gql<{ aggregate: { buckets: { keys: { id: string | null }[]; count: number; ids: string[] }[] } }>(DRILL_IDS, q.vars);
        return unionIds(got.aggregate.buckets, q.match);
      }));
      const ids = [...new Set(parts.flatMap((p) => p.ids))].sort();
      const count = parts.reduce((a, p) => a + p.count, 0);
      const cut = parts.some((p) => p.cut);
      const items = await fetchItems(ids.slice(0, M.DRILL_PAGE), s.view.filter);
      if (mine === seq) store.update((st) => M.drillLoaded(st, key, { ids, count, cut, items }));
    })().catch(failed);
  }, shallowEqual);
}

// ---- shaping for the charts ----

function yearsStack(d: Aggregate) {
  const stack = stackByYear("years", [{ prefix: "", agg: d }], TOP, (k) => k.name ?? "");
  return { stack, other: otherSet(stack, [{ prefix: "", agg: d }]) };
}

function responsesStack(d: ResponsesAnswer) {
  const parts = [{ prefix: "legal:", agg: d.legal }, { prefix: "political:", agg: d.political }];
  const stack = stackByYear("responses", parts, TOP, (k) => k.name ?? "");
  return { stack, other: otherSet(stack, parts) };
}

/** otherSet: the series the stack put in "Other" (those of the answer it did not keep). */
function otherSet(stack: Stack, parts: { prefix: string; agg: Aggregate }[]): Set<string> {
  const totals = new Map<string, { name: string; total: number }>();
  for (const { prefix, agg } of parts) {
    for (const b of agg.buckets) {
      if (b.keys[0].id === null) continue;
      const id = b.keys[1].id === null ? NONE : `${prefix}${b.keys[1].id}`;
      totals.set(id, { name: b.keys[1].name ?? "", total: (totals.get(id)?.total ?? 0) + b.count });
    }
  }
  const kept = new Set(stack.series.map((s) => s.id));
  return kept.has(OTHER) ? topSeries(totals, TOP).other : new Set();
}

// ---- names ----

/** Names keys: countries in French when the language is French and the data gives the ISO code. */
class Names {
  private byId = new Map<string, { name: string; iso2: string | null }>();
  constructor(private lang: Lang, private t: T, private none = t.noState) {}
  add(keys: Key[]) {
    for (const k of keys) if (k.id && !this.byId.has(k.id)) this.byId.set(k.id, { name: k.name ?? k.id, iso2: k.entity?.iso2 ?? null });
  }
  /** of names a series or key id: none, Other, a legal action code, a country. */
  of(id: string): string {
    if (id === NONE) return this.none;
    if (id === OTHER) return this.t.other;
    const m = /^(legal|political):(.+)$/.exec(id);
    if (m) return m[1] === "legal" ? `${this.t.legalType[m[2]] ?? m[2].toLowerCase().replace(/_/g, " ")} (${this.t.legal})` : this.of(m[2]);
    const e = this.byId.get(id);
    if (!e) return id;
    if (this.lang === "fr" && e.iso2) return countries.getName(e.iso2, "fr") ?? e.name;
    return e.name;
  }
}

// ---- the view ----

interface ChartBox { section: HTMLElement; head: HTMLElement; status: HTMLElement; body: HTMLElement; legend: HTMLElement; caption: HTMLElement; table: HTMLElement; title: string }

export function startTrends(store: Store<AppState>, root: HTMLElement): void {
  const up: Up = (fn) => store.update(fn);
  chartLoaders(store);
  drillLoader(store);

  const controls = h("div", { class: "trends-controls" });
  const drill = h("section", { id: "trends-drill", class: "trends-drill", "aria-labelledby": "trends-drill-h", hidden: true });
  const boxes = {} as Record<ChartId, ChartBox>;
  for (const chart of CHARTS) {
    const head = h("div", { class: "chart-head" });
    const status = h("p", { class: "chart-status", role: "status" });
    const body = h("div", { class: "chart-body", "data-chart": chart });
    const legend = h("div", { class: "chart-legend" });
    const caption = h("p", { class: "chart-caption" });
    const table = h("div", { class: "chart-table" });
    const section = h("section", { class: "chart", id: `chart-${chart}`, "aria-labelledby": `chart-${chart}-h` }, head, caption, status, legend, body, table);
    boxes[chart] = { section, head, status, body, legend, caption, table, title: "" };
    body.addEventListener("click", (e) => {
      const el = (e.target as Element).closest("[data-drill]");
      if (el) openFrom(el.getAttribute("data-drill")!);
    });
    body.addEventListener("keydown", (e) => {
      const el = (e.target as Element).closest("[data-drill]");
      if (el && (e.key === "Enter" || e.key === " ")) {
        e.preventDefault();
        openFrom(el.getAttribute("data-drill")!);
      }
    });
  }
  root.replaceChildren(h("p", { class: "hint trends-intro", id: "trends-intro" }), controls, ...CHARTS.map((c) => boxes[c].section));

  let focusDrill = false;
  function openFrom(key: string) {
    focusDrill = true;
    up((s) => M.openDrill(s, parseDrill(key)));
  }

  // The width the charts are drawn at: redrawn when it changes.
  let width = 0;
  const measure = () => Math.max(280, Math.min(980, Math.floor(root.clientWidth - 4)));
  let drawn = 0;
  const redraw = () => {
    width = measure();
    drawn++;
    store.update((s) => ({ ...s })); // the subscribers below read the width through their selectors
  };
  new ResizeObserver(() => {
    if (root.clientWidth > 0 && Math.abs(measure() - width) > 24) requestAnimationFrame(redraw);
  }).observe(root);
  width = measure();

  // Controls: the focused attributed state and the box plot's rows.
  store.subscribe((s) => [s.lang, s.view.trends.focus, s.view.trends.box, s.trends.charts.matrix.data, s.view.filter.minConfidence] as const, ([lang, focus, box, m, conf]) => {
    const t = messages[lang].trends;
    $id("trends-intro").textContent = t.intro;
    const names = new Names(lang, t);
    const totals = new Map<string, number>();
    for (const b of m?.buckets ?? []) {
      names.add(b.keys);
      const c = b.keys[1];
      if (c.id) totals.set(c.id, (totals.get(c.id) ?? 0) + b.count);
    }
    const states = [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([id]) => id);
    if (focus && !states.includes(focus)) states.unshift(focus);
    const select = h("select", { id: "trends-focus", onchange: (e: Event) => up((st) => M.setFocus(st, (e.target as HTMLSelectElement).value || null)) },
      h("option", { value: "", selected: !focus }, t.focusAll),
      states.map((id) => h("option", { value: id, selected: id === focus }, `${names.of(id)}${totals.has(id) ? ` (${formatNumber(totals.get(id)!, lang)})` : ""}`)));
    const radio = (v: "attributing" | "attributed", label: string) => h("label", {},
      h("input", { type: "radio", name: "trends-box", value: v, checked: box === v, onchange: () => up((st) => M.setBoxBy(st, v)) }), " ", label);
    controls.replaceChildren(
      conf ? h("p", { class: "note conf-note" }, messages[lang].confidenceHides) : "",
      h("div", { class: "control" }, h("label", { for: "trends-focus" }, t.focus), " ", select),
      h("fieldset", { class: "control" }, h("legend", {}, `${t.lagsTitle}: ${t.boxBy}`), radio("attributing", t.boxAttributing), " ", radio("attributed", t.boxAttributed)));
  }, shallowEqual);

  // The charts.
  for (const chart of CHARTS) {
    store.subscribe((s) => [s.trends.charts[chart], s.lang, s.view.trends.open, s.view.trends.focus, s.view.trends.box, drawn] as const, ([load, lang, open]) => {
      const s = store.get();
      const t = messages[lang].trends;
      const b = boxes[chart];
      drawChart(chart, b, load, s, t, lang, open, width, up);
    }, shallowEqual);
  }

  // The drill-down: under the chart it belongs to.
  store.subscribe((s) => [s.view.trends.open, s.trends.drill, s.lang, s.trends.charts] as const, ([open, d, lang]) => {
    const ref = parseDrill(open);
    if (!ref) {
      drill.hidden = true;
      drill.remove();
      return;
    }
    const s = store.get();
    const t = messages[lang].trends;
    const box = boxes[ref.chart];
    if (drill.parentElement !== box.section) box.section.append(drill);
    drill.hidden = false;
    drawDrill(drill, ref, d, s, t, lang, up);
    if (focusDrill) {
      focusDrill = false;
      drill.scrollIntoView({ block: "nearest" });
      document.getElementById("trends-drill-h")?.focus({ preventScroll: true });
    }
  }, shallowEqual);

  // Escape closes the drill-down.
  root.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && store.get().view.trends.open) {
      e.stopPropagation();
      const chart = parseDrill(store.get().view.trends.open)?.chart;
      up((s) => M.openDrill(s, null));
      if (chart) boxes[chart].body.querySelector<HTMLElement>("[data-drill]")?.focus();
    }
  });
}

const $id = (id: string) => document.getElementById(id)!;

// ---- drawing a chart ----

function drawChart(chart: ChartId, b: ChartBox, load: M.ChartLoad<unknown>, s: AppState, t: T, lang: Lang, open: string | null, width: number, up: Up) {
  const titles: Record<ChartId, string> = { years: t.yearsTitle, matrix: t.matrixTitle, lags: t.lagsTitle, responses: t.responsesTitle, map: t.mapTitle };
  b.title = titles[chart];
  const data = load.data as ChartData[ChartId] | null;
  const total = data === null ? null : chart === "responses" ? (data as ResponsesAnswer).legal.total + (data as ResponsesAnswer).political.total : (data as Aggregate | LagAnswer).total;
  const names = new Names(lang, t, chart === "responses" ? t.noType : t.noState);
  collectNames(names, s);

  const exportButton = (format: "SVG" | "PNG" | "CSV") => h("button", {
    type: "button", class: "small", "data-export": format.toLowerCase(), "aria-label": fill(t.exportOf, { title: b.title, format }),
    disabled: !data || total === 0, onclick: () => void exportChart(chart, b, format, s, t),
  }, format);
  b.head.replaceChildren(
    h("h3", { id: `chart-${chart}-h` }, b.title),
    h("span", { class: "chart-total" }, total === null ? "" : fill(t.total, { n: formatNumber(total, lang) })),
    h("span", { class: "chart-exports" }, exportButton("SVG"), exportButton("PNG"), exportButton("CSV")));
  b.section.setAttribute("aria-busy", String(load.status === "loading"));
  b.section.dataset.status = load.status;

  // Status: loading, failed (with Retry), empty.
  b.status.replaceChildren();
  if (load.status === "loading") b.status.append(t.loading);
  if (load.status === "error") {
    b.status.append(h("span", { class: "failed" }, fill(t.failed, { message: load.error?.storeDown ? messages[lang].storeUnavailable : load.error?.unreachable ? messages[lang].unreachable : load.error?.message ?? "" })), " ",
      h("button", { type: "button", class: "retry", onclick: () => up(M.retryTrends) }, messages[lang].retry));
  }
  const isEmpty = load.status === "ok" && (data === null || total === 0);
  if (isEmpty) b.status.append(data === null ? t.kindsNothing : chart === "map" || chart === "responses" ? t.emptyOther : t.empty);
  b.status.hidden = !b.status.childNodes.length;

  const whats: Record<ChartId, string> = { years: t.yearsWhat, matrix: fill(t.matrixWhat, { n: MATRIX_N }), lags: t.lagsWhat, responses: t.responsesWhat, map: t.mapWhat };
  // The focus (a state held responsible) narrows every chart but the matrix, and the box plot by attributed state.
  const focus = s.view.trends.focus;
  const focused = focus !== null && chart !== "matrix" && !(chart === "lags" && s.view.trends.box === "attributed");
  if (focused) whats[chart] += " " + fill(t.focusNote, { name: names.of(focus) });
  else if (focus !== null) whats[chart] += " " + t.focusNoteMatrix;
  b.caption.textContent = whats[chart];
  if (!data || isEmpty) {
    if (load.status !== "loading") {
      b.body.replaceChildren();
      b.legend.replaceChildren();
      b.table.replaceChildren();
    }
    return;
  }
  const phoneSize = width < 560;
  let drawn: { svg: Element; legend: Node[]; notes: string[]; summary: string; table: HTMLTableElement };
  switch (chart) {
    case "years": drawn = drawStack(yearsStack(data as Aggregate).stack, t, lang, names, width, open, t.attributions, t.yearsSummary); break;
    case "responses": drawn = drawStack(responsesStack(data as ResponsesAnswer).stack, t, lang, names, width, open, t.responses, t.responsesSummary); break;
    case "matrix": drawn = drawMatrix(data as Aggregate, t, lang, names, width, phoneSize ? MATRIX_N_PHONE : MATRIX_N, open); break;
    case "lags": drawn = drawBoxes(data as LagAnswer, t, lang, names, width, open, s.view.trends.box); break;
    case "map": drawn = drawMap(data as Aggregate, t, lang, names, width, open); break;
  }
  // Plot names its groups with aria-label ("bar", "x-axis tick"): a label needs a role.
  drawn.svg.querySelectorAll("g[aria-label]:not([role])").forEach((g) => g.setAttribute("role", "group"));
  const summaryId = `chart-${chart}-summary`;
  drawn.svg.setAttribute("aria-describedby", summaryId);
  b.body.replaceChildren(h("p", { id: summaryId, class: "visually-hidden" }, drawn.summary), drawn.svg);
  b.legend.replaceChildren(...drawn.legend);
  b.legend.hidden = !drawn.legend.length;
  b.caption.replaceChildren(whats[chart], ...drawn.notes.map((n) => [" ", h("span", { class: "note" }, n)]).flat());
  const details = h("details", {}, h("summary", {}, t.dataTable), drawn.table);
  b.table.replaceChildren(details);
}

function collectNames(names: Names, s: AppState) {
  const c = s.trends.charts;
  for (const a of [c.years.data, c.matrix.data, c.map.data, c.responses.data?.legal, c.responses.data?.political, c.lags.data]) {
    for (const b of a?.buckets ?? []) names.add(b.keys);
  }
}

/** hits makes a mark's elements open their drill-down: focusable, named, one per datum, in the index's order. */
function hits<D>(data: D[], label: (d: D) => string, drill: (d: D) => string, open: string | null, selector = "rect, path"): Plot.RenderFunction {
  return (index, scales, values, dims, ctx, next) => {
    const g = next!(index, scales, values, dims, ctx)!;
    const root = g as Element;
    const els = [...root.querySelectorAll(selector)].filter((el) => el.parentNode === root || el.parentNode?.parentNode === root);
    els.forEach((el, i) => {
      const d = data[index[i]];
      if (d === undefined) return;
      const key = drill(d);
      el.setAttribute("tabindex", "0");
      el.setAttribute("role", "button");
      el.setAttribute("aria-label", label(d));
      el.setAttribute("data-drill", key);
      el.classList.add("hit");
      if (key === open) el.classList.add("open");
    });
    return g;
  };
}

function tableOf(head: string[], rows: (string | number)[][], lang: Lang): HTMLTableElement {
  return h("table", { class: "list data" },
    h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c, i) => (typeof c === "number" ? h("td", { class: "num" }, formatNumber(c, lang)) : h("td", {}, i === 0 ? c : name(c, 120))))))));
}

function swatches(items: { colour: string; label: string; shape?: string }[]): Node[] {
  return [h("ul", { class: "swatches" }, items.map((i) => h("li", {}, h("span", { class: `swatch-box ${i.shape ?? ""}`, style: `--c:${i.colour}`, "aria-hidden": "true" }), name(i.label, 60))))];
}

const seriesColour = (ids: string[]) => ids.map((id, i) => (id === OTHER ? OTHER_COLOUR : id === NONE ? NONE_COLOUR : PALETTE[i % PALETTE.length]));

function drawStack(stack: Stack, t: T, lang: Lang, names: Names, width: number, open: string | null, yLabel: string, summary: string) {
  const ids = stack.series.map((s) => s.id);
  const colours = seriesColour(ids);
  const nf = (n: number) => formatNumber(n, lang);
  const every = Math.max(1, Math.ceil(stack.xs.length / Math.max(4, Math.floor((width - 60) / 38))));
  const label = (d: { x: string; series: string; count: number }) => `${d.x} · ${names.of(d.series)}: ${nf(d.count)}`;
  // Counts are whole: under 8, tick each whole number (Plot would tick 0.2, 0.4 ...).
  const heights = new Map<string, number>();
  for (const d of stack.segments) heights.set(d.x, (heights.get(d.x) ?? 0) + d.count);
  const highest = Math.max(0, ...heights.values());
  const svg = Plot.plot({
    width, height: width < 560 ? 260 : 320, marginLeft: 48, marginBottom: 36,
    style: { fontSize: "12px", background: "white" },
    x: { type: "band", domain: stack.xs, label: t.year, labelAnchor: "right", labelOffset: 32, tickFormat: (d: string, i: number) => (i % every ? "" : d), padding: 0.12 },
    y: { label: `↑ ${yLabel}`, grid: true, tickFormat: nf, ticks: highest < 8 ? Array.from({ length: highest + 1 }, (_, i) => i) : undefined },
    color: { domain: ids, range: colours },
    marks: [
      Plot.barY(stack.segments, { x: "x", y: "count", fill: "series", order: ids, title: label, render: hits(stack.segments, label, (d) => d.drill, open) }),
      Plot.ruleY([0]),
    ],
  }) as SVGSVGElement;
  const top = stack.series.filter((s) => s.id !== NONE && s.id !== OTHER).slice(0, 3).map((s) => `${names.of(s.id)} (${nf(s.total)})`).join(", ");
  const drawnTotal = stack.segments.reduce((a, s) => a + s.count, 0);
  return {
    svg,
    legend: swatches(stack.series.map((s, i) => ({ colour: colours[i], label: `${names.of(s.id)} (${nf(s.total)})` }))),
    notes: stack.undated ? [fill(t.undated, { n: nf(stack.undated) })] : [],
    summary: fill(summary, { n: nf(drawnTotal), from: stack.xs[0] ?? "", to: stack.xs[stack.xs.length - 1] ?? "", top }),
    table: tableOf([t.year, "", t.count], stack.segments.map((s) => [s.x, names.of(s.series), s.count]), lang),
  };
}

function drawMatrix(agg: Aggregate, t: T, lang: Lang, names: Names, width: number, n: number, open: string | null) {
  const m = matrix(agg, n);
  const nf = (x: number) => formatNumber(x, lang);
  const phoneSize = width < 560;
  const rowIds = m.rows.map((r) => r.id), colIds = m.cols.map((c) => c.id);
  const label = (c: { row: string; col: string; count: number }) => `${names.of(c.row)} → ${names.of(c.col)}: ${nf(c.count)}`;
  const marginLeft = phoneSize ? 96 : 140;
  const cell = Math.max(24, Math.min(56, Math.floor((width - marginLeft - 50) / colIds.length)));
  const short = (id: string) => clipText(names.of(id), phoneSize ? 13 : 20);
  const logMax = Math.log(m.max + 1);
  const svg = Plot.plot({
    width: marginLeft + cell * colIds.length + 50, height: 110 + cell * rowIds.length, marginLeft, marginTop: 100, marginBottom: 10, marginRight: 50,
    style: { fontSize: phoneSize ? "10px" : "12px", background: "white" },
    x: { domain: colIds, axis: "top", tickRotate: -40, tickFormat: short, label: `${t.attributed} →`, labelAnchor: "right", padding: 0.04 },
    y: { domain: rowIds, tickFormat: short, label: `${t.attributing} ↓`, labelAnchor: "top", padding: 0.04 },
    color: { type: "log", domain: [1, Math.max(2, m.max)], scheme: "blues" },
    marks: [
      Plot.cell(m.cells, { x: "col", y: "row", fill: "count", title: label, inset: 0.5, render: hits(m.cells, label, (d) => d.drill, open) }),
      Plot.text(m.cells, { x: "col", y: "row", text: (d: { count: number }) => nf(d.count), fill: (d: { count: number }) => (Math.log(d.count + 1) > logMax * 0.55 ? "white" : "#111"), pointerEvents: "none" }),
    ],
  }) as SVGSVGElement;
  const top = [...m.cells].sort((a, b) => b.count - a.count)[0];
  return {
    svg,
    legend: [Plot.legend({ color: { type: "log", domain: [1, Math.max(2, m.max)], scheme: "blues", label: t.attributions, tickFormat: (x: number) => (Number.isInteger(Math.log10(x)) ? nf(x) : "") }, width: 270, marginLeft: 10 }) as Node],
    notes: [],
    summary: fill(t.matrixSummary, { rows: m.rows.length, cols: m.cols.length, top: top ? label(top) : "" }),
    table: tableOf([t.attributing, t.attributed, t.count], m.cells.map((c) => [names.of(c.row), names.of(c.col), c.count]), lang),
  };
}

function clipText(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function drawBoxes(ans: LagAnswer, t: T, lang: Lang, names: Names, width: number, open: string | null, box: "attributing" | "attributed") {
  const { rows, unmeasured } = boxRows(ans, BOX_N);
  const nf = (x: number) => formatNumber(x, lang);
  const phoneSize = width < 560;
  const ids = rows.map((r) => r.id);
  const max = Math.max(1, ...rows.map((r) => r.lags.maxDays ?? 0));
  const rowLabel = (r: (typeof rows)[number]) => fill(t.lagsRow, {
    name: names.of(r.id), median: nf(r.lags.median!.days), lower: nf(r.lags.median!.lower), upper: nf(r.lags.median!.upper),
    q1: nf(r.lags.q1!.days), q3: nf(r.lags.q3!.days), measured: nf(r.lags.measured),
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const svg = Plot.plot({
    width, height: 40 + rows.length * 30, marginLeft: phoneSize ? 100 : 150, marginRight: 56, marginBottom: 34,
    style: { fontSize: phoneSize ? "10px" : "12px", background: "white" },
    x: { domain: [0, max], label: `${t.days} →`, grid: true, tickFormat: nf, labelAnchor: "right", ticks: phoneSize ? 4 : 8 },
    y: { domain: ids, tickFormat: (id: string) => clipText(names.of(id), phoneSize ? 14 : 22), label: null, padding: 0.2 },
    marks: [
      Plot.ruleY(rows, { y: "id", x1: (r: (typeof rows)[number]) => r.lags.minDays, x2: (r: (typeof rows)[number]) => r.lags.maxDays, stroke: "#555" }),
      Plot.barX(rows, { y: "id", x1: (r: (typeof rows)[number]) => r.lags.q1!.days, x2: (r: (typeof rows)[number]) => r.lags.q3!.days, fill: "#bcd7ee", stroke: "#2f6a9e", title: rowLabel, render: hits(rows, rowLabel, (r) => r.drill, open) }),
      Plot.barX(rows, { y: "id", x1: (r: (typeof rows)[number]) => r.lags.median!.lower, x2: (r: (typeof rows)[number]) => r.lags.median!.upper, fill: "#f28e2b", fillOpacity: 0.55, insetTop: 7, insetBottom: 7 }),
      Plot.tickX(rows, { y: "id", x: (r: (typeof rows)[number]) => r.lags.median!.days, stroke: "#b30000", strokeWidth: 2.5 }),
      Plot.text(rows, { y: "id", x: () => max, text: (r: (typeof rows)[number]) => `${t.measured}=${nf(r.lags.measured)}`, textAnchor: "start", dx: 6, fill: "#333" }),
    ],
  }) as SVGSVGElement;
  const first = byId.get(ids[0]);
  return {
    svg,
    legend: swatches([
      { colour: "#bcd7ee", label: t.box, shape: "box" }, { colour: "#b30000", label: t.median, shape: "tick" },
      { colour: "#f28e2b", label: t.medianBounds, shape: "band" }, { colour: "#555", label: t.whisker, shape: "rule" },
    ]),
    notes: [`${t.boxBy}: ${box === "attributing" ? t.boxAttributing : t.boxAttributed}.`, ...(unmeasured ? [fill(t.unmeasured, { n: unmeasured })] : [])],
    summary: fill(t.lagsSummary, { n: rows.length, top: first ? rowLabel(first) : "" }),
    table: tableOf(["", "n", "min", "q1", "median", `median (${t.medianBounds})`, "q3", "max"], rows.map((r) => [
      names.of(r.id), r.lags.measured, r.lags.minDays ?? 0, r.lags.q1!.days, r.lags.median!.days, `${nf(r.lags.median!.lower)}–${nf(r.lags.median!.upper)}`, r.lags.q3!.days, r.lags.maxDays ?? 0]), lang),
  };
}

// The world: Natural Earth's countries at 1:110m (world-atlas), keyed by ISO 3166-1 numeric codes.
const topology = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
const COUNTRIES = feature(topology, topology.objects.countries).features;
const NUMERIC = new Set(COUNTRIES.map((f) => String(f.id)));
const numericOf = (iso3: string) => countries.alpha3ToNumeric(iso3) ?? "";

function drawMap(agg: Aggregate, t: T, lang: Lang, names: Names, width: number, open: string | null) {
  const data = mapValues(agg, (iso3) => NUMERIC.has(numericOf(iso3)));
  const nf = (x: number) => formatNumber(x, lang);
  const byNumeric = new Map(data.values.map((v) => [numericOf(v.iso3), v]));
  const withData = COUNTRIES.filter((f) => byNumeric.has(String(f.id)));
  const label = (f: (typeof COUNTRIES)[number]) => {
    const v = byNumeric.get(String(f.id))!;
    return `${names.of(v.id)}: ${nf(v.count)} ${t.incidents.toLowerCase()}`;
  };
  const colour = { type: "log" as const, domain: [1, Math.max(2, data.max)], scheme: "oranges" as const };
  const svg = Plot.plot({
    width, height: Math.round(width * 0.52), projection: { type: "equal-earth", domain: { type: "Sphere" } as unknown as GeoJSON.Geometry },
    style: { background: "white" },
    color: colour,
    marks: [
      Plot.sphere({ fill: "#eef4f8", stroke: "#b8c4ce" }),
      // No ISO code in the data: hatched.
      Plot.geo(COUNTRIES.filter((f) => f.id === undefined), { fill: "#ffffff", stroke: "#666", strokeWidth: 0.5, render: hatch }),
      // In the data, no incident: light grey.
      Plot.geo(COUNTRIES.filter((f) => f.id !== undefined && !byNumeric.has(String(f.id))), { fill: "#e4e4e4", stroke: "#fff", strokeWidth: 0.5 }),
      Plot.geo(withData, { fill: (f: (typeof COUNTRIES)[number]) => byNumeric.get(String(f.id))!.count, stroke: "#fff", strokeWidth: 0.5, title: label, render: hits(withData, label, (f) => byNumeric.get(String(f.id))!.drill, open, "path") }),
    ],
  }) as SVGSVGElement;
  const sorted = [...data.values].sort((a, b) => b.count - a.count);
  const notes: string[] = [];
  if (data.none) notes.push(fill(t.mapNone, { n: nf(data.none) }));
  if (data.unplaced.length) notes.push(fill(t.mapUnplaced, { list: data.unplaced.map((v) => `${names.of(v.id)} (${nf(v.count)})`).join(", ") }));
  return {
    svg,
    legend: [
      Plot.legend({ color: { ...colour, label: t.incidents, tickFormat: (x: number) => (Number.isInteger(Math.log10(x)) ? nf(x) : "") }, width: 270, marginLeft: 10 }) as Node,
      ...swatches([{ colour: "#e4e4e4", label: t.mapZero }, { colour: "#ffffff", label: t.mapNoData, shape: "hatched" }]),
    ],
    notes,
    summary: fill(t.mapSummary, { n: data.values.length, top: sorted.slice(0, 3).map((v) => `${names.of(v.id)} (${nf(v.count)})`).join(", ") }),
    table: tableOf(["", "ISO", t.count], sorted.concat(data.unplaced).map((v) => [names.of(v.id), v.iso3, v.count]), lang),
  };
}

/** hatch fills a mark's paths with diagonal lines (a pattern defined in its own SVG). */
const hatch: Plot.RenderFunction = (index, scales, values, dims, ctx, next) => {
  const g = next!(index, scales, values, dims, ctx)! as SVGGElement;
  const ns = "http://www.w3.org/2000/svg";
  const defs = document.createElementNS(ns, "defs");
  const pattern = document.createElementNS(ns, "pattern");
  for (const [k, v] of [["id", "trends-hatch"], ["width", "4"], ["height", "4"], ["patternUnits", "userSpaceOnUse"], ["patternTransform", "rotate(45)"]]) pattern.setAttribute(k, v);
  const line = document.createElementNS(ns, "line");
  for (const [k, v] of [["x1", "0"], ["y1", "0"], ["x2", "0"], ["y2", "4"], ["stroke", "#888"], ["stroke-width", "1.5"]]) line.setAttribute(k, v);
  pattern.append(line);
  defs.append(pattern);
  g.prepend(defs);
  g.querySelectorAll("path").forEach((p) => p.setAttribute("fill", "url(#trends-hatch)"));
  return g;
};

// ---- the drill-down ----

function drawDrill(el: HTMLElement, ref: DrillRef, d: AppState["trends"]["drill"], s: AppState, t: T, lang: Lang, up: Up) {
  const names = new Names(lang, t, ref.chart === "responses" ? t.noType : t.noState);
  collectNames(names, s);
  const what = ref.keys.map((k) => (/^\d{4}$/.test(k) ? k : names.of(k))).join(" · ");
  const nf = (n: number) => formatNumber(n, lang);
  // The head stays (it holds the focus); what follows is redrawn.
  let head = el.querySelector<HTMLElement>("#trends-drill-h");
  if (!head) {
    head = h("h4", { id: "trends-drill-h", tabindex: "-1" });
    el.replaceChildren(h("div", { class: "drill-head" }, head, h("button", { type: "button", class: "small drill-close", onclick: () => up((st) => M.openDrill(st, null)) })), h("div", { class: "drill-body" }));
  }
  head.replaceChildren(`${t.drillTitle}: `, name(what, 160));
  el.querySelector(".drill-close")!.textContent = t.drillClose;
  const parts: Node[] = [];
  if (d.status === "error") {
    parts.push(h("p", { class: "failed" }, fill(t.failed, { message: d.error?.message ?? "" }), " ", h("button", { type: "button", onclick: () => up(M.retryTrends) }, messages[lang].retry)));
  } else if (d.status === "loading" && !d.items.length) {
    parts.push(h("p", { class: "hint" }, t.loading));
  }
  if (d.status === "ok" || d.items.length) {
    parts.push(h("p", { class: "drill-count" }, fill(t.drillCount, { n: nf(d.count) }),
      d.cut || d.ids.length < d.count ? [" ", h("span", { class: "note" }, fill(t.drillCut, { max: MAX_IDS, shown: nf(d.ids.length), n: nf(d.count) }))] : null));
    if (!d.ids.length && d.status === "ok") parts.push(h("p", { class: "hint" }, t.drillEmpty));
    parts.push(h("ol", { class: "drill-items" }, d.items.slice(0, d.shown).map((it) => drillItem(it, t, lang, up))));
    const left = d.ids.length - d.items.length;
    if (left > 0) {
      parts.push(h("button", { type: "button", class: "link more", disabled: d.status === "loading", onclick: () => up(M.moreItems) },
        d.status === "loading" ? t.loading : fill(t.drillMore, { n: nf(Math.min(M.DRILL_PAGE, left)) })));
    }
  }
  el.querySelector(".drill-body")!.replaceChildren(...parts);
}

const SOURCES_SHOWN = 3; // sources of an item shown before "n more sources"

function drillItem(it: DrillItem, t: T, lang: Lang, up: Up) {
  const date = it.start ? `${formatDate(it.start, lang)}${it.end ? ` – ${formatDate(it.end, lang)}` : ""}` : t.noDate;
  const source = (src: DrillItem["sources"][number]) => {
    const meta = [src.publisher, src.published ? formatDate(src.published, lang) : null].filter((x): x is string => !!x);
    return h("li", { class: "source" },
      src.url ? h("a", { href: src.url, target: "_blank", rel: "noopener noreferrer" }, name(src.title, 100)) : name(src.title, 100),
      meta.length ? [" ", h("span", { class: "meta" }, meta.map((m, i) => [i ? " · " : "", name(m, 120)]))] : null);
  };
  const rest = it.sources.slice(SOURCES_SHOWN);
  const party = (type: string, label: string) => {
    const names = [...new Set(it.relations.filter((r) => r.type === type).map((r) => r.to.name))];
    return names.length ? h("span", { class: "party" }, `${label} `, names.map((n, i) => [i ? ", " : "", name(n, 80)])) : null;
  };
  const parties = [party("ISSUED_BY", t.issuedBy), party("ACCUSES", t.accuses)].filter((p) => p !== null);
  // A state the counts derive rather than read (through a government, or the receiver's), with the claims it follows.
  const derived = (it.attributingStates ?? []).filter((d) => d.rule !== "ISSUED_BY").map((d) =>
    h("li", { class: "derived" }, name(d.country.name, 80), " ", h("span", { class: "meta" }, d.rule === "RECEIVER" ? t.derivedReceiver : t.derivedGovernment), ": ",
      d.via.map((r, i) => [i ? " → " : "", name(r.from.name, 60), " ", h("code", {}, r.type), " ", name(r.to.name, 60), " (",
        r.sources.slice(0, 2).map((src, j) => [j ? ", " : "", src.url ? h("a", { href: src.url, target: "_blank", rel: "noopener noreferrer" }, name(src.title, 60)) : name(src.title, 60)]),
        r.sources.length > 2 ? ` +${r.sources.length - 2}` : "", ")"])));
  return h("li", { class: "drill-item", "data-id": it.id },
    h("div", { class: "drill-line" }, name(it.name, 200), " ", h("span", { class: "dates" }, date), " ",
      h("button", { type: "button", class: "small show-in-graph", onclick: () => up((s) => M.showInGraph(s, it.id, it.name)) }, t.showInGraph)),
    parties.length ? h("div", { class: "drill-parties" }, parties.map((p, i) => [i ? " · " : "", p])) : null,
    derived.length ? h("ul", { class: "drill-derived", "aria-label": t.derivedStates }, derived) : null,
    h("ul", { class: "sources" }, it.sources.slice(0, SOURCES_SHOWN).map(source)),
    rest.length ? h("details", { class: "more-sources" }, h("summary", {}, fill(t.moreSources, { n: rest.length })), h("ul", { class: "sources" }, rest.map(source))) : null);
}

// ---- exports ----

const CSV_OF: Record<ChartId, (d: never, s: AppState) => string> = {
  years: (d: Aggregate) => aggregateCSV(d, ["year", "attributing_country"]),
  matrix: (d: Aggregate) => aggregateCSV(d, ["attributing_country", "attributed_country"]),
  lags: (d: LagAnswer, s) => lagsCSV(d, s.view.trends.box === "attributing" ? "attributing_country" : "attributed_state"),
  responses: (d: ResponsesAnswer) => responsesCSV(d),
  map: (d: Aggregate) => mapCSV(d),
};

/** chartSVG is a chart as one standalone SVG: its title, what it counts, its legend, the drawing. */
function chartSVG(b: ChartBox, t: T): { svg: string; width: number; height: number } {
  const ns = "http://www.w3.org/2000/svg";
  const plot = b.body.querySelector("svg")!;
  const legendSvgs = [...b.legend.querySelectorAll("svg")];
  const sw = [...b.legend.querySelectorAll(".swatches li")];
  const w = Math.max(Number(plot.getAttribute("width")), 320);
  const caption = b.caption.textContent ?? "";
  // The caption, wrapped to the width at about 7 px a character.
  const perLine = Math.max(30, Math.floor((w - 16) / 7));
  const lines: string[] = [];
  let line = "";
  for (const word of caption.split(/\s+/)) {
    if ((line + " " + word).trim().length > perLine) {
      lines.push(line);
      line = word;
    } else line = `${line} ${word}`.trim();
  }
  if (line) lines.push(line);
  const total = b.head.querySelector(".chart-total")?.textContent ?? "";
  const out = document.createElementNS(ns, "svg");
  out.setAttribute("xmlns", ns);
  let y = 24;
  const text = (s: string, x: number, yy: number, size: number, weight = "normal") => {
    const el = document.createElementNS(ns, "text");
    for (const [k, v] of [["x", String(x)], ["y", String(yy)], ["font-size", String(size)], ["font-family", "system-ui, sans-serif"], ["font-weight", weight], ["fill", "#1b1f24"]]) el.setAttribute(k, v);
    el.textContent = s;
    return el;
  };
  const bg = document.createElementNS(ns, "rect");
  bg.setAttribute("fill", "white");
  bg.setAttribute("width", "100%");
  bg.setAttribute("height", "100%");
  out.append(bg, text(`${b.title} — ${total}`, 8, y, 16, "bold"));
  y += 8;
  for (const l of lines) out.append(text(l, 8, (y += 15), 11));
  y += 10;
  let x = 8;
  for (const li of sw) {
    const label = li.textContent ?? "";
    const colour = li.querySelector<HTMLElement>(".swatch-box")?.style.getPropertyValue("--c") || "#ccc";
    const widthOf = 18 + label.length * 6.5;
    if (x + widthOf > w) {
      x = 8;
      y += 18;
    }
    const r = document.createElementNS(ns, "rect");
    for (const [k, v] of [["x", String(x)], ["y", String(y)], ["width", "11"], ["height", "11"], ["fill", colour], ["stroke", "#666"], ["stroke-width", "0.5"]]) r.setAttribute(k, v);
    out.append(r, text(label, x + 15, y + 10, 11));
    x += widthOf + 8;
  }
  if (sw.length) y += 22;
  for (const l of legendSvgs) {
    const c = l.cloneNode(true) as SVGSVGElement;
    c.setAttribute("x", "8");
    c.setAttribute("y", String(y));
    out.append(c);
    y += Number(l.getAttribute("height") ?? 50) + 4;
  }
  const p = plot.cloneNode(true) as SVGSVGElement;
  p.setAttribute("x", "0");
  p.setAttribute("y", String(y));
  p.querySelectorAll(".open").forEach((e) => e.classList.remove("open"));
  out.append(p);
  const height = y + Number(plot.getAttribute("height"));
  out.setAttribute("width", String(w));
  out.setAttribute("height", String(height));
  out.setAttribute("viewBox", `0 0 ${w} ${height}`);
  out.setAttribute("font-family", "system-ui, sans-serif");
  const titleEl = document.createElementNS(ns, "title");
  titleEl.textContent = `${b.title}. ${t.total.replace("{n}", total)}`;
  out.prepend(titleEl);
  return { svg: new XMLSerializer().serializeToString(out), width: w, height };
}

async function exportChart(chart: ChartId, b: ChartBox, format: "SVG" | "PNG" | "CSV", s: AppState, t: T) {
  const file = `attribution-trends-${chart}`;
  if (format === "CSV") {
    const data = s.trends.charts[chart].data;
    if (data) download(`${file}.csv`, "text/csv", CSV_OF[chart](data as never, s));
    return;
  }
  const { svg, width, height } = chartSVG(b, t);
  if (format === "SVG") return download(`${file}.svg`, "image/svg+xml", svg);
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const scale = 2;
    const canvas = document.createElement("canvas");
    canvas.width = width * scale;
    canvas.height = height * scale;
    const ctx = canvas.getContext("2d")!;
    ctx.fillStyle = "white";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    canvas.toBlob((blob) => blob && download(`${file}.png`, "image/png", blob));
  } finally {
    URL.revokeObjectURL(url);
  }
}

// The trends view's pure part: the queries of its charts, the shaping of
// their answers into what the charts draw (series with "Other", the matrix's
// top rows and columns, the box plot's rows, the map's values), what a click
// on a bar, cell, row or country counts (a drill-down reference, kept in the
// URL), and the CSV of each chart. Nothing here touches the DOM or the
// network: trends.ts draws, loads and exports.
import type { Filter, Kind } from "./state";
import { graphFilter } from "./state";
import { csvRows } from "./view";

export type Measure = "ATTRIBUTIONS" | "INCIDENTS" | "LEGAL_RESPONSES" | "POLITICAL_RESPONSES";
export type ChartId = "years" | "matrix" | "lags" | "responses" | "map";
export const CHARTS: ChartId[] = ["years", "matrix", "lags", "responses", "map"];
export type BoxBy = "attributing" | "attributed";

/** The kinds of entity each measure counts (the API refuses a kinds filter that counts nothing). */
export const MEASURE_KINDS: Record<Measure, Kind[]> = {
  ATTRIBUTIONS: ["EVENT"],
  INCIDENTS: ["CAMPAIGN", "EVENT"],
  LEGAL_RESPONSES: ["INDICTMENT"],
  POLITICAL_RESPONSES: ["EVENT"],
};

export interface Key { dimension?: string; id: string | null; name: string | null; entity?: { iso2?: string | null; iso3?: string | null } | null }
export interface Bucket { keys: Key[]; count: number }
export interface Aggregate { total: number; bucketCount: number; buckets: Bucket[] }
export interface Quantile { days: number; lower: number; upper: number }
export interface Lags {
  measured: number; exact: number; wide: number; beforeStart: number; undated: number;
  minDays: number | null; maxDays: number | null; q1: Quantile | null; median: Quantile | null; q3: Quantile | null;
}
export interface LagBucket extends Bucket { lags: Lags }
export interface LagAnswer { total: number; bucketCount: number; wideDays: number; buckets: LagBucket[] }
export interface ResponsesAnswer { legal: Aggregate; political: Aggregate }

/** What each chart's loader hands over. */
export interface ChartData {
  years: Aggregate;
  matrix: Aggregate;
  lags: LagAnswer;
  responses: ResponsesAnswer;
  map: Aggregate;
}

/** The trends view's part of the URL. */
export interface TrendsView {
  on: boolean;           // the trends view is shown (else the graph)
  focus: string | null;  // an attributed state's id: chart 1 and the box plot count its attributions only
  box: BoxBy;            // the box plot's rows
  open: string | null;   // the open drill-down (drillKey)
}

export function defaultTrends(): TrendsView {
  return { on: false, focus: null, box: "attributing", open: null };
}

// ---- queries ----

const KEY = "keys { dimension id name entity { id ... on Country { iso2 iso3 } } }";
export const AGGREGATE = `query Aggregate($measure: AggregateMeasure!, $groupBy: [AggregateDimension!], $filter: AggregateFilter, $orderBy: BucketOrder, $first: Int) {
  aggregate(measure: $measure, groupBy: $groupBy, filter: $filter, orderBy: $orderBy, first: $first) { total bucketCount buckets { ${KEY} count } }
}`;
export const RESPONSES = `query Responses($legal: AggregateFilter, $political: AggregateFilter) {
  legal: aggregate(measure: LEGAL_RESPONSES, groupBy: [YEAR, RESPONSE_TYPE], filter: $legal, first: 1000) { total bucketCount buckets { ${KEY} count } }
  political: aggregate(measure: POLITICAL_RESPONSES, groupBy: [YEAR, RESPONSE_TYPE], filter: $political, first: 1000) { total bucketCount buckets { ${KEY} count } }
}`;
const Q = "days lower upper";
export const LAGS = `query Lags($groupBy: [AggregateDimension!], $filter: AggregateFilter, $first: Int) {
  timeToAttribution(groupBy: $groupBy, filter: $filter, orderBy: COUNT, first: $first) {
    total bucketCount wideDays
    buckets { ${KEY} count lags { measured exact wide beforeStart undated minDays maxDays q1 { ${Q} } median { ${Q} } q3 { ${Q} } } }
  }
}`;
/** The ids of the buckets a drill-down counts; MAX_IDS is the API's limit per bucket. */
export const MAX_IDS = 500;
export const DRILL_IDS = `query DrillIds($measure: AggregateMeasure!, $groupBy: [AggregateDimension!], $filter: AggregateFilter) {
  aggregate(measure: $measure, groupBy: $groupBy, filter: $filter, first: 1000) { buckets { keys { id } count ids(first: ${MAX_IDS}) } }
}`;
const SOURCE = "id title publisher url published";
/** Who issued an act and whom it names: what tells apart the many attributions of one incident. */
const PARTIES = `relations(direction: OUT, types: ["ISSUED_BY", "ACCUSES"], first: 12) { type to { name } }`;
/** The attributing states the aggregates derive for an item, with the claims each follows (Entity.attributingStates). */
const STATES = `attributingStates(knownAt: $known, minConfidence: $minConfidence) { country { name } rule via { type from { name } to { name } sources { title url } } }`;
/**
 * items is one query for a page of entities by id (aliases e0, e1 ...: the
 * server fetches them at once), with the known-at and minimum confidence the
 * counts used ($known, $minConfidence).
 */
export function itemsQuery(n: number): string {
  const vars = [...Array.from({ length: n }, (_, i) => `$i${i}: ID!`), "$known: PartialDate", "$minConfidence: Int"].join(", ");
  const fields = Array.from({ length: n }, (_, i) => `e${i}: entity(id: $i${i}) { id kind name start end sources { ${SOURCE} } ${PARTIES} ${STATES} }`).join("\n  ");
  return `query Items(${vars}) {\n  ${fields}\n}`;
}

/**
 * aggregateFilter is the AggregateFilter of a measure: the explorer's known-at,
 * window, minimum confidence (as graphFilter passes it) and kinds, the kinds
 * narrowed to those the measure counts. null: the kinds filter leaves nothing
 * the measure counts, and the chart is empty without asking.
 */
export function aggregateFilter(f: Filter, measure: Measure, where: { dimension: string; values: string[] }[] = []): Record<string, unknown> | null {
  const g = graphFilter(f);
  const out: Record<string, unknown> = {};
  for (const k of ["from", "to", "knownAt", "minConfidence"] as const) if (g[k] !== undefined) out[k] = g[k];
  if (f.kinds.length) {
    const kinds = f.kinds.filter((k) => MEASURE_KINDS[measure].includes(k));
    if (!kinds.length) return null;
    if (kinds.length < MEASURE_KINDS[measure].length) out.kinds = kinds;
  }
  if (where.length) out.where = where;
  return out;
}

export const focusWhere = (focus: string | null) => (focus ? [{ dimension: "ATTRIBUTED_COUNTRY", values: [focus] }] : []);
export const boxDimension = (by: BoxBy) => (by === "attributing" ? "ATTRIBUTING_COUNTRY" : "ATTRIBUTED_COUNTRY");

// ---- shaping ----

export const NONE = "none";   // the none bucket's series: "No state named", "no type"
export const OTHER = "other"; // the series past the largest

/** A stacked bar's segment: an x (a year), a series, a count, and what a click on it opens. */
export interface Segment { x: string; series: string; count: number; drill: string }
export interface Series { id: string; name: string; total: number }
export interface Stack { segments: Segment[]; series: Series[]; xs: string[]; undated: number; total: number; bucketCount: number }

/**
 * topSeries ranks the series by their total: the few largest keep their
 * colour, the rest is "Other" (only when more than one would be in it), and
 * the none bucket stays apart, last.
 */
export function topSeries(totals: Map<string, { name: string; total: number }>, n: number): { kept: Series[]; other: Set<string> } {
  const ranked = [...totals].filter(([id]) => id !== NONE).map(([id, v]) => ({ id, ...v }))
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
  const cut = ranked.length <= n + 1 ? ranked.length : n;
  return { kept: ranked.slice(0, cut), other: new Set(ranked.slice(cut).map((s) => s.id)) };
}

/**
 * stackByYear shapes buckets keyed by [YEAR, series] into stacked bars: one
 * segment per year and kept series, "Other" and the none series. Undated
 * buckets are not drawn, only counted. The years run without gaps.
 */
export function stackByYear(chart: ChartId, parts: { prefix: string; agg: Aggregate }[], n: number, seriesName: (k: Key, prefix: string) => string): Stack {
  const totals = new Map<string, { name: string; total: number }>();
  const rows: { year: string | null; series: string; count: number }[] = [];
  let undated = 0, total = 0, bucketCount = 0;
  for (const { prefix, agg } of parts) {
    total += agg.total;
    bucketCount += agg.bucketCount;
    for (const b of agg.buckets) {
      const [y, s] = b.keys;
      const series = s.id === null ? NONE : `${prefix}${s.id}`;
      if (y.id === null) {
        undated += b.count;
        continue;
      }
      rows.push({ year: y.id, series, count: b.count });
      const t = totals.get(series) ?? { name: s.id === null ? "" : seriesName(s, prefix), total: 0 };
      t.total += b.count;
      totals.set(series, t);
    }
  }
  const { kept, other } = topSeries(totals, n);
  const series: Series[] = [...kept];
  if (other.size) series.push({ id: OTHER, name: "", total: [...other].reduce((a, id) => a + totals.get(id)!.total, 0) });
  if (totals.has(NONE)) series.push({ id: NONE, name: "", total: totals.get(NONE)!.total });
  const sum = new Map<string, number>();
  for (const r of rows) {
    const sid = other.has(r.series) ? OTHER : r.series;
    const k = `${r.year}\u0000${sid}`;
    sum.set(k, (sum.get(k) ?? 0) + r.count);
  }
  const order = new Map(series.map((s, i) => [s.id, i]));
  const segments = [...sum].map(([k, count]) => {
    const [x, s] = k.split("\u0000");
    return { x, series: s, count, drill: drillKey({ chart, keys: [x, s] }) };
  }).sort((a, b) => a.x.localeCompare(b.x) || order.get(a.series)! - order.get(b.series)!);
  const years = segments.map((s) => Number(s.x));
  const xs: string[] = [];
  if (years.length) for (let y = Math.min(...years); y <= Math.max(...years); y++) xs.push(String(y));
  return { segments, series, xs, undated, total, bucketCount };
}

/** The matrix: the n largest attributing countries by n largest attributed states (and the none row and column). */
export interface Matrix { rows: Series[]; cols: Series[]; cells: { row: string; col: string; count: number; drill: string }[]; total: number; bucketCount: number; max: number }

export function matrix(agg: Aggregate, n: number): Matrix {
  const rowT = new Map<string, { name: string; total: number }>(), colT = new Map<string, { name: string; total: number }>();
  const id = (k: Key) => k.id ?? NONE;
  for (const b of agg.buckets) {
    const [r, c] = b.keys;
    for (const [m, k] of [[rowT, r], [colT, c]] as const) {
      const t = m.get(id(k)) ?? { name: k.name ?? "", total: 0 };
      t.total += b.count;
      m.set(id(k), t);
    }
  }
  const pick = (m: Map<string, { name: string; total: number }>) => {
    const kept = [...m].filter(([k]) => k !== NONE).map(([k, v]) => ({ id: k, ...v }))
      .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name)).slice(0, n);
    if (m.has(NONE)) kept.push({ id: NONE, name: "", total: m.get(NONE)!.total });
    return kept;
  };
  const rows = pick(rowT), cols = pick(colT);
  const rs = new Set(rows.map((r) => r.id)), cs = new Set(cols.map((c) => c.id));
  const cells = agg.buckets.filter((b) => rs.has(id(b.keys[0])) && cs.has(id(b.keys[1])))
    .map((b) => ({ row: id(b.keys[0]), col: id(b.keys[1]), count: b.count, drill: drillKey({ chart: "matrix", keys: [id(b.keys[0]), id(b.keys[1])] }) }));
  return { rows, cols, cells, total: agg.total, bucketCount: agg.bucketCount, max: Math.max(0, ...cells.map((c) => c.count)) };
}

/** A box plot's row: a country's lags (those with something measured), and what it opens. */
export interface BoxRow { id: string; name: string; count: number; lags: Lags; drill: string }

export function boxRows(ans: LagAnswer, n: number): { rows: BoxRow[]; unmeasured: number } {
  const all = ans.buckets.map((b) => ({ id: b.keys[0].id ?? NONE, name: b.keys[0].name ?? "", count: b.count, lags: b.lags, drill: drillKey({ chart: "lags", keys: [b.keys[0].id ?? NONE] }) }));
  const rows = all.filter((r) => r.lags.measured > 0 && r.lags.q1 && r.lags.median && r.lags.q3).slice(0, n);
  return { rows, unmeasured: all.filter((r) => r.lags.measured === 0).length };
}

/** The map's values: incidents by victim country, by ISO 3166-1 alpha-3 code, and what the map cannot place. */
export interface MapValue { id: string; name: string; iso3: string; count: number; drill: string }
export interface MapData { values: MapValue[]; none: number; unplaced: MapValue[]; total: number; max: number }

export function mapValues(agg: Aggregate, placeable: (iso3: string) => boolean): MapData {
  let none = 0;
  const values: MapValue[] = [], unplaced: MapValue[] = [];
  for (const b of agg.buckets) {
    const k = b.keys[0];
    if (k.id === null) {
      none += b.count;
      continue;
    }
    const v = { id: k.id, name: k.name ?? k.id, iso3: k.entity?.iso3 ?? "", count: b.count, drill: drillKey({ chart: "map", keys: [k.id] }) };
    (v.iso3 && placeable(v.iso3) ? values : unplaced).push(v);
  }
  unplaced.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  return { values, none, unplaced, total: agg.total, max: Math.max(0, ...values.map((v) => v.count)) };
}

// ---- drill-down references ----

/** A drill-down: a chart and its keys ("none" for the none bucket, "other" for "Other"). */
export interface DrillRef { chart: ChartId; keys: string[] }

/** drillKey writes a reference for the URL: "years|2021|united-states". */
export function drillKey(r: DrillRef): string {
  return [r.chart, ...r.keys].join("|");
}

export function parseDrill(s: string | null): DrillRef | null {
  if (!s) return null;
  const [chart, ...keys] = s.split("|");
  const arity: Record<ChartId, number> = { years: 2, matrix: 2, lags: 1, responses: 2, map: 1 };
  if (!(CHARTS as string[]).includes(chart) || keys.length !== arity[chart as ChartId] || keys.some((k) => !k)) return null;
  return { chart: chart as ChartId, keys };
}

/**
 * drillQueries are the aggregates whose buckets hold what a drill-down
 * counts: the chart's measure and grouping, its filter narrowed by a where
 * condition on each plain key, and which of each answer's buckets match. An
 * "Other" key matches the series outside the chart's largest (others); the
 * responses' "Other" and none series span both measures, so two queries.
 * null: the reference names nothing this view can count.
 */
export function drillQueries(r: DrillRef, f: Filter, focus: string | null, box: BoxBy, others: Set<string>):
  { vars: Record<string, unknown>; match: (keys: (string | null)[]) => boolean }[] | null {
  const one = (measure: Measure, groupBy: string[], keys: string[], base: { dimension: string; values: string[] }[], prefix = "") => {
    let where = base;
    groupBy.forEach((d, i) => {
      if (keys[i] !== NONE && keys[i] !== OTHER) where = [...where, { dimension: d, values: [keys[i]] }];
    });
    const filter = aggregateFilter(f, measure, where);
    const match = (got: (string | null)[]) => keys.every((k, i) => {
      const v = got[i];
      if (k === NONE) return v === null;
      if (k === OTHER) return v !== null && others.has(`${i === keys.length - 1 ? prefix : ""}${v}`);
      return v === k;
    });
    return filter ? [{ vars: { measure, groupBy, filter }, match }] : [];
  };
  switch (r.chart) {
    case "years": return one("ATTRIBUTIONS", ["YEAR", "ATTRIBUTING_COUNTRY"], r.keys, focusWhere(focus));
    case "matrix": return one("ATTRIBUTIONS", ["ATTRIBUTING_COUNTRY", "ATTRIBUTED_COUNTRY"], r.keys, []);
    case "lags": return one("ATTRIBUTIONS", [boxDimension(box)], r.keys, box === "attributing" ? focusWhere(focus) : []);
    case "map": return one("INCIDENTS", ["VICTIM_COUNTRY"], r.keys, focusWhere(focus));
    case "responses": {
      const [year, series] = r.keys;
      const m = /^(legal|political):(.+)$/.exec(series);
      const groupBy = ["YEAR", "RESPONSE_TYPE"];
      const base = focusWhere(focus);
      if (m) return one(m[1] === "legal" ? "LEGAL_RESPONSES" : "POLITICAL_RESPONSES", groupBy, [year, m[2]], base, `${m[1]}:`);
      if (series !== NONE && series !== OTHER) return null;
      return [...one("LEGAL_RESPONSES", groupBy, r.keys, base, "legal:"), ...one("POLITICAL_RESPONSES", groupBy, r.keys, base, "political:")];
    }
  }
}

/** unionIds merges the ids of the matching buckets, each once, in id order. */
export function unionIds(buckets: { keys: { id: string | null }[]; count: number; ids: string[] }[], match: (keys: (string | null)[]) => boolean): { ids: string[]; count: number; cut: boolean } {
  const ids = new Set<string>();
  let count = 0, cut = false;
  for (const b of buckets) {
    if (!match(b.keys.map((k) => k.id))) continue;
    count += b.count;
    if (b.ids.length < b.count) cut = true;
    b.ids.forEach((id) => ids.add(id));
  }
  return { ids: [...ids].sort(), count, cut };
}

// ---- CSV: one row per bucket ----

const keyCells = (k: Key) => [k.id ?? "", k.name ?? ""];

export function aggregateCSV(agg: Aggregate, columns: string[]): string {
  const rows = [[...columns.flatMap((c) => [`${c}_id`, c]), "count"]];
  for (const b of agg.buckets) rows.push([...b.keys.flatMap(keyCells), String(b.count)]);
  return csvRows(rows);
}

export function responsesCSV(ans: ResponsesAnswer): string {
  const rows = [["measure", "year", "response_type", "count"]];
  for (const [measure, agg] of [["LEGAL_RESPONSES", ans.legal], ["POLITICAL_RESPONSES", ans.political]] as const) {
    for (const b of agg.buckets) rows.push([measure, b.keys[0].id ?? "", b.keys[1].id ?? "", String(b.count)]);
  }
  return csvRows(rows);
}

export function lagsCSV(ans: LagAnswer, column: string): string {
  const q = (name: string) => [`${name}_days`, `${name}_lower`, `${name}_upper`];
  const rows = [[`${column}_id`, column, "count", "measured", "exact", "wide", "before_start", "undated", "min_days", ...q("q1"), ...q("median"), ...q("q3"), "max_days"]];
  const num = (v: number | null | undefined) => (v === null || v === undefined ? "" : String(v));
  for (const b of ans.buckets) {
    const l = b.lags;
    const qs = [l.q1, l.median, l.q3].flatMap((x) => [num(x?.days), num(x?.lower), num(x?.upper)]);
    rows.push([...keyCells(b.keys[0]), String(b.count), String(l.measured), String(l.exact), String(l.wide), String(l.beforeStart), String(l.undated), num(l.minDays), ...qs, num(l.maxDays)]);
  }
  return csvRows(rows);
}

export function mapCSV(agg: Aggregate): string {
  const rows = [["victim_country_id", "victim_country", "iso3", "count"]];
  for (const b of agg.buckets) rows.push([...keyCells(b.keys[0]), b.keys[0].entity?.iso3 ?? "", String(b.count)]);
  return csvRows(rows);
}

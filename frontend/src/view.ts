// Mapping from what the API returns to what the views draw. Pure functions, unit-tested.
import type { Kind } from "./state";

export interface Source { id: string; title: string; publisher: string | null; url: string | null; published: string | null; language: string | null }
export interface Attribute { key: string; value: string }
export interface Entity {
  id: string; kind: Kind; name: string; aliases: string[]; description: string | null;
  start: string | null; end: string | null; attributes: Attribute[]; sources: Source[];
  brief?: boolean; // read without its aliases, description, attributes and sources (fromBrief)
  group?: GroupInfo; // a group node (groupFocus), not an entity
}
export interface Relation {
  id: string; type: string; role: string | null; start: string | null; end: string | null;
  confidence: number | null; description: string | null;
  from: { id: string; name?: string }; to: { id: string; name?: string }; sources: Source[];
  brief?: boolean; // read without its description and sources (fromBrief)
  group?: GroupInfo; // the edge to a group node (groupFocus), not a claim
}
export interface Dataset { id: string; name: string; version: string | null }
export interface RelationTypeInfo { name: string; meaning: string }
export interface RelationCount { type: string; direction: "IN" | "OUT"; count: number; atLeast: boolean }
/** A relation with the names of both ends, as the details and paths ask for it. */
export type NamedRelation = Relation & { from: { id: string; name: string }; to: { id: string; name: string } };
/** An entity with everything the details panel shows. */
export type Detail = Entity & Record<string, unknown> & {
  alternatives: { field: string; value: string; sources: Source[] }[];
  relations: NamedRelation[];
  relationCounts: RelationCount[];
};
export interface PathResult { length: number; nodes: Entity[]; edges: NamedRelation[] }

/**
 * origin names the datasets a claim comes from: those whose source it cites,
 * by id or by an id that starts with the dataset's id and a dot. None: the
 * claim is from the curated data.
 */
export function origin(sources: Source[], datasets: Dataset[]): string[] {
  return datasets
    .filter((d) => sources.some((s) => s.id === d.id || s.id.startsWith(`${d.id}.`)))
    .map((d) => (d.version && !d.name.endsWith(d.version) ? `${d.name} ${d.version}` : d.name));
}

export interface Subgraph { truncated: boolean; nodes: Entity[]; edges: Relation[] }

/** A node or edge as BRIEF_NEIGHBORHOOD gives it: what the graph draws. */
export type BriefEntity = Pick<Entity, "id" | "kind" | "name" | "start" | "end">;
export type BriefRelation = Omit<Relation, "description" | "sources">;

/**
 * fromBrief fills a brief subgraph's missing fields as empty and marks its
 * edges brief: a claim's view reads such an edge whole before showing it.
 */
export function fromBrief(sub: { truncated: boolean; nodes: BriefEntity[]; edges: BriefRelation[] }): Subgraph {
  return {
    truncated: sub.truncated,
    nodes: sub.nodes.map((n) => ({ aliases: [], description: null, attributes: [], sources: [], ...n, brief: true })),
    edges: sub.edges.map((e) => ({ description: null, sources: [], ...e, brief: true })),
  };
}
export interface TimelineItem {
  id: string; date: string; end: string | null; title: string;
  entity: { id: string; kind?: Kind } | null; sources: Source[];
  relation: { id: string; type?: string; from: { id: string; name?: string }; to: { id: string; name?: string } } | null;
}

export type Shape = "circle" | "square" | "ring";

/** How each kind is drawn: colours that stay apart for common colour blindness, and three shapes. */
export const KIND_STYLE: Record<Kind, { color: string; shape: Shape }> = {
  THREAT_ACTOR: { color: "#d62728", shape: "circle" },
  ORGANIZATION: { color: "#1f77b4", shape: "circle" },
  PERSON: { color: "#ff7f0e", shape: "circle" },
  COUNTRY: { color: "#2ca02c", shape: "square" },
  SECTOR: { color: "#17becf", shape: "square" },
  IP_CATEGORY: { color: "#bcbd22", shape: "square" },
  MALWARE: { color: "#9467bd", shape: "ring" },
  TECHNIQUE: { color: "#8c564b", shape: "ring" },
  VULNERABILITY: { color: "#e377c2", shape: "ring" },
  CAMPAIGN: { color: "#7f7f7f", shape: "square" },
  INDICTMENT: { color: "#393b79", shape: "ring" },
  EVENT: { color: "#637939", shape: "circle" },
};

export interface NodeView { key: string; label: string; kind: Kind; color: string; shape: Shape; size: number; group?: GroupInfo }
export interface EdgeView { key: string; source: string; target: string; label: string; confidence: number | null }

/** toGraph maps a subgraph to nodes and edges for the graph view; a node's size grows with its degree. */
export function toGraph(sub: Subgraph): { nodes: NodeView[]; edges: EdgeView[] } {
  const degree = new Map<string, number>();
  for (const e of sub.edges) {
    degree.set(e.from.id, (degree.get(e.from.id) ?? 0) + 1);
    degree.set(e.to.id, (degree.get(e.to.id) ?? 0) + 1);
  }
  const ids = new Set(sub.nodes.map((n) => n.id));
  return {
    nodes: sub.nodes.map((n) => ({
      key: n.id, label: n.name, kind: n.kind, color: KIND_STYLE[n.kind].color, shape: KIND_STYLE[n.kind].shape,
      size: n.group ? 6 + Math.min(10, Math.sqrt(n.group.count)) : 4 + Math.min(12, Math.sqrt(degree.get(n.id) ?? 0) * 2),
      ...(n.group ? { group: n.group } : {}),
    })),
    edges: sub.edges
      .filter((e) => ids.has(e.from.id) && ids.has(e.to.id))
      .map((e) => ({ key: e.id, source: e.from.id, target: e.to.id, label: e.type, confidence: e.confidence })),
  };
}

/** interval is the first and last day a PartialDate covers, as UTC dates; the end is exclusive. */
export function interval(date: string): { start: Date; end: Date; precision: "year" | "month" | "day" } {
  const [y, m, d] = date.split("-").map(Number);
  if (m === undefined) return { start: utc(y, 0, 1), end: utc(y + 1, 0, 1), precision: "year" };
  if (d === undefined) return { start: utc(y, m - 1, 1), end: utc(y, m, 1), precision: "month" };
  return { start: utc(y, m - 1, d), end: utc(y, m - 1, d + 1), precision: "day" };
}

function utc(y: number, m: number, d: number): Date {
  return new Date(Date.UTC(y, m, d));
}

/** A timeline item ready for vis-timeline, but for its content and tooltip, which the timeline builds as DOM from text and tooltip. */
export interface TimelineView {
  /** A claim's parts: its ends' names and its type in words, each shown apart (names isolated). */
  parts: [string, string, string] | null;
  id: string; text: string; tooltip: string; start: Date; end?: Date; type: "point" | "range";
  className: string; entityIds: string[]; group: TimelineGroup; precision: "year" | "month" | "day";
}

/** The timeline's rows: events and legal actions, campaigns, and dated claims. */
export const TIMELINE_GROUPS = ["events", "campaigns", "claims"] as const;
export type TimelineGroup = (typeof TIMELINE_GROUPS)[number];

/**
 * timelineView maps timeline items for vis-timeline. A day without an end is a
 * point; anything vaguer, or with an end, is drawn as the range it covers, so
 * that "2021" spans the year instead of sitting on 1 January.
 */
export function timelineView(items: TimelineItem[], formatDate: (d: string) => string = (d) => d, relType: (t: string) => string = (t) => t): TimelineView[] {
  return items.map((it) => {
    const r = it.relation;
    // A claim's title in the language: its ends' names and its type in words.
    const title = r?.type && r.from.name !== undefined && r.to.name !== undefined ? `${r.from.name} ${relType(r.type)} ${r.to.name}` : it.title;
    const first = interval(it.date);
    const last = it.end ? interval(it.end) : first;
    const isPoint = first.precision === "day" && !it.end;
    const shown = it.end ? `${formatDate(it.date)} – ${formatDate(it.end)}` : formatDate(it.date);
    return {
      parts: r?.type && r.from.name !== undefined && r.to.name !== undefined ? [r.from.name, relType(r.type), r.to.name] : null,
      id: it.id, text: title, start: first.start, ...(isPoint ? {} : { end: last.end }),
      type: isPoint ? "point" : "range", className: `precision-${first.precision}${it.end ? " span" : ""}`,
      precision: first.precision, tooltip: `${title} (${shown})`,
      entityIds: it.entity ? [it.entity.id] : it.relation ? [it.relation.from.id, it.relation.to.id] : [],
      group: it.relation ? "claims" : it.entity?.kind === "CAMPAIGN" ? "campaigns" : "events",
    };
  });
}

/**
 * FORMULA_START matches the start of a cell a spreadsheet may read as a
 * formula (OWASP's CSV injection list): = + - @, their fullwidth forms
 * ＝ ＋ － ＠, or a tab, carriage return or line feed, each also after any
 * leading whitespace (spaces, no-break and ideographic spaces, BOM).
 */
const FORMULA_START = /^[\s\u00a0\u3000\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20\t\r\n]/;

/**
 * csvField quotes a CSV cell. A cell that a spreadsheet would read as a
 * formula (see FORMULA_START) gets a leading quote and is shown as text:
 * names come from public sources.
 */
export function csvField(s: string): string {
  const safe = FORMULA_START.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** csvRows writes rows of cells as CSV, each cell through csvField. */
export function csvRows(rows: string[][]): string {
  return rows.map((r) => r.map(csvField).join(",")).join("\n") + "\n";
}

/** timelineCSV is the timeline as CSV, one row per item, with its sources. */
export function timelineCSV(items: TimelineItem[]): string {
  const rows = [["id", "date", "end", "title", "sources"]];
  for (const it of items) {
    const sources = it.sources.map((s) => [s.title, s.publisher, s.published, s.url].filter(Boolean).join(", ")).join(" | ");
    rows.push([it.id, it.date, it.end ?? "", it.title, sources]);
  }
  return csvRows(rows);
}

/** subgraphJSON is the visible subgraph with every claim's sources, for export. */
export function subgraphJSON(sub: Subgraph, filter: unknown): string {
  return JSON.stringify({ exported: new Date().toISOString(), filter, nodes: sub.nodes, edges: sub.edges }, null, 2);
}

/** groupByType groups an entity's relations by type, types in name order. */
export function groupByType(relations: Relation[]): [string, Relation[]][] {
  const groups = new Map<string, Relation[]>();
  for (const r of relations) groups.set(r.type, [...(groups.get(r.type) ?? []), r]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** mergeSubgraphs unions subgraphs by id. */
export function mergeSubgraphs(parts: Subgraph[]): Subgraph {
  const nodes = new Map<string, Entity>();
  const edges = new Map<string, Relation>();
  for (const p of parts) {
    p.nodes.forEach((n) => nodes.set(n.id, n));
    p.edges.forEach((e) => edges.set(e.id, e));
  }
  return { truncated: parts.some((p) => p.truncated), nodes: [...nodes.values()], edges: [...edges.values()] };
}

/**
 * publicBy reports whether one of the sources was certainly public by
 * knownAt (by its last day, for a month or a year), as the API counts it: a
 * source dated "2021-07" counts from 31 July, "2021" from 31 December. An
 * empty knownAt keeps everything; an undated source is never certainly public.
 */
export function publicBy(sources: Source[], knownAt: string): boolean {
  if (!knownAt) return true;
  const limit = interval(knownAt).end.getTime();
  return sources.some((s) => !!s.published && interval(s.published).end.getTime() <= limit);
}

/** The event types of public acts, and what an act says (graph.PublicActEventTypes, PublicActRelationTypes). */
export const PUBLIC_ACT_EVENT_TYPES = ["ATTRIBUTION", "STATEMENT", "ADVISORY", "POLITICAL_RESPONSE", "LEGAL_ACTION", "COMMITMENT", "DISCLOSURE"];
export const PUBLIC_ACT_RELATION_TYPES = ["ISSUED_BY", "ACCUSES", "CONCERNS", "CHARGES"];

/**
 * actDate is the date from which a public act is known by itself, as the
 * API counts it (graph.ActKnownFrom): an attribution, a statement … from its
 * own date, an indictment from its "unsealed" attribute or else its date;
 * null for anything else, or an undated act.
 */
export function actDate(e: Pick<Entity, "kind" | "start" | "attributes"> | null | undefined): string | null {
  if (!e) return null;
  const attr = (k: string) => e.attributes.find((a) => a.key === k)?.value ?? "";
  if (e.kind === "INDICTMENT") {
    const unsealed = attr("unsealed");
    if (unsealed && isPartialDateLike(unsealed)) return unsealed;
  } else if (e.kind !== "EVENT" || !PUBLIC_ACT_EVENT_TYPES.includes(attr("event_type"))) {
    return null;
  }
  return e.start || null;
}

const isPartialDateLike = (s: string) => /^\d{4}(-\d{2}(-\d{2})?)?$/.test(s);

/**
 * knownBy reports whether a claim was known by knownAt, as the API counts
 * it: one of its sources certainly public by then (publicBy), or, for a
 * public act (act) and what it says (relType among
 * PUBLIC_ACT_RELATION_TYPES, act its "from" end), the act's own date by
 * then ("2018" from 31 December).
 */
export function knownBy(sources: Source[], knownAt: string, act?: Pick<Entity, "kind" | "start" | "attributes"> | null, relType?: string): boolean {
  if (publicBy(sources, knownAt)) return true;
  if (relType !== undefined && !PUBLIC_ACT_RELATION_TYPES.includes(relType)) return false;
  const own = actDate(act);
  return !!own && publicBy([{ published: own } as Source], knownAt);
}

/** A group node: several neighbours of one entity by one relation type, drawn as one node until opened. */
export interface GroupInfo { of: string; type: string; dir: "OUT" | "IN"; count: number; more: boolean; kind: Kind }

/** GROUP_MAX: a relation type with more neighbours than this is drawn as one group node. */
export const GROUP_MAX = 8;

export const isGroup = (id: string) => id.startsWith("group:");

/**
 * groupFocus draws an entity's neighbourhood small: the neighbours of each
 * relation type and direction, when there are more than max of them, become
 * one group node ("31 techniques") joined to the entity by one edge; the
 * types in open, and the neighbours keep() keeps (already shown by other
 * means), stay whole. more says the neighbourhood was cut (the counts are
 * then at least). name names a group.
 */
export function groupFocus(sub: Subgraph, centre: string, open: (type: string) => boolean, keep: (id: string) => boolean,
  name: (g: GroupInfo) => string, max = GROUP_MAX): Subgraph & { groups: GroupInfo[] } {
  const byId = new Map(sub.nodes.map((n) => [n.id, n]));
  const groups = new Map<string, { type: string; dir: "OUT" | "IN"; others: Set<string>; edges: Relation[] }>();
  for (const e of sub.edges) {
    if (e.from.id !== centre && e.to.id !== centre) continue;
    const dir = e.from.id === centre ? "OUT" : "IN";
    const other = dir === "OUT" ? e.to.id : e.from.id;
    const key = `${e.type}:${dir}`;
    const g = groups.get(key) ?? { type: e.type, dir, others: new Set<string>(), edges: [] };
    g.others.add(other);
    g.edges.push(e);
    groups.set(key, g);
  }
  const hidden = new Set<string>();
  const hiddenEdges = new Set<string>();
  const nodes: Entity[] = [];
  const edges: Relation[] = [];
  const infos: GroupInfo[] = [];
  for (const [key, g] of groups) {
    const folded = [...g.others].filter((id) => !keep(id) && id !== centre);
    if (open(g.type) || folded.length <= max) continue;
    const kinds = new Map<Kind, number>();
    for (const id of folded) {
      const k = byId.get(id)?.kind;
      if (k) kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
    const kind = [...kinds].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "ORGANIZATION";
    const info: GroupInfo = { of: centre, type: g.type, dir: g.dir, count: folded.length, more: sub.truncated, kind };
    infos.push(info);
    const id = `group:${centre}:${key}`;
    for (const o of folded) hidden.add(o);
    for (const e of g.edges) hiddenEdges.add(e.id);
    nodes.push({ id, kind, name: name(info), aliases: [], description: null, start: null, end: null, attributes: [], sources: [], brief: true, group: info });
    edges.push({ id: `${id}:edge`, type: g.type, role: null, start: null, end: null, confidence: null, description: null,
      from: { id: g.dir === "OUT" ? centre : id }, to: { id: g.dir === "OUT" ? id : centre }, sources: [], brief: true, group: info });
  }
  // A folded neighbour stays when it is joined to the entity otherwise too (another type shown whole).
  for (const e of sub.edges) {
    if (hiddenEdges.has(e.id)) continue;
    if (e.from.id === centre) hidden.delete(e.to.id);
    if (e.to.id === centre) hidden.delete(e.from.id);
  }
  return {
    truncated: false,
    nodes: [...sub.nodes.filter((n) => !hidden.has(n.id)), ...nodes],
    edges: [...sub.edges.filter((e) => !hiddenEdges.has(e.id) && !hidden.has(e.from.id) && !hidden.has(e.to.id)), ...edges],
    groups: infos,
  };
}

/** sourcesText is a claim's sources in one CSV field: title, publisher, date, URL; " | " between them. */
const sourcesText = (sources: Source[]) => sources.map((s) => [s.title, s.publisher, s.published, s.url].filter(Boolean).join(", ")).join(" | ");

/** nodesCSV is the entities on screen, one row each, with their sources. */
export function nodesCSV(sub: Subgraph): string {
  return csvRows([["id", "name", "kind", "start", "end", "aliases", "sources"],
    ...sub.nodes.map((n) => [n.id, n.name, n.kind, n.start ?? "", n.end ?? "", n.aliases.join(" | "), sourcesText(n.sources)])]);
}

/** edgesCSV is the claims on screen, one row each, with their sources. */
export function edgesCSV(sub: Subgraph): string {
  return csvRows([["id", "from", "type", "to", "role", "start", "end", "confidence", "description", "sources"],
    ...sub.edges.map((e) => [e.id, e.from.id, e.type, e.to.id, e.role ?? "", e.start ?? "", e.end ?? "",
      e.confidence === null ? "" : String(e.confidence), e.description ?? "", sourcesText(e.sources)])]);
}

/** xml escapes text for an XML attribute, and drops the characters XML 1.0 cannot hold. */
function xml(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/**
 * gexf is the graph on screen as GEXF 1.3, which Gephi opens: each entity
 * with its kind, dates, sources, colour and position on screen; each claim
 * with its type, confidence, dates and sources.
 */
export function gexf(sub: Subgraph, positions: Record<string, { x: number; y: number }> = {}, date = new Date().toISOString().slice(0, 10)): string {
  const att = (id: string, v: string | null | undefined) => (v ? `<attvalue for="${id}" value="${xml(v)}"/>` : "");
  const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
  const ids = new Set(sub.nodes.map((n) => n.id));
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.3">`,
    `  <meta lastmodifieddate="${xml(date)}"><creator>Attribution explorer</creator><description>The graph on screen, each claim with its sources</description></meta>`,
    `  <graph defaultedgetype="directed" mode="static">`,
    `    <attributes class="node"><attribute id="kind" title="kind" type="string"/><attribute id="start" title="start" type="string"/><attribute id="end" title="end" type="string"/><attribute id="sources" title="sources" type="string"/></attributes>`,
    `    <attributes class="edge"><attribute id="type" title="type" type="string"/><attribute id="confidence" title="confidence" type="integer"/><attribute id="start" title="start" type="string"/><attribute id="end" title="end" type="string"/><attribute id="sources" title="sources" type="string"/></attributes>`,
    `    <nodes>`,
    ...sub.nodes.map((n) => {
      const [r, g, b] = hex(KIND_STYLE[n.kind].color);
      const p = positions[n.id];
      return `      <node id="${xml(n.id)}" label="${xml(n.name)}"><attvalues>${att("kind", n.kind)}${att("start", n.start)}${att("end", n.end)}${att("sources", sourcesText(n.sources))}</attvalues>` +
        `<viz:color r="${r}" g="${g}" b="${b}"/>${p ? `<viz:position x="${+p.x.toFixed(4)}" y="${+p.y.toFixed(4)}" z="0"/>` : ""}</node>`;
    }),
    `    </nodes>`,
    `    <edges>`,
    ...sub.edges.filter((e) => ids.has(e.from.id) && ids.has(e.to.id)).map((e) =>
      `      <edge id="${xml(e.id)}" source="${xml(e.from.id)}" target="${xml(e.to.id)}" label="${xml(e.type)}"><attvalues>${att("type", e.type)}${e.confidence === null ? "" : att("confidence", String(e.confidence))}${att("start", e.start)}${att("end", e.end)}${att("sources", sourcesText(e.sources))}</attvalues></edge>`),
    `    </edges>`,
    `  </graph>`,
    `</gexf>`,
  ];
  return lines.join("\n") + "\n";
}

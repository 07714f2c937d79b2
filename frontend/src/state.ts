// The explorer's state, and its encoding in the URL so that a view can be shared.
import { defaultTrends, parseDrill, type TrendsView } from "./trends-data";

export const KINDS = [
  "THREAT_ACTOR", "ORGANIZATION", "PERSON", "COUNTRY", "SECTOR", "IP_CATEGORY",
  "MALWARE", "TECHNIQUE", "VULNERABILITY", "CAMPAIGN", "INDICTMENT", "EVENT",
] as const;
export type Kind = (typeof KINDS)[number];

export interface Filter {
  kinds: Kind[];          // empty: every kind
  relationTypes: string[]; // empty: every type
  minConfidence: number | null;
  from: string;           // PartialDate or ""
  to: string;
  knownAt: string;
}

export const LABEL_DENSITIES = ["few", "some", "many"] as const;
export type LabelDensity = (typeof LABEL_DENSITIES)[number];

/** The shareable part of the explorer's state: what the URL holds. */
export interface State {
  selected: string | null;   // entity id
  edge: string | null;       // relation id: the claim shown in the details
  // What the graph shows beyond the selection, in order: "apt40" is every
  // relation within two hops, "apt40:USES" its USES relations (one hop).
  expanded: string[];
  filter: Filter;
  path: { from: string; to: string } | null;
  lang: "en" | "fr" | null;  // null: from the browser
  labels: LabelDensity;
  trends: TrendsView;        // the trends view: shown or not, its focus, box plot rows, open drill-down
  compare: string[];         // actors side by side (two or more: the comparison is shown)
}

/** An expansion: an entity and the one relation type it expands, or null for all of them. */
export interface Expansion { id: string; type: string | null }

const TYPE = /^[A-Z][A-Z_]*$/;

export function parseExpansion(s: string): Expansion {
  const i = s.lastIndexOf(":");
  if (i > 0 && TYPE.test(s.slice(i + 1))) return { id: s.slice(0, i), type: s.slice(i + 1) };
  return { id: s, type: null };
}

export function expansionKey(e: Expansion): string {
  return e.type ? `${e.id}:${e.type}` : e.id;
}

// Nothing is expanded at first: the landing view shows one story, small and
// labelled (effects.ts LANDING_ENTITY), and the stories to start from.
export const DEFAULT_EXPANDED: string[] = [];

export function emptyFilter(): Filter {
  return { kinds: [], relationTypes: [], minConfidence: null, from: "", to: "", knownAt: "" };
}

export function defaultState(): State {
  return { selected: null, edge: null, expanded: [...DEFAULT_EXPANDED], filter: emptyFilter(), path: null, lang: null, labels: "some", trends: defaultTrends(), compare: [] };
}

const DATE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;

/** isPartialDate accepts "2021", "2021-07" and "2021-07-19". */
export function isPartialDate(s: string): boolean {
  return DATE.test(s);
}

/** toQuery encodes the state as URL search parameters; defaults are left out. */
export function toQuery(s: State): string {
  const p = new URLSearchParams();
  if (s.selected) p.set("sel", s.selected);
  if (s.edge) p.set("rel", s.edge);
  if (s.expanded.join(",") !== DEFAULT_EXPANDED.join(",")) p.set("exp", s.expanded.join(","));
  const f = s.filter;
  if (f.kinds.length) p.set("kinds", f.kinds.join(","));
  if (f.relationTypes.length) p.set("types", f.relationTypes.join(","));
  if (f.minConfidence !== null) p.set("conf", String(f.minConfidence));
  if (f.from) p.set("from", f.from);
  if (f.to) p.set("to", f.to);
  if (f.knownAt) p.set("known", f.knownAt);
  if (s.path) p.set("path", `${s.path.from},${s.path.to}`);
  if (s.compare.length) p.set("cmp", s.compare.join(","));
  if (s.lang) p.set("lang", s.lang);
  if (s.labels !== "some") p.set("labels", s.labels);
  if (s.trends.on) {
    p.set("view", "trends");
    if (s.trends.focus) p.set("focus", s.trends.focus);
    if (s.trends.box !== "attributing") p.set("box", s.trends.box);
    if (s.trends.open) p.set("open", s.trends.open);
  }
  return p.toString();
}

/** shareQuery is the query of a shared link: the view, with the language it is shown in. */
export function shareQuery(s: State, shown: "en" | "fr"): string {
  return toQuery({ ...s, lang: s.lang ?? shown });
}

const list = (v: string | null) => (v ? v.split(",").filter(Boolean) : []);

/** fromQuery decodes what toQuery wrote; anything malformed is ignored, not trusted. */
export function fromQuery(query: string): State {
  const p = new URLSearchParams(query);
  const s = defaultState();
  s.selected = p.get("sel") || null;
  s.edge = p.get("rel") || null;
  if (p.has("exp")) s.expanded = list(p.get("exp"));
  s.compare = list(p.get("cmp")).slice(0, 4);
  s.filter.kinds = list(p.get("kinds")).filter((k): k is Kind => (KINDS as readonly string[]).includes(k));
  s.filter.relationTypes = list(p.get("types")).filter((t) => TYPE.test(t));
  const conf = Number(p.get("conf"));
  if (p.has("conf") && Number.isInteger(conf) && conf >= 0 && conf <= 100) s.filter.minConfidence = conf;
  for (const [key, field] of [["from", "from"], ["to", "to"], ["known", "knownAt"]] as const) {
    const v = p.get(key) ?? "";
    if (isPartialDate(v)) s.filter[field] = v;
  }
  const path = list(p.get("path"));
  if (path.length === 2) s.path = { from: path[0], to: path[1] };
  const lang = p.get("lang");
  if (lang === "en" || lang === "fr") s.lang = lang;
  const labels = p.get("labels");
  if ((LABEL_DENSITIES as readonly string[]).includes(labels ?? "")) s.labels = labels as LabelDensity;
  if (p.get("view") === "trends") {
    const focus = p.get("focus") ?? "";
    s.trends = {
      on: true,
      focus: /^[\w.:-]{1,200}$/.test(focus) ? focus : null,
      box: p.get("box") === "attributed" ? "attributed" : "attributing",
      open: parseDrill(p.get("open")) ? p.get("open") : null,
    };
  }
  return s;
}

/**
 * graphFilter is the GraphFilter argument of the API, without empty fields.
 * A minimum confidence of 0 asks for nothing: every stated confidence is at
 * least 0, and the API drops the claims that state none for any minimum, so
 * 0 would hide them and keep nothing else out (the explorer says so above 0).
 */
export function graphFilter(f: Filter): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (f.kinds.length) out.kinds = f.kinds;
  if (f.relationTypes.length) out.relationTypes = f.relationTypes;
  if (f.minConfidence) out.minConfidence = f.minConfidence;
  if (f.from) out.from = f.from;
  if (f.to) out.to = f.to;
  if (f.knownAt) out.knownAt = f.knownAt;
  return out;
}

/** timelineFilter is the TimelineFilter argument: the graph filter but for relation types. */
export function timelineFilter(f: Filter): Record<string, unknown> {
  const out = graphFilter(f);
  delete out.relationTypes;
  return out;
}

// Two or more actors side by side (issue #20): their techniques with the
// overlap, their victims (countries, sectors, organisations, directly or
// through the campaigns they conducted), who accused them and when, and the
// exports (CSV, an ATT&CK Navigator layer). The pure part; panels.ts draws it.
import type { Kind } from "./state";
import { csvRows } from "./view";

/** COMPARE reads one actor's relations, and the victims of the campaigns it conducted (small pages: the API bounds a query's cost). */
export const COMPARE = `query Compare($id: ID!) {
  entity(id: $id) {
    id name kind
    relations(first: 500) { type from { id name kind start } to { id name kind attributes { key value } } }
    campaigns: relations(direction: OUT, types: ["CONDUCTED"], first: 100) {
      to { id relations(direction: OUT, types: ["TARGETED"], first: 100) { to { id name kind } } }
    }
  }
}`;

interface End { id: string; name: string; kind: Kind; start?: string | null; attributes?: { key: string; value: string }[] }
export interface CompareEntity {
  id: string; name: string; kind: Kind; relations: { type: string; from: End; to: End }[];
  campaigns?: { to: { id: string; relations: { to: End }[] } }[];
}

/** A row of the comparison: a thing, and for each actor whether it is theirs. */
export interface Row { id: string; name: string; kind: Kind; by: boolean[]; note: string }
export interface Comparison { actors: { id: string; name: string }[]; techniques: Row[]; victims: Row[]; accusers: Row[] }

/** compareActors lines the actors up: shared rows first, then by name. */
export function compareActors(actors: CompareEntity[]): Comparison {
  const n = actors.length;
  const tables = { techniques: new Map<string, Row>(), victims: new Map<string, Row>(), accusers: new Map<string, Row>() };
  const mark = (table: Map<string, Row>, e: End, i: number, note: string) => {
    const row = table.get(e.id) ?? { id: e.id, name: e.name, kind: e.kind, by: Array<boolean>(n).fill(false), note };
    row.by[i] = true;
    table.set(e.id, row);
  };
  actors.forEach((a, i) => {
    for (const r of a.relations) {
      const out = r.from.id === a.id;
      if (out && r.type === "USES" && r.to.kind === "TECHNIQUE") mark(tables.techniques, r.to, i, r.to.attributes?.find((x) => x.key === "mitre_attack_id")?.value ?? "");
      if (out && r.type === "TARGETED") mark(tables.victims, r.to, i, "");
      if (!out && r.type === "ACCUSES") mark(tables.accusers, r.from, i, r.from.start ?? "");
    }
    for (const c of a.campaigns ?? []) for (const t of c.to.relations) mark(tables.victims, t.to, i, "");
  });
  const order = (rows: Row[]) => rows.sort((a, b) => b.by.filter(Boolean).length - a.by.filter(Boolean).length || a.name.localeCompare(b.name));
  return {
    actors: actors.map((a) => ({ id: a.id, name: a.name })),
    techniques: order([...tables.techniques.values()]),
    victims: order([...tables.victims.values()]),
    accusers: [...tables.accusers.values()].sort((a, b) => a.note.localeCompare(b.note) || a.name.localeCompare(b.name)),
  };
}

/** compareCSV is the comparison as CSV: one row per technique, victim or accuser, a column per actor. */
export function compareCSV(c: Comparison): string {
  const rows = [["table", "id", "name", "kind", "attack_id_or_date", ...c.actors.map((a) => a.name)]];
  for (const [table, list] of [["technique", c.techniques], ["victim", c.victims], ["accuser", c.accusers]] as const) {
    for (const r of list) rows.push([table, r.id, r.name, r.kind, r.note, ...r.by.map((b) => (b ? "yes" : ""))]);
  }
  return csvRows(rows);
}

/**
 * navigatorLayer is an ATT&CK Navigator layer (format 4.5) of the actors'
 * techniques: each technique scored by who uses it (1: the first actor, 2:
 * the second, 3: both ...: a bit per actor), with a legend.
 */
export function navigatorLayer(c: Comparison): string {
  const colours = ["#66b1ff", "#ff6666", "#8ec843", "#ffd166"];
  const names = c.actors.map((a) => a.name);
  return JSON.stringify({
    name: names.join(" vs "),
    versions: { layer: "4.5", navigator: "5.1.0" },
    domain: "enterprise-attack",
    description: `Techniques of ${names.join(", ")} (score: a bit per actor, in this order), from the Attribution explorer`,
    techniques: c.techniques.filter((t) => t.note).map((t) => ({
      techniqueID: t.note,
      score: t.by.reduce((s, b, i) => s + (b ? 1 << i : 0), 0),
      comment: names.filter((_, i) => t.by[i]).join(", "),
      enabled: true,
    })),
    gradient: { colors: ["#ffffff", "#66b1ff", "#ff6666", "#a64ca6"], minValue: 0, maxValue: (1 << c.actors.length) - 1 },
    legendItems: [
      ...names.map((name, i) => ({ label: `${name} only`, color: colours[i % colours.length] })),
      ...(names.length > 1 ? [{ label: "shared", color: "#a64ca6" }] : []),
    ],
  }, null, 2);
}

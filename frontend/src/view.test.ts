import { describe, expect, it } from "vitest";
import { edgesCSV, fromBrief, gexf, groupByType, groupFocus, nodesCSV, interval, mergeSubgraphs, origin, timelineCSV, timelineView, toGraph, type Relation, type Subgraph, type TimelineItem } from "./view";

const src = { id: "s1", title: "Report, \"quoted\"", publisher: "DoJ", url: "https://example.org", published: "2021-07-19", language: "en" };
const entity = (id: string, kind: "THREAT_ACTOR" | "COUNTRY" = "THREAT_ACTOR") =>
  ({ id, kind, name: id.toUpperCase(), aliases: [], description: null, start: null, end: null, attributes: [], sources: [src] });
const relation = (id: string, from: string, to: string, type = "TARGETED"): Relation =>
  ({ id, type, role: null, start: null, end: null, confidence: 85, description: null, from: { id: from }, to: { id: to }, sources: [src] });

describe("graph mapping", () => {
  it("styles nodes by kind and drops edges to nodes not shown", () => {
    const sub: Subgraph = { truncated: false, nodes: [entity("apt40"), entity("norway", "COUNTRY")], edges: [relation("r1", "apt40", "norway"), relation("r2", "apt40", "elsewhere")] };
    const g = toGraph(sub);
    expect(g.nodes.map((n) => [n.key, n.shape])).toEqual([["apt40", "circle"], ["norway", "square"]]);
    expect(g.edges).toEqual([{ key: "r1", source: "apt40", target: "norway", label: "TARGETED", confidence: 85 }]);
    expect(g.nodes[0].size).toBeGreaterThan(4);
  });

  it("merges subgraphs by id", () => {
    const a: Subgraph = { truncated: false, nodes: [entity("a"), entity("b")], edges: [relation("r1", "a", "b")] };
    const b: Subgraph = { truncated: true, nodes: [entity("b"), entity("c")], edges: [relation("r1", "a", "b"), relation("r2", "b", "c")] };
    const m = mergeSubgraphs([a, b]);
    expect(m.nodes.map((n) => n.id)).toEqual(["a", "b", "c"]);
    expect(m.edges.map((e) => e.id)).toEqual(["r1", "r2"]);
    expect(m.truncated).toBe(true);
  });

  it("groups relations by type", () => {
    const groups = groupByType([relation("r1", "a", "b", "USES"), relation("r2", "a", "c", "CHARGES"), relation("r3", "a", "d", "USES")]);
    expect(groups.map(([t, rs]) => [t, rs.length])).toEqual([["CHARGES", 1], ["USES", 2]]);
  });
});

describe("timeline mapping", () => {
  const item = (id: string, date: string, end: string | null = null): TimelineItem =>
    ({ id, date, end, title: `<b>${id}</b>`, entity: { id }, relation: null, sources: [src] });

  it("draws each date at its precision", () => {
    expect(interval("2021")).toMatchObject({ precision: "year", start: new Date("2021-01-01T00:00:00Z"), end: new Date("2022-01-01T00:00:00Z") });
    expect(interval("2021-02")).toMatchObject({ precision: "month", end: new Date("2021-03-01T00:00:00Z") });
    const [year, day, span] = timelineView([item("y", "2021"), item("d", "2021-07-19"), item("s", "2011", "2018")]);
    expect(year).toMatchObject({ type: "range", className: "precision-year", end: new Date("2022-01-01T00:00:00Z") });
    expect(day).toMatchObject({ type: "point", className: "precision-day" });
    expect(day.end).toBeUndefined();
    expect(span).toMatchObject({ type: "range", start: new Date("2011-01-01T00:00:00Z"), end: new Date("2019-01-01T00:00:00Z") });
    // Titles stay text: the timeline makes them text nodes, never HTML.
    expect(year.text).toBe("<b>y</b>");
    expect(day.tooltip).toBe("<b>d</b> (2021-07-19)");
    expect(timelineView([item("m", "2021-07")], (d) => `[${d}]`)[0].tooltip).toBe("<b>m</b> ([2021-07])");
    expect(year.group).toBe("events");
    const [claim] = timelineView([{ ...item("r", "2021"), entity: null, relation: { id: "r", from: { id: "a" }, to: { id: "b" } } }]);
    expect(claim).toMatchObject({ group: "claims", entityIds: ["a", "b"] });
    const named = { ...item("r", "2021"), entity: null, relation: { id: "r", type: "ATTRIBUTED_TO", from: { id: "a", name: "APT31" }, to: { id: "b", name: "MSS" } } };
    expect(timelineView([named], undefined, (t) => (t === "ATTRIBUTED_TO" ? "attribué à" : t))[0].text).toBe("APT31 attribué à MSS");
  });

  it("exports CSV with quoting and sources", () => {
    const csv = timelineCSV([item("e1", "2021-07-19")]);
    expect(csv).toBe('id,date,end,title,sources\ne1,2021-07-19,,<b>e1</b>,"Report, ""quoted"", DoJ, 2021-07-19, https://example.org"\n');
  });
});

describe("known at", () => {
  const dated = (published: string | null) => ({ ...src, published });
  it("follows the server's rule", async () => {
    const { publicBy } = await import("./view");
    // A source dated "2021-07" counts from 31 July; "2020" from 31 December 2020.
    expect(publicBy([dated("2021-07")], "2021-07-20")).toBe(false);
    expect(publicBy([dated("2021-07")], "2021-07-31")).toBe(true);
    expect(publicBy([dated("2021-07")], "2021-07")).toBe(true);
    expect(publicBy([dated("2021-07-20")], "2021-07-20")).toBe(true);
    expect(publicBy([dated("2020")], "2020-12-30")).toBe(false);
    expect(publicBy([dated("2021-07-21")], "2021-07-20")).toBe(false);
    expect(publicBy([dated("2021-07-21"), dated("2020")], "2021-01")).toBe(true);
    expect(publicBy([dated(null)], "2030")).toBe(false);
    expect(publicBy([dated(null)], "")).toBe(true);
  });

  it("knows a public act from its own date, and what it says (graph.ActKnownFrom)", async () => {
    const { knownBy, actDate } = await import("./view");
    const late = [dated("2023")];
    const att = { kind: "EVENT" as const, start: "2018", attributes: [{ key: "event_type", value: "ATTRIBUTION" }] };
    expect(actDate(att)).toBe("2018");
    expect(knownBy(late, "2018-12-30", att)).toBe(false);
    expect(knownBy(late, "2018-12-31", att)).toBe(true); // a year counts from 31 December
    expect(knownBy(late, "2018-12-31", att, "ISSUED_BY")).toBe(true);
    expect(knownBy(late, "2018-12-31", att, "TARGETED")).toBe(false);
    const intrusion = { kind: "EVENT" as const, start: "2018-01-02", attributes: [{ key: "event_type", value: "INTRUSION" }] };
    expect(knownBy(late, "2020", intrusion)).toBe(false);
    const indictment = { kind: "INDICTMENT" as const, start: "2021-05", attributes: [{ key: "unsealed", value: "2021-07-16" }] };
    expect(knownBy(late, "2021-07-15", indictment)).toBe(false);
    expect(knownBy(late, "2021-07-16", indictment, "CHARGES")).toBe(true);
  });
});

describe("origin", () => {
  const s = (id: string) => ({ id, title: id, publisher: null, url: null, published: null, language: null });
  const datasets = [{ id: "mitre-attack-enterprise-18.1", name: "MITRE ATT&CK Enterprise", version: "18.1" }, { id: "eurepoc-1.1", name: "EuRepoC Global Database 1.1", version: "1.1" }];
  it("names the datasets a claim cites, by id or by a record of theirs", () => {
    expect(origin([s("mitre-attack-enterprise-18.1.created-2017-05-31"), s("doj-2021")], datasets)).toEqual(["MITRE ATT&CK Enterprise 18.1"]);
    expect(origin([s("eurepoc-1.1"), s("mitre-attack-enterprise-18.1")], datasets)).toEqual(["MITRE ATT&CK Enterprise 18.1", "EuRepoC Global Database 1.1"]);
  });
  it("names none for curated claims, and is not fooled by a shared prefix", () => {
    expect(origin([s("doj-2021"), s("eurepoc-1.10")], datasets)).toEqual([]);
  });
});

describe("fromBrief", () => {
  it("fills what the brief graph leaves out and marks it brief", () => {
    const sub = fromBrief({
      truncated: true,
      nodes: [{ id: "apt40", kind: "THREAT_ACTOR", name: "APT40", start: null, end: null }],
      edges: [{ id: "r1", type: "TARGETED", role: null, start: "2021", end: null, confidence: 80, from: { id: "apt40" }, to: { id: "norway" } }],
    });
    expect(sub.truncated).toBe(true);
    expect(sub.nodes[0]).toMatchObject({ id: "apt40", aliases: [], sources: [], description: null, brief: true });
    expect(sub.edges[0]).toMatchObject({ id: "r1", confidence: 80, sources: [], description: null, brief: true });
  });
});

describe("groupFocus", () => {
  const ent = (id: string, kind: "THREAT_ACTOR" | "TECHNIQUE" | "COUNTRY") => ({ id, kind, name: id, aliases: [], description: null, start: null, end: null, attributes: [], sources: [] });
  const rel = (id: string, type: string, from: string, to: string) => ({ id, type, role: null, start: null, end: null, confidence: null, description: null, from: { id: from }, to: { id: to }, sources: [] });
  const techniques = Array.from({ length: 31 }, (_, i) => ent(`t${i}`, "TECHNIQUE"));
  const sub = {
    truncated: false,
    nodes: [ent("apt31", "THREAT_ACTOR"), ent("france", "COUNTRY"), ...techniques],
    edges: [rel("r-fr", "TARGETED", "apt31", "france"), ...techniques.map((t, i) => rel(`u${i}`, "USES", "apt31", t.id))],
  };
  const name = (g: { count: number }) => `${g.count} techniques`;
  it("folds a type with more neighbours than the maximum into one labelled group node", () => {
    const out = groupFocus(sub, "apt31", () => false, () => false, name);
    expect(out.nodes.map((n) => n.id).sort()).toEqual(["apt31", "france", "group:apt31:USES:OUT"]);
    expect(out.nodes.find((n) => n.group)?.name).toBe("31 techniques");
    expect(out.groups).toEqual([{ of: "apt31", type: "USES", dir: "OUT", count: 31, more: false, kind: "TECHNIQUE" }]);
    expect(out.edges.map((e) => [e.from.id, e.to.id])).toEqual([["apt31", "france"], ["apt31", "group:apt31:USES:OUT"]]);
  });
  it("keeps a type whole once opened, and what is shown otherwise", () => {
    expect(groupFocus(sub, "apt31", (t) => t === "USES", () => false, name).nodes).toHaveLength(33);
    expect(groupFocus(sub, "apt31", () => false, (id) => id !== "t0", name).nodes).toHaveLength(33 - 0); // one folded: under the maximum
  });
});

describe("exports of the graph on screen", () => {
  const ent = (id: string, name: string) => ({ id, kind: "THREAT_ACTOR" as const, name, aliases: [], description: null, start: "2021", end: null, attributes: [], sources: [] });
  const sub = {
    truncated: false,
    nodes: [ent("a", `<img src=x onerror="1">&'`), ent("b", "=cmd|' /C calc'!A0")],
    edges: [{ id: "r1", type: "TARGETED", role: null, start: "2021-07", end: null, confidence: 80, description: null, from: { id: "a" }, to: { id: "b" },
      sources: [{ id: "s", title: "Report", publisher: "DoJ", url: "https://example.org", published: "2021-07-19", language: "en" }] }],
  };
  it("writes GEXF that escapes names and keeps each claim's sources", () => {
    const x = gexf(sub, { a: { x: 1, y: 2 } }, "2026-12-08");
    expect(x).toContain(`label="&lt;img src=x onerror=&quot;1&quot;&gt;&amp;&apos;"`);
    expect(x).not.toContain("<img");
    expect(x).toContain(`<edge id="r1" source="a" target="b" label="TARGETED">`);
    expect(x).toContain(`value="Report, DoJ, 2021-07-19, https://example.org"`);
    expect(x).toContain(`<viz:position x="1" y="2" z="0"/>`);
    expect(x.match(/<node /g)).toHaveLength(2);
  });
  it("writes nodes and claims as CSV, safe against formulas", () => {
    expect(nodesCSV(sub).split("\n")[0]).toBe("id,name,kind,start,end,aliases,sources");
    expect(nodesCSV(sub)).toContain("b,'=cmd|' /C calc'!A0,");
    expect(edgesCSV(sub)).toContain("r1,a,TARGETED,b,,2021-07,,80,,");
  });
});

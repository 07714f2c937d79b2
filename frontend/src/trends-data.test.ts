import { describe, expect, it } from "vitest";
import { defaultState, emptyFilter, fromQuery, toQuery } from "./state";
import {
  aggregateCSV, aggregateFilter, boxRows, drillKey, drillQueries, lagsCSV, mapValues, matrix, NONE, OTHER, parseDrill, stackByYear, topSeries, unionIds,
  type Aggregate, type LagAnswer,
} from "./trends-data";
import { csvField } from "./view";

const k = (id: string | null, name = id) => ({ id, name });
const agg = (buckets: [(string | null)[], number][], total = buckets.reduce((a, [, c]) => a + c, 0)): Aggregate =>
  ({ total, bucketCount: buckets.length, buckets: buckets.map(([keys, count]) => ({ keys: keys.map((x) => k(x)), count })) });

describe("series and Other", () => {
  it("keeps the largest, puts the rest in Other and the none bucket apart", () => {
    const totals = new Map([["us", { name: "US", total: 10 }], ["ru", { name: "RU", total: 5 }], ["uk", { name: "UK", total: 2 }], ["ca", { name: "CA", total: 1 }], [NONE, { name: "", total: 99 }]]);
    const { kept, other } = topSeries(totals, 2);
    expect(kept.map((s) => s.id)).toEqual(["us", "ru"]);
    expect([...other]).toEqual(["uk", "ca"]);
  });
  it("makes no Other of a single series", () => {
    const totals = new Map([["us", { name: "US", total: 10 }], ["ru", { name: "RU", total: 5 }], ["uk", { name: "UK", total: 2 }]]);
    expect(topSeries(totals, 2).other.size).toBe(0);
  });
  it("stacks buckets by year: Other summed, none last, undated counted, years without gaps", () => {
    const a = agg([[["2019", "us"], 3], [["2019", null], 7], [["2021", "ru"], 2], [["2021", "uk"], 1], [["2021", "ca"], 1], [[null, "us"], 4]]);
    const s = stackByYear("years", [{ prefix: "", agg: a }], 1, (x) => x.name ?? "");
    expect(s.series.map((x) => [x.id, x.total])).toEqual([["us", 3], [OTHER, 4], [NONE, 7]]);
    expect(s.segments.map((x) => [x.x, x.series, x.count])).toEqual([["2019", "us", 3], ["2019", NONE, 7], ["2021", OTHER, 4]]);
    expect(s.xs).toEqual(["2019", "2020", "2021"]);
    expect(s.undated).toBe(4);
    expect(s.segments[2].drill).toBe("years|2021|other");
  });
  it("prefixes the series of each measure", () => {
    const s = stackByYear("responses", [{ prefix: "legal:", agg: agg([[["2022", "LAW_ENFORCEMENT"], 2]]) }, { prefix: "political:", agg: agg([[["2022", "EU: Stabilizing"], 1]]) }], 5, (x) => x.name ?? "");
    expect(s.series.map((x) => x.id)).toEqual(["legal:LAW_ENFORCEMENT", "political:EU: Stabilizing"]);
    expect(s.total).toBe(3);
  });
});

describe("matrix, box plot and map", () => {
  it("keeps the n largest rows and columns and the none ones", () => {
    const m = matrix(agg([[["us", "cn"], 5], [["us", "ru"], 3], [["uk", "ru"], 2], [[null, "cn"], 9], [["fr", "ir"], 1]]), 2);
    expect(m.rows.map((r) => r.id)).toEqual(["us", "uk", NONE]);
    expect(m.cols.map((c) => c.id)).toEqual(["cn", "ru"]);
    expect(m.cells.map((c) => c.drill)).toEqual(["matrix|us|cn", "matrix|us|ru", "matrix|uk|ru", "matrix|none|cn"]);
    expect(m.max).toBe(9);
  });
  it("draws the rows with something measured", () => {
    const q = { days: 1, lower: 0, upper: 2 };
    const lags = (measured: number) => ({ measured, exact: 0, wide: 0, beforeStart: 0, undated: 0, minDays: measured ? 0 : null, maxDays: measured ? 9 : null, q1: measured ? q : null, median: measured ? q : null, q3: measured ? q : null });
    const ans: LagAnswer = { total: 3, bucketCount: 2, wideDays: 31, buckets: [{ keys: [k("us")], count: 2, lags: lags(2) }, { keys: [k(null)], count: 1, lags: lags(0) }] };
    const { rows, unmeasured } = boxRows(ans, 10);
    expect(rows.map((r) => r.drill)).toEqual(["lags|us"]);
    expect(unmeasured).toBe(1);
    expect(lagsCSV(ans, "attributing_country").split("\n")[1]).toBe("us,us,2,2,0,0,0,0,0,1,0,2,1,0,2,1,0,2,9");
  });
  it("places countries by ISO code and says what it cannot place", () => {
    const a: Aggregate = { total: 6, bucketCount: 3, buckets: [
      { keys: [{ id: "china", name: "China", entity: { iso3: "CHN" } }], count: 3 },
      { keys: [{ id: "singapore", name: "Singapore", entity: { iso3: "SGP" } }], count: 2 },
      { keys: [k(null)], count: 1 },
    ] };
    const m = mapValues(a, (iso3) => iso3 === "CHN");
    expect(m.values.map((v) => [v.iso3, v.count, v.drill])).toEqual([["CHN", 3, "map|china"]]);
    expect(m.unplaced.map((v) => v.id)).toEqual(["singapore"]);
    expect(m.none).toBe(1);
  });
});

describe("filters and drill-downs", () => {
  it("passes known-at, window and minimum confidence, and narrows kinds to the measure's", () => {
    const f = { ...emptyFilter(), knownAt: "2015", from: "2010", minConfidence: 50, kinds: ["EVENT" as const, "COUNTRY" as const] };
    expect(aggregateFilter(f, "ATTRIBUTIONS")).toEqual({ knownAt: "2015", from: "2010", minConfidence: 50 });
    expect(aggregateFilter(f, "INCIDENTS")).toEqual({ knownAt: "2015", from: "2010", minConfidence: 50, kinds: ["EVENT"] });
    expect(aggregateFilter(f, "LEGAL_RESPONSES")).toBeNull();
    expect(aggregateFilter({ ...emptyFilter(), minConfidence: 0 }, "ATTRIBUTIONS")).toEqual({});
  });
  it("reads drill-down references, refusing malformed ones", () => {
    expect(parseDrill("years|2021|united-states")).toEqual({ chart: "years", keys: ["2021", "united-states"] });
    expect(drillKey({ chart: "map", keys: ["china"] })).toBe("map|china");
    for (const bad of ["", "years|2021", "nope|x", "map|", "lags|a|b"]) expect(parseDrill(bad)).toBeNull();
  });
  it("narrows a drill-down by its plain keys and matches none and Other", () => {
    const [q] = drillQueries({ chart: "years", keys: ["2021", OTHER] }, emptyFilter(), "china", "attributing", new Set(["uk", "ca"]))!;
    expect(q.vars).toEqual({ measure: "ATTRIBUTIONS", groupBy: ["YEAR", "ATTRIBUTING_COUNTRY"], filter: { where: [{ dimension: "ATTRIBUTED_COUNTRY", values: ["china"] }, { dimension: "YEAR", values: ["2021"] }] } });
    expect(q.match(["2021", "uk"])).toBe(true);
    expect(q.match(["2021", "us"])).toBe(false);
    expect(q.match(["2021", null])).toBe(false);
    const [n] = drillQueries({ chart: "matrix", keys: [NONE, "china"] }, emptyFilter(), null, "attributing", new Set())!;
    expect(n.match([null, "china"])).toBe(true);
    expect(drillQueries({ chart: "responses", keys: ["2022", OTHER] }, emptyFilter(), null, "attributing", new Set())!.length).toBe(2);
    const [legal] = drillQueries({ chart: "responses", keys: ["2022", "legal:LAW_ENFORCEMENT"] }, emptyFilter(), null, "attributing", new Set())!;
    expect(legal.vars.measure).toBe("LEGAL_RESPONSES");
  });
  it("unions the ids of the matching buckets and says when one was cut", () => {
    const buckets = [{ keys: [k("a")], count: 2, ids: ["x", "y"] }, { keys: [k("b")], count: 600, ids: ["y", "z"] }, { keys: [k("c")], count: 1, ids: ["w"] }];
    expect(unionIds(buckets, (keys) => keys[0] !== "c")).toEqual({ ids: ["x", "y", "z"], count: 602, cut: true });
  });
});

describe("the trends view in the URL", () => {
  it("round-trips the view, its focus, box plot rows and open drill-down", () => {
    const s = { ...defaultState(), trends: { on: true, focus: "china", box: "attributed" as const, open: "matrix|united-states|russia" } };
    const q = toQuery(s);
    expect(q).toBe("view=trends&focus=china&box=attributed&open=matrix%7Cunited-states%7Crussia");
    expect(fromQuery(q).trends).toEqual(s.trends);
  });
  it("leaves the trends out when the graph is shown, and refuses what is malformed", () => {
    expect(toQuery({ ...defaultState(), trends: { on: false, focus: "china", box: "attributing", open: null } })).toBe("");
    expect(fromQuery("view=trends&open=bad|x&box=zzz&focus=%3Cscript%3E").trends).toEqual({ on: true, focus: null, box: "attributing", open: null });
  });
});

describe("CSV", () => {
  it("writes one row per bucket, keys and count", () => {
    const csv = aggregateCSV(agg([[["2021", "us"], 3], [["2021", null], 2]]), ["year", "attributing_country"]);
    expect(csv).toBe("year_id,year,attributing_country_id,attributing_country,count\n2021,2021,us,us,3\n2021,2021,,,2\n");
  });
  it("quotes what a spreadsheet would read as a formula", () => {
    expect(csvField("=HYPERLINK(\"x\")")).toBe("\"'=HYPERLINK(\"\"x\"\")\"");
    for (const c of ["+1", "-1", "@SUM(A1)"]) expect(csvField(c)).toBe(`'${c}`);
    expect(csvField("China")).toBe("China");
    const csv = aggregateCSV({ total: 1, bucketCount: 1, buckets: [{ keys: [{ id: "x", name: "=cmd|' /C calc'!A0" }], count: 1 }] }, ["c"]);
    expect(csv.split("\n")[1]).toBe("x,'=cmd|' /C calc'!A0,1");
  });
  it("guards every start of OWASP's CSV injection list, also after leading whitespace", () => {
    const starts = ["=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20"];
    const leads = ["", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\ufeff", " \n "];
    for (const lead of leads) {
      for (const c of starts) {
        const cell = `${lead}${c}1+1`;
        const out = csvField(cell);
        const unquoted = out.startsWith("\"") ? out.slice(1, -1).replace(/""/g, "\"") : out;
        expect(unquoted, JSON.stringify(cell)).toBe(`'${cell}`);
      }
    }
    expect(csvField(" =1+1")).toBe("' =1+1");
    expect(csvField("\n=1+1")).toBe("\"'\n=1+1\"");
    expect(csvField("\uff1dSUM(A1)")).toBe("'\uff1dSUM(A1)");
  });
  it("leaves plain text, inner signs and leading spaces before text alone", () => {
    for (const c of ["China", "APT-28", "a=b", " China", "e-mail@x", "1+1", "\u3000Lazarus"]) expect(csvField(c)).toBe(c);
  });
});

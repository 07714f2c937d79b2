import { describe, expect, it } from "vitest";
import { defaultState, expansionKey, fromQuery, graphFilter, isPartialDate, parseExpansion, shareQuery, timelineFilter, toQuery } from "./state";

describe("URL state", () => {
  it("leaves defaults out of the URL", () => {
    expect(toQuery(defaultState())).toBe("");
  });

  it("round-trips every field", () => {
    const s = defaultState();
    s.selected = "apt40";
    s.edge = "apt40-targeted-norway";
    s.expanded = ["apt40", "ding-xiaoyang", "apt31:USES"];
    s.labels = "many";
    s.filter = { kinds: ["COUNTRY", "SECTOR"], relationTypes: ["TARGETED"], minConfidence: 85, from: "2021-07", to: "2021-07-31", knownAt: "2021" };
    s.path = { from: "ding-xiaoyang", to: "norway" };
    s.lang = "fr";
    expect(fromQuery(toQuery(s))).toEqual(s);
  });

  it("ignores malformed values instead of trusting them", () => {
    const s = fromQuery("kinds=COUNTRY,ROBOT&conf=150&from=2021-13&known=yesterday&types=TARGETED,drop%20table&lang=de&path=a");
    expect(s.filter.kinds).toEqual(["COUNTRY"]);
    expect(s.filter.minConfidence).toBeNull();
    expect(s.filter.from).toBe("");
    expect(s.filter.knownAt).toBe("");
    expect(s.filter.relationTypes).toEqual(["TARGETED"]);
    expect(s.lang).toBeNull();
    expect(s.path).toBeNull();
  });

  it("reads an expansion of one relation type", () => {
    expect(parseExpansion("apt40:USES")).toEqual({ id: "apt40", type: "USES" });
    expect(parseExpansion("apt40")).toEqual({ id: "apt40", type: null });
    expect(parseExpansion("a:b")).toEqual({ id: "a:b", type: null });
    expect(expansionKey({ id: "apt40", type: "TARGETED" })).toBe("apt40:TARGETED");
    expect(fromQuery("labels=lots").labels).toBe("some");
  });

  it("keeps an explicitly empty expansion", () => {
    const s = defaultState();
    s.expanded = [];
    expect(fromQuery(toQuery(s)).expanded).toEqual([]);
  });
});

describe("filters for the API", () => {
  it("drop empty fields", () => {
    expect(graphFilter(defaultState().filter)).toEqual({});
    const f = { kinds: [], relationTypes: ["CHARGES"], minConfidence: 60, from: "2021", to: "", knownAt: "2021-01-01" };
    expect(graphFilter(f)).toEqual({ relationTypes: ["CHARGES"], minConfidence: 60, from: "2021", knownAt: "2021-01-01" });
    expect(timelineFilter(f)).toEqual({ minConfidence: 60, from: "2021", knownAt: "2021-01-01" });
  });

  it("ask for no minimum confidence at 0, which keeps the claims that state none", () => {
    const f = { ...defaultState().filter, minConfidence: 0 };
    expect(graphFilter(f)).toEqual({});
    expect(fromQuery(toQuery({ ...defaultState(), filter: f })).filter.minConfidence).toBe(0);
  });

  it("accept the three precisions of a partial date", () => {
    for (const ok of ["2021", "2021-07", "2021-07-19"]) expect(isPartialDate(ok)).toBe(true);
    for (const bad of ["21", "2021-7", "2021-07-32", "2021/07", ""]) expect(isPartialDate(bad)).toBe(false);
  });
});

describe("shareQuery", () => {
  it("puts the language shown into a shared link", () => {
    expect(shareQuery(fromQuery("?sel=apt31"), "fr")).toBe("sel=apt31&lang=fr");
    expect(shareQuery(fromQuery("?sel=apt31&lang=en"), "fr")).toBe("sel=apt31&lang=en");
  });
});

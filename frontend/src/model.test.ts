import { describe, expect, it, vi } from "vitest";
import * as M from "./model";
import { DEFAULT_TIMELINE_WINDOW, dayWindow, initialState, timelineMoved, timelineWindow } from "./model";
import { Store, shallowEqual } from "./store";
import type { Entity, Subgraph } from "./view";

const node = (id: string): Entity => ({ id, kind: "THREAT_ACTOR", name: id.toUpperCase(), aliases: [], description: null, start: null, end: null, attributes: [], sources: [] });
const sub = (...ids: string[]): Subgraph => ({ truncated: false, nodes: ids.map(node), edges: [] });
const start = (q = "") => M.initialState(q, ["en-GB"]);

describe("the state's updates", () => {
  it("read the URL and the browser's language", () => {
    const s = start("?sel=apt40&lang=fr&path=a,b");
    expect(s.view.selected).toBe("apt40");
    expect(s.lang).toBe("fr");
    expect(s.pathForm.from.id).toBe("a");
    expect(start().lang).toBe("en");
  });

  it("put back the view of a URL (Back and Forward), the tab following the trends view", () => {
    let s = M.setTab(M.select(start("?sel=apt40"), "apt31"), "trends");
    expect(s.ui.tab).toBe("trends");
    s = M.restoreView(s, "?sel=apt40&path=a,b");
    expect(s.view).toMatchObject({ selected: "apt40", path: { from: "a", to: "b" } });
    expect(s.view.trends.on).toBe(false);
    expect(s.ui.tab).toBe("graph");
    expect(s.pathForm.to.id).toBe("b");
    s = M.restoreView(s, "?view=trends&focus=china");
    expect(s.ui.tab).toBe("trends");
    expect(s.view.trends.focus).toBe("china");
  });

  it("count a new selection or trends view as a new place, a filter as the same place", () => {
    const s = start("?sel=apt40");
    expect(M.place(M.select(s, "apt31").view)).not.toBe(M.place(s.view));
    expect(M.place(M.setTab(s, "trends").view)).not.toBe(M.place(s.view));
    expect(M.place({ ...s.view, labels: "many" })).toBe(M.place(s.view));
  });

  it("select an entity, closing a claim and the menu", () => {
    let s = M.selectEdge(start(), "r1");
    s = M.openMenu(s, "apt31", 10, 10);
    s = M.select(s, "apt40");
    expect(s.view).toMatchObject({ selected: "apt40", edge: null });
    expect(s.ui.menu).toBeNull();
  });

  it("say what an expansion added, or that nothing was new", () => {
    let s = { ...start("?exp=apt31"), graph: { ...start().graph, sub: sub("apt31", "mss") } };
    s = M.expand(s, { id: "apt40", type: "USES" }, "APT40");
    expect(s.view.expanded).toEqual(["apt31", "apt40:USES"]);
    s = M.graphLoaded(s, sub("apt31", "mss", "apt40", "t1", "t2"));
    expect(s.graph.notice).toEqual({ kind: "added", n: 3, name: "APT40" });
    // Asked again, or covered by an expansion of every type: nothing new, and said so.
    expect(M.expand(s, { id: "apt40", type: "USES" }, "APT40").graph.notice?.kind).toBe("nothingNew");
    expect(M.expand(s, { id: "apt31", type: "USES" }, "APT31").graph.notice?.kind).toBe("nothingNew");
    const same = M.expand(s, { id: "mss", type: "OPERATES_FOR" }, "MSS");
    expect(M.graphLoaded(same, { ...sub("apt31", "mss", "apt40", "t1", "t2"), truncated: true }).graph.notice?.kind).toBe("nothingNewCut");
  });

  it("keep the subgraph when a load brings the same one (no redraw)", () => {
    const s = { ...start(), graph: { ...start().graph, sub: sub("a", "b") } };
    expect(M.graphLoaded(s, sub("a", "b")).graph.sub).toBe(s.graph.sub);
    expect(M.graphLoaded(s, sub("a", "c")).graph.sub).not.toBe(s.graph.sub);
  });

  it("refuse a path from an entity to itself, and clear a path whole", () => {
    expect(M.setPath(start(), "a", "a").pathForm.message).toEqual({ kind: "same" });
    const s = M.setPath(start(), "a", "b");
    expect(s.view.path).toEqual({ from: "a", to: "b" });
    expect(M.clearPath(s).view.path).toBeNull();
  });

  it("start a path at an entity, focusing its other end", () => {
    const s = M.connectFrom(start(), "apt40", "APT40");
    expect(s.pathForm.from).toEqual({ text: "APT40", id: "apt40" });
    expect(s.pathForm.focus).toBe("to");
  });

  it("keep failures until a retry succeeds", () => {
    const down = { unreachable: true, storeDown: false, message: "server unreachable" };
    let s = M.loadFailed(M.loadFailed(start(), "detail", down), "search", down);
    expect(M.firstError(s)).toEqual(down);
    s = M.retry(s);
    expect(s.retries).toBe(1);
    expect(s.errors.search).toBeUndefined(); // the next keystroke searches again
    s = M.loadOk(s, "detail");
    expect(M.firstError(s)).toBeNull();
  });

  it("brush the time window and fold timeline rows", () => {
    const s = M.brush(start(), "2021-07-01", "2021-07-31");
    expect(s.view.filter).toMatchObject({ from: "2021-07-01", to: "2021-07-31" });
    expect(M.toggleTimelineGroup(M.toggleTimelineGroup(s, "claims"), "claims").timeline.hidden).toEqual([]);
    expect(M.toggleTimelineGroup(s, "claims").timeline.hidden).toEqual(["claims"]);
  });
});

describe("the store", () => {
  it("tells each subscriber when its part changes, and only then", () => {
    const store = new Store(start());
    const sel = vi.fn(), lang = vi.fn();
    store.subscribe((s) => s.view.selected, sel);
    store.subscribe((s) => [s.lang, s.view.labels] as const, lang, shallowEqual);
    expect(sel).toHaveBeenCalledTimes(1);
    store.update((s) => M.select(s, "apt40"));
    store.update((s) => M.select(s, "apt40"));
    expect(sel).toHaveBeenCalledTimes(2);
    expect(lang).toHaveBeenCalledTimes(1);
    store.update((s) => M.setLang(s, "fr"));
    expect(lang).toHaveBeenCalledTimes(2);
  });

  it("lets a subscriber update, and tells the others of it", () => {
    const store = new Store(start());
    store.subscribe((s) => s.view.selected, (id) => id === "a" && store.update((s) => M.selectEdge(s, "r1")));
    const edge = vi.fn();
    store.subscribe((s) => s.view.edge, edge);
    store.update((s) => M.select(s, "a"));
    expect(store.get().view.edge).toBe("r1");
    expect(edge).toHaveBeenLastCalledWith("r1", store.get());
  });
});

describe("trends", () => {
  it("switches the view in the URL with the tabs; details and tools keep it", () => {
    let s = M.setTab(start(), "trends");
    expect(s.view.trends.on).toBe(true);
    s = M.setTab(s, "tools");
    expect(s.view.trends.on).toBe(true);
    s = M.setTab(s, "graph");
    expect(s.view.trends.on).toBe(false);
    expect(start("?view=trends").ui.tab).toBe("trends");
  });
  it("focus and box plot rows close a drill-down they change", () => {
    let s = M.openDrill(M.setTab(start(), "trends"), { chart: "lags", keys: ["us"] });
    expect(s.view.trends.open).toBe("lags|us");
    s = M.setBoxBy(s, "attributed");
    expect(s.view.trends.open).toBeNull();
    s = M.setFocus(M.openDrill(s, { chart: "years", keys: ["2021", "us"] }), "china");
    expect([s.view.trends.focus, s.view.trends.open]).toEqual(["china", null]);
  });
  it("pages a drill-down's items and shows one in the graph", () => {
    let s = M.drillLoaded(M.drillStarted(start(), "k"), "k", { ids: Array.from({ length: 30 }, (_, i) => `e${i}`), count: 30, cut: false, items: [] });
    expect(s.trends.drill.shown).toBe(M.DRILL_PAGE);
    s = M.moreItems(s);
    expect(s.trends.drill.shown).toBe(2 * M.DRILL_PAGE);
    s = M.showInGraph(M.setTab(s, "trends"), "apt40", "APT40");
    expect([s.ui.tab, s.view.selected, s.view.trends.on, s.view.expanded.includes("apt40")]).toEqual(["graph", "apt40", false, true]);
  });
  it("keeps a chart's data with the key it was asked with", () => {
    const s = M.chartLoaded(M.chartStarted(start(), "map", "k1"), "map", "k1", { total: 0, bucketCount: 0, buckets: [] });
    expect(s.trends.charts.map).toMatchObject({ status: "ok", key: "k1" });
    expect(M.chartFailed(s, "map", "k2", { unreachable: true, storeDown: false, message: "x" }).trends.charts.map.status).toBe("error");
  });
});

describe("the timeline's window", () => {
  it("is the filter's, in days, before the timeline is drawn, else the default", () => {
    expect(dayWindow("2021-07", "2021-07-31")).toEqual({ from: "2021-07-01", to: "2021-07-31" });
    expect(dayWindow("2017-04", "2017-04")).toEqual({ from: "2017-04-01", to: "2017-04-30" });
    expect(dayWindow("2020", "")?.from).toBe("2020-01-01");
    expect(dayWindow("", "")).toBeNull();
    const s = initialState("?from=2021-07&to=2021-07-31", ["en"]);
    expect(timelineWindow(s)).toEqual({ from: "2021-07-01", to: "2021-07-31" });
    expect(timelineWindow(initialState("", ["en"]))).toEqual(DEFAULT_TIMELINE_WINDOW);
  });
  it("follows the timeline once it moves, and keeps the state when it does not", () => {
    const s = timelineMoved(initialState("?from=2021-07", ["en"]), "2017-04-01", "2017-04-30");
    expect(timelineWindow(s)).toEqual({ from: "2017-04-01", to: "2017-04-30" });
    expect(timelineMoved(s, "2017-04-01", "2017-04-30")).toBe(s);
  });
});

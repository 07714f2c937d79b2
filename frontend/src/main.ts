// The web explorer: one store (model.ts), the loaders that fill it
// (effects.ts), and the views that draw it: the URL, the graph (graph.ts),
// the timeline (timeline.ts) and the panels (panels.ts).
import "./style.css";

import { serverVersion } from "./api";
import { download } from "./download";
import { fetchGraph, startLoaders } from "./effects";
import { GraphView, shownMemo } from "./graph";
import { initialState, place, restoreView, versionLoaded, type AppState } from "./model";
import { startPanels } from "./panels";
import { toQuery } from "./state";
import { Store } from "./store";
import { TimelineChart } from "./timeline";
import { edgesCSV, gexf, isGroup, mergeSubgraphs, nodesCSV, subgraphJSON, timelineCSV, type Subgraph } from "./view";
import { graphFilter } from "./state";

const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;

const store = new Store<AppState>(initialState(location.search, navigator.languages ?? [navigator.language]));

// The URL holds the view (state.ts): any view can be shared. A new place (a
// selection, a claim, a path, the trends view and what is open in it) is a
// new history entry, so that Back returns to the one before; Back and
// Forward put the URL's view back.
let shownPlace = place(store.get().view);
store.subscribe((s) => s.view, (view) => {
  const q = toQuery(view);
  if (location.search === (q ? `?${q}` : "")) return;
  const where = place(view);
  if (where !== shownPlace) history.pushState(null, "", q ? `?${q}` : location.pathname);
  else history.replaceState(null, "", q ? `?${q}` : location.pathname);
  shownPlace = where;
});
window.addEventListener("popstate", () => {
  store.update((s) => restoreView(s, location.search));
  shownPlace = place(store.get().view);
});

const graphView = new GraphView(store, $("#graph"));
const timeline = new TimelineChart(store, $("#timeline"), () => store.get().ui.linkTimeline);
new ResizeObserver(() => {
  graphView.renderer.resize();
  graphView.renderer.refresh({ skipIndexation: true });
}).observe($("#graph"));

startPanels(store, {
  zoomIn: () => graphView.zoomIn(),
  zoomOut: () => graphView.zoomOut(),
  fit: () => graphView.fit(),
  centre: () => graphView.centre(),
  exportPNG: () => {
    // On a phone the graph is a tab of its own, hidden while the tools are shown: it is drawn off-screen for the picture.
    const hidden = $("#graph").clientWidth < 2;
    if (hidden) {
      document.body.classList.add("exporting");
      graphView.renderer.resize();
    }
    const png = graphView.snapshot(graphView.caption());
    if (hidden) {
      document.body.classList.remove("exporting");
      graphView.renderer.resize();
    }
    png.toBlob((blob) => blob && download("attribution-graph.png", "image/png", blob));
  },
  // The graph is loaded brief (what it draws): its exports read what is on screen whole, with every source.
  exportJSON: () => void onScreen().then((sub) => download("attribution-subgraph.json", "application/json", subgraphJSON(sub, graphFilter(store.get().view.filter)))),
  exportNodes: () => void onScreen().then((sub) => download("attribution-nodes.csv", "text/csv", nodesCSV(sub))),
  exportEdges: () => void onScreen().then((sub) => download("attribution-claims.csv", "text/csv", edgesCSV(sub))),
  exportGEXF: () => void onScreen().then((sub) => {
    const positions = Object.fromEntries(graphView.graph.mapNodes((n, a) => [n, { x: a.x as number, y: a.y as number }]));
    download("attribution-graph.gexf", "application/gexf+xml", gexf(sub, positions));
  }),
  exportCSV: () => download("attribution-timeline.csv", "text/csv", timelineCSV(store.get().timeline.items)),
});
startLoaders(store);

/**
 * onScreen reads whole (every source) the entities and claims the graph
 * shows: the same subgraph, asked with every field, and the paths found;
 * the entities a group node folds away are left out, as on screen.
 */
async function onScreen(): Promise<Subgraph> {
  const s = store.get();
  const shown = shownMemo(s);
  const paths = s.paths.result ?? [];
  const whole = mergeSubgraphs([(await fetchGraph(s, null, true)).sub, { truncated: false, nodes: paths.flatMap((p) => p.nodes), edges: paths.flatMap((p) => p.edges) }]);
  const nodes = new Set(shown.nodes.filter((n) => !isGroup(n.id)).map((n) => n.id));
  const edges = new Set(shown.edges.filter((e) => !e.group).map((e) => e.id));
  return { truncated: shown.truncated, nodes: whole.nodes.filter((n) => nodes.has(n.id)), edges: whole.edges.filter((e) => edges.has(e.id)) };
}

// The trends view is loaded when first shown: the graph's first load does not pay for its charts.
let trends: Promise<unknown> | null = null;
store.subscribe((s) => s.ui.tab === "trends", (shown) => {
  if (!shown || trends) return;
  trends = import("./trends").then((m) => m.startTrends(store, $("#trends-body")));
});
void serverVersion().then((v) => store.update((s) => versionLoaded(s, v)));

// Tests and the benchmark drive the explorer through this handle.
const explorer = {
  store,
  graph: graphView.graph,
  renderer: graphView.renderer,
  view: graphView,
  timeline: timeline.timeline,
  /** showSubgraph shows a subgraph as if it had been loaded (the benchmark's entry). */
  showSubgraph: (sub: AppState["graph"]["sub"]) => store.update((s) => ({ ...s, graph: { ...s.graph, sub } })),
};
(window as unknown as { explorer: typeof explorer }).explorer = explorer;

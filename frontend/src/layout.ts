// A deterministic layout: the same nodes and edges give the same picture, on
// every load and every machine. Each node starts where a hash of its id puts
// it, then ForceAtlas2 runs a fixed number of iterations (no timer), nodes and
// edges taken in id order. It runs in a worker (layout.worker.ts) so that a
// large graph never blocks the page.
import Graph from "graphology";
import forceAtlas2 from "graphology-layout-forceatlas2";

export interface LayoutInput { nodes: string[]; edges: [string, string][] }
export type Positions = Record<string, { x: number; y: number }>;

/** hash is FNV-1a over the id's UTF-16 code units, with a seed. */
export function hash(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** seedPosition places a node by its id alone, in a disc whose area grows with the graph. */
export function seedPosition(id: string, order: number): { x: number; y: number } {
  const a = (hash(id) / 0x100000000) * 2 * Math.PI;
  const r = Math.sqrt(hash(id, 0x9e3779b9) / 0x100000000) * Math.sqrt(Math.max(order, 1)) * 10;
  return { x: r * Math.cos(a), y: r * Math.sin(a) };
}

/** iterations: fewer for larger graphs, so that a 5,000-node layout takes a few seconds at most. */
export function iterations(order: number): number {
  return order <= 500 ? 300 : order <= 2000 ? 150 : 60;
}

/** layout computes every node's position; it depends only on the ids of nodes and edges. */
export function layout(input: LayoutInput): Positions {
  const g = new Graph({ multi: true, type: "mixed" });
  const nodes = [...new Set(input.nodes)].sort();
  for (const id of nodes) g.addNode(id, { ...seedPosition(id, nodes.length), size: 1 });
  const edges = input.edges.filter(([a, b]) => a !== b && g.hasNode(a) && g.hasNode(b))
    .sort(([a1, b1], [a2, b2]) => (a1 < a2 ? -1 : a1 > a2 ? 1 : b1 < b2 ? -1 : b1 > b2 ? 1 : 0));
  for (const [a, b] of edges) g.addUndirectedEdge(a, b);
  if (g.order > 1) {
    const settings = forceAtlas2.inferSettings(g);
    // Strong gravity at 1 (inferSettings says 0.05) keeps loose nodes near the
    // rest: the graph fills its frame instead of shrinking around a few strays.
    forceAtlas2.assign(g, { iterations: iterations(g.order), settings: { ...settings, gravity: 1, barnesHutOptimize: g.order > 500 } });
  }
  const out: Positions = {};
  g.forEachNode((id, a) => (out[id] = { x: Math.round((a.x as number) * 1000) / 1000, y: Math.round((a.y as number) * 1000) / 1000 }));
  return out;
}

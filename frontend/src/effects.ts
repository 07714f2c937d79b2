// The loaders: each watches the part of the state its data depends on,
// fetches when it changes (or when Retry is pressed after it failed), drops
// answers that came too late, and hands what it got to a pure update.
import { ApiError, BRIEF_NEIGHBORHOOD, CLAIM, DETAIL, gql, LATEST, NEIGHBORHOOD, PATHS, RELATION_TYPES, TIMELINE } from "./api";
import {
  claimLoaded, compareLoaded, detailLoaded, expansions, landing, latestStories, storiesLoaded, timelineWindow, graphLoaded, loadFailed, loadOk, loadStarted, metaLoaded, pathsLoaded, timelineLoaded,
  type AppState, type Failure, type LoadName,
} from "./model";
import { graphFilter, timelineFilter } from "./state";
import { shallowEqual, type Store } from "./store";
import { shownMemo } from "./graph";
import { fill, messages } from "./i18n";
import { COMPARE, compareActors, type CompareEntity } from "./compare";
import { fromBrief, groupFocus, mergeSubgraphs, type BriefEntity, type BriefRelation, type Dataset, type Detail, type NamedRelation, type PathResult, type RelationTypeInfo, type Subgraph, type TimelineItem } from "./view";

export const EXPAND_DEPTH = 2; // an expanded actor shows its campaigns and whom they targeted
// Enough for a depth-2 neighbourhood on the curated data; on the public record
// (an actor uses a hundred techniques, each used by a hundred actors) it cuts
// the hairball and keeps the response under the API's 20,000-object bound.
export const GRAPH_LIMIT = 300;
// The focus (the selected entity, or on the landing view LANDING_ENTITY)
// with its neighbours, each relation type of more than GROUP_MAX of them
// drawn as one group node (view.ts groupFocus): enough for a hub of the
// public record (an actor that uses a hundred techniques).
export const FOCUS_LIMIT = 1000;
/** The landing view (nothing selected, nothing expanded) shows this entity's neighbourhood: the joint attribution of 19 July 2021. */
export const LANDING_ENTITY = "hafnium-joint-attribution-2021";

export function failure(e: unknown): Failure {
  if (e instanceof ApiError) return { unreachable: e.unreachable, storeDown: e.message === "store unavailable", message: e.message };
  return { unreachable: false, storeDown: false, message: e instanceof Error ? e.message : String(e) };
}

/**
 * loader runs run when key's value changes, and again after a Retry when its
 * last run failed. Only the answer to the latest run is kept.
 */
function loader<T>(store: Store<AppState>, name: LoadName, key: (s: AppState) => string, run: (s: AppState, key: string) => Promise<T>, done: (s: AppState, data: T, key: string) => AppState) {
  let seq = 0;
  let last: string | null = null;
  store.subscribe((s) => [key(s), s.retries] as const, ([k]) => {
    if (k === last && store.get().status[name] !== "error") return;
    last = k;
    const mine = ++seq;
    store.update((s) => loadStarted(s, name));
    run(store.get(), k).then(
      (data) => mine === seq && store.update((s) => done(loadOk(s, name), data, k)),
      (e: unknown) => mine === seq && store.update((s) => loadFailed(s, name, failure(e))),
    );
  }, shallowEqual);
}

/**
 * The graph shows what lies within two hops of each expanded entity (or one
 * hop along one relation type), and, when the selected entity is not among
 * them, the selected entity with its neighbours: a function of the URL alone,
 * so a shared link shows the same graph.
 */
export async function fetchGraph(s: AppState, base: { key: string; sub: Subgraph } | null, whole = false): Promise<{ base: { key: string; sub: Subgraph }; sub: Subgraph }> {
  const filter = graphFilter(s.view.filter);
  // What the graph draws (BRIEF_NEIGHBORHOOD), or every field (an export).
  const neighborhood = async (vars: Record<string, unknown>): Promise<{ neighborhood: Subgraph }> => whole
    ? gql<{ neighborhood: Subgraph }>(NEIGHBORHOOD, vars)
    : { neighborhood: fromBrief((await gql<{ neighborhood: { truncated: boolean; nodes: BriefEntity[]; edges: BriefRelation[] } }>(BRIEF_NEIGHBORHOOD, vars)).neighborhood) };
  const baseKey = JSON.stringify([s.view.expanded, filter]);
  if (!base || base.key !== baseKey) {
    const all = expansions(s).filter((e) => e.type === null).map((e) => e.id);
    const byType = new Map<string, string[]>();
    for (const e of expansions(s)) if (e.type) byType.set(e.type, [...(byType.get(e.type) ?? []), e.id]);
    const parts: Promise<{ neighborhood: Subgraph }>[] = [];
    if (all.length) parts.push(neighborhood({ ids: all, depth: EXPAND_DEPTH, filter, limit: GRAPH_LIMIT }));
    for (const [type, ids] of byType) {
      const types = filter.relationTypes as string[] | undefined;
      if (types && !types.includes(type)) continue; // the filter leaves this type out
      parts.push(neighborhood({ ids, depth: 1, filter: { ...filter, relationTypes: [type] }, limit: GRAPH_LIMIT }));
    }
    base = { key: baseKey, sub: mergeSubgraphs((await Promise.all(parts)).map((p) => p.neighborhood)) };
  }
  const focus = focusOf(s);
  if (!focus) return { base, sub: base.sub };
  const around = (await neighborhood({ ids: [focus], depth: 1, filter, limit: FOCUS_LIMIT })).neighborhood;
  if (whole) return { base, sub: mergeSubgraphs([base.sub, around]) };
  const t = messages[s.lang];
  const shown = new Set(base.sub.nodes.map((n) => n.id));
  const opened = new Set(expansions(s).filter((e) => e.id === focus).map((e) => e.type ?? "*"));
  const grouped = groupFocus(around, focus, (type) => opened.has(type) || opened.has("*"), (id) => shown.has(id),
    (g) => fill(g.more ? t.groupMore : t.groupName, { n: g.count, kinds: t.kindPlural[g.kind] ?? g.kind }));
  return { base, sub: mergeSubgraphs([base.sub, grouped]) };
}

/** focusOf is the entity whose neighbourhood the graph shows grouped: the selection, or on the landing view LANDING_ENTITY. */
export function focusOf(s: AppState): string | null {
  if (s.view.selected) return s.view.selected;
  return s.view.expanded.length === 0 && !s.view.path ? LANDING_ENTITY : null;
}

export function startLoaders(store: Store<AppState>): void {
  loader(store, "meta", () => "meta",
    () => gql<{ relationTypes: RelationTypeInfo[]; datasets: Dataset[] }>(RELATION_TYPES),
    (s, d) => metaLoaded(s, d.relationTypes, d.datasets));

  let base: { key: string; sub: Subgraph } | null = null;
  loader(store, "graph", (s) => JSON.stringify([s.view.expanded, s.view.selected, s.view.filter, s.view.path ? 1 : 0, s.lang]),
    async (s) => {
      const got = await fetchGraph(s, base);
      base = got.base;
      return got.sub;
    },
    (s, sub) => graphLoaded(s, sub));

  // The timeline loads what begins inside the window it shows (a page of 500,
  // the first by date), and again when it is moved.
  loader(store, "timeline", (s) => JSON.stringify(timelineFilter({ ...s.view.filter, ...timelineWindow(s) })),
    async (_s, k) => {
      const got = (await gql<{ timeline: { totalCount: number; edges: { node: TimelineItem }[] } }>(TIMELINE, { filter: JSON.parse(k) as unknown, startsInside: true })).timeline;
      return { items: got.edges.map((e) => e.node), total: got.totalCount };
    },
    (s, got) => timelineLoaded(s, got.items, got.total));

  loader(store, "detail", (s) => s.view.selected ?? "",
    async (_s, id) => (id ? (await gql<{ entity: Detail | null }>(DETAIL, { id })).entity : null),
    (s, entity, id) => detailLoaded(s, id || null, entity));

  // A claim the graph holds brief is read whole when it is opened.
  loader(store, "claim", (s) => {
    const id = s.view.edge;
    const e = id ? shownMemo(s).edges.find((x) => x.id === id) : undefined;
    return e?.brief ? JSON.stringify([e.id, e.from.id, e.type]) : "";
  }, async (_s, k) => {
    if (!k) return null;
    const [id, from, type] = JSON.parse(k) as [string, string, string];
    const got = await gql<{ entity: { relations: NamedRelation[] } | null }>(CLAIM, { from, type });
    return got.entity?.relations.find((r) => r.id === id) ?? null;
  }, (s, relation, k) => claimLoaded(s, k ? (JSON.parse(k) as string[])[0] : null, relation));

  // The landing view's latest attributions: the newest of the last three years.
  loader(store, "stories", (s) => (landing(s.view) ? "latest" : ""), async (_s, k) => {
    if (!k) return null;
    const since = String(new Date().getUTCFullYear() - 3);
    const got = await gql<{ timeline: { edges: { node: { date: string; title: string; entity: { id: string; eventType?: string } | null } }[] } }>(LATEST, { from: since });
    return latestStories(got.timeline.edges.map((e) => e.node));
  }, (s, latest) => (latest ? storiesLoaded(s, latest) : s));

  // Actors side by side: each actor's relations, then lined up (compare.ts).
  loader(store, "compare", (s) => (s.view.compare.length >= 2 ? s.view.compare.join(",") : ""), async (_s, k) => {
    if (!k) return null;
    const got = await Promise.all(k.split(",").map((id) => gql<{ entity: CompareEntity | null }>(COMPARE, { id })));
    return compareActors(got.map((g) => g.entity).filter((e): e is CompareEntity => !!e));
  }, (s, result, k) => compareLoaded(s, k, result));

  loader(store, "paths", (s) => (s.view.path ? JSON.stringify([s.view.path, graphFilter(s.view.filter)]) : ""),
    async (s) => (s.view.path ? (await gql<{ paths: PathResult[] }>(PATHS, { ...s.view.path, filter: graphFilter(s.view.filter) })).paths : null),
    (s, result, key) => pathsLoaded(s, key, result));
}

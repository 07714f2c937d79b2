// The panels around the graph: header, banners, filters, paths, details,
// the list view, the node menu, tabs and legends. Each is a subscriber that
// rebuilds its part of the page, with h(), when its slice of the state
// changes, and turns the user's actions into updates of the store.
import { gql, SEARCH } from "./api";
import { clip, fillNodes, h, name } from "./h";
import { codeLabel, fill, formatDate, formatSpan, messages, relTypeLabel, type Lang, type Messages } from "./i18n";
import * as M from "./model";
import type { AppState, PathMessage } from "./model";
import { combobox, type Hit } from "./search";
import { defaultState, isPartialDate, KINDS, LABEL_DENSITIES, shareQuery, type Kind, type LabelDensity } from "./state";
import { shallowEqual, type Store } from "./store";
import { compareCSV, navigatorLayer, type Row } from "./compare";
import { download } from "./download";
import { shownMemo } from "./graph";
import {
  KIND_STYLE, knownBy, origin, publicBy, TIMELINE_GROUPS,
  type Dataset, type Detail, type Entity, type NamedRelation, type Relation, type RelationCount, type Source,
} from "./view";

const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;
const CLAIMS_SHOWN = 10; // claims of one relation group shown before "show more"

/** phone: the layout of tabs, where the details are a tab of their own. */
export const phone = () => window.matchMedia("(max-width: 760px)").matches;

type Ctx = { store: Store<AppState>; t: Messages; lang: Lang };

// ---- small builders ----

function kindBadge(t: Messages, k: Kind) {
  return h("span", { class: `kind-badge kind-${k}` }, h("span", { class: `swatch shape-${KIND_STYLE[k].shape}`, style: `--c:${KIND_STYLE[k].color}`, "aria-hidden": "true" }), t.kind[k]);
}

function confidenceText(t: Messages, c: number | null) {
  return c === null ? t.noConfidence : `${t.confidence} ${c}`;
}

/** originNote says which datasets a claim comes from, or that it is curated. */
function originNote(t: Messages, sources: Source[], datasets: Dataset[]) {
  const names = origin(sources, datasets);
  return h("span", { class: "origin" }, `${t.origin}: ${names.length ? names.join(", ") : t.curated}`);
}

/** sourceList lists sources; those published after knownAt are marked as such. */
function sourceList(t: Messages, lang: Lang, sources: Source[], knownAt = "") {
  return h("ul", { class: "sources" }, sources.map((s) => {
    const early = publicBy([s], knownAt);
    const meta = [s.publisher, s.published ? formatDate(s.published, lang) : null, s.language].filter((x): x is string => !!x);
    return h("li", { class: `source${early ? "" : " later"}`, title: early ? null : t.notYetPublic },
      s.url ? h("a", { href: s.url, target: "_blank", rel: "noopener noreferrer" }, name(s.title, 300)) : name(s.title, 300),
      meta.length ? [" ", h("span", { class: "meta" }, meta.map((m, i) => [i ? " · " : "", name(m, 120)]))] : null);
  }));
}

/** longText shows a text, folding what passes max characters away behind "more". */
function longText(cls: string, s: string, max = 600) {
  if (s.length <= max) return h("p", { class: cls }, h("bdi", {}, s));
  return h("details", { class: `${cls} long` }, h("summary", {}, h("bdi", {}, clip(s, max))), h("p", {}, h("bdi", {}, s)));
}

// ---- the whole ----

export function startPanels(store: Store<AppState>, actions: Record<"exportPNG" | "exportJSON" | "exportCSV" | "exportNodes" | "exportEdges" | "exportGEXF" | "zoomIn" | "zoomOut" | "fit" | "centre", () => void>): void {
  const ctx = (): Ctx => {
    const s = store.get();
    return { store, t: messages[s.lang], lang: s.lang };
  };
  const up = (fn: (s: AppState) => AppState) => store.update(fn);

  // Static text in the language.
  store.subscribe((s) => s.lang, (lang) => {
    const t = messages[lang] as unknown as Record<string, string>;
    document.documentElement.lang = lang;
    $<HTMLSelectElement>("#lang").value = lang;
    document.querySelectorAll<HTMLElement>("[data-i18n]").forEach((el) => (el.textContent = t[el.dataset.i18n!]));
    document.querySelectorAll<HTMLInputElement>("[data-i18n-placeholder]").forEach((el) => (el.placeholder = t[el.dataset.i18nPlaceholder!]));
    document.querySelectorAll<HTMLElement>("[data-i18n-label]").forEach((el) => el.setAttribute("aria-label", t[el.dataset.i18nLabel!]));
    document.querySelectorAll<HTMLElement>("[data-i18n-title]").forEach((el) => (el.title = t[el.dataset.i18nTitle!]));
  });

  header(store, up);
  banners(store, up);
  tabs(store, up);
  filters(store, up);
  paths(store, up, ctx);
  details(store, up);
  list(store, up);
  nodeMenu(store, up);
  timelineHead(store, up);
  legend(store);
  stories(store, up);

  $("#zoom-in").addEventListener("click", actions.zoomIn);
  $("#zoom-out").addEventListener("click", actions.zoomOut);
  $("#zoom-fit").addEventListener("click", actions.fit);
  $("#zoom-centre").addEventListener("click", actions.centre);
  $("#export-png").addEventListener("click", actions.exportPNG);
  $("#export-json").addEventListener("click", actions.exportJSON);
  $("#export-csv").addEventListener("click", actions.exportCSV);
  $("#export-nodes").addEventListener("click", actions.exportNodes);
  $("#export-edges").addEventListener("click", actions.exportEdges);
  $("#export-gexf").addEventListener("click", actions.exportGEXF);

  document.addEventListener("keydown", (e) => {
    const typing = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement?.tagName ?? "");
    if (e.key === "/" && !typing) {
      e.preventDefault();
      $("#search").focus();
    } else if (e.key === "Escape" && store.get().ui.menu) {
      up(M.closeMenu);
      $("#graph").focus();
    } else if (e.key === "Escape" && !typing) {
      up((s) => M.select(s, null));
    }
  });
}

// ---- header: search, language, link ----

function header(store: Store<AppState>, up: (fn: (s: AppState) => AppState) => void) {
  combobox({
    input: $("#search"), list: $("#search-list"), kindLabel: (k) => messages[store.get().lang].kind[k], noResults: () => messages[store.get().lang].noResults,
    onPick: (hit) => up((s) => (phone() ? M.setTab(M.select(s, hit.entity.id), "details") : M.select(s, hit.entity.id))),
    onError: (e) => up((s) => M.loadFailed(s, "search", failureOf(e))),
  });
  $("#lang").addEventListener("change", (e) => up((s) => M.setLang(s, (e.target as HTMLSelectElement).value as Lang)));
  $("#copy-link").addEventListener("click", () => {
    // The link carries the language shown (issue #20): whoever opens it reads the view as it was shared.
    const st = store.get();
    const q = shareQuery(st.view, st.lang);
    void navigator.clipboard?.writeText(`${location.origin}${location.pathname}?${q}`).catch(() => {
      /* clipboard refused (insecure context): the address bar holds the link anyway */
    });
    up((s) => M.setCopied(s, true));
  });
  store.subscribe((s) => [s.ui.copied, s.lang] as const, ([copied, lang]) => {
    $("#copy-link").textContent = copied ? messages[lang].copied : messages[lang].copyLink;
  }, shallowEqual);
  store.subscribe((s) => [s.meta.version, s.lang] as const, ([version, lang]) => {
    const foot = $("#version");
    foot.textContent = version ? `${messages[lang].title} ${version}` : "";
    foot.hidden = !version;
  }, shallowEqual);
}

function failureOf(e: unknown): M.Failure {
  const err = e as { message?: string; unreachable?: boolean };
  return { unreachable: !!err.unreachable, storeDown: err.message === "store unavailable", message: err.message ?? String(e) };
}

// ---- banners: errors with a retry, known-at, the graph's status ----

function banners(store: Store<AppState>, up: (fn: (s: AppState) => AppState) => void) {
  $("#retry").addEventListener("click", () => up(M.retry));
  store.subscribe((s) => [M.firstError(s), s.lang] as const, ([f, lang]) => {
    const t = messages[lang];
    $("#alert").hidden = !f;
    $("#alert-text").textContent = !f ? "" : f.storeDown ? t.storeUnavailable : f.unreachable ? t.unreachable : f.message;
  }, shallowEqual);

  $("#known-clear").addEventListener("click", () => up((s) => M.setFilter(s, { ...s.view.filter, knownAt: "" })));
  store.subscribe((s) => [s.view.filter.knownAt, s.lang] as const, ([at, lang]) => {
    const t = messages[lang];
    $("#known-banner").hidden = !at;
    $("#known-text").textContent = at ? fill(t.knownBanner, { date: formatDate(at, lang) }) : "";
    $("#known-clear").textContent = t.knownClear;
  }, shallowEqual);

  store.subscribe((s) => s.status.graph, (st) => $("#graph-area").setAttribute("aria-busy", String(st === "loading")));

  store.subscribe((s) => [shownMemo(s), s.graph.notice, s.view.filter.minConfidence, s.status.graph, s.lang] as const, ([sub, notice, conf, status, lang]) => {
    const t = messages[lang];
    const lines: (string | HTMLElement)[] = [];
    if (status === "ok" && sub.nodes.length === 0) lines.push(t.emptyGraph);
    if (sub.truncated) lines.push(t.truncated);
    if (conf) lines.push(t.confidenceHides);
    if (notice) {
      const text = notice.kind === "added" ? (notice.n === 1 ? t.addedOne : fill(t.added, { n: notice.n })) : fillNodes(notice.kind === "nothingNew" ? t.nothingNew : t.nothingNewCut, { name: name(notice.name, 60) });
      lines.push(h("span", { class: "notice" }, text, " ", h("button", { type: "button", class: "link", "aria-label": "OK", onclick: () => up(M.dismissNotice) }, "×")));
    }
    const el = $("#graph-status");
    el.replaceChildren(...lines.map((l) => h("span", { class: "line" }, l)));
    el.hidden = lines.length === 0;
  }, shallowEqual);

  // On a phone the details are a tab: a bar over the graph names the selection and opens them.
  store.subscribe((s) => [s.view.selected, s.view.edge, shownMemo(s), s.lang] as const, ([sel, edge, sub, lang]) => {
    const t = messages[lang];
    const bar = $("#selection-bar");
    const node = sel ? sub.nodes.find((n) => n.id === sel) : null;
    bar.hidden = !node && !edge;
    bar.replaceChildren(node ? name(node.name, 40) : h("span", {}, t.claim), " ",
      h("button", { type: "button", onclick: () => up((s) => M.setTab(s, "details")) }, `${t.tabDetails} ›`));
  }, shallowEqual);
}

// ---- tabs (graph and list; on a phone, details and tools too) ----

function tabs(store: Store<AppState>, up: (fn: (s: AppState) => AppState) => void) {
  const buttons = [...document.querySelectorAll<HTMLButtonElement>("#tabs [role=tab]")];
  for (const b of buttons) {
    b.addEventListener("click", () => up((s) => M.setTab(s, b.dataset.tab as M.Tab)));
    b.addEventListener("keydown", (e) => {
      if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
      const visible = buttons.filter((x) => x.offsetParent !== null);
      const i = visible.indexOf(b);
      const next = visible[(i + (e.key === "ArrowRight" ? 1 : visible.length - 1)) % visible.length];
      next.focus();
      up((s) => M.setTab(s, next.dataset.tab as M.Tab));
      e.preventDefault();
    });
  }
  store.subscribe((s) => s.ui.tab, (tab) => {
    document.body.dataset.tab = tab;
    for (const b of buttons) {
      const on = b.dataset.tab === tab || (tab !== "list" && tab !== "trends" && b.dataset.tab === "graph" && !phone());
      b.setAttribute("aria-selected", String(on));
      b.tabIndex = on ? 0 : -1;
    }
    $("#list-area").hidden = tab !== "list";
    $("#trends-area").hidden = tab !== "trends";
  });
  $("#skip-list").addEventListener("click", (e) => {
    e.preventDefault();
    up((s) => M.setTab(s, "list"));
    $("#list-h").focus();
  });
  $("#skip-details").addEventListener("click", (e) => {
    e.preventDefault();
    if (phone()) up((s) => M.setTab(s, "details"));
    $("#details-h").focus();
  });
}

// ---- filters ----

function filters(store: Store<AppState>, up: (fn: (s: AppState) => AppState) => void) {
  const form = $<HTMLFormElement>("#filter-form");
  store.subscribe((s) => [s.view.filter, s.meta.relationTypes, s.lang] as const, ([f, types, lang]) => {
    const t = messages[lang];
    $("#f-kinds").replaceChildren(...KINDS.map((k) => h("label", {},
      h("input", { type: "checkbox", name: "kind", value: k, checked: f.kinds.includes(k) }),
      h("span", { class: `swatch shape-${KIND_STYLE[k].shape}`, style: `--c:${KIND_STYLE[k].color}`, "aria-hidden": "true" }), t.kind[k])));
    $("#f-types").replaceChildren(...types.map((r) => h("label", { title: r.meaning },
      h("input", { type: "checkbox", name: "type", value: r.name, checked: f.relationTypes.includes(r.name) }), relTypeLabel(t, r.name))));
    $<HTMLInputElement>("#f-conf").value = f.minConfidence === null ? "" : String(f.minConfidence);
    $<HTMLInputElement>("#f-from").value = f.from;
    $<HTMLInputElement>("#f-to").value = f.to;
    $<HTMLInputElement>("#f-known").value = f.knownAt;
  }, shallowEqual);

  const read = () => {
    const checked = (n: string) => [...form.querySelectorAll<HTMLInputElement>(`input[name=${n}]:checked`)].map((i) => i.value);
    const date = (id: string) => {
      const input = $<HTMLInputElement>(id);
      const v = input.value.trim();
      input.setCustomValidity(v && !isPartialDate(v) ? "YYYY, YYYY-MM or YYYY-MM-DD" : "");
      return isPartialDate(v) ? v : "";
    };
    const conf = $<HTMLInputElement>("#f-conf").value;
    const filter = {
      kinds: checked("kind") as Kind[], relationTypes: checked("type"),
      minConfidence: conf === "" ? null : Math.max(0, Math.min(100, Math.round(Number(conf)))),
      from: date("#f-from"), to: date("#f-to"), knownAt: date("#f-known"),
    };
    if (!form.reportValidity()) return;
    up((s) => M.setFilter(s, filter));
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    read();
  });
  $("#filter-reset").addEventListener("click", () => up((s) => M.setFilter(s, defaultState().filter)));

  const labels = $<HTMLSelectElement>("#labels");
  labels.addEventListener("change", () => up((s) => M.setLabels(s, labels.value as LabelDensity)));
  store.subscribe((s) => [s.view.labels, s.lang] as const, ([d, lang]) => {
    const t = messages[lang];
    labels.replaceChildren(...LABEL_DENSITIES.map((x) => h("option", { value: x, selected: x === d }, t.labelDensities[x])));
  }, shallowEqual);
}

// ---- paths ----

/**
 * resolve finds the entity a typed name names: the one exact match of a name
 * or alias, else the one hit; otherwise it says why not.
 */
export async function resolve(q: string): Promise<{ entity: Hit["entity"] } | { message: PathMessage }> {
  const hits = (await gql<{ search: Hit[] }>(SEARCH, { q })).search;
  const unique = (xs: Hit[]) => [...new Map(xs.map((x) => [x.entity.id, x])).values()];
  const exact = unique(hits.filter((x) => x.score >= 1));
  if (exact.length === 1) return { entity: exact[0].entity };
  const all = unique(hits);
  if (!exact.length && all.length === 1) return { entity: all[0].entity };
  if (!all.length) return { message: { kind: "notFound", q } };
  return { message: { kind: "ambiguous", q, names: (exact.length ? exact : all).slice(0, 4).map((x) => x.entity.name) } };
}

function paths(store: Store<AppState>, up: (fn: (s: AppState) => AppState) => void, ctx: () => Ctx) {
  const boxes = {} as Record<"from" | "to", { search(): void }>;
  for (const end of ["from", "to"] as const) {
    boxes[end] = combobox({
      input: $(`#path-${end}`), list: $(`#path-${end}-list`), kindLabel: (k) => ctx().t.kind[k], noResults: () => ctx().t.noResults,
      onPick: (hit) => up((s) => M.setPathEnd(s, end, { text: hit.entity.name, id: hit.entity.id })),
      onType: (text) => up((s) => M.setPathEnd(s, end, { text, id: null })),
      onError: (e) => up((s) => M.loadFailed(s, "search", failureOf(e))),
    });
  }
  $("#path-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void (async () => {
      const form = store.get().pathForm;
      const ids: Record<string, string> = {};
      for (const end of ["from", "to"] as const) {
        const v = form[end];
        if (v.id) {
          ids[end] = v.id;
          continue;
        }
        if (!v.text.trim()) return up((s) => M.pathMessage(s, { kind: "pickBoth" }));
        let got: Awaited<ReturnType<typeof resolve>>;
        try {
          got = await resolve(v.text.trim());
        } catch (err) {
          return up((s) => M.loadFailed(s, "search", failureOf(err)));
        }
        if ("message" in got) {
          const message = got.message;
          up((s) => M.pathMessage(s, message));
          if (message.kind === "ambiguous") boxes[end].search();
          $(`#path-${end}`).focus();
          return;
        }
        const entity = got.entity;
        up((s) => M.setPathEnd(s, end, { text: entity.name, id: entity.id }));
        ids[end] = entity.id;
      }
      up((s) => M.setPath(s, ids.from, ids.to));
    })();
  });
  $("#path-clear").addEventListener("click", () => up(M.clearPath));

  store.subscribe((s) => s.pathForm, (f) => {
    for (const end of ["from", "to"] as const) {
      const input = $<HTMLInputElement>(`#path-${end}`);
      if (input.value !== f[end].text) input.value = f[end].text;
    }
    if (f.focus) {
      $(`#path-${f.focus}`).focus();
      up(M.pathFocused);
    }
  });
  store.subscribe((s) => [s.pathForm.message, s.lang] as const, ([m, lang]) => {
    const t = messages[lang];
    const el = $("#path-message");
    el.hidden = !m;
    el.replaceChildren(...(!m ? [] : m.kind === "pickBoth" ? [t.pathPickBoth] : m.kind === "same" ? [t.pathSame]
      : m.kind === "notFound" ? fillNodes(t.pathNotFound, { q: name(m.q, 60) })
        : fillNodes(t.pathAmbiguous, { q: name(m.q, 60), names: h("span", {}, m.names.map((x, i) => [i ? ", " : "", name(x, 40)])) })));
  }, shallowEqual);

  store.subscribe((s) => [s.paths.result, s.view.path, s.status.paths, s.lang, s.view.filter.knownAt] as const, ([result, path, status, lang, known]) => {
    const t = messages[lang];
    const out = $("#path-result");
    if (!path) return out.replaceChildren();
    if (status === "loading") return out.replaceChildren(h("p", { class: "hint" }, t.loading));
    if (!result) return out.replaceChildren();
    if (!result.length) return out.replaceChildren(h("p", { class: "hint" }, t.noPath));
    const hops = result[0].edges.length;
    out.replaceChildren(
      h("p", { class: "hint" }, result.length === 1 ? fill(t.pathFoundOne, { hops }) : fill(t.pathFound, { n: result.length, hops })),
      ...result.map((p, i) => h("ol", { class: "path", "aria-label": `${t.path} ${i + 1}` }, p.edges.map((e, n) => h("li", { class: "hop" },
        h("span", { class: "hop-n" }, `${t.hop} ${n + 1}`),
        h("strong", {}, name(e.from.name, 80)), " ", h("span", { class: "rel-type", title: e.type }, relTypeLabel(t, e.type)), " ", h("strong", {}, name(e.to.name, 80)),
        " ", h("span", { class: "confidence" }, confidenceText(t, e.confidence)),
        sourceList(t, lang, e.sources, known))))));
  }, shallowEqual);
}

// ---- details ----

function details(store: Store<AppState>, up: (fn: (s: AppState) => AppState) => void) {
  store.subscribe((s) => [s.view.compare, s.compare, s.status.compare, s.view.selected, s.view.edge, s.detail, s.status.detail, s.claim, s.view.filter.knownAt, s.lang, s.meta.datasets, shownMemo(s), s.view.expanded, s.ui.openGroups, s.status.graph] as const, () => {
    const s = store.get();
    const t = messages[s.lang];
    const body = $("#detail-body");
    if (s.view.compare.length >= 2) return body.replaceChildren(...compareView(s, t, up));
    if (s.view.edge) return body.replaceChildren(...claimView(s, t, up));
    const id = s.view.selected;
    if (!id) return body.replaceChildren(h("p", { class: "hint" }, t.nothingSelected));
    const known = shownMemo(s).nodes.find((n) => n.id === id)?.name ?? id;
    if (s.detail.id !== id || s.status.detail !== "ok") {
      if (s.status.detail === "error") {
        return body.replaceChildren(h("p", { class: "failed" }, fillNodes(t.detailFailed, { name: name(known, 80) })), h("button", { type: "button", onclick: () => up(M.retry) }, t.retry));
      }
      return body.replaceChildren(h("p", { class: "hint" }, name(known, 80), " — ", t.loading));
    }
    if (!s.detail.entity) return body.replaceChildren(h("p", { class: "hint" }, fillNodes(t.pathNotFound, { q: name(id, 80) })));
    body.replaceChildren(...entityView(s, s.detail.entity, t, up));
  }, shallowEqual);
}

function entityView(s: AppState, e: Detail, t: Messages, up: (fn: (s: AppState) => AppState) => void): Node[] {
  const lang = s.lang;
  const known = s.view.filter.knownAt;
  const datasets = s.meta.datasets;
  const fields: [string, string][] = [];
  for (const key of ["orgType", "eventType", "iso2", "mitreAttackId", "court", "caseNumber", "filed", "unsealed", "cves", "charges"]) {
    const v = e[key];
    let text = "";
    if (Array.isArray(v)) text = (v as string[]).join("; ");
    else if (typeof v === "string") {
      if (key === "iso2") text = `${v} / ${typeof e.iso3 === "string" ? e.iso3 : ""}`;
      else if (key === "orgType" || key === "eventType") text = codeLabel(t, v);
      else if (key === "filed" || key === "unsealed") text = formatDate(v, lang);
      else text = v;
    }
    if (text) fields.push([t.field[key], text]);
  }
  const dates = formatSpan(e.start, e.end, lang);
  const nodes: Node[] = [
    h("h2", { id: "detail-name" }, name(e.name, 400)),
    h("p", {}, kindBadge(t, e.kind), dates ? h("span", { class: "dates" }, dates) : null),
  ];
  if (e.aliases.length) nodes.push(h("p", { class: "aliases" }, h("strong", {}, `${t.aliases}: `), e.aliases.slice(0, 60).map((a, i) => [i ? ", " : "", name(a, 80)])));
  if (e.description) nodes.push(longText("desc", e.description));
  nodes.push(h("p", {}, originNote(t, e.sources, datasets)));
  if (e.alternatives.length) {
    nodes.push(h("details", { class: "alternatives" }, h("summary", {}, `${t.alternatives} (${e.alternatives.length})`),
      h("ul", {}, e.alternatives.map((a) => h("li", {}, h("strong", {}, `${t.field[a.field] ?? a.field}: `),
        a.field === "start" || a.field === "end" ? formatDate(a.value, lang) : longText("alt", a.value, 300), " ", originNote(t, a.sources, datasets), sourceList(t, lang, a.sources, known))))));
  }
  if (fields.length) nodes.push(h("dl", {}, fields.map(([k, v]) => [h("dt", {}, k), h("dd", {}, name(v, 1000))])));
  nodes.push(h("details", { class: "entity-sources" }, h("summary", {}, `${t.sources} (${e.sources.length})`), sourceList(t, lang, e.sources, known)));
  nodes.push(h("div", { class: "buttons actions" },
    h("button", { type: "button", class: "expand", onclick: () => up((st) => toGraph(M.expand(st, { id: e.id, type: null }, e.name))) }, t.showNeighbours),
    h("button", { type: "button", class: "connect", onclick: () => up((st) => M.connectFrom(st, e.id, e.name)) }, t.connectTo),
    h("button", { type: "button", class: "focus", onclick: () => up((st) => toGraph(M.focusOn(st, e.id))) }, t.focusOn),
    h("button", { type: "button", class: "compare", onclick: () => up((st) => M.toggleCompare(st, e.id)) },
      s.view.compare.includes(e.id) ? t.compareRemove : s.view.compare.length ? t.compareWith : t.compareStart)));
  if (s.view.compare.length === 1 && !s.view.compare.includes(e.id)) nodes.push(h("p", { class: "hint small" }, t.compareHint));
  else if (s.view.compare.length === 1) nodes.push(h("p", { class: "hint small" }, t.comparePick));

  const total = e.relationCounts.reduce((a, c) => a + c.count, 0) || e.relations.length;
  nodes.push(h("h3", {}, `${t.relations} (${total}${e.relationCounts.some((c) => c.atLeast) ? "+" : ""})`));
  const counts: RelationCount[] = e.relationCounts.length ? e.relationCounts : derivedCounts(e);
  for (const c of counts) {
    const key = `${c.type} ${c.direction}`;
    const rels = e.relations.filter((r) => r.type === c.type && (c.direction === "OUT" ? r.from.id === e.id : r.to.id === e.id));
    const open = s.ui.openGroups.includes(key);
    const list = open ? rels : rels.slice(0, CLAIMS_SHOWN);
    const label = c.direction === "OUT" ? `${relTypeLabel(t, c.type)} →` : `← ${relTypeLabel(t, c.type)}`;
    const expanded = M.isExpanded(s, { id: e.id, type: c.type });
    nodes.push(h("section", { class: "rel-group", "data-type": c.type, "data-direction": c.direction },
      h("h4", { title: c.type }, `${label} (${c.count}${c.atLeast ? "+" : ""})`, " ",
        h("button", { type: "button", class: "small group-expand", onclick: () => up((st) => toGraph(M.expand(st, { id: e.id, type: c.type }, e.name))) },
          t.showGroup, expanded ? h("span", { class: "visually-hidden" }, ` (${t.groupShown})`) : null),
        expanded ? h("span", { class: "shown-note", "aria-hidden": "true" }, ` ✓ ${t.groupShown}`) : null),
      h("ul", {}, list.map((r) => claimItem(s, t, e, r, up))),
      rels.length > list.length ? h("button", { type: "button", class: "link more", onclick: () => up((st) => M.openGroup(st, key)) }, fill(t.listMore, { n: rels.length - list.length })) : null));
  }
  return nodes;
}

/** toGraph: on a phone, an expansion shows the graph, where it happens and is said. */
function toGraph(s: AppState): AppState {
  return phone() ? M.setTab(s, "graph") : s;
}

function derivedCounts(e: Detail): RelationCount[] {
  const m = new Map<string, RelationCount>();
  for (const r of e.relations) {
    const direction = r.from.id === e.id ? "OUT" : "IN";
    const k = `${r.type} ${direction}`;
    const c = m.get(k) ?? { type: r.type, direction, count: 0, atLeast: false };
    c.count++;
    m.set(k, c);
  }
  return [...m.values()].sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
}

/** fromEntity is the entity at a relation's "from" end, when the page holds it (for knownBy). */
function fromEntity(s: AppState, id: string): Entity | null {
  if (s.detail.entity?.id === id) return s.detail.entity;
  return shownMemo(s).nodes.find((n) => n.id === id) ?? null;
}

function claimItem(s: AppState, t: Messages, e: Entity, r: NamedRelation, up: (fn: (s: AppState) => AppState) => void) {
  const known = s.view.filter.knownAt;
  const early = knownBy(r.sources, known, r.from.id === e.id ? e : fromEntity(s, r.from.id), r.type);
  const out = r.from.id === e.id;
  const other = out ? r.to : r.from;
  return h("li", { class: `claim${early ? "" : " later"}` },
    early ? null : h("span", { class: "later-note" }, t.notYetPublic),
    h("a", { href: `#${encodeURIComponent(other.id)}`, "data-goto": other.id, onclick: (ev: Event) => {
      ev.preventDefault();
      up((st) => M.select(st, other.id));
    } }, out ? "→ " : "← ", name(other.name, 120)),
    r.role ? h("em", {}, " (", name(r.role, 80), ")") : null,
    r.start ? h("span", { class: "dates" }, formatSpan(r.start, r.end, s.lang)) : null,
    h("span", { class: "confidence" }, confidenceText(t, r.confidence)), " ",
    r.description ? longText("desc", r.description, 300) : null,
    originNote(t, r.sources, s.meta.datasets),
    sourceList(t, s.lang, r.sources, known));
}

/** findClaim looks a relation up in what the page holds: the graph, then the details. */
function findClaim(s: AppState, id: string): { r: Relation; from: string; to: string } | null {
  const sub = shownMemo(s);
  const nameOf = (x: string) => sub.nodes.find((n) => n.id === x)?.name ?? (s.detail.entity?.id === x ? s.detail.entity.name : x);
  let r = sub.edges.find((x) => x.id === id) ?? s.detail.entity?.relations.find((x) => x.id === id);
  if (r?.brief) r = s.detail.entity?.relations.find((x) => x.id === id) ?? (s.claim.id === id && s.claim.relation ? s.claim.relation : r);
  if (!r) return null;
  return { r, from: r.from.name ?? nameOf(r.from.id), to: r.to.name ?? nameOf(r.to.id) };
}

function claimView(s: AppState, t: Messages, up: (fn: (s: AppState) => AppState) => void): Node[] {
  const found = findClaim(s, s.view.edge!);
  // A brief claim is read whole by the claim loader (a failure shows in the banner; not found, it shows brief).
  if (found?.r.brief && !(s.claim.id === s.view.edge && s.status.claim === "ok")) return [h("p", { class: "hint" }, t.loading)];
  if (!found) {
    if (s.status.graph === "loading") return [h("p", { class: "hint" }, t.loading)];
    return [h("p", { class: "hint" }, t.claimNotShown), h("button", { type: "button", onclick: () => up((st) => M.selectEdge(st, null)) }, t.reset)];
  }
  const { r, from, to } = found;
  const known = s.view.filter.knownAt;
  const goto = (id: string, label: string) => h("button", { type: "button", class: "link", onclick: () => up((st) => M.select(st, id)) }, name(label, 120));
  return [
    h("p", { class: "claim-kind" }, t.claim),
    h("h2", { id: "detail-name" }, name(from, 200), " ", h("span", { class: "rel-type", title: r.type }, relTypeLabel(t, r.type)), " ", name(to, 200)),
    h("dl", {},
      h("dt", {}, t.colType), h("dd", {}, relTypeLabel(t, r.type), r.role ? [" (", name(r.role, 80), ")"] : ""),
      h("dt", {}, t.colDates), h("dd", {}, formatSpan(r.start, r.end, s.lang) || "—"),
      h("dt", {}, t.colConfidence), h("dd", {}, confidenceText(t, r.confidence))),
    r.description ? longText("desc", r.description) : h("span"),
    h("p", {}, originNote(t, r.sources, s.meta.datasets)),
    knownBy(r.sources, known, fromEntity(s, r.from.id), r.type) ? h("span") : h("p", { class: "later-note" }, t.notYetPublic),
    h("h3", {}, `${t.sources} (${r.sources.length})`),
    sourceList(t, s.lang, r.sources, known),
    h("div", { class: "buttons" }, goto(r.from.id, from), goto(r.to.id, to)),
  ];
}

// ---- actors side by side ----

function compareView(s: AppState, t: Messages, up: (fn: (s: AppState) => AppState) => void): Node[] {
  const c = s.compare.result;
  const close = h("button", { type: "button", onclick: () => up(M.closeCompare) }, t.compareClose);
  if (s.status.compare === "error") return [h("p", { class: "failed" }, t.compareFailed), close];
  if (!c || s.compare.key !== s.view.compare.join(",")) return [h("p", { class: "hint" }, t.loading), close];
  const names = c.actors.map((a) => a.name);
  const table = (caption: string, rows: Row[], note: string | null, max = 150) => h("table", { class: "list compare" },
    h("caption", {}, fill(caption, { n: rows.length, shared: rows.filter((r) => r.by.every(Boolean)).length })),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t.colName), note ? h("th", { scope: "col" }, note) : null, names.map((n) => h("th", { scope: "col" }, name(n, 30))))),
    h("tbody", {}, rows.slice(0, max).map((r) => h("tr", { class: r.by.every(Boolean) ? "shared" : "" },
      h("td", {}, h("button", { type: "button", class: "link", onclick: () => up((st) => M.select(M.closeCompare(st), r.id)) }, name(r.name, 60))),
      note ? h("td", {}, r.note) : null,
      r.by.map((b) => h("td", { class: "num" }, b ? "✓" : "—"))))));
  return [
    h("p", { class: "claim-kind" }, t.compareTitle),
    h("h2", { id: "detail-name" }, names.map((n, i) => [i ? " · " : "", name(n, 60)])),
    h("div", { class: "buttons" },
      h("button", { type: "button", id: "compare-csv", onclick: () => download("attribution-compare.csv", "text/csv", compareCSV(c)) }, t.compareCSV),
      h("button", { type: "button", id: "compare-layer", onclick: () => download("attribution-compare-layer.json", "application/json", navigatorLayer(c)) }, t.compareLayer),
      close),
    table(t.compareTechniques, c.techniques, "ATT&CK"),
    table(t.compareVictims, c.victims, null),
    table(t.compareAccusers, c.accusers, t.colDates),
  ];
}

// ---- the list view: what the graph shows, as tables ----

function list(store: Store<AppState>, up: (fn: (s: AppState) => AppState) => void) {
  store.subscribe((s) => [s.ui.tab, shownMemo(s), s.lang, s.ui.listLimit, s.view.selected, s.view.edge] as const, ([tab, sub, lang, limit, sel, edge]) => {
    if (tab !== "list") return;
    const t = messages[lang];
    const body = $("#list-body");
    // Group nodes stand for entities the graph folds away: the list names entities and claims only.
    sub = { ...sub, nodes: sub.nodes.filter((n) => !n.group), edges: sub.edges.filter((e) => !e.group) };
    if (!sub.nodes.length) return body.replaceChildren(h("p", { class: "hint" }, t.listEmpty));
    const order = new Map<string, number>(KINDS.map((k, i) => [k, i]));
    const names = new Map(sub.nodes.map((n) => [n.id, n.name]));
    const degree = new Map<string, number>();
    for (const e of sub.edges) for (const id of [e.from.id, e.to.id]) degree.set(id, (degree.get(id) ?? 0) + 1);
    const nodes = [...sub.nodes].sort((a, b) => order.get(a.kind)! - order.get(b.kind)! || a.name.localeCompare(b.name));
    const edges = sub.edges.filter((e) => names.has(e.from.id) && names.has(e.to.id))
      .sort((a, b) => a.type.localeCompare(b.type) || names.get(a.from.id)!.localeCompare(names.get(b.from.id)!));
    const pick = (fn: (st: AppState) => AppState) => up((st) => (phone() ? M.setTab(fn(st), "details") : fn(st)));
    const more = (n: number) => (n > limit ? h("button", { type: "button", class: "link more", onclick: () => up(M.showMoreRows) }, fill(t.listMore, { n: Math.min(M.LIST_PAGE, n - limit) })) : null);
    body.replaceChildren(h("div", {},
      h("table", { class: "list entities" },
        h("caption", {}, fill(t.listEntities, { n: nodes.length })),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t.colName), h("th", { scope: "col" }, t.colKind), h("th", { scope: "col" }, t.colClaims))),
        h("tbody", {}, nodes.slice(0, limit).map((n) => h("tr", { "aria-current": n.id === sel ? "true" : null },
          h("td", {}, h("button", { type: "button", class: "link", onclick: () => pick((st) => M.select(st, n.id)) }, name(n.name, 80))),
          h("td", {}, kindBadge(t, n.kind)),
          h("td", { class: "num" }, String(degree.get(n.id) ?? 0)))))),
      more(nodes.length),
      h("table", { class: "list claims" },
        h("caption", {}, fill(t.listClaims, { n: edges.length })),
        h("thead", {}, h("tr", {}, [t.colFrom, t.colType, t.colTo, t.colConfidence, t.colDates].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, edges.slice(0, limit).map((e) => h("tr", { "aria-current": e.id === edge ? "true" : null },
          h("td", {}, name(names.get(e.from.id)!, 60)),
          h("td", {}, h("button", { type: "button", class: "link", title: e.type, onclick: () => pick((st) => M.selectEdge(st, e.id)) }, relTypeLabel(t, e.type))),
          h("td", {}, name(names.get(e.to.id)!, 60)),
          h("td", { class: "num" }, e.confidence === null ? "—" : String(e.confidence)),
          h("td", {}, formatSpan(e.start, e.end, lang)))))),
      more(edges.length)));
  }, shallowEqual);
}

// ---- the node menu: details, neighbours, connect to ----

function nodeMenu(store: Store<AppState>, up: (fn: (s: AppState) => AppState) => void) {
  const menu = $("#node-menu");
  menu.addEventListener("keydown", (e) => {
    const items = [...menu.querySelectorAll<HTMLButtonElement>("[role=menuitem]")];
    const i = items.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      items[(i + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length]?.focus();
      e.preventDefault();
    } else if (e.key === "Tab") {
      up(M.closeMenu);
    }
  });
  store.subscribe((s) => [s.ui.menu, s.lang] as const, ([m, lang]) => {
    if (!m) {
      menu.hidden = true;
      return;
    }
    const t = messages[lang];
    const node = shownMemo(store.get()).nodes.find((n) => n.id === m.node);
    const label = node?.name ?? m.node;
    menu.setAttribute("aria-label", fill(t.menuFor, { name: clip(label, 60) }));
    const item = (text: string, fn: (s: AppState) => AppState) => h("button", { type: "button", role: "menuitem", onclick: () => up(fn) }, text);
    menu.replaceChildren(
      h("p", { class: "menu-title", "aria-hidden": "true" }, name(label, 40)),
      item(t.menuDetails, (s) => (phone() ? M.setTab(M.select(s, m.node), "details") : M.select(s, m.node))),
      item(t.showNeighbours, (s) => M.closeMenu(M.expand(s, { id: m.node, type: null }, label))),
      item(t.connectTo, (s) => M.connectFrom(s, m.node, label)));
    menu.hidden = false;
    const area = $("#graph-area").getBoundingClientRect();
    const box = menu.getBoundingClientRect();
    menu.style.left = `${Math.max(4, Math.min(m.x + 8, area.width - box.width - 4))}px`;
    menu.style.top = `${Math.max(4, Math.min(m.y + 8, area.height - box.height - 4))}px`;
    menu.querySelector<HTMLButtonElement>("[role=menuitem]")?.focus();
  }, shallowEqual);
}

// ---- the timeline's head: rows that fold, the link to the graph ----

function timelineHead(store: Store<AppState>, up: (fn: (s: AppState) => AppState) => void) {
  const link = $<HTMLInputElement>("#link-timeline");
  link.addEventListener("change", () => up((s) => M.setLinkTimeline(s, link.checked)));
  store.subscribe((s) => [s.timeline.items, s.timeline.hidden, s.lang, s.timeline.total] as const, ([items, hidden, lang, total]) => {
    const t = messages[lang];
    // A window that holds more than a page says so, and how to see the rest.
    const cut = $("#timeline-cut");
    cut.hidden = total <= items.length;
    cut.textContent = cut.hidden ? "" : fill(t.timelineCut, { n: items.length, total });
    const count = (g: string) => items.filter((it) => (it.relation ? "claims" : it.entity?.kind === "CAMPAIGN" ? "campaigns" : "events") === g).length;
    $("#timeline-rows").replaceChildren(...TIMELINE_GROUPS.map((g) => h("button", {
      type: "button", class: "row-toggle", "aria-pressed": String(!hidden.includes(g)), onclick: () => up((s) => M.toggleTimelineGroup(s, g)),
    }, `${hidden.includes(g) ? "▸" : "▾"} ${t.groups[g]} (${count(g)})`)));
  }, shallowEqual);
}

// ---- the landing view's stories ----

/** The starting points: each selects an entity of the curated data (its neighbourhood is then drawn small). */
const STORIES: { id: string; key: "storyJuly" | "storyIndictment" | "storyFrance" }[] = [
  { id: "hafnium-joint-attribution-2021", key: "storyJuly" },
  { id: "doj-apt40-indictment", key: "storyIndictment" },
  { id: "apt31-france-campaign-2021", key: "storyFrance" },
];

function stories(store: Store<AppState>, up: (fn: (s: AppState) => AppState) => void) {
  const box = $("#stories");
  store.subscribe((s) => [M.landing(s.view), s.stories.latest, s.lang] as const, ([shown, latest, lang]) => {
    box.hidden = !shown;
    if (!shown) return box.replaceChildren();
    const t = messages[lang];
    const open = (id: string) => up((st) => M.select(st, id));
    box.replaceChildren(
      h("h2", { id: "stories-h" }, t.stories),
      h("p", { class: "hint small" }, t.storiesHelp),
      h("ul", {},
        STORIES.map((x) => h("li", {}, h("button", { type: "button", class: "story", onclick: () => open(x.id) }, t[x.key]))),
        latest.length ? h("li", {}, h("span", { class: "story-head" }, t.storyLatest),
          h("ul", { class: "latest" }, latest.map((x) => h("li", {},
            h("button", { type: "button", class: "story link", onclick: () => open(x.id) }, formatDate(x.date, lang), " — ", name(x.title, 90)))))) : null));
  }, shallowEqual);
}

// ---- legend ----

function legend(store: Store<AppState>) {
  store.subscribe((s) => s.lang, (lang) => {
    const t = messages[lang];
    $("#legend-items").replaceChildren(...KINDS.map((k) => h("li", {}, h("span", { class: `swatch shape-${KIND_STYLE[k].shape}`, style: `--c:${KIND_STYLE[k].color}`, "aria-hidden": "true" }), t.kind[k])));
  });
}

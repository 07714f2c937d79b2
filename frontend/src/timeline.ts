// The timeline view: vis-timeline. Every item's content and tooltip is built
// as DOM from text (vis-timeline would take HTML strings). It scrolls its
// rows instead of hiding them, zooms with the plain wheel, and each row can
// be folded away.
import { DataSet, Timeline } from "vis-timeline/standalone";
import "vis-timeline/styles/vis-timeline-graph2d.css";

import { h, name } from "./h";
import { formatDate, formatTick, messages, relTypeLabel } from "./i18n";
import { brush, select, timelineMoved, timelineWindow, type AppState } from "./model";
import { shallowEqual, type Store } from "./store";
import { interval, TIMELINE_GROUPS, timelineView, type TimelineView } from "./view";

type Item = Omit<TimelineView, "text" | "tooltip" | "parts"> & { content: HTMLElement; title: HTMLElement };
type Group = { id: string; content: HTMLElement; order: number; visible: boolean };

const TITLE_MAX = 80; // characters of an item's title on the timeline; its tooltip has more

export class TimelineChart {
  timeline: Timeline;
  items = new DataSet<Item>();
  groups = new DataSet<Group>();

  constructor(private store: Store<AppState>, container: HTMLElement, private linked: () => boolean) {
    // vis-timeline's types say content is a string; it takes an element too (and then builds no HTML).
    this.timeline = new Timeline(container, this.items as never, {
      maxHeight: 250, minHeight: 120, verticalScroll: true, zoomKey: "", preferZoom: true,
      stack: true, selectable: true, orientation: "top", groupOrder: "order",
      tooltip: { followMouse: true, overflowMethod: "cap" }, margin: { item: { horizontal: 4, vertical: 4 } },
    } as Record<string, unknown>);
    this.timeline.setGroups(this.groups as never);
    // The rows' scroller takes the keyboard too (↑ ↓ scroll it), named in the language.
    this.scroller = container.querySelector<HTMLElement>(".vis-panel.vis-left");
    this.scroller?.setAttribute("tabindex", "0");
    this.scroller?.setAttribute("role", "group");
    this.bind(container);
    store.subscribe((s) => [s.timeline.items, s.lang, s.timeline.hidden] as const, () => this.render(), shallowEqual);
    store.subscribe((s) => [s.view.filter.from, s.view.filter.to] as const, () => this.frame(), shallowEqual);
    store.subscribe((s) => [s.view.selected, s.timeline.items, s.detail.entity] as const, ([id]) => this.selectTouching(id), shallowEqual);
  }

  private scroller: HTMLElement | null;

  private render() {
    const s = this.store.get();
    const t = messages[s.lang];
    this.scroller?.setAttribute("aria-label", t.timelineRows);
    const fmt = (d: string) => formatDate(d, s.lang);
    this.timeline.setOptions({
      format: {
        minorLabels: (d: { toDate(): Date }, scale: string) => formatTick(d.toDate(), scale, s.lang),
        majorLabels: (d: { toDate(): Date }, scale: string) => formatTick(d.toDate(), scale, s.lang, true),
      },
    } as Record<string, unknown>);
    const counts = new Map<string, number>();
    const views = timelineView(s.timeline.items, fmt, (type) => relTypeLabel(t, type));
    for (const v of views) counts.set(v.group, (counts.get(v.group) ?? 0) + 1);
    this.groups.update(TIMELINE_GROUPS.map((id, order) => ({
      id, order, visible: !s.timeline.hidden.includes(id),
      content: h("span", { class: "group-label" }, t.groups[id], h("span", { class: "count" }, ` (${counts.get(id) ?? 0})`)),
    })));
    this.items.clear();
    const show = (v: TimelineView, max: number) => (v.parts ? [name(v.parts[0], max / 2), ` ${v.parts[1]} `, name(v.parts[2], max / 2)] : [name(v.text, max)]);
    this.items.add(views.map((v) => ({
      id: v.id, start: v.start, ...(v.end ? { end: v.end } : {}), type: v.type, className: v.className, entityIds: v.entityIds, group: v.group, precision: v.precision,
      content: h("span", { class: "item-title" }, show(v, TITLE_MAX)),
      title: h("span", { class: "item-tooltip" }, show(v, 400), v.tooltip.slice(v.text.length)), // then " (19 July 2021)"
    })));
  }

  /**
   * selectTouching selects the items of the selected entity and brings the
   * selection into view: its own item first (an event, an indictment), else
   * the first item touching it; when none is loaded, the window moves to the
   * entity's date (its loader then reads that window).
   */
  private selectTouching(id: string | null) {
    const touching = this.items.get({ filter: (it: Item) => !!id && it.entityIds.includes(id) });
    this.timeline.setSelection(touching.map((it: Item) => it.id));
    if (!id) return;
    const w = this.timeline.getWindow();
    const inView = (start: Date, end?: Date) => start.getTime() < w.end.getTime() && (end ?? start).getTime() >= w.start.getTime();
    const own = touching.find((it: Item) => it.id === `entity:${id}`) ?? touching[0];
    if (own) {
      if (!inView(new Date(own.start), own.end ? new Date(own.end) : undefined)) this.centre(new Date(own.start));
      return;
    }
    const d = this.store.get().detail;
    const start = d.id === id ? d.entity?.start : null;
    if (start && !inView(interval(start).start)) this.centre(interval(start).start);
  }

  /** centre moves the window, its width kept, to put a date in its middle. */
  private centre(at: Date) {
    const w = this.timeline.getWindow();
    const half = (w.end.getTime() - w.start.getTime()) / 2;
    this.timeline.setWindow(new Date(at.getTime() - half), new Date(at.getTime() + half), { animation: false });
  }

  /** frame shows the time window of the filter, or the default window. */
  private frame() {
    const win = timelineWindow({ ...this.store.get(), timeline: { ...this.store.get().timeline, window: null } });
    const from = interval(win.from).start;
    const to = interval(win.to).end;
    const w = this.timeline.getWindow();
    if (w.start.getTime() !== from.getTime() || w.end.getTime() !== to.getTime()) this.timeline.setWindow(from, to, { animation: false });
    else this.moved(w.start, w.end);
  }

  /** moved keeps the window shown in the store, which loads what begins in it. */
  private moved(start: Date, end: Date) {
    // The window's end is exclusive: its last day is the day before.
    this.store.update((s) => timelineMoved(s, isoDay(start), isoDay(new Date(end.getTime() - 1))));
  }

  private bind(container: HTMLElement) {
    this.timeline.on("select", ({ items }: { items: string[] }) => {
      const item = this.items.get(items[0]);
      if (item?.entityIds.length) this.store.update((s) => select(s, item.entityIds[0]));
    });
    this.timeline.on("rangechanged", ({ start, end, byUser }: { start: Date; end: Date; byUser: boolean }) => {
      // The window's end is exclusive: its last day is the day before.
      if (byUser && this.linked()) this.store.update((s) => brush(s, isoDay(start), isoDay(new Date(end.getTime() - 1))));
      this.moved(start, end);
    });
    // Keys on the focused timeline: arrows move, + and - zoom.
    container.addEventListener("keydown", (e) => {
      const w = this.timeline.getWindow();
      const span = w.end.getTime() - w.start.getTime();
      if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
        const d = (e.key === "ArrowLeft" ? -1 : 1) * span * 0.2;
        this.timeline.setWindow(new Date(w.start.getTime() + d), new Date(w.end.getTime() + d), { animation: false });
      } else if (e.key === "+" || e.key === "=") {
        this.timeline.zoomIn(0.4, { animation: false });
      } else if (e.key === "-" || e.key === "_") {
        this.timeline.zoomOut(0.4, { animation: false });
      } else {
        return;
      }
      e.preventDefault();
    });
  }
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

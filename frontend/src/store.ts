// The explorer's one store: a single state, changed only by pure update
// functions (state in, new state out), and subscribers that each watch one
// part of it (the URL, the graph, the timeline, each panel) and redraw when,
// and only when, that part changes. A feature adds a field, an update
// function and, where it shows, a subscriber.

export type Update<S> = (s: S) => S;

interface Subscription<S, T> {
  select: (s: S) => T;
  listener: (value: T, state: S) => void;
  equals: (a: T, b: T) => boolean;
  last: T;
}

export class Store<S> {
  private subs: Subscription<S, unknown>[] = [];
  private notifying = false;
  private dirty = false;

  constructor(private state: S) {}

  get(): S {
    return this.state;
  }

  /** update applies a pure update; subscribers whose part changed are told, in the order they subscribed. */
  update(fn: Update<S>): void {
    const next = fn(this.state);
    if (next === this.state) return;
    this.state = next;
    if (this.notifying) {
      this.dirty = true; // a listener updated: the loop below runs again
      return;
    }
    this.notifying = true;
    try {
      do {
        this.dirty = false;
        for (const sub of [...this.subs]) {
          const value = sub.select(this.state);
          if (sub.equals(value, sub.last)) continue;
          sub.last = value;
          sub.listener(value, this.state);
        }
      } while (this.dirty);
    } finally {
      this.notifying = false;
    }
  }

  /**
   * subscribe calls listener now and whenever select's value changes (by
   * equals: identity unless told, or shallowEqual for tuples). Returns an unsubscribe.
   */
  subscribe<T>(select: (s: S) => T, listener: (value: T, state: S) => void, equals: (a: T, b: T) => boolean = Object.is): () => void {
    const sub: Subscription<S, T> = { select, listener, equals, last: select(this.state) };
    this.subs.push(sub as Subscription<S, unknown>);
    listener(sub.last, this.state);
    return () => {
      this.subs = this.subs.filter((s) => s !== (sub as Subscription<S, unknown>));
    };
  }
}

/** shallowEqual compares arrays item by item and objects key by key, by identity. */
export function shallowEqual<T>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

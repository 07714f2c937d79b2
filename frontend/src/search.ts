// An accessible autocomplete over names and aliases (ARIA combobox pattern).
import { gql, SEARCH } from "./api";
import type { Kind } from "./state";

export interface Hit { matched: string; score: number; entity: { id: string; name: string; kind: Kind } }

/** The strength of a match, by the API's score tiers: exact, prefix, words, typo. */
function strength(score: number): number {
  return score >= 0.95 ? 3 : score >= 0.855 ? 2 : score >= 0.665 ? 1 : 0;
}

const NAMED: readonly Kind[] = ["THREAT_ACTOR", "PERSON", "ORGANIZATION", "COUNTRY"];

/**
 * rankHits merges the hits of every kind with those of the named kinds
 * (actors, people, organisations, countries), ten at most: by the strength
 * of the match (a typo in a name or in an alias count alike), then named
 * kinds before the campaigns and events that mention them, then the API's
 * order.
 */
export function rankHits(all: Hit[], named: Hit[], max = 10): Hit[] {
  const seen = new Set<string>();
  const merged: { hit: Hit; order: number }[] = [];
  [...all, ...named].forEach((hit, order) => {
    if (seen.has(hit.entity.id)) return;
    seen.add(hit.entity.id);
    merged.push({ hit, order });
  });
  const isNamed = (h: Hit) => (NAMED.includes(h.entity.kind) ? 1 : 0);
  merged.sort((a, b) => strength(b.hit.score) - strength(a.hit.score) || isNamed(b.hit) - isNamed(a.hit) || a.order - b.order);
  return merged.slice(0, max).map((m) => m.hit);
}

export interface ComboboxOptions {
  input: HTMLInputElement;
  list: HTMLUListElement;
  kindLabel: (k: Kind) => string;
  noResults: () => string;
  onPick: (hit: Hit) => void;
  onError: (e: unknown) => void;
  /** onType: the text was typed, not picked: it names no entity yet. */
  onType?: (text: string) => void;
}

export interface Combobox {
  /** search runs the search for the input's text and opens the list. */
  search(): void;
}

export function combobox(o: ComboboxOptions): Combobox {
  let hits: Hit[] = [];
  let active = -1;
  let timer: number | undefined;
  let seq = 0;
  o.input.setAttribute("role", "combobox");
  o.input.setAttribute("aria-autocomplete", "list");
  o.input.setAttribute("aria-expanded", "false");
  o.input.setAttribute("aria-controls", o.list.id);
  o.list.setAttribute("role", "listbox");

  const close = () => {
    o.list.hidden = true;
    o.input.setAttribute("aria-expanded", "false");
    o.input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const render = () => {
    o.list.replaceChildren();
    if (hits.length === 0) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = o.noResults();
      o.list.append(li);
    }
    hits.forEach((h, i) => {
      const li = document.createElement("li");
      li.id = `${o.list.id}-${i}`;
      li.setAttribute("role", "option");
      li.dataset.id = h.entity.id;
      li.setAttribute("aria-selected", String(i === active));
      const name = document.createElement("bdi"); // isolated: a name's direction controls stay in it
      name.className = "hit-name";
      name.textContent = h.entity.name;
      const kind = document.createElement("span");
      kind.className = `kind-badge kind-${h.entity.kind}`;
      kind.textContent = o.kindLabel(h.entity.kind);
      li.append(name, kind);
      if (h.matched !== h.entity.name) {
        const alias = document.createElement("bdi");
        alias.className = "hit-alias";
        alias.textContent = `“${h.matched}”`;
        li.append(alias);
      }
      li.addEventListener("mousedown", (e) => {
        e.preventDefault();
        pick(i);
      });
      o.list.append(li);
    });
    o.list.hidden = false;
    o.input.setAttribute("aria-expanded", "true");
    if (active >= 0) o.input.setAttribute("aria-activedescendant", `${o.list.id}-${active}`);
  };
  const pick = (i: number) => {
    const h = hits[i];
    if (!h) return;
    o.input.value = h.entity.name;
    close();
    o.onPick(h);
  };
  const search = (delay: number) => {
    window.clearTimeout(timer);
    const q = o.input.value.trim();
    if (!q) return close();
    timer = window.setTimeout(async () => {
      const mine = ++seq;
      try {
        const data = await gql<{ search: Hit[]; named: Hit[] }>(SEARCH, { q });
        if (mine !== seq) return;
        hits = rankHits(data.search, data.named);
        active = -1; // nothing highlighted: Enter picks the first hit, ArrowDown highlights it (issue #20)
        render();
      } catch (e) {
        o.onError(e);
      }
    }, delay);
  };
  o.input.addEventListener("input", () => {
    o.onType?.(o.input.value);
    search(120);
  });
  o.input.addEventListener("keydown", (e) => {
    if (o.list.hidden && e.key !== "Escape") return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!hits.length) return;
      if (active < 0) active = e.key === "ArrowDown" ? 0 : hits.length - 1;
      else active = (active + (e.key === "ArrowDown" ? 1 : hits.length - 1)) % hits.length;
      render();
    } else if (e.key === "Enter") {
      e.preventDefault();
      pick(Math.max(active, 0));
    } else if (e.key === "Escape") {
      close();
    }
  });
  o.input.addEventListener("blur", () => window.setTimeout(close, 100));
  return { search: () => search(0) };
}

// The one way the explorer builds DOM: elements, attributes and text through
// the DOM's own APIs, never HTML strings. Every name in the graph comes from a
// source or a public dataset, so every name is untrusted input: it only ever
// reaches the page as a text node (ESLint forbids innerHTML and its kin in src/).

export type Child = Node | string | number | null | undefined | false | Child[];

type Handler = (e: Event) => void;
export type Attrs = Record<string, string | number | boolean | null | undefined | Handler>;

/**
 * h builds an element. Attributes named on* with a function are listeners;
 * true sets an empty attribute, false, null and undefined set nothing; value,
 * checked and selected are set as properties. Children are nodes or text.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (/^(innerHTML|outerHTML|srcdoc)$/i.test(key)) throw new Error(`h: ${key} is not allowed`);
    if (typeof value === "function") {
      if (!key.startsWith("on")) throw new Error(`h: ${key} is not a listener`);
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "value" || key === "checked" || key === "selected") {
      (el as unknown as Record<string, unknown>)[key] = value;
    } else if (key === "href") {
      const url = safeURL(String(value));
      if (url) el.setAttribute("href", url);
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** text is a text node: for the few places that want one outside h. */
export function text(s: string): Text {
  return document.createTextNode(s);
}

/** safeURL keeps http(s) links and in-page anchors; anything else (javascript:, data:) is dropped. */
export function safeURL(raw: string): string | null {
  if (raw.startsWith("#")) return raw;
  try {
    const u = new URL(raw);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * name shows a name as the sources give it, isolated from the text around it
 * (a right-to-left override in one name cannot turn the words after it), and
 * cut to max characters with the whole name in its title.
 */
export function name(s: string, max = 200): HTMLElement {
  const cut = clip(s, max);
  return h("bdi", { class: "name", title: cut === s ? null : s.slice(0, 2000) }, cut);
}

/** clip cuts a string to max characters (by code point), with an ellipsis. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const cps = Array.from(s);
  return cps.length <= max ? s : `${cps.slice(0, max - 1).join("")}…`;
}

/**
 * plain drops the bidirectional controls (embeddings, overrides, isolates) of
 * a name, for places that take plain text alone (the graph's canvas labels):
 * there, the characters are shown in the order they were written.
 */
export function plain(s: string): string {
  return s.replace(/[\u202A-\u202E\u2066-\u2069]/g, "");
}

/**
 * fillNodes fills a message's {placeholders} with nodes (names as name()
 * gives them) or text, for messages that carry a name: the name stays isolated.
 */
export function fillNodes(template: string, values: Record<string, Node | string | number>): (Node | string)[] {
  return template.split(/(\{\w+\})/).filter(Boolean).map((part) => {
    const m = /^\{(\w+)\}$/.exec(part);
    if (!m || !(m[1] in values)) return part;
    const v = values[m[1]];
    return typeof v === "number" ? String(v) : v;
  });
}

// End-to-end tests of issue #10 ("the explorer a journalist trusts and
// enjoys"): each defect it lists and each behaviour added for it, at
// 1440x900 and at 390x844, with screenshots into test-results/e2e/ named
// after the test and the size. run.mjs calls these with its helpers.
import assert from "node:assert/strict";
import { join } from "node:path";
import { axe, pngPixels, results } from "./lib.mjs";

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };
const SIZES = [["desktop", DESKTOP], ["phone", PHONE]];

const settled = (page) => page.waitForFunction(() => document.body.dataset.layout === "settled");
const shot = (page, name) => page.screenshot({ path: join(results, `${name}.png`) });
const state = (page) => page.evaluate(() => {
  const s = window.explorer.store.get();
  return { view: s.view, ui: s.ui, status: s.status };
});

/** noSidewaysScroll: the page never scrolls sideways, and the graph has room. */
async function layoutHolds(page, what) {
  const m = await page.evaluate(() => ({
    scroll: document.scrollingElement.scrollWidth, width: innerWidth,
    graph: document.querySelector("#graph").getBoundingClientRect().width,
    overflow: [...document.querySelectorAll("header, main, #timeline-area, #details, #side, #list-area")]
      .filter((el) => el.getBoundingClientRect().right > innerWidth + 1).map((el) => el.id || el.tagName),
  }));
  assert.ok(m.scroll <= m.width, `${what}: the page scrolls sideways (${m.scroll} > ${m.width})`);
  assert.deepEqual(m.overflow, [], `${what}: these run past the window's right edge`);
  return m;
}

/** nodePoint is where a node is drawn, in page coordinates. */
const nodePoint = (page, id) => page.evaluate((id) => {
  const { graph, renderer } = window.explorer;
  const p = renderer.graphToViewport(graph.getNodeAttributes(id));
  const box = document.querySelector("#graph").getBoundingClientRect();
  return { x: box.left + p.x, y: box.top + p.y };
}, id);

export async function explorerTests({ test, open, server, full, hostile }) {
  // ---- 2. every platform ----

  for (const [size, viewport] of [["phone", PHONE], ["small-phone", { width: 360, height: 740 }]]) {
    await test(`${size}-graph-list-details-tools-as-tabs`, async (keep) => {
      const page = keep(await open("", "en-US", server.url, viewport));
      await settled(page);
      const m = await layoutHolds(page, "graph tab");
      assert.ok(m.graph >= viewport.width - 2, `the graph is ${m.graph} px wide`);
      await shot(page, `${size}-1-graph`);
      await page.getByRole("tab", { name: "List" }).click();
      await page.locator("#list-body table.entities tbody tr").first().waitFor();
      await layoutHolds(page, "list tab");
      await shot(page, `${size}-2-list`);
      await page.locator("#list-body table.entities button", { hasText: "APT40" }).first().click();
      await page.locator("#detail-name", { hasText: "APT40" }).waitFor();
      assert.equal((await state(page)).ui.tab, "details", "picking in the list opens the details");
      await layoutHolds(page, "details tab");
      await shot(page, `${size}-3-details`);
      await page.getByRole("tab", { name: "Filters and tools" }).click();
      await page.locator("#filter-form").waitFor();
      await layoutHolds(page, "tools tab");
      await shot(page, `${size}-4-tools`);
      await page.getByRole("tab", { name: "Graph" }).click();
      await page.locator("#selection-bar", { hasText: "APT40" }).waitFor();
      await shot(page, `${size}-5-graph-with-selection`);
      return page;
    });
  }

  for (const [size, viewport] of SIZES) {
    await test(`png-export-holds-nodes-${size}`, async (keep) => {
      const page = keep(await open("", "en-US", server.url, viewport));
      await settled(page);
      if (size === "phone") await page.getByRole("tab", { name: "Filters and tools" }).click();
      const [png] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Graph as PNG" }).click()]);
      const path = join(results, `png-export-${size}.png`);
      await png.saveAs(path);
      const { counts, width } = await pngPixels(page, path, { actor: "#d62728", organization: "#1f77b4", person: "#ff7f0e" });
      assert.ok(width > 300, `the PNG is ${width} px wide`);
      for (const [k, n] of Object.entries(counts)) assert.ok(n > 30, `the PNG shows no ${k} node (${n} pixels of its colour): ${JSON.stringify(counts)}`);
      return page;
    });
  }

  await test("list-view-is-reachable-by-keyboard-with-a-skip-link", async (keep) => {
    const page = keep(await open());
    await settled(page);
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.id), "skip-details");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.id), "skip-list");
    await page.keyboard.press("Enter");
    await page.locator("#list-body table.entities").waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), "list-h");
    await page.keyboard.press("Tab");
    const first = await page.evaluate(() => document.activeElement.textContent);
    await page.keyboard.press("Enter");
    await page.locator("#detail-name", { hasText: first }).waitFor();
    // The claims too: a relation opens its claim.
    await page.locator("#list-body table.claims button").first().focus();
    await page.keyboard.press("Enter");
    await page.locator("#detail-body .claim-kind", { hasText: "Claim" }).waitFor();
    assert.match(page.url(), /rel=/);
    await shot(page, "list-view-desktop");
    return page;
  });

  await test("keyboard-few-tabs-to-the-first-claim-and-graph-timeline-reachable", async (keep) => {
    const page = keep(await open("?sel=apt31"));
    await page.locator("#detail-name", { hasText: "APT31" }).waitFor();
    let tabs = 0;
    const inClaim = () => page.evaluate(() => !!document.activeElement?.closest("#detail-body li.claim") && document.activeElement.tagName === "A");
    await page.keyboard.press("Tab");
    tabs++;
    assert.equal(await page.evaluate(() => document.activeElement.id), "skip-details", "the first Tab reaches the skip link");
    await page.keyboard.press("Enter");
    while (!(await inClaim()) && tabs < 60) {
      await page.keyboard.press("Tab");
      tabs++;
    }
    assert.ok(await inClaim(), "no claim link was reached");
    assert.ok(tabs <= 8, `${tabs} Tabs to the first claim link`);
    // The graph takes the focus and its keys.
    await page.locator("#graph").focus();
    const before = await page.evaluate(() => window.explorer.renderer.getCamera().ratio);
    await page.keyboard.press("+");
    await page.waitForFunction((r) => window.explorer.renderer.getCamera().ratio < r, before);
    // So does the timeline.
    await page.locator("#timeline").focus();
    const span = () => page.evaluate(() => { const w = window.explorer.timeline.getWindow(); return w.end - w.start; });
    const wide = await span();
    await page.keyboard.press("+");
    assert.ok((await span()) < wide, "+ does not zoom the focused timeline");
    return page;
  });

  await test("server-down-retry-restores-a-consistent-view", async (keep) => {
    const page = keep(await open());
    await settled(page);
    await page.route("**/graphql", (route) => route.abort("connectionrefused"));
    const p = await nodePoint(page, "apt31");
    await page.mouse.click(p.x, p.y);
    await page.locator("#alert", { hasText: "cannot be reached" }).waitFor();
    // The address names APT31, and so do the details: they say they could not load it.
    assert.match(page.url(), /sel=apt31/);
    await page.locator("#detail-body .failed", { hasText: "APT31" }).waitFor();
    await shot(page, "server-down-desktop");
    await page.unroute("**/graphql");
    await page.locator("#alert").getByRole("button", { name: "Retry" }).click();
    await page.locator("#alert").waitFor({ state: "hidden" });
    await page.locator("#detail-name", { hasText: "APT31" }).waitFor();
    assert.match(page.url(), /sel=apt31/);
    await shot(page, "server-down-after-retry-desktop");
    return page;
  });

  await test("french-is-complete", async (keep) => {
    const page = keep(await open("?lang=fr&sel=apt40&known=2021-07-19&path=ding-xiaoyang,norway"));
    await page.locator("#detail-name", { hasText: "APT40" }).waitFor();
    const details = await page.locator("#detail-body").innerText();
    assert.match(details, /Acteur malveillant/, "kind");
    assert.match(details, /← membre de \(4\)/, "relation types in French");
    assert.match(details, /juillet 2021/, "month names in French");
    assert.doesNotMatch(details, /MEMBER_OF|TARGETED|July/);
    assert.match(await page.locator("#known-banner").innerText(), /Tel que connu le 19 juillet 2021/);
    const path = page.locator("#path-result");
    await path.locator("li.hop").first().waitFor();
    const hops = await path.innerText();
    assert.match(hops, /plus courts chemins de 3 étapes[\s\S]*étape 1[\s\S]*(inculpe|membre de|travaille pour)[\s\S]*étape 3[\s\S]*a ciblé/);
    assert.doesNotMatch(hops, /CHARGES|MEMBER_OF|TARGETED|hop \d|July/);
    await page.locator("summary", { hasText: "Types de relations" }).click();
    assert.match(await page.locator("#f-types").innerText(), /a ciblé/);
    await page.evaluate(() => window.explorer.timeline.setWindow(new Date("2021-01-01T00:00:00Z"), new Date("2021-12-31T00:00:00Z"), { animation: false }));
    await page.waitForFunction(() => /juil|juin|mars/.test(document.querySelector("#timeline")?.textContent ?? ""));
    const titles = await page.evaluate(() => window.explorer.timeline.itemsData.get().map((it) => it.content.textContent).join("\n"));
    assert.match(titles, /APT31 attribué à Ministry of State Security/, "claims on the timeline in French");
    await page.locator("#graph-area").hover();
    await shot(page, "french-desktop");
    return page;
  });

  // ---- 3. a graph that reads well ----

  await test("paths-typed-names-resolve-or-say-why-not", async (keep) => {
    const page = keep(await open());
    await page.getByLabel("From (A)").fill("Ding");
    await page.locator("#path-from-list [role=option]").first().waitFor();
    // The open list pushes "To" down: it never covers it.
    const covered = await page.evaluate(() => {
      const r = document.querySelector("#path-to").getBoundingClientRect();
      return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)?.id;
    });
    assert.equal(covered, "path-to", "the From list covers the To box");
    await page.getByLabel("From (A)").fill("Ding Xiaoyang");
    await page.getByLabel("To (B)").fill("Norway");
    await page.getByRole("button", { name: "Find paths" }).click();
    await page.locator("#path-result li.hop").first().waitFor();
    assert.match(page.url(), /path=ding-xiaoyang(%2C|,)norway/);
    await page.getByLabel("To (B)").fill("qwertyuiop");
    await page.getByRole("button", { name: "Find paths" }).click();
    await page.locator("#path-message", { hasText: "No entity is named “qwertyuiop”" }).waitFor();
    await page.getByLabel("To (B)").fill("APT");
    await page.getByRole("button", { name: "Find paths" }).click();
    await page.locator("#path-message", { hasText: "could be several entities" }).waitFor();
    await shot(page, "paths-typed-names-desktop");
    return page;
  });

  for (const [size, viewport] of SIZES) {
    await test(`connect-to-from-a-node-menu-${size}`, async (keep) => {
      const page = keep(await open("", "en-US", server.url, viewport));
      await settled(page);
      const p = await nodePoint(page, "apt40");
      await page.mouse.click(p.x, p.y, { button: "right" });
      const menu = page.locator("#node-menu");
      await menu.getByRole("menuitem", { name: "Connect to…" }).waitFor();
      await shot(page, `node-menu-${size}`);
      await menu.getByRole("menuitem", { name: "Connect to…" }).click();
      assert.equal(await page.getByLabel("From (A)").inputValue(), "APT40");
      assert.equal(await page.evaluate(() => document.activeElement.id), "path-to");
      await page.keyboard.type("Norway");
      await page.locator("#path-to-list [role=option]").first().waitFor();
      await page.keyboard.press("Enter"); // picks the first
      await page.getByRole("button", { name: "Find paths" }).click();
      await page.locator("#path-result li.hop").first().waitFor();
      await shot(page, `connect-to-${size}`);
      return page;
    });
  }

  await test("edge-hover-labels-one-edge-and-a-click-opens-its-claim", async (keep) => {
    const page = keep(await open("?exp=apt40"));
    await settled(page);
    // Points on long edges, clear of every node; the mouse tries them until one hovers an edge.
    const targets = await page.evaluate(() => {
      const { graph, renderer } = window.explorer;
      const box = document.querySelector("#graph").getBoundingClientRect();
      const pts = Object.fromEntries(graph.mapNodes((n, a) => [n, renderer.graphToViewport(a)]));
      const out = [];
      graph.forEachEdge((e, _a, s, t) => {
        const len = Math.hypot(pts[s].x - pts[t].x, pts[s].y - pts[t].y);
        for (const k of [0.5, 0.4, 0.6]) {
          const m = { x: pts[s].x + (pts[t].x - pts[s].x) * k, y: pts[s].y + (pts[t].y - pts[s].y) * k };
          const clear = Math.min(...Object.values(pts).map((p) => Math.hypot(p.x - m.x, p.y - m.y)));
          if (m.x > 20 && m.y > 60 && m.x < box.width - 60 && m.y < box.height - 20 && clear > 25) out.push({ e, len, x: box.left + m.x, y: box.top + m.y });
        }
      });
      return out.sort((a, b) => b.len - a.len).slice(0, 20);
    });
    let target = null;
    for (const t of targets) {
      await page.mouse.move(t.x, t.y);
      if (await page.waitForFunction(() => window.explorer.store.get().ui.hoveredEdge !== null, null, { timeout: 500 }).then(() => true, () => false)) {
        target = t;
        break;
      }
    }
    assert.ok(target, "no edge could be hovered");
    const labelled = await page.evaluate(() => window.explorer.graph.filterEdges((e) => !!window.explorer.renderer.getEdgeDisplayData(e)?.label));
    assert.equal(labelled.length, 1, `hovering one edge labels ${labelled.length}`);
    await shot(page, "edge-hover-desktop");
    await page.mouse.click(target.x, target.y);
    await page.locator("#detail-body .claim-kind", { hasText: "Claim" }).waitFor();
    const edge = (await state(page)).view.edge;
    assert.ok(edge, "no claim selected");
    assert.match(page.url(), new RegExp(`rel=${encodeURIComponent(edge)}`));
    const body = await page.locator("#detail-body").innerText();
    assert.match(body, /Relation[\s\S]*Dates[\s\S]*Confidence[\s\S]*Sources \(\d+\)/);
    await shot(page, "edge-claim-desktop");
    // The same link shows the same claim.
    const again = await open(new URL(page.url()).search);
    await again.locator("#detail-body .claim-kind").waitFor();
    assert.equal(await again.locator("#detail-name").innerText(), await page.locator("#detail-name").innerText());
    await again.context().close();
    return page;
  });

  await test("zoom-buttons-fit-and-centre", async (keep) => {
    const page = keep(await open("?sel=apt40"));
    await settled(page);
    const ratio = () => page.evaluate(() => window.explorer.renderer.getCamera().ratio);
    const r0 = await ratio();
    await page.getByRole("button", { name: "Zoom in" }).click();
    await page.waitForFunction((r) => window.explorer.renderer.getCamera().ratio < r * 0.9, r0);
    await page.getByRole("button", { name: "Zoom out" }).click();
    await page.getByRole("button", { name: "Zoom out" }).click();
    await page.waitForFunction((r) => window.explorer.renderer.getCamera().ratio > r * 1.1, r0);
    await page.getByRole("button", { name: "Centre on the selection" }).click();
    await page.waitForFunction(() => {
      const { graph, renderer } = window.explorer;
      const p = renderer.graphToViewport(graph.getNodeAttributes("apt40"));
      const { width, height } = renderer.getDimensions();
      return Math.abs(p.x - width / 2) < 5 && Math.abs(p.y - height / 2) < 5;
    });
    // Fit frames the selection and its neighbours (issue #20), and without a selection the whole graph.
    await page.getByRole("button", { name: "Fit to the selection, or to the whole graph" }).click();
    await page.waitForFunction(() => {
      const { graph, renderer } = window.explorer;
      const { width, height } = renderer.getDimensions();
      return ["apt40", ...graph.neighbors("apt40")].every((n) => {
        const p = renderer.graphToViewport(graph.getNodeAttributes(n));
        return p.x >= 0 && p.x <= width && p.y >= 0 && p.y <= height;
      }) && window.explorer.renderer.getCamera().ratio < 1;
    });
    await page.keyboard.press("Escape");
    await page.evaluate(() => window.explorer.store.update((s) => ({ ...s, view: { ...s.view, selected: null } })));
    await page.getByRole("button", { name: "Fit to the selection, or to the whole graph" }).click();
    await page.waitForFunction(() => Math.abs(window.explorer.renderer.getCamera().ratio - 1) < 1e-6);
    return page;
  });

  await test("the-same-url-gives-the-same-picture", async () => {
    const positions = async (viewport) => {
      const page = await open("?exp=apt40,hafnium&sel=apt31", "en-US", server.url, viewport);
      await settled(page);
      const p = await page.evaluate(() => Object.fromEntries(window.explorer.graph.mapNodes((n, a) => [n, [a.x, a.y]])));
      await shot(page, `same-url-${viewport.width}`);
      await page.context().close();
      return p;
    };
    const a = await positions(DESKTOP), b = await positions(DESKTOP), c = await positions(PHONE);
    assert.ok(Object.keys(a).length > 10);
    assert.deepEqual(b, a, "two loads of one URL lay the graph out differently");
    assert.deepEqual(c, a, "a phone lays the graph out differently");
  });

  await test("show-neighbours-says-what-it-did-and-groups-by-type", async (keep) => {
    const page = keep(await open("?sel=apt40"));
    await page.locator("#detail-name", { hasText: "APT40" }).waitFor();
    await page.getByRole("button", { name: "Show all neighbours" }).click();
    await page.locator("#graph-status", { hasText: "Nothing new" }).waitFor();
    await shot(page, "show-neighbours-nothing-new-desktop");
    // From a view without APT40's neighbours: each relation type is a group, with its count, that expands alone.
    await page.goto(server.url + "?exp=apt31&sel=apt40");
    await page.locator("#detail-name", { hasText: "APT40" }).waitFor();
    const group = page.locator(".rel-group[data-type=USES][data-direction=OUT]");
    assert.match(await group.locator("h4").innerText(), /uses → \(4\)/);
    // The selection is drawn with its neighbours since issue #20 (a type of more than 8 as a group node):
    // APT40's four techniques are already there, and expanding the type keeps them when APT40 is no longer selected.
    await group.getByRole("button", { name: "Show on the graph" }).click();
    await page.waitForFunction(() => /exp=apt31(%2C|,)apt40(%3A|:)USES/.test(location.search));
    await page.waitForFunction(() => ["fake-online-profiles", "spear-phishing"].every((id) => window.explorer.graph.hasNode(id)));
    await shot(page, "show-neighbours-group-desktop");
    return page;
  });

  await test("minimum-confidence-0-keeps-claims-without-one", async (keep) => {
    const base = await open();
    await settled(base);
    const all = await base.evaluate(() => window.explorer.graph.order);
    await base.context().close();
    const page = keep(await open("?conf=0"));
    await settled(page);
    assert.equal(await page.evaluate(() => window.explorer.graph.order), all, "confidence 0 hides nodes");
    await page.getByLabel("Minimum confidence").fill("50");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.locator("#graph-status", { hasText: "hides every claim without a stated confidence" }).waitFor();
    await shot(page, "min-confidence-50-desktop");
    return page;
  });

  await test("label-density-and-collisions", async (keep) => {
    const drawn = async (labels) => {
      const page = await open(`?labels=${labels}`);
      await settled(page);
      await page.waitForTimeout(200);
      const n = await page.evaluate(() => window.explorer.view.labelsDrawn());
      await shot(page, `labels-${labels}-desktop`);
      await page.context().close();
      return n;
    };
    const few = await drawn("few"), many = await drawn("many");
    assert.ok(few < many, `few labels: ${few}, many: ${many}`);
    const page = keep(await open());
    await settled(page);
    await page.locator("#labels").selectOption("many");
    await page.waitForFunction(() => location.search.includes("labels=many"));
    // No two drawn labels overlap.
    return page;
  });

  // ---- 4. timeline ----

  for (const [size, viewport] of SIZES) {
    await test(`timeline-shows-every-item-zooms-with-the-wheel-${size}`, async (keep) => {
      const page = keep(await open("", "en-US", server.url, viewport));
      await page.locator("#link-timeline").uncheck();
      await page.evaluate(() => window.explorer.timeline.setWindow(new Date("2021-07-17T00:00:00Z"), new Date("2021-07-22T00:00:00Z"), { animation: false }));
      // The timeline loads the window it shows (issue #20): the items of 17-21 July are read again.
      await page.waitForFunction(() => { const t = window.explorer.store.get(); return t.timeline.window?.from === "2021-07-17" && t.status.timeline === "ok" && t.timeline.items.length > 0 && t.timeline.items.every((it) => it.date >= "2021-07-17"); });
      await page.locator("#timeline").scrollIntoViewIfNeeded();
      const ids = await page.evaluate(() => window.explorer.store.get().timeline.items.filter((it) => it.date === "2021-07-19").map((it) => it.id));
      assert.ok(ids.length >= 9, `only ${ids.length} items on 19 July`);
      // The rows scroll (vis-timeline's own scroller; headless Chromium hides scrollbars in screenshots).
      const scroll = await page.evaluate(() => {
        const el = document.querySelector("#timeline .vis-panel.vis-left.vis-vertical-scroll");
        return el && { height: el.scrollHeight, shown: el.clientHeight };
      });
      assert.ok(scroll && scroll.height > scroll.shown, `the rows do not scroll: ${JSON.stringify(scroll)}`);
      // Every item of the day can be brought into sight by scrolling the rows, as the scrollbar does.
      for (const id of ids) {
        const seen = await page.evaluate(async (id) => {
          const item = window.explorer.timeline.itemSet.items[id];
          const scroller = document.querySelector("#timeline .vis-panel.vis-left.vis-vertical-scroll");
          const top = () => item.parent.top + item.top;
          for (let i = 0; i < 3; i++) { // the rows restack as they come into sight
            scroller.scrollTop = Math.max(0, top() - 20);
            scroller.dispatchEvent(new Event("scroll"));
            await new Promise((r) => setTimeout(r, 80));
          }
          const el = item.dom?.box ?? item.dom?.point;
          if (!el?.isConnected) return false;
          const r = el.getBoundingClientRect(), panel = document.querySelector("#timeline .vis-panel.vis-center").getBoundingClientRect();
          return r.height > 0 && r.bottom <= panel.bottom + 1 && r.top >= panel.top - 1;
        }, id);
        assert.ok(seen, `${id} cannot be brought into sight`);
      }
      await page.evaluate(() => window.explorer.timeline.setWindow(new Date("2021-07-17T00:00:00Z"), new Date("2021-07-22T00:00:00Z"), { animation: false }));
      const span = () => page.evaluate(() => { const w = window.explorer.timeline.getWindow(); return w.end - w.start; });
      const wide = await span();
      const center = await page.locator("#timeline .vis-panel.vis-center").boundingBox();
      await page.mouse.move(center.x + center.width / 2, center.y + 20);
      await page.mouse.wheel(0, -300);
      await page.waitForFunction((w) => { const x = window.explorer.timeline.getWindow(); return x.end - x.start < w * 0.95; }, wide);
      // The legend says what each shape means.
      assert.match(await page.locator(".precision-legend").innerText(), /a day[\s\S]*a month[\s\S]*a year, or vaguer[\s\S]*a span/);
      // A row folds away and comes back.
      const rows = () => page.locator("#timeline .vis-labelset .vis-label").count();
      const n = await rows();
      await page.getByRole("button", { name: /Dated claims/ }).click();
      await page.waitForFunction((n) => document.querySelectorAll("#timeline .vis-labelset .vis-label").length < n, n);
      assert.equal(await page.getByRole("button", { name: /Dated claims/ }).getAttribute("aria-pressed"), "false");
      await shot(page, `timeline-${size}`);
      await page.getByRole("button", { name: /Dated claims/ }).click();
      assert.equal(await rows(), n);
      return page;
    });
  }

  // ---- the public record ----

  await test("public-record-apt40-groups-neighbours-by-type-with-counts", async (keep) => {
    const page = keep(await open("?exp=&sel=apt40", "en-US", full.url));
    await page.locator("#detail-name", { hasText: "APT40" }).waitFor();
    const uses = page.locator(".rel-group[data-type=USES][data-direction=OUT]");
    const title = await uses.locator("h4").innerText();
    const n = Number(/uses → \((\d+)\+?\)/.exec(title)?.[1]);
    assert.ok(n > 20, `APT40 uses ${title}`);
    const before = await page.evaluate(() => window.explorer.graph.order);
    await uses.getByRole("button", { name: "Show on the graph" }).click();
    await page.locator("#graph-status", { hasText: /entities added/ }).waitFor();
    const after = await page.evaluate(() => window.explorer.graph.order);
    assert.ok(after - before > 10, `showing USES added ${after - before} of ${n}`);
    await settled(page);
    await shot(page, "public-record-apt40-uses-desktop");
    return page;
  });

  for (const [size, viewport] of SIZES) {
    await test(`public-record-readable-${size}`, async (keep) => {
      const page = keep(await open("", "en-US", full.url, viewport));
      await settled(page);
      await layoutHolds(page, "public record");
      await shot(page, `public-record-${size}`);
      return page;
    });
  }

  // ---- 1. hostile names through every view ----

  const H = {
    xss: "intrusion-set--00000000-0000-4000-8000-000000000001",
    rtl: "intrusion-set--00000000-0000-4000-8000-000000000002",
    long: "malware--00000000-0000-4000-8000-000000000003",
    campaign: "campaign--00000000-0000-4000-8000-000000000004",
    org: "identity--00000000-0000-4000-8000-000000000006",
  };
  for (const [size, viewport] of SIZES) {
    await test(`hostile-names-execute-nothing-and-the-layout-holds-${size}`, async (keep) => {
      const context = await hostile.browser.newContext({ viewport, locale: "en-US", hasTouch: viewport.width < 600, isMobile: viewport.width < 600 });
      const dialogs = [];
      const page = await context.newPage();
      keep(page);
      page.on("dialog", (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      const errors = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${hostile.server.url}?exp=${H.xss},${H.rtl}&sel=${H.xss}`);
      await page.waitForFunction(() => window.explorer?.graph.order > 0);
      await settled(page);
      const check = async (what) => {
        const bad = await page.evaluate(() => ({
          pwned: window.__pwned ?? null,
          img: document.querySelectorAll("img").length,
          handlers: [...document.querySelectorAll("*")].filter((el) => [...el.attributes].some((a) => /^on/i.test(a.name))).map((el) => el.outerHTML.slice(0, 80)),
          scripts: [...document.scripts].filter((s) => !s.src).length,
          // Every text holding a direction override sits in an isolating element.
          unisolated: (() => {
            const out = [];
            const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let n = walk.nextNode(); n; n = walk.nextNode()) {
              if (/[\u202A-\u202E\u2066-\u2069]/.test(n.data) && !n.parentElement.closest("bdi, option")) out.push(n.parentElement.className || n.parentElement.tagName);
            }
            return out;
          })(),
        }));
        assert.deepEqual(bad, { pwned: null, img: 0, handlers: [], scripts: 0, unisolated: [] }, `${what}: hostile input ran or leaked`);
        assert.deepEqual(dialogs, [], `${what}: a dialog opened`);
        await layoutHolds(page, what);
      };
      const tab = async (name) => {
        const id = { Graph: "#tab-graph", List: "#tab-list", Details: "#tab-details", "Filters and tools": "#tab-tools" }[name];
        if (size === "phone" || name === "List" || name === "Graph") await page.locator(id).click();
      };
      await page.locator("#detail-name bdi").waitFor({ state: "attached" });
      assert.match(await page.locator("#detail-name").textContent(), /<img src=x onerror=/, "the name is not shown as written");
      await check("graph and details");
      await shot(page, `hostile-1-graph-${size}`);
      await tab("Details");
      await shot(page, `hostile-2-details-${size}`);
      // The 500-character names (the longest the import takes), and the RTL one.
      for (const id of [H.long, H.campaign, H.rtl, H.org]) {
        await page.evaluate((id) => window.explorer.store.update((s) => ({ ...s, view: { ...s.view, selected: id, edge: null } })), id);
        await page.waitForFunction((id) => window.explorer.store.get().detail.id === id && window.explorer.store.get().status.detail === "ok", id);
        await check(`details of ${id.slice(0, 20)}`);
      }
      await shot(page, `hostile-3-details-rtl-${size}`);
      // The list, and a claim from it.
      await tab("List");
      await page.locator("#list-body table.claims tbody tr").first().waitFor();
      await check("list");
      await shot(page, `hostile-4-list-${size}`);
      await page.locator("#list-body table.claims button").first().click();
      await page.locator("#detail-body .claim-kind").waitFor();
      await check("claim");
      await shot(page, `hostile-5-claim-${size}`);
      // Search, paths, timeline, French.
      await tab("Graph");
      await page.locator("#search").fill("Panda");
      await page.locator("#search-list [role=option]").first().waitFor();
      await check("search");
      await shot(page, `hostile-6-search-${size}`);
      await page.locator("#search").press("Escape");
      await page.goto(`${hostile.server.url}?exp=${H.xss}&path=${H.rtl},${H.campaign}&lang=fr`);
      await page.waitForFunction(() => window.explorer?.graph.order > 0);
      await tab("Filters and tools");
      await page.locator("#path-result li.hop").first().waitFor();
      await check("path, in French");
      await shot(page, `hostile-7-path-fr-${size}`);
      await page.evaluate(() => window.explorer.timeline.setWindow(new Date("2019-01-01T00:00:00Z"), new Date("2022-01-01T00:00:00Z"), { animation: false }));
      await page.locator("#timeline .vis-item").first().hover();
      await check("timeline");
      await page.locator("#timeline").scrollIntoViewIfNeeded();
      await shot(page, `hostile-8-timeline-${size}`);
      assert.deepEqual(errors, [], "page errors");
      return page;
    });
  }

  // ---- 5. accessibility ----

  for (const [view, query, viewport, tabName] of [
    ["default-desktop", "", DESKTOP, null],
    ["details-desktop", "?sel=apt40", DESKTOP, null],
    ["list-desktop", "", DESKTOP, "List"],
    ["french-path-desktop", "?lang=fr&path=ding-xiaoyang,norway&sel=norway", DESKTOP, null],
    ["graph-phone", "?sel=apt40", PHONE, null],
    ["details-phone", "?sel=apt40", PHONE, "Details"],
    ["tools-phone", "", PHONE, "Filters and tools"],
  ]) {
    await test(`axe-no-serious-violations-${view}`, async (keep) => {
      const page = keep(await open(query, "en-US", server.url, viewport));
      await settled(page);
      if (tabName) await page.getByRole("tab", { name: tabName }).click();
      if (query.includes("sel=")) await page.locator("#detail-name").waitFor({ state: "attached" });
      const violations = await axe(page);
      assert.deepEqual(violations, [], "axe-core: serious or critical violations");
      return page;
    });
  }
}

// End-to-end tests of issue #20 ("the explorer tells the story"), on the
// default data (every public dataset): light on the wire, a timeline of the
// window you look at, and the rest, at 1440x900 and 390x844, screenshots into
// test-results/e2e/story-*.png. run.mjs calls these with its helpers.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { axe, results } from "./lib.mjs";
import { DESKTOP, PHONE } from "./explorer.mjs";

const SIZES = [["desktop", DESKTOP], ["phone", PHONE]];
const shot = (page, name) => page.screenshot({ path: join(results, `story-${name}.png`) });

/** itemInView: the timeline holds the item, selected, and its start lies inside the window it shows. */
const itemInView = (page, id) => page.waitForFunction((id) => {
  const t = window.explorer.timeline;
  const it = t.itemsData.get(id);
  if (!it || !t.getSelection().includes(id)) return false;
  const w = t.getWindow(), start = new Date(it.start).getTime();
  return start >= w.start.getTime() && start < w.end.getTime();
}, id, { timeout: 30000 });

export async function storyTests({ test, open, full }) {
  // ---- 1. light on the wire ----
  await test("story-answers-and-assets-compressed", async (keep) => {
    const encodings = [];
    const page = keep(await open("", "en-US", full.url));
    page.on("response", (r) => encodings.push([new URL(r.url()).pathname, r.headers()["content-encoding"] ?? ""]));
    await page.reload();
    await page.waitForFunction(() => window.explorer?.graph.order > 0 && window.explorer.store.get().status.timeline === "ok");
    const script = encodings.find(([p]) => /^\/assets\/index-.*\.js$/.test(p));
    assert.ok(script && /br|gzip|zstd/.test(script[1]), `the script is sent ${script?.[1] || "uncompressed"}`);
    const answers = encodings.filter(([p]) => p === "/graphql");
    assert.ok(answers.length > 0 && answers.some(([, e]) => /gzip|zstd/.test(e)), `the answers are sent ${JSON.stringify(answers)}`);
    // Hashed assets are cached for good, the page revalidated.
    const heads = await page.evaluate(async (src) => {
      const [a, i] = await Promise.all([fetch(src), fetch("/")]);
      return [a.headers.get("cache-control"), i.headers.get("cache-control")];
    }, script[0]);
    assert.match(heads[0], /immutable/);
    assert.equal(heads[1], "no-cache");
    return page;
  });

  // ---- 2. a timeline of the window you look at ----
  for (const [size, viewport] of SIZES) {
    await test(`story-timeline-window-shows-the-19-july-attribution-${size}`, async (keep) => {
      const page = keep(await open("?sel=hafnium-joint-attribution-2021&from=2021-07&to=2021-07-31", "en-US", full.url, viewport));
      await itemInView(page, "entity:hafnium-joint-attribution-2021");
      const s = await page.evaluate(() => window.explorer.store.get().timeline);
      assert.deepEqual(s.window, { from: "2021-07-01", to: "2021-07-31" });
      assert.ok(s.items.every((it) => it.date >= "2021-07"), "an item that begins before the window was loaded");
      if (size === "phone") await page.locator("#timeline").scrollIntoViewIfNeeded();
      await shot(page, `timeline-19-july-${size}`);
      assert.deepEqual(await axe(page), [], "axe: serious or critical violations");
      return page;
    });
  }

  await test("story-timeline-april-2017-loads-the-window-and-its-csv-is-the-window", async (keep) => {
    const page = keep(await open("", "en-US", full.url));
    // Through the API: the Shadow Brokers leak among the first 50 items of April 2017.
    const titles = await page.evaluate(async () => {
      const res = await fetch("/graphql", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ query: `{ timeline(filter: {from: "2017-04", to: "2017-04"}, startsInside: true, first: 50) { edges { node { title } } } }` }) });
      return (await res.json()).data.timeline.edges.map((e) => e.node.title);
    });
    assert.ok(titles.some((t) => /Shadow Brokers/.test(t)), "the Shadow Brokers leak is not among the first 50 items of April 2017");
    // In the explorer: moving the timeline to April 2017 loads that window.
    await page.locator("#link-timeline").uncheck();
    await page.evaluate(() => window.explorer.timeline.setWindow(new Date("2017-04-01T00:00:00Z"), new Date("2017-05-01T00:00:00Z"), { animation: false }));
    await page.waitForFunction(() => window.explorer.store.get().timeline.items.some((it) => /Shadow Brokers/.test(it.title)), null, { timeout: 30000 });
    const items = await page.evaluate(() => window.explorer.store.get().timeline.items.map((it) => it.date));
    assert.ok(items.every((d) => d.startsWith("2017-04")), `items outside April 2017: ${items.filter((d) => !d.startsWith("2017-04"))}`);
    await shot(page, "timeline-april-2017-desktop");
    const [csv] = await Promise.all([page.waitForEvent("download"), page.locator("#export-csv").click()]);
    const rows = (await readFile(await csv.path(), "utf8")).trim().split("\n").slice(1);
    assert.equal(rows.length, items.length, "the CSV does not hold the window's items");
    assert.ok(rows.some((r) => /Shadow Brokers/.test(r)));
    return page;
  });

  // ---- 3. start from a story ----
  for (const [size, viewport] of SIZES) {
    await test(`story-landing-offers-stories-small-labelled-graph-${size}`, async (keep) => {
      const page = keep(await open("", "en-US", full.url, viewport));
      await page.waitForFunction(() => document.body.dataset.layout === "settled");
      const stories = page.locator("#stories");
      await stories.getByRole("button", { name: /19 July 2021/ }).waitFor();
      await stories.getByRole("button", { name: /APT40 indictment/ }).waitFor();
      await stories.getByRole("button", { name: /APT31 and France/ }).waitFor();
      await stories.locator("ul.latest button").first().waitFor({ timeout: 30000 });
      // No cap message, a small graph, every node named (its label, shown).
      assert.equal(await page.locator("#graph-status").isHidden(), true, `a message over the graph: ${await page.locator("#graph-status").innerText()}`);
      const g = await page.evaluate(() => {
        const { graph, renderer } = window.explorer;
        return { order: graph.order, unnamed: graph.filterNodes((n, a) => !a.label || !renderer.getNodeDisplayData(n)?.forceLabel) };
      });
      assert.ok(g.order > 3 && g.order <= 40, `the landing graph has ${g.order} nodes`);
      assert.deepEqual(g.unnamed, [], "nodes drawn without their label");
      await page.waitForTimeout(600);
      await shot(page, `landing-${size}`);
      assert.deepEqual(await axe(page), [], "axe: serious or critical violations");
      // A story opens its entity, selected, in a small graph.
      await stories.getByRole("button", { name: /APT31 and France/ }).click();
      await page.waitForFunction(() => window.explorer.store.get().view.selected === "apt31-france-campaign-2021" && window.explorer.graph.hasNode("apt31-france-campaign-2021"));
      assert.equal(await stories.isHidden(), true, "the stories stay over a chosen story");
      return page;
    });
  }

  await test("story-apt31-groups-its-techniques-opens-them-focus-and-fit", async (keep) => {
    const page = keep(await open("?sel=apt31", "en-US", full.url));
    await page.waitForFunction(() => window.explorer.graph.hasNode("group:apt31:USES:OUT"));
    await page.waitForFunction(() => document.body.dataset.layout === "settled");
    const label = await page.evaluate(() => window.explorer.graph.getNodeAttribute("group:apt31:USES:OUT", "label"));
    assert.equal(label, "31 techniques");
    assert.equal(await page.locator("#graph-status").isHidden(), true, "a cap message over APT31's graph");
    const before = await page.evaluate(() => window.explorer.graph.order);
    assert.ok(before < 40, `APT31's graph has ${before} nodes`);
    await shot(page, "apt31-grouped-desktop");
    // The group opens on demand: a click on it.
    const p = await page.evaluate(() => {
      const { graph, renderer } = window.explorer;
      const v = renderer.graphToViewport(graph.getNodeAttributes("group:apt31:USES:OUT"));
      const box = document.querySelector("#graph").getBoundingClientRect();
      return { x: box.left + v.x, y: box.top + v.y };
    });
    await page.mouse.click(p.x, p.y);
    await page.waitForFunction(() => !window.explorer.graph.hasNode("group:apt31:USES:OUT") && window.explorer.graph.order > 40);
    assert.match(page.url(), /exp=apt31(%3A|:)USES/);
    await page.waitForFunction(() => document.body.dataset.layout === "settled");
    // Fit to the selection frames APT31 and its neighbours; focus on one shows it alone.
    await page.locator("#zoom-fit").click();
    await page.waitForTimeout(500);
    await shot(page, "apt31-techniques-open-desktop");
    await page.getByRole("button", { name: "Focus on this" }).click();
    await page.waitForFunction(() => window.explorer.graph.hasNode("group:apt31:USES:OUT"));
    assert.doesNotMatch(page.url(), /exp=/);
    return page;
  });

  // ---- 4. the small ones ----
  await test("story-search-arrowdown-enter-picks-the-first-hit", async (keep) => {
    const page = keep(await open("", "en-US", full.url));
    const box = page.getByLabel("Search names and aliases");
    await box.fill("APT4");
    await page.locator("#search-list [role=option]").nth(1).waitFor();
    assert.equal(await page.locator("#search-list [aria-selected=true]").count(), 0, "a hit is highlighted before any key");
    const first = await page.locator("#search-list [role=option] .hit-name").first().innerText();
    await box.press("ArrowDown");
    assert.equal(await box.getAttribute("aria-activedescendant"), "search-list-0");
    await box.press("Enter");
    await page.locator("#detail-name", { hasText: first }).waitFor();
    return page;
  });

  await test("story-search-levithan-finds-the-actor-apt40", async (keep) => {
    const page = keep(await open("", "en-US", full.url));
    await page.getByLabel("Search names and aliases").fill("Levithan");
    await page.locator("#search-list [role=option]").first().waitFor();
    const hits = await page.locator("#search-list [role=option]").allInnerTexts();
    assert.ok(hits.some((h) => /APT40[\s\S]*Threat actor/.test(h)), `the actor is not among the hits: ${hits.join(" | ")}`);
    await shot(page, "search-levithan-desktop");
    return page;
  });

  await test("story-phone-tabs-read-whole", async (keep) => {
    const page = keep(await open("", "en-US", full.url, PHONE));
    const tab = page.getByRole("tab", { name: "Filters and tools" });
    const fits = await tab.evaluate((el) => { const r = el.getBoundingClientRect(), p = el.parentElement.getBoundingClientRect(); return r.right <= p.right + 1 && r.right <= innerWidth; });
    assert.ok(fits, "the last tab runs past the screen");
    await shot(page, "tabs-phone");
    return page;
  });

  await test("story-shared-link-carries-the-language", async (keep) => {
    const page = keep(await open("?sel=apt31", "fr-FR", full.url));
    await page.evaluate(() => { navigator.clipboard.writeText = async (t) => { window.__copied = t; }; });
    await page.locator("#copy-link").click();
    const copied = await page.waitForFunction(() => window.__copied).then((h) => h.jsonValue());
    assert.match(copied, /sel=apt31&lang=fr$/);
    return page;
  });

  for (const [size, viewport] of SIZES) {
    await test(`story-axe-known-at-path-view-${size}`, async (keep) => {
      const page = keep(await open("?path=ding-xiaoyang,norway&known=2021-07-20", "en-US", full.url, viewport));
      await page.locator("#path-result ol.path").first().waitFor({ state: "attached" });
      await page.waitForFunction(() => document.body.dataset.layout === "settled");
      if (size === "phone") await page.getByRole("tab", { name: "Filters and tools" }).click();
      await page.locator("#path-result ol.path").first().waitFor();
      await shot(page, `known-at-path-${size}`);
      assert.deepEqual(await axe(page), [], "axe: serious or critical violations");
      return page;
    });
  }

  for (const [size, viewport] of SIZES) {
    await test(`story-path-nodes-clear-of-the-edges-${size}`, async (keep) => {
      const page = keep(await open("?path=ding-xiaoyang,norway&known=2021-07-20", "en-US", full.url, viewport));
      await page.waitForFunction(() => window.explorer.graph.hasNode("norway") && document.body.dataset.layout === "settled");
      await page.waitForTimeout(400);
      const out = await page.evaluate(() => {
        const { graph, renderer } = window.explorer;
        const { width, height } = renderer.getDimensions();
        const notes = document.querySelector(".graph-notes").getBoundingClientRect(), box = document.querySelector("#graph").getBoundingClientRect();
        const top = Math.max(12, notes.bottom - box.top);
        return graph.filterNodes((n, a) => {
          const p = renderer.graphToViewport(a);
          return p.x < 12 || p.x > width - 12 || p.y < top || p.y > height - 12;
        });
      });
      assert.deepEqual(out, [], "path nodes at the canvas edge or under the notes");
      await shot(page, `path-edges-${size}`);
      return page;
    });
  }

  // ---- 5. export what is on screen ----
  await test("story-export-on-screen-csv-and-gexf", async (keep) => {
    const page = keep(await open("?sel=apt31", "en-US", full.url));
    await page.waitForFunction(() => window.explorer.graph.hasNode("group:apt31:USES:OUT") && document.body.dataset.layout === "settled");
    const onScreen = await page.evaluate(() => window.explorer.graph.filterNodes((n) => !n.startsWith("group:")).sort());
    const save = async (id) => {
      const [d] = await Promise.all([page.waitForEvent("download"), page.locator(id).click()]);
      return readFile(await d.path(), "utf8");
    };
    const nodes = (await save("#export-nodes")).trim().split("\n");
    assert.equal(nodes[0], "id,name,kind,start,end,aliases,sources");
    assert.deepEqual(nodes.slice(1).map((r) => r.split(",")[0]).sort(), onScreen, "the entities CSV is not what the graph shows");
    const claims = (await save("#export-edges")).trim().split("\n");
    assert.ok(claims.length > 10 && claims.slice(1).every((r) => /https?:\/\/|\d{4}/.test(r)), "claims without their sources");
    const xml = await save("#export-gexf");
    const parsed = await page.evaluate((x) => {
      const d = new DOMParser().parseFromString(x, "application/xml");
      return { error: d.querySelector("parsererror")?.textContent ?? null, nodes: d.getElementsByTagName("node").length, edges: d.getElementsByTagName("edge").length };
    }, xml);
    assert.equal(parsed.error, null);
    assert.equal(parsed.nodes, onScreen.length);
    assert.equal(parsed.edges, claims.length - 1);
    await page.locator("#export-gexf").scrollIntoViewIfNeeded();
    await shot(page, "export-desktop");
    return page;
  });

  // ---- 5. two actors side by side ----
  for (const [size, viewport] of SIZES) {
    await test(`story-compare-apt40-apt31-${size}`, async (keep) => {
      const page = keep(await open("?sel=apt40&cmp=apt40,apt31", "en-US", full.url, viewport));
      if (size === "phone") await page.getByRole("tab", { name: "Details" }).click();
      const caption = page.locator("#detail-body table.compare caption").first();
      await caption.waitFor({ timeout: 30000 });
      assert.match(await caption.innerText(), /Techniques: \d+, \d+ shared/);
      assert.match(await page.locator("#detail-name").innerText(), /APT40 · APT31/);
      const shared = await page.locator("#detail-body table.compare tr.shared").count();
      assert.ok(shared > 0, "no shared technique, victim or accuser");
      const save = async (id) => {
        const [d] = await Promise.all([page.waitForEvent("download"), page.locator(id).click()]);
        return readFile(await d.path(), "utf8");
      };
      const csv = await save("#compare-csv");
      assert.match(csv.split("\n")[0], /^table,id,name,kind,attack_id_or_date,APT40,APT31$/);
      const layer = JSON.parse(await save("#compare-layer"));
      assert.equal(layer.domain, "enterprise-attack");
      assert.ok(layer.techniques.some((t) => t.score === 3), "the layer marks no shared technique");
      await shot(page, `compare-${size}`);
      assert.deepEqual(await axe(page), [], "axe: serious or critical violations");
      return page;
    });
  }
}


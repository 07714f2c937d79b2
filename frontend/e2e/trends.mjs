// End-to-end tests of the trends view (issue #12, part 3) on the default data
// (the curated data with ATT&CK, the MISP galaxy and EuRepoC): each chart
// against the API's own answer to the same query, the drill-down to items and
// their sources and "Show in graph", the map, the URL, the exports, French,
// known-at, the loading, empty and error states and axe-core, at 1440x900
// and 390x844. run.mjs calls trendsTests with its helpers; screenshots are
// saved in test-results/e2e/ as trends-*.png.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { DESKTOP, PHONE } from "./explorer.mjs";
import { axe, pngPixels, results, startServer } from "./lib.mjs";

const shot = (page, name) => page.screenshot({ path: join(results, `${name}.png`) });
const num = (s) => Number(String(s).replace(/[^\d]/g, "")); // "1,234" and "1 234" alike

/** api asks the server the same question as a chart, from Node: the expected numbers never come from the page. */
async function api(server, query, variables = {}) {
  const res = await fetch(`${server.url}graphql`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}
const AGG = `query($m: AggregateMeasure!, $g: [AggregateDimension!], $f: AggregateFilter) { aggregate(measure: $m, groupBy: $g, filter: $f, first: 1000) { total bucketCount buckets { keys { id name } count } } }`;

/** charts waits until every chart has answered (or the ones named). */
const charts = (page, names = ["years", "matrix", "lags", "responses", "map"]) =>
  page.waitForFunction((names) => names.every((n) => document.querySelector(`#chart-${n}`)?.dataset.status === "ok" && document.querySelector(`#chart-${n} .chart-body svg`)), names);
const totalOf = async (page, chart) => num(await page.locator(`#chart-${chart} .chart-total`).innerText());

async function save(page, button) {
  const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
  const path = join(results, `trends-export-${download.suggestedFilename()}`);
  await download.saveAs(path);
  return { path, name: download.suggestedFilename() };
}

/** noSideways: the page never scrolls sideways. */
async function noSideways(page, what) {
  const m = await page.evaluate(() => ({ scroll: document.scrollingElement.scrollWidth, width: innerWidth }));
  assert.ok(m.scroll <= m.width, `${what}: the page scrolls sideways (${m.scroll} > ${m.width})`);
}

export async function trendsTests({ test, open }) {
  const full = await startServer({ data: "all" });
  const at = (query, viewport = DESKTOP, lang = "en-US") => open(query, lang, full.url, viewport);
  try {
    await test("trends-years-stack-matches-the-api", async (keep) => {
      const page = keep(await at("?view=trends"));
      await charts(page, ["years"]);
      const { aggregate: a } = await api(full, AGG, { m: "ATTRIBUTIONS", g: ["YEAR", "ATTRIBUTING_COUNTRY"] });
      assert.equal(await totalOf(page, "years"), a.total, "the total");
      const segs = await page.locator("#chart-years [data-drill]").evaluateAll((els) => els.map((e) => [e.getAttribute("data-drill"), e.getAttribute("aria-label")]));
      const dated = a.buckets.filter((b) => b.keys[0].id !== null);
      // Every dated attribution is drawn, once per attributing country.
      assert.equal(segs.reduce((s, [, label]) => s + num(label.split(": ").pop()), 0), dated.reduce((s, b) => s + b.count, 0), "the sum of the segments");
      // One bar per year that has one, in the API's years.
      const years = new Set(segs.map(([k]) => k.split("|")[1]));
      assert.deepEqual([...years].sort(), [...new Set(dated.map((b) => b.keys[0].id))].sort(), "the years drawn");
      // A named country's segments are the API's buckets, one for one.
      const us = segs.filter(([k]) => k.endsWith("|united-states"));
      const apiUS = dated.filter((b) => b.keys[1].id === "united-states");
      assert.equal(us.length, apiUS.length, "United States segments");
      for (const b of apiUS) {
        const s = us.find(([k]) => k === `years|${b.keys[0].id}|united-states`);
        assert.ok(s && num(s[1].split(": ").pop()) === b.count, `United States in ${b.keys[0].id}: ${s?.[1]} vs ${b.count}`);
      }
      // "No state named" is shown, with its count; the undated are said.
      const none = a.buckets.filter((b) => b.keys[0].id !== null && b.keys[1].id === null).reduce((s, b) => s + b.count, 0);
      assert.match(await page.locator("#chart-years .chart-legend").innerText(), new RegExp(`No state named \\(${none.toLocaleString("en-GB")}\\)`));
      const undated = a.buckets.filter((b) => b.keys[0].id === null).reduce((s, b) => s + b.count, 0);
      assert.match(await page.locator("#chart-years .chart-caption").innerText(), new RegExp(`${undated.toLocaleString("en-GB")} undated`));
      await page.locator("#chart-years").scrollIntoViewIfNeeded();
      await shot(page, "trends-desktop-1-years");
      return page;
    });

    await test("trends-matrix-cells-are-the-api-buckets", async (keep) => {
      const page = keep(await at("?view=trends"));
      await charts(page, ["matrix"]);
      const { aggregate: a } = await api(full, AGG, { m: "ATTRIBUTIONS", g: ["ATTRIBUTING_COUNTRY", "ATTRIBUTED_COUNTRY"] });
      const cells = await page.locator("#chart-matrix [data-drill]").evaluateAll((els) => els.map((e) => [e.getAttribute("data-drill"), e.getAttribute("aria-label")]));
      const rows = new Set(cells.map(([k]) => k.split("|")[1])), cols = new Set(cells.map(([k]) => k.split("|")[2]));
      const id = (k) => k.id ?? "none";
      const expected = a.buckets.filter((b) => rows.has(id(b.keys[0])) && cols.has(id(b.keys[1])));
      assert.equal(cells.length, expected.length, "one cell per bucket of the rows and columns shown");
      for (const b of expected) {
        const c = cells.find(([k]) => k === `matrix|${id(b.keys[0])}|${id(b.keys[1])}`);
        assert.ok(c && num(c[1].split(": ").pop()) === b.count, `${id(b.keys[0])} → ${id(b.keys[1])}`);
      }
      // The counts are written in the cells.
      const texts = await page.locator("#chart-matrix svg g[aria-label=text] text").allInnerTexts();
      assert.equal(texts.length, cells.length);
      assert.ok(rows.has("united-states") && cols.has("china") && cols.has("russia"), "the largest are shown");
      await page.locator("#chart-matrix").scrollIntoViewIfNeeded();
      await shot(page, "trends-desktop-2-matrix");
      return page;
    });

    await test("trends-box-plot-rows-from-time-to-attribution", async (keep) => {
      const page = keep(await at("?view=trends&box=attributed"));
      await charts(page, ["lags"]);
      const { timeToAttribution: l } = await api(full, `{ timeToAttribution(groupBy: [ATTRIBUTED_COUNTRY], orderBy: COUNT, first: 22) { total buckets { keys { id } count lags { measured median { days lower upper } } } } }`);
      const rows = await page.locator("#chart-lags [data-drill]").evaluateAll((els) => els.map((e) => [e.getAttribute("data-drill"), e.getAttribute("aria-label")]));
      const measured = l.buckets.filter((b) => b.lags.measured > 0).slice(0, 12);
      assert.equal(rows.length, measured.length, "one row per bucket with something measured");
      for (const b of measured) {
        const r = rows.find(([k]) => k === `lags|${b.keys[0].id ?? "none"}`);
        assert.ok(r, `no row for ${b.keys[0].id}`);
        assert.match(r[1], new RegExp(`median ${Math.round(b.lags.median.days).toLocaleString("en-GB")} days \\(between ${Math.round(b.lags.median.lower).toLocaleString("en-GB")} and ${Math.round(b.lags.median.upper).toLocaleString("en-GB")}\\).*${b.lags.measured.toLocaleString("en-GB")} measured`), r[1]);
      }
      assert.ok(await page.locator("input[name=trends-box][value=attributed]").isChecked());
      // The switch to attributing countries: the URL follows, and the rows change.
      await page.getByRole("radio", { name: "attributing country" }).check();
      await page.waitForFunction(() => !location.search.includes("box="));
      await charts(page, ["lags"]);
      await page.locator("#chart-lags [data-drill='lags|united-states']").waitFor();
      await page.locator("#chart-lags").scrollIntoViewIfNeeded();
      await shot(page, "trends-desktop-3-time-to-attribution");
      return page;
    });

    await test("trends-responses-per-year-match-the-api", async (keep) => {
      const page = keep(await at("?view=trends"));
      await charts(page, ["responses"]);
      const { aggregate: legal } = await api(full, AGG, { m: "LEGAL_RESPONSES", g: ["YEAR", "RESPONSE_TYPE"] });
      const { aggregate: political } = await api(full, AGG, { m: "POLITICAL_RESPONSES", g: ["YEAR", "RESPONSE_TYPE"] });
      assert.equal(await totalOf(page, "responses"), legal.total + political.total);
      const segs = await page.locator("#chart-responses [data-drill]").evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
      const dated = [...legal.buckets, ...political.buckets].filter((b) => b.keys[0].id !== null).reduce((s, b) => s + b.count, 0);
      assert.equal(segs.reduce((s, label) => s + num(label.split(": ").pop()), 0), dated);
      assert.match(await page.locator("#chart-responses .chart-legend").innerText(), /law enforcement \(legal\)/);
      await page.locator("#chart-responses").scrollIntoViewIfNeeded();
      await shot(page, "trends-desktop-4-responses");
      return page;
    });

    await test("trends-map-shades-victim-countries", async (keep) => {
      const page = keep(await at("?view=trends"));
      await charts(page, ["map"]);
      const { aggregate: a } = await api(full, AGG.replace("keys { id name }", "keys { id name entity { ... on Country { iso3 } } }"), { m: "INCIDENTS", g: ["VICTIM_COUNTRY"] });
      const count = (id) => a.buckets.find((b) => b.keys[0].id === id).count;
      const fillOf = (id) => page.locator(`#chart-map [data-drill='map|${id}']`).getAttribute("fill");
      for (const id of ["china", "united-states", "russia", "india"]) {
        const label = await page.locator(`#chart-map [data-drill='map|${id}']`).getAttribute("aria-label");
        assert.equal(num(label.split(": ").pop()), count(id), `${id} on the map`);
      }
      const lum = (rgb) => { const [r, g, b] = rgb.match(/\d+/g).map(Number); return 0.3 * r + 0.59 * g + 0.11 * b; };
      assert.ok(count("united-states") > count("china"));
      assert.ok(lum(await fillOf("united-states")) < lum(await fillOf("china")), "the US is not darker than China");
      // Countries without incidents look apart from those with data, and those without a code are hatched.
      const shaded = await page.locator("#chart-map [data-drill]").count();
      const placed = a.buckets.filter((b) => b.keys[0].id !== null).length;
      const unplaced = (await page.locator("#chart-map .chart-caption").innerText()).match(/Too small for this map: (.*)\./)?.[1].split(", ").length ?? 0;
      assert.equal(shaded + unplaced, placed, "every victim country is on the map or listed as too small");
      assert.ok(await page.locator("#chart-map path[fill='url(#trends-hatch)']").count() > 0, "no hatched country");
      assert.match(await page.locator("#chart-map .chart-legend").innerText(), /0 incidents[\s\S]*no code in the data/);
      const none = a.buckets.find((b) => b.keys[0].id === null)?.count ?? 0;
      assert.match(await page.locator("#chart-map .chart-caption").innerText(), new RegExp(`${none} incidents name no victim country`));
      await page.locator("#chart-map").scrollIntoViewIfNeeded();
      await shot(page, "trends-desktop-5-map");
      return page;
    });

    await test("trends-drill-down-lists-items-with-sources-and-shows-them-in-the-graph", async (keep) => {
      const page = keep(await at("?view=trends"));
      await charts(page, ["years"]);
      const { aggregate: a } = await api(full, `{ aggregate(measure: ATTRIBUTIONS, groupBy: [YEAR, ATTRIBUTING_COUNTRY], filter: { where: [{ dimension: YEAR, values: ["2022"] }, { dimension: ATTRIBUTING_COUNTRY, values: ["united-states"] }] }) { buckets { keys { id } count ids(first: 500) } } }`);
      // The bucket of 2022 and the US (a joint attribution has other countries' buckets too).
      const bucket = a.buckets.find((b) => b.keys[0].id === "2022" && b.keys[1].id === "united-states");
      // By keyboard: focus the segment and press Enter.
      const seg = page.locator("#chart-years [data-drill='years|2022|united-states']");
      await seg.focus();
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => location.search.includes("open=years"));
      const drill = page.locator("#trends-drill");
      await drill.locator(".drill-item").first().waitFor();
      assert.match(await drill.locator("h4").innerText(), /2022 · United States/);
      assert.equal(await page.evaluate(() => document.activeElement?.id), "trends-drill-h", "the list takes the focus");
      assert.equal(num(await drill.locator(".drill-count").innerText()), bucket.count);
      const ids = await drill.locator(".drill-item").evaluateAll((els) => els.map((e) => e.dataset.id));
      assert.deepEqual(ids, [...bucket.ids].sort().slice(0, ids.length), "the items are the bucket's ids");
      // Each item: a name, a date, sources with links that open no window.opener.
      const first = drill.locator(".drill-item").first();
      assert.ok((await first.locator(".sources li.source").count()) > 0, "the item has no source");
      const rels = await drill.locator(".sources a").evaluateAll((as) => as.map((a) => a.rel));
      assert.ok(rels.length > 0 && rels.every((r) => /noopener/.test(r)), `links without noopener: ${rels}`);
      assert.match(await first.locator(".dates").innerText(), /\d{4}/);
      // Who issued it and whom it names tell apart the attributions of one incident.
      assert.match(await first.locator(".drill-parties").innerText(), /^by .*United States/);
      // "More" loads the next page.
      const before = await drill.locator(".drill-item").count();
      if (bucket.count > before) {
        await drill.getByRole("button", { name: /Show \d+ more/ }).click();
        await page.waitForFunction((n) => document.querySelectorAll("#trends-drill .drill-item").length > n, before);
      }
      await page.locator("#trends-drill").scrollIntoViewIfNeeded();
      await page.locator("#chart-years .chart-body").scrollIntoViewIfNeeded();
      await shot(page, "trends-desktop-6-drill-down");
      // "Show in graph": the graph view, the entity selected and expanded.
      const id = ids[0];
      await first.getByRole("button", { name: "Show in graph" }).click();
      await page.waitForFunction((id) => window.explorer.graph.hasNode(id), id);
      const st = await page.evaluate(() => window.explorer.store.get());
      assert.equal(st.ui.tab, "graph");
      assert.equal(st.view.selected, id);
      assert.ok(st.view.expanded.includes(id));
      assert.match(page.url(), new RegExp(`sel=${id}`));
      assert.doesNotMatch(page.url(), /view=trends/);
      await page.locator("#detail-name").waitFor();
      return page;
    });

    await test("trends-drill-down-cites-what-a-derived-state-rests-on", async (keep) => {
      // Attributions of China in 2021: the UK through its government (the joint
      // attribution of 19 July), Norway as the receiver (its parliament's Exchange hack).
      const page = keep(await at("?view=trends&focus=china&open=years%7C2021%7Cunited-kingdom"));
      const drill = page.locator("#trends-drill");
      await drill.locator(".drill-item").first().waitFor();
      const joint = drill.locator(".drill-item[data-id='hafnium-joint-attribution-2021']");
      await joint.waitFor();
      const uk = await joint.locator(".drill-derived").innerText();
      assert.match(uk, /United Kingdom through its government: .*ISSUED_BY Government of the United Kingdom .*Government of the United Kingdom GOVERNMENT_OF United Kingdom/s);
      assert.match(uk, /United States through its government/);
      assert.ok((await joint.locator(".drill-derived a").count()) > 0, "the claims followed cite no source");
      await joint.scrollIntoViewIfNeeded();
      await shot(page, "trends-desktop-7-derived-state");
      await page.goto(full.url + "?view=trends&focus=china&open=years%7C2021%7Cnorway");
      const norway = page.locator("#trends-drill .drill-item[data-id='eurepoc-incident-1333-attribution-1']");
      await norway.waitFor();
      assert.match(await norway.locator(".drill-derived").innerText(),
        /Norway as the receiver .*CONCERNS Microsoft Exchange Hack: Norwegian Parliament .*→ Microsoft Exchange Hack: Norwegian Parliament TARGETED Norway/s);
      return page;
    });

    await test("trends-drill-down-on-other-and-a-map-country", async (keep) => {
      const page = keep(await at("?view=trends&open=map|china"));
      await charts(page, ["map"]);
      const { aggregate: a } = await api(full, AGG, { m: "INCIDENTS", g: ["VICTIM_COUNTRY"], f: { where: [{ dimension: "VICTIM_COUNTRY", values: ["china"] }] } });
      const drill = page.locator("#chart-map #trends-drill");
      await drill.locator(".drill-item").first().waitFor();
      assert.equal(num(await drill.locator(".drill-count").innerText()), a.buckets.find((b) => b.keys[0].id === "china").count);
      // "Other" counts the countries past the largest: its drill-down counts what its segment says.
      await page.locator("#chart-years [data-drill$='|other']").last().click();
      const label = await page.locator("#chart-years [data-drill$='|other']").last().getAttribute("aria-label");
      await page.locator("#chart-years #trends-drill .drill-item").first().waitFor();
      assert.equal(num(await page.locator("#trends-drill .drill-count").innerText()), num(label.split(": ").pop()));
      return page;
    });

    await test("trends-back-and-forward-step-through-views", async (keep) => {
      const page = keep(await at("?sel=apt40"));
      await page.locator("#detail-name", { hasText: "APT40" }).waitFor();
      await page.getByRole("tab", { name: "Trends" }).click();
      await charts(page, ["years"]);
      await page.locator("#chart-years [data-drill='years|2022|united-states']").click();
      await page.locator("#trends-drill .drill-item").first().waitFor();
      assert.match(page.url(), /view=trends.*open=years/);
      // Back: the list closes; back again: the graph with APT40 selected; forward: the trends view.
      await page.goBack();
      await page.waitForFunction(() => !location.search.includes("open="));
      await page.locator("#trends-drill").waitFor({ state: "hidden" });
      await page.goBack();
      await page.waitForFunction(() => !location.search.includes("view=trends"));
      assert.equal(await page.getByRole("tab", { name: "Graph" }).getAttribute("aria-selected"), "true");
      await page.locator("#detail-name", { hasText: "APT40" }).waitFor();
      await page.goForward();
      await page.waitForFunction(() => location.search.includes("view=trends"));
      assert.equal(await page.getByRole("tab", { name: "Trends" }).getAttribute("aria-selected"), "true");
      await charts(page, ["years"]);
      return page;
    });

    await test("trends-url-round-trip", async (keep) => {
      const page = keep(await at("?view=trends&focus=china&box=attributed&open=matrix|united-states|russia"));
      await charts(page);
      const check = async () => {
        assert.equal(await page.locator("#trends-focus").inputValue(), "china");
        assert.ok(await page.locator("input[name=trends-box][value=attributed]").isChecked());
        await page.locator("#chart-matrix #trends-drill .drill-item").first().waitFor();
        assert.match(await page.locator("#trends-drill h4").innerText(), /United States · Russia/);
        assert.equal(await page.getByRole("tab", { name: "Trends" }).getAttribute("aria-selected"), "true");
      };
      await check();
      // The focus counts China's attributions only: the API's number.
      const { aggregate: a } = await api(full, AGG, { m: "ATTRIBUTIONS", g: ["YEAR", "ATTRIBUTING_COUNTRY"], f: { where: [{ dimension: "ATTRIBUTED_COUNTRY", values: ["china"] }] } });
      assert.equal(await totalOf(page, "years"), a.total);
      const legend = await page.locator("#chart-years .chart-legend").innerText();
      const none = a.buckets.filter((b) => b.keys[0].id !== null && b.keys[1].id === null).reduce((s, b) => s + b.count, 0);
      assert.match(legend, new RegExp(`No state named \\(${none}\\)`));
      // The map and the responses count what names China too; the matrix shows every state.
      const china = { where: [{ dimension: "ATTRIBUTED_COUNTRY", values: ["china"] }] };
      const { aggregate: inc } = await api(full, AGG, { m: "INCIDENTS", g: ["VICTIM_COUNTRY"], f: china });
      assert.equal(await totalOf(page, "map"), inc.total);
      const { aggregate: leg } = await api(full, AGG, { m: "LEGAL_RESPONSES", g: ["YEAR"], f: china });
      const { aggregate: pol } = await api(full, AGG, { m: "POLITICAL_RESPONSES", g: ["YEAR"], f: china });
      assert.equal(await totalOf(page, "responses"), leg.total + pol.total);
      assert.match(await page.locator("#chart-map .chart-caption").innerText(), /Only what names China as responsible/);
      const { aggregate: all } = await api(full, AGG, { m: "ATTRIBUTIONS", g: ["ATTRIBUTING_COUNTRY"], f: {} });
      assert.equal(await totalOf(page, "matrix"), all.total);
      const url = page.url();
      await page.reload();
      await page.waitForFunction(() => window.explorer?.store);
      await charts(page);
      await check();
      assert.equal(page.url(), url);
      // Back to the graph and the URL says so; the trends tab brings the same picture back.
      await page.getByRole("tab", { name: "Graph" }).click();
      assert.doesNotMatch(page.url(), /view=trends/);
      await page.getByRole("tab", { name: "Trends" }).click();
      assert.equal(page.url(), url);
      // Focus on all states again by the control.
      await page.locator("#trends-focus").selectOption("");
      await page.waitForFunction(() => !location.search.includes("focus="));
      return page;
    });

    await test("trends-exports-svg-png-csv", async (keep) => {
      const page = keep(await at("?view=trends"));
      await charts(page);
      const { aggregate: a } = await api(full, AGG, { m: "ATTRIBUTIONS", g: ["YEAR", "ATTRIBUTING_COUNTRY"] });
      const years = page.locator("#chart-years");
      const svg = await save(page, years.getByRole("button", { name: /as SVG/ }));
      assert.equal(svg.name, "attribution-trends-years.svg");
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, "image/svg+xml");
        return { error: !!doc.querySelector("parsererror"), root: doc.documentElement.nodeName, rects: doc.querySelectorAll("rect").length, text: doc.documentElement.textContent };
      }, await readFile(svg.path, "utf8"));
      assert.equal(parsed.error, false, "the SVG does not parse");
      assert.equal(parsed.root, "svg");
      assert.ok(parsed.rects > 50, `${parsed.rects} rects`);
      assert.match(parsed.text, /Attributions per year[\s\S]*No state named/);
      const png = await save(page, years.getByRole("button", { name: /as PNG/ }));
      const px = await pngPixels(page, png.path, { us: "#1f77b4", none: "#c9d3dd" });
      assert.ok(px.width > 600, `the PNG is ${px.width} px wide`);
      assert.ok(px.counts.us > 200 && px.counts.none > 1000, `the PNG lacks the bars: ${JSON.stringify(px.counts)}`);
      const csv = (await readFile((await save(page, years.getByRole("button", { name: /as CSV/ }))).path, "utf8")).trim().split("\n");
      assert.equal(csv[0], "year_id,year,attributing_country_id,attributing_country,count");
      assert.equal(csv.length - 1, a.buckets.length, "one row per bucket");
      assert.ok(csv.includes(`2022,2022,united-states,United States,${a.buckets.find((b) => b.keys[0].id === "2022" && b.keys[1].id === "united-states").count}`));
      // The map's PNG holds the shaded countries; the box plot's CSV its lags.
      const map = await save(page, page.locator("#chart-map").getByRole("button", { name: /as PNG/ }));
      const mpx = await pngPixels(page, map.path, {});
      assert.ok(mpx.coloured > 20000, `the map's PNG has ${mpx.coloured} coloured pixels`);
      const lags = (await readFile((await save(page, page.locator("#chart-lags").getByRole("button", { name: /as CSV/ }))).path, "utf8")).split("\n");
      assert.match(lags[0], /^attributing_country_id,attributing_country,count,measured,.*median_days,median_lower,median_upper/);
      return page;
    });

    await test("trends-in-french", async (keep) => {
      const page = keep(await at("?view=trends&lang=fr&focus=china"));
      await charts(page);
      assert.equal(await page.getByRole("tab", { name: "Tendances" }).getAttribute("aria-selected"), "true");
      const text = await page.locator("#trends-area").innerText();
      for (const s of ["Attributions par année, par pays qui attribue", "Qui attribue à qui", "Délai d’attribution", "Réponses par année", "Pays victimes d’incidents", "Aucun État nommé", "Tableau des données"]) {
        assert.ok(text.includes(s), `missing: ${s}`);
      }
      assert.doesNotMatch(text, /No state named|Attributions per year|Total:/);
      assert.match(await page.locator("#trends-focus option:checked").innerText(), /^Chine/);
      assert.match(await page.locator("#chart-matrix .chart-total").innerText(), /Total : \d/);
      // Numbers as French writes them: 1 234 (the matrix shows every state, whatever the focus).
      const { aggregate: a } = await api(full, AGG, { m: "ATTRIBUTIONS", g: [] });
      assert.equal(await page.locator("#chart-matrix .chart-total").innerText(), `Total : ${a.total.toLocaleString("fr-FR")}`);
      await page.locator("#chart-map").scrollIntoViewIfNeeded();
      await shot(page, "trends-desktop-french");
      return page;
    });

    await test("trends-known-at-changes-the-numbers", async (keep) => {
      const page = keep(await at("?view=trends"));
      await charts(page, ["years"]);
      const today = await totalOf(page, "years");
      await page.getByLabel("Known at").fill("2015");
      await page.getByRole("button", { name: "Apply" }).click();
      await page.waitForFunction(() => location.search.includes("known=2015"));
      await page.waitForFunction((t) => document.querySelector("#chart-years")?.dataset.status === "ok" && document.querySelector("#chart-years .chart-total")?.textContent !== `Total: ${t}`, today.toLocaleString("en-GB"));
      const then = await totalOf(page, "years");
      const { aggregate: a } = await api(full, AGG, { m: "ATTRIBUTIONS", g: [], f: { knownAt: "2015" } });
      assert.equal(then, a.total);
      assert.ok(then < today, `known at 2015: ${then}, today: ${today}`);
      // The window too: an empty one says so.
      await page.getByLabel("Known at").fill("");
      await page.getByLabel("From", { exact: true }).fill("1990");
      await page.getByLabel("To", { exact: true }).fill("1991");
      await page.getByRole("button", { name: "Apply" }).click();
      await page.locator("#chart-years .chart-status", { hasText: "No attributions match these filters." }).waitFor();
      await shot(page, "trends-desktop-empty");
      // The minimum confidence is passed on: EuRepoC states none, so every attribution falls in "No state named".
      const { aggregate: c } = await api(full, AGG, { m: "ATTRIBUTIONS", g: ["ATTRIBUTING_COUNTRY", "ATTRIBUTED_COUNTRY"], f: { minConfidence: 50 } });
      await page.goto(`${full.url}?view=trends&conf=50`);
      await charts(page, ["matrix"]);
      assert.equal(await page.locator("#chart-matrix [data-drill]").count(), c.buckets.length);
      await page.locator(".conf-note", { hasText: "hides every claim without a stated confidence" }).waitFor();
      return page;
    });

    await test("trends-error-and-retry", async (keep) => {
      const page = keep(await at(""));
      await page.route("**/graphql", (route) => (route.request().postData()?.includes("aggregate(") ? route.abort("connectionrefused") : route.continue()));
      await page.getByRole("tab", { name: "Trends" }).click();
      await page.locator("#chart-years .chart-status", { hasText: "could not be loaded" }).waitFor();
      await page.locator("#chart-years").getByRole("button", { name: "Retry" }).waitFor();
      await shot(page, "trends-desktop-error");
      await page.unroute("**/graphql");
      await page.locator("#chart-years").getByRole("button", { name: "Retry" }).click();
      await charts(page);
      assert.equal(await page.locator("#chart-years .chart-status").isVisible(), false);
      return page;
    });

    await test("trends-loads-lazily", async (keep) => {
      const page = keep(await at(""));
      const scripts = () => page.evaluate(() => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname).filter((p) => p.endsWith(".js")));
      assert.deepEqual((await scripts()).filter((p) => /trends/.test(p)), [], "the graph view loaded the trends chunk");
      await page.getByRole("tab", { name: "Trends" }).click();
      await charts(page, ["years"]);
      assert.ok((await scripts()).some((p) => /\/assets\/trends-.*\.js$/.test(p)), "the trends chunk was not loaded");
      return page;
    });

    await test("trends-phone", async (keep) => {
      const page = keep(await at("", PHONE));
      await page.getByRole("tab", { name: "Trends" }).click();
      await charts(page);
      await noSideways(page, "trends on a phone");
      for (const [i, chart] of ["years", "matrix", "lags", "responses", "map"].entries()) {
        await page.locator(`#chart-${chart}`).scrollIntoViewIfNeeded();
        await noSideways(page, chart);
        await page.locator(`#chart-${chart}`).screenshot({ path: join(results, `trends-phone-${i + 1}-${chart}.png`) });
      }
      // The map opens a country's list by touch.
      await page.locator("#chart-map [data-drill='map|united-states']").tap();
      await page.locator("#chart-map #trends-drill .drill-item").first().waitFor();
      await noSideways(page, "drill-down");
      await page.locator("#trends-drill").screenshot({ path: join(results, "trends-phone-6-drill-down.png") });
      // Filters are a tab away, and the trends come back as they were.
      await page.getByRole("tab", { name: "Filters and tools" }).click();
      await page.getByLabel("Known at").fill("2020");
      await page.getByRole("button", { name: "Apply" }).click();
      await page.getByRole("tab", { name: "Trends" }).click();
      await page.waitForFunction(() => location.search.includes("view=trends") && location.search.includes("known=2020"));
      await charts(page);
      await page.locator("#chart-years").scrollIntoViewIfNeeded();
      await shot(page, "trends-phone-7-known-2020");
      return page;
    });

    for (const [size, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
      await test(`trends-axe-no-serious-violations-${size}`, async (keep) => {
        const page = keep(await at("?view=trends&open=years|2022|united-states", viewport));
        await charts(page);
        await page.locator("#trends-drill .drill-item").first().waitFor();
        assert.deepEqual(await axe(page), [], "axe-core: serious or critical violations");
        await shot(page, `trends-${size}-axe`);
        return page;
      });
    }
  } finally {
    full.stop();
  }
}

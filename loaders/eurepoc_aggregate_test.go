package loaders_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/memory"
	"github.com/attribution-explorer/attribution/loaders"
)

// The aggregates of the default data, recomputed from the EuRepoC CSV
// itself: encoding/csv and this file's own reading of the attribution
// columns, independent of loaders.ReadTable and of graph/aggregate.go.
// The recomputation follows the rules data/mappings/README.md and
// eurepoc.yaml document, and says what each rule changes against a naive
// reading of the table:
//
//   - the attribution columns are "; "-lists, not split inside brackets,
//     whose n-th values are one attribution position; "Not available",
//     "Unknown", "None", "nan", "NaT", "N" are no value (the position stays);
//   - a row whose non-empty attribution columns hold different numbers of
//     positions loses its attributions (misaligned group);
//   - positions that agree on date, type, basis, actor, company and
//     attributing country are one attribution (EuRepoC repeats an
//     attribution once per initiator it names): repeated ones fold;
//   - dates are first-is-unknown: YYYY-01-01 is the year, YYYY-MM-01 the
//     month, so a lag is an interval, never a false exact number;
//   - an incident that the merge joined with another dataset's campaign
//     (the same campaign in ATT&CK) keeps that dataset's start date;
//   - the attributing state (graph.ByAttributingCountry) is the attributing
//     country as written, none when the basis says a company, the media or
//     the attacker itself attributed (graph.NoAttributingState), and for an
//     attribution "by receiver government" that names none, the receiver
//     country when the row names exactly one (receiver_country, a Python
//     list, in an aligned receivers group); an attributing actor that the
//     merge joins with a curated agency of a state counts for that state
//     too (stateAgencies: agency → government → country, as the curated
//     data says), so an attribution may have several.

const eurepocCSV = "../../shared/data/eurepoc/EuRepoC_Global_Database_1.1.csv"

// The columns of an attribution position; the first six are its key.
var attributionColumns = []string{"attribution_date", "attribution_type", "attribution_basis", "attributing_actor",
	"attribution_it_company", "attributing_country", "attributed_initiator", "attributed_initiator_country",
	"attributed_initiator_category"}

var noValue = map[string]bool{"Not available": true, "Unknown": true, "None": true, "nan": true, "NaT": true, "N": true}

// csvDay is a date of the CSV read first-is-unknown (m, d 0 when unknown),
// with the day as written.
type csvDay struct {
	y, m, d         int
	wy, wm, wd      int // as written
	present, parsed bool
}

func parseCSVDay(s string) csvDay {
	s = strings.TrimSpace(s)
	if s == "" || noValue[s] || len(s) < 10 {
		return csvDay{}
	}
	y, e1 := strconv.Atoi(s[:4])
	m, e2 := strconv.Atoi(s[5:7])
	d, e3 := strconv.Atoi(s[8:10])
	if e1 != nil || e2 != nil || e3 != nil {
		return csvDay{}
	}
	c := csvDay{y: y, m: m, d: d, wy: y, wm: m, wd: d, present: true, parsed: true}
	switch {
	case m == 1 && d == 1:
		c.m, c.d = 0, 0
	case d == 1:
		c.d = 0
	}
	return c
}

func days(y, m, d int) int {
	return int(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// first and last day the date covers, as day counts.
func (c csvDay) first() int { return days(c.y, max(c.m, 1), max(c.d, 1)) }
func (c csvDay) last() int {
	switch {
	case c.m == 0:
		return days(c.y, 12, 31)
	case c.d == 0:
		return days(c.y, c.m+1, 0) // the last day of month m
	}
	return days(c.y, c.m, c.d)
}
func (c csvDay) written() int { return days(c.wy, c.wm, c.wd) }

// splitOutsideBrackets splits a "; "-list, not inside (), [] or {}.
func splitOutsideBrackets(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth = max(depth-1, 0)
		case ';':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

type csvAttribution struct {
	incident  string
	n         int
	date      csvDay
	country   string          // attributing country as written ("" for none)
	basis     string          // attribution_basis as written
	actor     string          // attributing_actor as written
	receivers []string        // the row's receiver countries (aligned receivers group), each once
	accused   map[string]bool // attributed initiator countries as written
	positions int
}

func (a *csvAttribution) eventID() string {
	return fmt.Sprintf("eurepoc-incident-%s-attribution-%d", a.incident, a.n)
}

type csvTable struct {
	starts       map[string]csvDay // incident id -> start_date
	attributions []*csvAttribution
	positions    []csvPosition // every position of every row, misaligned ones too, for the naive reading
	misaligned   int           // rows whose attributions the group rule drops
}

type csvPosition struct {
	incident string
	date     csvDay
	accused  string
	dropped  bool // in a misaligned row
}

func readEuRepoCCSV(t *testing.T) *csvTable {
	f, err := os.Open(eurepocCSV)
	if err != nil {
		t.Skipf("the EuRepoC CSV is not there (%v)", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	tab := &csvTable{starts: map[string]csvDay{}}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		id := rec[col["ID"]]
		tab.starts[id] = parseCSVDay(rec[col["start_date"]])
		receivers := csvReceivers(rec, col)
		cells := map[string][]string{}
		count, aligned := -1, true
		for _, c := range attributionColumns {
			vals := splitOutsideBrackets(rec[col[c]])
			for i, v := range vals {
				if noValue[v] {
					vals[i] = ""
				}
			}
			cells[c] = vals
			if len(vals) == 0 {
				continue
			}
			if count >= 0 && len(vals) != count {
				aligned = false
			}
			count = max(count, len(vals))
		}
		at := func(c string, pos int) string {
			if pos < len(cells[c]) {
				return cells[c][pos]
			}
			return ""
		}
		for pos := range max(count, 0) {
			tab.positions = append(tab.positions, csvPosition{incident: id, date: parseCSVDay(at("attribution_date", pos)),
				accused: at("attributed_initiator_country", pos), dropped: !aligned})
		}
		if !aligned {
			tab.misaligned++
			continue
		}
		byKey := map[string]*csvAttribution{}
		for pos := range max(count, 0) {
			var key []string
			for _, c := range attributionColumns[:6] {
				key = append(key, at(c, pos))
			}
			k := strings.Join(key, "\x1f")
			a := byKey[k]
			if a == nil {
				a = &csvAttribution{incident: id, n: len(byKey) + 1, date: parseCSVDay(at("attribution_date", pos)),
					country: at("attributing_country", pos), basis: at("attribution_basis", pos), actor: at("attributing_actor", pos),
					receivers: receivers,
					accused:   map[string]bool{}}
				byKey[k] = a
				tab.attributions = append(tab.attributions, a)
			}
			a.positions++
			if v := at("attributed_initiator_country", pos); v != "" {
				a.accused[v] = true
			}
		}
	}
	return tab
}

// csvReceivers are the receiver countries of a row, each once: none when
// the receivers group is misaligned (the loader drops it).
func csvReceivers(rec []string, col map[string]int) []string {
	n := -1
	var countries []string
	for _, c := range []string{"receiver_name", "receiver_country", "receiver_category", "receiver_category_subcode"} {
		vals := pythonList(rec[col[c]])
		if len(vals) == 0 {
			continue
		}
		if n >= 0 && len(vals) != n {
			return nil
		}
		n = len(vals)
		if c == "receiver_country" {
			countries = vals
		}
	}
	var out []string
	for _, v := range countries {
		if v != "" && !noValue[v] && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// pythonList reads the top-level items of a Python list literal: ['a',
// "b's", ['c', 'd']] is "a", "b's" and "c, d" (a nested list is one item).
func pythonList(s string) []string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "[") {
		if s == "" {
			return nil
		}
		return []string{s}
	}
	var out, nested []string
	depth := 0
	for i := 0; i < len(s); i++ {
		switch q := s[i]; q {
		case '[':
			depth++
		case ']':
			depth--
			if depth == 1 {
				out = append(out, strings.Join(nested, ", "))
				nested = nil
			}
		case '\'', '"':
			var b strings.Builder
			for i++; i < len(s) && s[i] != q; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
			}
			if depth == 1 {
				out = append(out, strings.TrimSpace(b.String()))
			} else {
				nested = append(nested, strings.TrimSpace(b.String()))
			}
		}
	}
	return out
}

// stateAgencies are EuRepoC's attributing actors that the merge joins with
// a curated agency (same name, the acronym in brackets an alias), and the
// state the curated data ties the agency to: PART_OF the US government
// (or the DoJ), GOVERNMENT_OF the United States
// (data/curated/organizations.yaml).
var stateAgencies = map[string]string{
	"Federal Bureau of Investigation (FBI)":                   "united-states",
	"Cybersecurity and Infrastructure Security Agency (CISA)": "united-states",
	"National Security Agency (NSA)":                          "united-states",
}

// attributingStates are the CSV's attributing states of a (see the rules at
// the top of this file), as country ids, each once; none is [""].
func attributingStates(a *csvAttribution, country func(string) string) []string {
	if graph.NoAttributingState(a.basis) {
		return []string{""}
	}
	var out []string
	add := func(id string) {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	add(country(a.country))
	add(stateAgencies[a.actor])
	if len(out) == 0 && a.basis == graph.ReceiverGovernmentBasis {
		var ids []string
		for _, r := range a.receivers {
			if id := country(r); id != "" && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		if len(ids) == 1 {
			out = ids
		}
	}
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

// countryIDs resolves the CSV's country names to the graph's countries:
// by name or alias, or by this table of the ISO 3166 forms EuRepoC writes;
// regions and groups are no country. An unknown name fails the test.
func countryIDs(t *testing.T, s graph.Store, tab *csvTable) func(string) string {
	byName := map[string]string{}
	for after := ""; ; {
		page, err := s.List(context.Background(), graph.ListQuery{Kinds: []graph.Kind{graph.Country}, After: after, Limit: graph.MaxPage})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Entities {
			byName[strings.ToLower(e.Name)] = e.ID
			for _, a := range e.Aliases {
				byName[strings.ToLower(a)] = e.ID
			}
			after = e.ID
		}
		if !page.HasNext {
			break
		}
	}
	iso := map[string]string{
		"Iran, Islamic Republic of":              "iran",
		"Korea, Democratic People's Republic of": "north-korea",
		"Korea, Republic of":                     "south-korea",
		"Czech Republic":                         "czechia",
	}
	resolve := func(name string) (string, bool) {
		if name == "" {
			return "", true
		}
		if id, ok := iso[name]; ok {
			return id, true
		}
		if id, ok := byName[strings.ToLower(name)]; ok {
			return id, true
		}
		if strings.Contains(name, "(region)") || name == "South America" || name == "ISIS" || name == "United Nations Organization" ||
			name == "Africa" || name == "North America" {
			return "", true
		}
		return "", false
	}
	for _, a := range tab.attributions {
		names := append([]string{a.country}, slices.Collect(mapKeys(a.accused))...)
		if a.basis == graph.ReceiverGovernmentBasis && a.country == "" {
			names = append(names, a.receivers...)
		}
		for _, name := range names {
			if _, ok := resolve(name); !ok {
				t.Errorf("the country %q of the CSV resolves to no country of the graph: add it to the test's table", name)
			}
		}
	}
	return func(name string) string { id, _ := resolve(name); return id }
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func defaultStore(t *testing.T) *memory.Store {
	b, err := loaders.Default(io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s := memory.New()
	if err := s.Upsert(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEuRepoCAggregatesMatchTheCSV compares the memory store's aggregates
// of the default data with the same numbers recomputed from the CSV.
func TestEuRepoCAggregatesMatchTheCSV(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the default data")
	}
	tab := readEuRepoCCSV(t)
	s := defaultStore(t)
	country := countryIDs(t, s, tab)
	t.Logf("the CSV: %d incidents, %d attribution positions, %d attributions once repeated ones fold; %d rows lose their attributions (misaligned)",
		len(tab.starts), len(tab.positions), len(tab.attributions), tab.misaligned)
	t.Run("ChinaByYearAndAttributingCountry", func(t *testing.T) { chinaByYear(t, s, tab, country) })
	t.Run("TimeToAttributionByAttributingCountry", func(t *testing.T) { lagsByCountry(t, s, tab, country) })
}

// chinaByYear: attributions per year naming China as the attributed
// initiator country, by attributing country, 2010-2022.
func chinaByYear(t *testing.T, s *memory.Store, tab *csvTable, country func(string) string) {
	want := map[string][]string{} // "year|country" -> event ids
	for _, a := range tab.attributions {
		if !a.accused["China"] || !a.date.present || a.date.y < 2010 || a.date.y > 2022 {
			continue
		}
		for _, c := range attributingStates(a, country) {
			k := fmt.Sprintf("%d|%s", a.date.y, c)
			want[k] = append(want[k], a.eventID())
		}
	}
	res, err := s.Aggregate(context.Background(), graph.AggregateQuery{
		Measure: graph.Attributions, GroupBy: []graph.Dimension{graph.ByYear, graph.ByAttributingCountry},
		Where:    []graph.Condition{{Dimension: graph.ByAttributedCountry, Values: []string{"china"}}},
		Window:   graph.Window{From: graph.MustDate("2010"), To: graph.MustDate("2022")},
		Datasets: []string{"eurepoc-1.1"}, IDs: graph.MaxBucketIDs, Limit: graph.MaxBuckets})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, b := range res.Buckets {
		if b.Count > len(b.IDs) {
			t.Fatalf("a bucket of %d attributions: more than the ids one answer holds", b.Count)
		}
		got[b.Keys[0].ID+"|"+b.Keys[1].ID] = b.IDs
	}
	for _, ids := range want {
		sort.Strings(ids)
	}
	var diffs []string
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		seen := map[string]bool{}
		for k := range want {
			seen[k] = true
		}
		for k := range got {
			seen[k] = true
		}
		for k := range seen {
			if !yield(k) {
				return
			}
		}
	}) {
		if !slices.Equal(want[k], got[k]) {
			diffs = append(diffs, fmt.Sprintf("%s: CSV %d %v, store %d %v", k, len(want[k]), want[k], len(got[k]), got[k]))
		}
	}
	if len(diffs) > 0 {
		t.Errorf("attributions naming China, by year and attributing country: %d buckets differ:\n%s", len(diffs), strings.Join(diffs, "\n"))
	}

	// What the documented rules change against a naive count of positions.
	total, naive, naiveDropped := 0, 0, 0
	for _, ids := range want {
		total += len(ids)
	}
	for _, p := range tab.positions {
		if p.accused == "China" && p.date.present && p.date.y >= 2010 && p.date.y <= 2022 {
			naive++
			if p.dropped {
				naiveDropped++
			}
		}
	}
	t.Logf("attributions naming China 2010-2022: %d in the store, %d recomputed; a naive count of the CSV's positions gives %d: "+
		"%d repeat an attribution once per initiator (folded), %d are in rows whose attribution columns disagree in length (dropped)",
		res.Total, total, naive, naive-naiveDropped-total, naiveDropped)
	byCountry := map[string]int{}
	byYear := map[int]int{}
	for k, ids := range want {
		var y int
		var c string
		fmt.Sscanf(k, "%d|", &y)
		c = k[strings.Index(k, "|")+1:]
		byCountry[c] += len(ids)
		byYear[y] += len(ids)
	}
	var lines []string
	for c, n := range byCountry {
		if c == "" {
			c = "(none)"
		}
		lines = append(lines, fmt.Sprintf("%4d %s", n, c))
	}
	sort.Sort(sort.Reverse(sort.StringSlice(lines)))
	t.Logf("by attributing country:\n%s", strings.Join(lines, "\n"))
	lines = nil
	for y := 2010; y <= 2022; y++ {
		lines = append(lines, fmt.Sprintf("%d:%d", y, byYear[y]))
	}
	t.Logf("by year: %s", strings.Join(lines, " "))
}

// csvLag is the interval of days from an incident's start to an attribution.
type csvLag struct{ lo, hi int }

// csvStats is what the test compares: counts and the median's three values.
type csvStats struct {
	measured, before, undated int
	median, q1, q3            [3]float64 // of midpoints, lower and upper bounds
}

func interpolate(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	x := p * float64(len(sorted)-1)
	lo := int(x)
	if lo == len(sorted)-1 {
		return sorted[lo]
	}
	return sorted[lo] + (x-float64(lo))*(sorted[lo+1]-sorted[lo])
}

func summarize(lags []csvLag, before, undated int) csvStats {
	st := csvStats{measured: len(lags), before: before, undated: undated}
	var mid, lo, hi []float64
	for _, l := range lags {
		mid = append(mid, float64(l.lo+l.hi)/2)
		lo = append(lo, float64(l.lo))
		hi = append(hi, float64(l.hi))
	}
	sort.Float64s(mid)
	sort.Float64s(lo)
	sort.Float64s(hi)
	q := func(p float64) [3]float64 {
		if len(lags) == 0 {
			return [3]float64{}
		}
		return [3]float64{interpolate(mid, p), interpolate(lo, p), interpolate(hi, p)}
	}
	st.q1, st.median, st.q3 = q(0.25), q(0.5), q(0.75)
	return st
}

// lagsByCountry: the median time from incident start to attribution by
// attributing country.
func lagsByCountry(t *testing.T, s *memory.Store, tab *csvTable, country func(string) string) {
	ctx := context.Background()
	// Incidents the merge joined with another dataset's campaign keep that
	// campaign's start: find them through the attributions' CONCERNS.
	mergedStart := map[string]csvDay{}
	var eventIDs []string
	for _, a := range tab.attributions {
		eventIDs = append(eventIDs, a.eventID())
	}
	for chunk := range slices.Chunk(eventIDs, graph.MaxIDs) {
		rels, err := s.Relations(ctx, chunk, graph.RelationQuery{Direction: graph.Out, Types: []string{"CONCERNS"}, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		for id, rs := range rels {
			for _, r := range rs {
				incident := id[len("eurepoc-incident-"):strings.LastIndex(id, "-attribution-")]
				if r.To == "eurepoc-incident-"+incident {
					continue
				}
				es, err := s.Entities(ctx, []string{r.To})
				if err != nil || len(es) != 1 {
					t.Fatalf("%s CONCERNS %s: %v", id, r.To, err)
				}
				d := es[0].Start
				c := csvDay{y: d.Year, m: d.Month, d: d.Day, present: !d.IsZero()}
				if c != (csvDay{y: tab.starts[incident].y, m: tab.starts[incident].m, d: tab.starts[incident].d, present: tab.starts[incident].present}) {
					t.Logf("incident %s was merged into %s, whose start %s the graph keeps (EuRepoC's: %04d-%02d-%02d as written)",
						incident, r.To, d, tab.starts[incident].wy, tab.starts[incident].wm, tab.starts[incident].wd)
				}
				mergedStart[incident] = c
			}
		}
	}
	type acc struct {
		lags, naive         []csvLag
		before, undated, n  int
		lagsCSV             []csvLag // without the merge rule
		beforeCSV, undatCSV int
	}
	groups := map[string]*acc{}
	measure := func(start, date csvDay) (csvLag, int) { // 0 measured, 1 before, 2 undated
		if !start.present || !date.present {
			return csvLag{}, 2
		}
		l := csvLag{date.first() - start.last(), date.last() - start.first()}
		if l.hi < 0 {
			return l, 1
		}
		l.lo = max(l.lo, 0)
		return l, 0
	}
	addTo := func(g *acc, a *csvAttribution) {
		g.n++
		start, merged := mergedStart[a.incident]
		if !merged {
			start = tab.starts[a.incident]
		}
		switch l, k := measure(start, a.date); k {
		case 0:
			g.lags = append(g.lags, l)
		case 1:
			g.before++
		default:
			g.undated++
		}
		switch l, k := measure(tab.starts[a.incident], a.date); k {
		case 0:
			g.lagsCSV = append(g.lagsCSV, l)
			if d := a.date.written() - tab.starts[a.incident].written(); d >= 0 {
				g.naive = append(g.naive, csvLag{d, d})
			}
		case 1:
			g.beforeCSV++
		default:
			g.undatCSV++
		}
	}
	for _, a := range tab.attributions {
		for _, c := range attributingStates(a, country) {
			g := groups[c]
			if g == nil {
				g = &acc{}
				groups[c] = g
			}
			addTo(g, a)
		}
	}
	res, err := s.TimeToAttribution(ctx, graph.AggregateQuery{Measure: graph.Attributions,
		GroupBy: []graph.Dimension{graph.ByAttributingCountry}, Datasets: []string{"eurepoc-1.1"}, Limit: graph.MaxBuckets})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Buckets) != len(groups) {
		t.Errorf("%d attributing countries in the store, %d in the CSV", len(res.Buckets), len(groups))
	}
	type line struct {
		n    int
		text string
	}
	var lines []line
	for _, b := range res.Buckets {
		c := b.Keys[0].ID
		g := groups[c]
		if g == nil {
			t.Errorf("attributing country %q is in the store, not in the CSV", c)
			continue
		}
		want := summarize(g.lags, g.before, g.undated)
		l := b.Lags
		got := csvStats{measured: l.Measured, before: l.BeforeStart, undated: l.Undated,
			median: [3]float64{l.Median.Mid, l.Median.Lo, l.Median.Hi}, q1: [3]float64{l.Q1.Mid, l.Q1.Lo, l.Q1.Hi},
			q3: [3]float64{l.Q3.Mid, l.Q3.Lo, l.Q3.Hi}}
		if b.Count != g.n || !closeStats(got, want) {
			t.Errorf("time to attribution, attributing country %q: store %d attributions %+v, CSV %d %+v", c, b.Count, got, g.n, want)
		}
		csvOnly := summarize(g.lagsCSV, g.beforeCSV, g.undatCSV)
		if !closeStats(csvOnly, want) {
			t.Logf("%q: without the merge rule the median would be %.1f days [%.0f, %.0f], measured %d (graph: %.1f [%.0f, %.0f], %d)",
				c, csvOnly.median[0], csvOnly.median[1], csvOnly.median[2], csvOnly.measured, want.median[0], want.median[1], want.median[2], want.measured)
		}
		naive := summarize(g.naive, 0, 0)
		if c == "" {
			c = "(none)"
		}
		lines = append(lines, line{g.n, fmt.Sprintf("%-16s %4d attributions, %4d measured (%4d wide > 31 d, %3d exact), before start %2d, undated %4d: "+
			"median %7.1f d [%7.1f, %7.1f], quartiles %7.1f-%7.1f; naive (dates as written) median %7.1f",
			c, g.n, l.Measured, l.Wide, l.Exact, l.BeforeStart, l.Undated, l.Median.Mid, l.Median.Lo, l.Median.Hi, l.Q1.Mid, l.Q3.Mid, naive.median[0])})
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].n > lines[j].n })
	var text []string
	for _, l := range lines {
		text = append(text, l.text)
	}
	t.Logf("time from incident start to attribution, by attributing country:\n%s", strings.Join(text, "\n"))
}

func closeStats(a, b csvStats) bool {
	if a.measured != b.measured || a.before != b.before || a.undated != b.undated {
		return false
	}
	for _, pair := range [][2][3]float64{{a.median, b.median}, {a.q1, b.q1}, {a.q3, b.q3}} {
		for i := range 3 {
			if math.Abs(pair[0][i]-pair[1][i]) > 1e-9 {
				return false
			}
		}
	}
	return true
}

package docs_test

import (
	"compress/gzip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/memory"
	"github.com/attribution-explorer/attribution/loaders"
)

// TestPublishedFigures recomputes, from the raw files (data/public and the
// curated data, loaded as the server loads them), every figure the prose of
// the README and docs/design.md states, and requires each sentence to say
// it as computed: a change of rule that moves a headline number fails here
// until the text is updated. (The README's examples are held by
// TestExamples; the trends view's captions state no figure.)
func TestPublishedFigures(t *testing.T) {
	ctx := context.Background()
	b, err := loaders.Default(io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s := memory.New()
	if err := s.Upsert(ctx, b); err != nil {
		t.Fatal(err)
	}
	counts, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	total := func(q graph.AggregateQuery) int {
		t.Helper()
		q.Limit = graph.MaxBuckets
		res, err := s.Aggregate(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	// keyed gives the count of each key of one dimension ("" for none).
	keyed := func(q graph.AggregateQuery) map[string]int {
		t.Helper()
		q.Limit = graph.MaxBuckets
		res, err := s.Aggregate(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, bk := range res.Buckets {
			out[bk.Keys[0].ID] = bk.Count
		}
		return out
	}
	at, inc := graph.Attributions, graph.Incidents
	d := graph.MustDate
	china := graph.Condition{Dimension: graph.ByAttributedCountry, Values: []string{"china"}}

	// Known at 2020-12-31: with the rule, by the rule's own date alone (dated
	// 2020 or before), and by sources alone (the rule before it).
	knownNow := total(graph.AggregateQuery{Measure: at, KnownAt: d("2020-12-31")})
	dated := total(graph.AggregateQuery{Measure: at, Window: graph.Window{To: d("2020-12-31")}})
	published := map[string]graph.PartialDate{}
	for _, src := range b.Sources {
		published[src.ID] = src.Published
	}
	bySources := 0
	for _, e := range b.Entities {
		if at.Counts(&e) && graph.KnownBy(graph.KnownFrom(e.Sources, func(id string) graph.PartialDate { return published[id] }), d("2020-12-31")) {
			bySources++
		}
	}

	china2021 := graph.AggregateQuery{Measure: at, GroupBy: []graph.Dimension{graph.ByAttributingCountry},
		Window: graph.Window{From: d("2021"), To: d("2021")}, Where: []graph.Condition{china}}
	states := keyed(china2021)
	china2021.GroupBy = []graph.Dimension{graph.ByAttributorType}
	types2021 := keyed(china2021)
	types := keyed(graph.AggregateQuery{Measure: at, GroupBy: []graph.Dimension{graph.ByAttributorType}})
	allAttributions := total(graph.AggregateQuery{Measure: at})
	byAny := total(graph.AggregateQuery{Measure: inc, Where: []graph.Condition{{Dimension: graph.ByAccusedCountry, Values: []string{"china"}}}})
	byInitiator := total(graph.AggregateQuery{Measure: inc, Where: []graph.Condition{china}})
	noState := keyed(graph.AggregateQuery{Measure: at, GroupBy: []graph.Dimension{graph.ByAttributingCountry}})[""]

	rows := eurepocRows(t)
	rawChina := 0
	for _, r := range rows {
		if strings.Contains(r["attributed_initiator_country"], "China") {
			rawChina++
		}
	}
	if eu := total(graph.AggregateQuery{Measure: inc, Datasets: []string{"eurepoc-1.1"},
		Where: []graph.Condition{{Dimension: graph.ByAccusedCountry, Values: []string{"china"}}}}); eu != rawChina || byAny != rawChina+1 {
		t.Errorf("incidents an attribution accuses China of: %d from EuRepoC, %d in all; the raw file has %d", eu, byAny, rawChina)
	}
	n := commas
	figures := []struct{ file, sentence string }{
		{"../README.md", fmt.Sprintf("incidents and their attributions (%s entities, %s claims, %s sources)",
			n(counts.Entities), n(counts.Relations), n(counts.Sources))},
		{"../README.md", fmt.Sprintf("| %s incidents, their receivers and initiators;", n(len(rows)))},
		{"design.md", fmt.Sprintf("The %s are the %s EuRepoC incidents an attribution accuses China of (as the raw file counts them) "+
			"and the curated Exchange campaign, which the joint attribution accuses.", n(byAny), n(rawChina))},
		{"design.md", fmt.Sprintf("by sources alone an attribution of 2018 counted as unknown until 2023 (%s "+
			"attributions known at 2020-12-31; %s with this rule, of the %s dated to 2020 or before and %s others with a dated source)",
			n(bySources), n(knownNow), n(dated), n(knownNow-dated))},
		{"design.md", fmt.Sprintf("Attributions of China in 2021 (%d), by attributing state: Norway %d, France %d, Japan %d, "+
			"the United Kingdom %d, the United States %d (the joint attribution of 19 July, by their governments), none %d; "+
			"by attributor type: companies %d, states %d, an international organisation %d, the media %d, unknown %d.",
			total(graph.AggregateQuery{Measure: at, Window: china2021.Window, Where: china2021.Where}),
			states["norway"], states["france"], states["japan"], states["united-kingdom"], states["united-states"], states[""],
			types2021[graph.CompanyAttributor], types2021[graph.StateAttributor], types2021[graph.IntlOrgAttributor],
			types2021[graph.MediaAttributor], types2021[""])},
		{"design.md", fmt.Sprintf("Of the %s attributions, the attackers themselves made %s, companies %s, states %s, the media %s, "+
			"international organisations %s; %s are of an unknown kind. %s name no attributing state.",
			n(allAttributions), n(types[graph.SelfAttributor]), n(types[graph.CompanyAttributor]), n(types[graph.StateAttributor]),
			n(types[graph.MediaAttributor]), n(types[graph.IntlOrgAttributor]), n(types[""]), n(noState))},
		{"design.md", fmt.Sprintf("Incidents attributed to China: %s by any attribution that names it (ACCUSED_COUNTRY), "+
			"%s by the initiator coding (ATTRIBUTED_COUNTRY).", n(byAny), n(byInitiator))},
	}
	space := regexp.MustCompile(`\s+`)
	for _, f := range figures {
		raw, err := os.ReadFile(f.file)
		if err != nil {
			t.Fatal(err)
		}
		text := space.ReplaceAllString(string(raw), " ")
		if !strings.Contains(text, f.sentence) {
			t.Errorf("%s does not state the figures as the data gives them now; it should say:\n%s", f.file, f.sentence)
		}
	}
}

// eurepocRows are the rows of the raw EuRepoC file, by column name.
func eurepocRows(t *testing.T) []map[string]string {
	f, err := os.Open("../data/public/eurepoc-global-database-1.1.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(z).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

// commas writes n as the docs do: 37,554.
func commas(n int) string {
	s := fmt.Sprint(n)
	var parts []string
	for len(s) > 3 {
		parts = append([]string{s[len(s)-3:]}, parts...)
		s = s[:len(s)-3]
	}
	return strings.Join(slices.Insert(parts, 0, s), ",")
}

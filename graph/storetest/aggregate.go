package storetest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
)

// AggregateCases runs the contract of graph.Aggregator (graph/aggregate.go)
// against stores made by newStore, each loaded with AggregateFixture: exact
// counts, keys, ids and lag distributions, with dates of year, month and
// day precision, undated items, joint attributions, known-at, and every
// filter.
func AggregateCases(t *testing.T, newStore NewStore) {
	for _, c := range aggregateCases {
		t.Run(c.Name, func(t *testing.T) {
			s := newStore(t)
			t.Cleanup(func() { s.Close() })
			if err := s.Upsert(ctx, AggregateFixture()); err != nil {
				t.Fatalf("loading the aggregate fixture: %v", err)
			}
			c.Fn(t, s)
		})
	}
}

var aggregateCases = []Case{
	{"Attributions", testAggregateAttributions},
	{"AttributionsByTwoDimensions", testAggregateTwoDimensions},
	{"AttributionsFilters", testAggregateFilters},
	{"AttributionsKnownAt", testAggregateKnownAt},
	{"AttributionsMinConfidence", testAggregateMinConfidence},
	{"WhoAttributed", testAggregateWhoAttributed},
	{"Incidents", testAggregateIncidents},
	{"Responses", testAggregateResponses},
	{"Paging", testAggregatePaging},
	{"Invalid", testAggregateInvalid},
	{"TimeToAttribution", testTimeToAttribution},
	{"TimeToAttributionFilters", testTimeToAttributionFilters},
}

// AggregateFixture: four incidents, six attributions, two legal and one
// political response, and an advisory that no measure counts.
//
//	inc-a CAMPAIGN 2019-03-10 to 2019-05, TARGETED Norway (s-2019) and the
//	      government sector (s-2021: known later than the incident),
//	      ATTRIBUTED_TO China, CONDUCTED by Panda One
//	inc-b CAMPAIGN 2020 (year), TARGETED France, Norway, energy; ATTRIBUTED_TO
//	      Russia, CONDUCTED by Bear Two; known from 2020-12-31 (s-2020y)
//	inc-c EVENT LEAK 2021-02 (an incident event): ATTRIBUTED_TO China,
//	      CONDUCTED by Panda One
//	inc-d CAMPAIGN undated, TARGETED the US; its only source is undated
//
//	att-1 2019-07-01  Norway        accuses China, Panda One     on inc-a
//	att-2 2021 (year) UK, US (twice), NCSC (s-2022)  China, MSS  on inc-a, inc-b
//	att-3 2021-03     France        Russia, Bear Two             on inc-b
//	att-4 2021-02-15  UK            China                        on inc-c
//	att-5 undated     US            China                        on inc-a
//	att-6 2018-12     US            Russia   on inc-a, which began after it
//	leg-1 2021-05 US on inc-a (response_type only); leg-2 2022 UK on inc-b
//	pol-1 2021-07-19 Norway on inc-a, accuses China
//
// Sources are public from: s-2019 2019-07-01, s-2020y 2020-12-31, s-2021m
// 2021-03-31, s-2021 2021-07-19, s-2022 2022-02-10; s-undated never.
func AggregateFixture() graph.Batch {
	d := graph.MustDate
	src := func(id string) []string { return []string{id} }
	a := func(kv ...string) []graph.Attribute {
		var out []graph.Attribute
		for i := 0; i < len(kv); i += 2 {
			out = append(out, graph.Attribute{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	ent := func(id string, k graph.Kind, name string, start string, sources []string, attrs ...string) graph.Entity {
		e := graph.Entity{ID: id, Kind: k, Name: name, Sources: sources, Attributes: a(attrs...)}
		if start != "" {
			e.Start = d(start)
		}
		return e
	}
	b := graph.Batch{
		Sources: []graph.Source{
			{ID: "s-2019", Title: "2019 report", Published: d("2019-07-01")},
			{ID: "s-2020y", Title: "Annual report 2020", Published: d("2020")},
			{ID: "s-2021m", Title: "March 2021 bulletin", Published: d("2021-03")},
			{ID: "s-2021", Title: "July 2021 statement", Published: d("2021-07-19")},
			{ID: "s-2022", Title: "2022 report", Published: d("2022-02-10")},
			{ID: "s-undated", Title: "Undated note"},
			{ID: "ds-x", Title: "Dataset X", Published: d("2023")},
			{ID: "ds-x.rec-1", Title: "Dataset X record 1", Published: d("2023")},
		},
		Entities: []graph.Entity{
			ent("c-cn", graph.Country, "China", "", src("s-2019"), "iso2", "CN"),
			ent("c-fr", graph.Country, "France", "", src("s-2019"), "iso2", "FR"),
			ent("c-no", graph.Country, "Norway", "", src("s-2019"), "iso2", "NO"),
			ent("c-ru", graph.Country, "Russia", "", src("s-2019"), "iso2", "RU"),
			ent("c-uk", graph.Country, "United Kingdom", "", src("s-2019"), "iso2", "GB"),
			ent("c-us", graph.Country, "United States", "", src("s-2019"), "iso2", "US"),
			ent("sec-energy", graph.Sector, "Energy", "", src("s-2019")),
			ent("sec-gov", graph.Sector, "Government", "", src("s-2019")),
			ent("ta-1", graph.ThreatActor, "Panda One", "", src("s-2019")),
			ent("ta-2", graph.ThreatActor, "Bear Two", "", src("s-2019")),
			ent("org-mss", graph.Organization, "Ministry of State Security", "", src("s-2019")),
			ent("org-ncsc", graph.Organization, "National Cyber Security Centre", "", src("s-2019")),
			ent("inc-a", graph.Campaign, "Incident A", "2019-03-10", src("s-2019")),
			ent("inc-b", graph.Campaign, "Incident B", "2020", src("s-2020y")),
			ent("inc-c", graph.Event, "Incident C", "2021-02", src("s-2021m"), "event_type", "LEAK"),
			ent("inc-d", graph.Campaign, "Incident D", "", src("s-undated")),
			ent("att-1", graph.Event, "Norway attributes A", "2019-07-01", src("s-2019"),
				"attribution_type", "Political statement", "event_type", "ATTRIBUTION"),
			ent("att-2", graph.Event, "Joint attribution of A and B", "2021", src("s-2021"),
				"attribution_type", "Political statement", "event_type", "ATTRIBUTION"),
			ent("att-3", graph.Event, "France attributes B", "2021-03", []string{"s-2021m", "ds-x.rec-1"},
				"attribution_type", "Technical report", "event_type", "ATTRIBUTION"),
			ent("att-4", graph.Event, "UK attributes C", "2021-02-15", []string{"s-2021m", "ds-x"},
				"attribution_type", "Technical report", "event_type", "ATTRIBUTION"),
			ent("att-5", graph.Event, "Undated US attribution of A", "", src("s-2022"), "event_type", "ATTRIBUTION"),
			ent("att-6", graph.Event, "US attribution dated before A", "2018-12", src("s-2019"),
				"attribution_type", "Technical report", "event_type", "ATTRIBUTION"),
			ent("leg-1", graph.Indictment, "Arrests for A", "2021-05", src("s-2021"), "response_type", "Arrests"),
			ent("leg-2", graph.Indictment, "Sanctions for B", "2022", src("s-2022"),
				"legal_action", "RETORSION", "response_type", "Peaceful means: Retorsion"),
			ent("pol-1", graph.Event, "Norway's statement on A", "2021-07-19", src("s-2021"),
				"event_type", "POLITICAL_RESPONSE", "response_type", "Statement"),
			ent("adv-1", graph.Event, "Advisory on A", "2021", src("s-2021"), "event_type", "ADVISORY"),
		},
	}
	for i := range b.Entities {
		if b.Entities[i].ID == "inc-a" {
			b.Entities[i].End = d("2019-05")
		}
	}
	n := 0
	confident := map[string]int{ // confidence of some claims, by from|type|to|source
		"inc-a|TARGETED|c-no|s-2019": 75, "att-1|CONCERNS|inc-a|s-2019": 80, "att-1|ISSUED_BY|c-no|s-2019": 80,
		"att-2|ISSUED_BY|c-uk|s-2021": 90, "att-2|ISSUED_BY|c-us|s-2021": 60,
	}
	rel := func(from, typ, to, source string) {
		n++
		r := graph.Relation{ID: fmt.Sprintf("ag-%02d", n), Type: typ, From: from, To: to, Sources: src(source)}
		if c, ok := confident[strings.Join([]string{from, typ, to, source}, "|")]; ok {
			r.Confidence = &c
		}
		b.Relations = append(b.Relations, r)
	}
	rel("inc-a", "TARGETED", "c-no", "s-2019")
	rel("inc-a", "TARGETED", "sec-gov", "s-2021")
	rel("inc-a", "ATTRIBUTED_TO", "c-cn", "s-2019")
	rel("ta-1", "CONDUCTED", "inc-a", "s-2019")
	for _, to := range []string{"c-fr", "c-no", "sec-energy"} {
		rel("inc-b", "TARGETED", to, "s-2020y")
	}
	rel("inc-b", "ATTRIBUTED_TO", "c-ru", "s-2020y")
	rel("ta-2", "CONDUCTED", "inc-b", "s-2020y")
	rel("inc-c", "ATTRIBUTED_TO", "c-cn", "s-2021m")
	rel("ta-1", "CONDUCTED", "inc-c", "s-2021m")
	rel("inc-d", "TARGETED", "c-us", "s-undated")

	rel("att-1", "ISSUED_BY", "c-no", "s-2019")
	rel("att-1", "CONCERNS", "inc-a", "s-2019")
	rel("att-1", "ACCUSES", "c-cn", "s-2019")
	rel("att-1", "ACCUSES", "ta-1", "s-2019")
	rel("att-2", "ISSUED_BY", "c-uk", "s-2021")
	rel("att-2", "ISSUED_BY", "c-us", "s-2021")
	rel("att-2", "ISSUED_BY", "c-us", "s-2022") // a second claim: one key
	rel("att-2", "ISSUED_BY", "org-ncsc", "s-2022")
	rel("att-2", "CONCERNS", "inc-a", "s-2021")
	rel("att-2", "CONCERNS", "inc-b", "s-2021")
	rel("att-2", "ACCUSES", "c-cn", "s-2021")
	rel("att-2", "ACCUSES", "org-mss", "s-2021")
	rel("att-3", "ISSUED_BY", "c-fr", "s-2021m")
	rel("att-3", "CONCERNS", "inc-b", "s-2021m")
	rel("att-3", "ACCUSES", "c-ru", "s-2021m")
	rel("att-3", "ACCUSES", "ta-2", "s-2021m")
	rel("att-4", "ISSUED_BY", "c-uk", "s-2021m")
	rel("att-4", "CONCERNS", "inc-c", "s-2021m")
	rel("att-4", "ACCUSES", "c-cn", "s-2021m")
	rel("att-5", "ISSUED_BY", "c-us", "s-2022")
	rel("att-5", "CONCERNS", "inc-a", "s-2022")
	rel("att-5", "ACCUSES", "c-cn", "s-2022")
	rel("att-6", "ISSUED_BY", "c-us", "s-2019")
	rel("att-6", "CONCERNS", "inc-a", "s-2019")
	rel("att-6", "ACCUSES", "c-ru", "s-2019")

	rel("leg-1", "ISSUED_BY", "c-us", "s-2021")
	rel("leg-1", "CONCERNS", "inc-a", "s-2021")
	rel("leg-2", "ISSUED_BY", "c-uk", "s-2022")
	rel("leg-2", "CONCERNS", "inc-b", "s-2022")
	rel("pol-1", "ISSUED_BY", "c-no", "s-2021")
	rel("pol-1", "CONCERNS", "inc-a", "s-2021")
	rel("pol-1", "ACCUSES", "c-cn", "s-2021")
	rel("adv-1", "ISSUED_BY", "c-us", "s-2021")
	rel("adv-1", "CONCERNS", "inc-a", "s-2021")
	return b
}

func aggregator(t *testing.T, s graph.Store) graph.Aggregator {
	t.Helper()
	a, ok := s.(graph.Aggregator)
	if !ok {
		t.Fatalf("%T does not implement graph.Aggregator", s)
	}
	return a
}

// aggQuery is a query of measure m by dims, with ten ids a bucket and room for every bucket.
func aggQuery(m graph.Measure, dims ...graph.Dimension) graph.AggregateQuery {
	return graph.AggregateQuery{Measure: m, GroupBy: dims, IDs: 10, Limit: 100}
}

// buckets writes each bucket as "key|key count [ids]", "-" for a none key.
func buckets(bs []graph.Bucket) []string {
	out := []string{}
	for _, b := range bs {
		var keys []string
		for _, k := range b.Keys {
			if k.ID == "" {
				keys = append(keys, "-")
			} else {
				keys = append(keys, k.ID)
			}
		}
		out = append(out, fmt.Sprintf("%s %d [%s]", strings.Join(keys, "|"), b.Count, strings.Join(b.IDs, " ")))
	}
	return out
}

// aggregate runs q and compares its buckets and total.
func aggregate(t *testing.T, s graph.Store, what string, q graph.AggregateQuery, total int, want ...string) graph.AggregateResult {
	t.Helper()
	res := must(aggregator(t, s).Aggregate(ctx, q))(t)
	if want == nil {
		want = []string{}
	}
	same(t, what, []any{buckets(res.Buckets), res.Total}, []any{want, total})
	return res
}

func testAggregateAttributions(t *testing.T, s graph.Store) {
	at := graph.Attributions
	res := aggregate(t, s, "by year: the year of the attribution's own date; undated in the none bucket", aggQuery(at, graph.ByYear), 6,
		"2018 1 [att-6]", "2019 1 [att-1]", "2021 3 [att-2 att-3 att-4]", "- 1 [att-5]")
	same(t, "bucket count", res.BucketCount, 4)
	same(t, "year key", res.Buckets[0].Keys[0], graph.Key{Dimension: graph.ByYear, ID: "2018", Name: "2018"})
	same(t, "none key", res.Buckets[3].Keys[0], graph.Key{Dimension: graph.ByYear})

	res = aggregate(t, s, "by month: a date known to the year stays in its year, in no month", aggQuery(at, graph.ByMonth), 6,
		"2018-12 1 [att-6]", "2019-07 1 [att-1]", "2021 1 [att-2]", "2021-02 1 [att-4]", "2021-03 1 [att-3]", "- 1 [att-5]")
	same(t, "month-unknown key", res.Buckets[2].Keys[0], graph.Key{Dimension: graph.ByMonth, ID: "2021", Name: "2021, month unknown"})
	same(t, "month key", res.Buckets[3].Keys[0], graph.Key{Dimension: graph.ByMonth, ID: "2021-02", Name: "2021-02"})

	res = aggregate(t, s, "by attributing country, largest first: a joint attribution counts for each; two claims of one issuer once",
		graph.AggregateQuery{Measure: at, GroupBy: []graph.Dimension{graph.ByAttributingCountry}, OrderBy: graph.ByCount, IDs: 10, Limit: 100}, 6,
		"c-us 3 [att-2 att-5 att-6]", "c-uk 2 [att-2 att-4]", "c-fr 1 [att-3]", "c-no 1 [att-1]")
	same(t, "entity key", res.Buckets[1].Keys[0], graph.Key{Dimension: graph.ByAttributingCountry, ID: "c-uk", Name: "United Kingdom", Kind: graph.Country})

	res = aggregate(t, s, "by attributing actor: issuers other than countries", aggQuery(at, graph.ByAttributingActor), 6,
		"org-ncsc 1 [att-2]", "- 5 [att-1 att-3 att-4 att-5 att-6]")
	same(t, "actor key", res.Buckets[0].Keys[0].Kind, graph.Organization)
	aggregate(t, s, "by attributed country: ACCUSES", aggQuery(at, graph.ByAttributedCountry), 6,
		"c-cn 4 [att-1 att-2 att-4 att-5]", "c-ru 2 [att-3 att-6]")
	aggregate(t, s, "by attributed actor: ACCUSES, not who conducted the incident", aggQuery(at, graph.ByAttributedActor), 6,
		"org-mss 1 [att-2]", "ta-1 1 [att-1]", "ta-2 1 [att-3]", "- 3 [att-4 att-5 att-6]")
	aggregate(t, s, "by victim country: TARGETED from the incidents concerned", aggQuery(at, graph.ByVictimCountry), 6,
		"c-fr 2 [att-2 att-3]", "c-no 5 [att-1 att-2 att-3 att-5 att-6]", "- 1 [att-4]")
	aggregate(t, s, "by sector", aggQuery(at, graph.BySector), 6,
		"sec-energy 2 [att-2 att-3]", "sec-gov 4 [att-1 att-2 att-5 att-6]", "- 1 [att-4]")
	aggregate(t, s, "by attribution type", aggQuery(at, graph.ByAttributionType), 6,
		"Political statement 2 [att-1 att-2]", "Technical report 3 [att-3 att-4 att-6]", "- 1 [att-5]")
	aggregate(t, s, "no dimension: the total", aggQuery(at), 6, " 6 [att-1 att-2 att-3 att-4 att-5 att-6]")
}

func testAggregateTwoDimensions(t *testing.T, s graph.Store) {
	at := graph.Attributions
	aggregate(t, s, "year by attributing country", aggQuery(at, graph.ByYear, graph.ByAttributingCountry), 6,
		"2018|c-us 1 [att-6]", "2019|c-no 1 [att-1]", "2021|c-fr 1 [att-3]", "2021|c-uk 2 [att-2 att-4]",
		"2021|c-us 1 [att-2]", "-|c-us 1 [att-5]")
	aggregate(t, s, "attributing by attributed country", aggQuery(at, graph.ByAttributingCountry, graph.ByAttributedCountry), 6,
		"c-fr|c-ru 1 [att-3]", "c-no|c-cn 1 [att-1]", "c-uk|c-cn 2 [att-2 att-4]", "c-us|c-cn 2 [att-2 att-5]", "c-us|c-ru 1 [att-6]")
	q := aggQuery(at, graph.ByYear, graph.ByAttributingCountry)
	q.OrderBy = graph.ByCount
	aggregate(t, s, "by count, then by keys", q, 6,
		"2021|c-uk 2 [att-2 att-4]", "2018|c-us 1 [att-6]", "2019|c-no 1 [att-1]", "2021|c-fr 1 [att-3]",
		"2021|c-us 1 [att-2]", "-|c-us 1 [att-5]")
}

func testAggregateFilters(t *testing.T, s graph.Store) {
	at := graph.Attributions
	d := graph.MustDate
	q := aggQuery(at, graph.ByYear, graph.ByAttributingCountry)
	q.Where = []graph.Condition{{Dimension: graph.ByAttributedCountry, Values: []string{"c-cn"}}}
	aggregate(t, s, "naming China as the attributed country, by year and attributing country", q, 4,
		"2019|c-no 1 [att-1]", "2021|c-uk 2 [att-2 att-4]", "2021|c-us 1 [att-2]", "-|c-us 1 [att-5]")
	q.Where = append(q.Where, graph.Condition{Dimension: graph.ByYear, Values: []string{"2021"}})
	aggregate(t, s, "conditions add up", q, 2, "2021|c-uk 2 [att-2 att-4]", "2021|c-us 1 [att-2]")
	q.Where = []graph.Condition{{Dimension: graph.ByAttributedCountry, Values: []string{"c-zz"}}}
	aggregate(t, s, "nothing passes", q, 0)
	q.GroupBy = nil
	aggregate(t, s, "nothing passes, no dimension: no bucket", q, 0)

	q = aggQuery(at, graph.ByYear)
	q.Window = graph.Window{From: d("2019"), To: d("2021")}
	aggregate(t, s, "a window keeps dated items that overlap it", q, 4, "2019 1 [att-1]", "2021 3 [att-2 att-3 att-4]")
	q = aggQuery(at, graph.ByMonth)
	q.Window = graph.Window{From: d("2021-03"), To: d("2021-12")}
	aggregate(t, s, "a year overlaps a window of months", q, 2, "2021 1 [att-2]", "2021-03 1 [att-3]")

	for _, c := range []struct {
		entities []string
		want     string
	}{
		{[]string{"inc-b"}, " 2 [att-2 att-3]"},                     // the incident it concerns
		{[]string{"c-fr"}, " 2 [att-2 att-3]"},                      // issuer or victim
		{[]string{"ta-1"}, " 1 [att-1]"},                            // accused, not through the incident
		{[]string{"att-5", "sec-energy"}, " 3 [att-2 att-3 att-5]"}, // itself, a sector
	} {
		q = aggQuery(at)
		q.Entities = c.entities
		res := must(aggregator(t, s).Aggregate(ctx, q))(t)
		same(t, fmt.Sprintf("entities %v", c.entities), buckets(res.Buckets), []string{c.want})
	}

	q = aggQuery(at, graph.ByYear)
	q.Datasets = []string{"ds-x"}
	aggregate(t, s, "items citing a dataset or one of its records", q, 2, "2021 2 [att-3 att-4]")
	q.Datasets = []string{"ds"}
	aggregate(t, s, "a dataset is an id, not a prefix", q, 0)
}

func testAggregateKnownAt(t *testing.T, s graph.Store) {
	at := graph.Attributions
	d := graph.MustDate
	q := aggQuery(at, graph.BySector)
	q.KnownAt = d("2021-03")
	aggregate(t, s, "known at 2021-03: the items and the relations read (inc-a's government sector is known from July)", q, 4,
		"sec-energy 1 [att-3]", "- 3 [att-1 att-4 att-6]")
	q = aggQuery(at, graph.ByYear)
	q.KnownAt = d("2021-03-30")
	aggregate(t, s, "a source and an act of month precision count from their last day (att-3 from 31 March); "+
		"att-4 from its own date, 15 February", q, 3, "2018 1 [att-6]", "2019 1 [att-1]", "2021 1 [att-4]")
	q = aggQuery(at, graph.ByAttributingActor)
	q.KnownAt = d("2021-12-30")
	aggregate(t, s, "known at 2021-12-30: att-2 is known (its source), its NCSC issuer (s-2022) not yet", q, 5,
		"- 5 [att-1 att-2 att-3 att-4 att-6]")
	for _, k := range []string{"2021-12-31", "2021"} {
		q.KnownAt = d(k)
		aggregate(t, s, "known at "+k+": what att-2 says is known from its own date, a year: from 31 December", q, 5,
			"org-ncsc 1 [att-2]", "- 4 [att-1 att-3 att-4 att-6]")
	}
	q = aggQuery(at, graph.ByAttributingCountry)
	q.KnownAt = d("2021-02-14")
	aggregate(t, s, "known at 2021-02-14: att-4 not yet", q, 2, "c-no 1 [att-1]", "c-us 1 [att-6]")
	q.KnownAt = d("2021-02-15")
	aggregate(t, s, "known at 2021-02-15: att-4 and its issuer from the attribution's own day, though their source is of March", q, 3,
		"c-no 1 [att-1]", "c-uk 1 [att-4]", "c-us 1 [att-6]")
	q = aggQuery(at, graph.ByVictimCountry)
	q.KnownAt = d("2021-02-15")
	aggregate(t, s, "the incident att-4 concerns is no public act: known from its source only", q, 3,
		"c-no 2 [att-1 att-6]", "- 1 [att-4]")
	q = aggQuery(at, graph.ByAttributingActor)
	q.KnownAt = d("2022-02-10")
	aggregate(t, s, "known at 2022-02-10", q, 6, "org-ncsc 1 [att-2]", "- 5 [att-1 att-3 att-4 att-5 att-6]")
	q = aggQuery(graph.Incidents, graph.ByYear)
	q.KnownAt = d("2030")
	aggregate(t, s, "a claim whose only source is undated is never known", q, 3, "2019 1 [inc-a]", "2020 1 [inc-b]", "2021 1 [inc-c]")
}

func testAggregateMinConfidence(t *testing.T, s graph.Store) {
	at := graph.Attributions
	min := func(c int) *int { return &c }
	q := aggQuery(at, graph.ByAttributingCountry)
	q.MinConfidence = min(70)
	aggregate(t, s, "at least 70: att-2's US claims (60, none) go; the items stay", q, 6,
		"c-no 1 [att-1]", "c-uk 1 [att-2]", "- 4 [att-3 att-4 att-5 att-6]")
	q.MinConfidence = min(0)
	aggregate(t, s, "at least 0: claims without a confidence go", q, 6,
		"c-no 1 [att-1]", "c-uk 1 [att-2]", "c-us 1 [att-2]", "- 4 [att-3 att-4 att-5 att-6]")
	q = aggQuery(at, graph.ByVictimCountry)
	q.MinConfidence = min(76)
	aggregate(t, s, "at least 76: the incidents' relations are read with the same rule", q, 6,
		"- 6 [att-1 att-2 att-3 att-4 att-5 att-6]")
	q.MinConfidence = min(75)
	aggregate(t, s, "at least 75: att-1 CONCERNS inc-a (80), which TARGETED Norway (75)", q, 6,
		"c-no 1 [att-1]", "- 5 [att-2 att-3 att-4 att-5 att-6]")
	lags := must(aggregator(t, s).TimeToAttribution(ctx, q))(t)
	if len(lags.Buckets) != 2 || lags.Buckets[0].Lags.Measured != 1 || lags.Buckets[1].Lags.Measured != 0 {
		t.Errorf("time to attribution at least 75: only att-1 has an incident; got %+v", lags.Buckets)
	}
}

func testAggregateIncidents(t *testing.T, s graph.Store) {
	in := graph.Incidents
	aggregate(t, s, "incidents by year: campaigns and incident events, not the advisory", aggQuery(in, graph.ByYear), 4,
		"2019 1 [inc-a]", "2020 1 [inc-b]", "2021 1 [inc-c]", "- 1 [inc-d]")
	aggregate(t, s, "incidents by attributed country: ATTRIBUTED_TO", aggQuery(in, graph.ByAttributedCountry), 4,
		"c-cn 2 [inc-a inc-c]", "c-ru 1 [inc-b]", "- 1 [inc-d]")
	aggregate(t, s, "incidents by attributed actor: who CONDUCTED them", aggQuery(in, graph.ByAttributedActor), 4,
		"ta-1 2 [inc-a inc-c]", "ta-2 1 [inc-b]", "- 1 [inc-d]")
	aggregate(t, s, "incidents by victim country", aggQuery(in, graph.ByVictimCountry), 4,
		"c-fr 1 [inc-b]", "c-no 2 [inc-a inc-b]", "c-us 1 [inc-d]", "- 1 [inc-c]")
	q := aggQuery(in, graph.ByYear)
	q.Kinds = []graph.Kind{graph.Event}
	aggregate(t, s, "kinds: incident events only", q, 1, "2021 1 [inc-c]")
	q = aggQuery(in, graph.ByMonth)
	q.Window = graph.Window{From: graph.MustDate("2019-04"), To: graph.MustDate("2019-04")}
	aggregate(t, s, "an incident's span overlaps the window; its key is its start", q, 1, "2019-03 1 [inc-a]")
}

func testAggregateResponses(t *testing.T, s graph.Store) {
	lr, pr := graph.LegalResponses, graph.PoliticalResponses
	aggregate(t, s, "legal responses by type: legal_action, else response_type", aggQuery(lr, graph.ByResponseType), 2,
		"Arrests 1 [leg-1]", "RETORSION 1 [leg-2]")
	aggregate(t, s, "legal responses by month", aggQuery(lr, graph.ByMonth), 2, "2021-05 1 [leg-1]", "2022 1 [leg-2]")
	aggregate(t, s, "legal responses by issuing country", aggQuery(lr, graph.ByAttributingCountry), 2, "c-uk 1 [leg-2]", "c-us 1 [leg-1]")
	aggregate(t, s, "legal responses by attributed country: their incidents' ATTRIBUTED_TO", aggQuery(lr, graph.ByAttributedCountry), 2,
		"c-cn 1 [leg-1]", "c-ru 1 [leg-2]")
	aggregate(t, s, "political responses by country and type", aggQuery(pr, graph.ByAttributingCountry, graph.ByResponseType), 1,
		"c-no|Statement 1 [pol-1]")
	aggregate(t, s, "political responses: ACCUSES and the incident's attribution, one key", aggQuery(pr, graph.ByAttributedCountry), 1,
		"c-cn 1 [pol-1]")
	aggregate(t, s, "political responses by attributed actor: who conducted the incident", aggQuery(pr, graph.ByAttributedActor), 1,
		"ta-1 1 [pol-1]")
	aggregate(t, s, "political responses by victim", aggQuery(pr, graph.ByVictimCountry, graph.BySector), 1,
		"c-no|sec-gov 1 [pol-1]")
}

func testAggregatePaging(t *testing.T, s graph.Store) {
	q := aggQuery(graph.Attributions, graph.ByAttributedCountry)
	q.IDs = 1
	aggregate(t, s, "the first ids of each bucket, and its count", q, 6, "c-cn 4 [att-1]", "c-ru 2 [att-3]")
	q.IDs, q.IDsAfter = 2, "att-1"
	aggregate(t, s, "the next page of each bucket", q, 6, "c-cn 4 [att-2 att-4]", "c-ru 2 [att-3 att-6]")
	q.IDsAfter = "att-45" // not an item: the ids after it
	aggregate(t, s, "a page after an id that is not in the bucket", q, 6, "c-cn 4 [att-5]", "c-ru 2 [att-6]")
	lags := must(aggregator(t, s).TimeToAttribution(ctx, q))(t)
	same(t, "time to attribution pages the same way", [][]string{lags.Buckets[0].IDs, lags.Buckets[1].IDs}, [][]string{{"att-5"}, {"att-6"}})
	q.IDs, q.IDsAfter = 0, ""
	res := aggregate(t, s, "no ids", q, 6, "c-cn 4 []", "c-ru 2 []")
	same(t, "ids are an empty list", res.Buckets[0].IDs, []string{})
	q = aggQuery(graph.Attributions, graph.ByYear)
	q.Limit = 2
	res = aggregate(t, s, "the first buckets", q, 6, "2018 1 [att-6]", "2019 1 [att-1]")
	same(t, "bucket count before the limit", res.BucketCount, 4)
	q.OrderBy, q.Limit = graph.ByCount, 1
	aggregate(t, s, "the largest bucket", q, 6, "2021 3 [att-2 att-3 att-4]")
}

func testAggregateInvalid(t *testing.T, s graph.Store) {
	a := aggregator(t, s)
	ok := aggQuery(graph.Attributions, graph.ByYear)
	for _, c := range []struct {
		what string
		edit func(q *graph.AggregateQuery)
	}{
		{"no measure", func(q *graph.AggregateQuery) { q.Measure = "" }},
		{"unknown measure", func(q *graph.AggregateQuery) { q.Measure = "TWEETS" }},
		{"three dimensions", func(q *graph.AggregateQuery) {
			q.GroupBy = []graph.Dimension{graph.ByYear, graph.BySector, graph.ByAttributedCountry}
		}},
		{"a dimension twice", func(q *graph.AggregateQuery) { q.GroupBy = []graph.Dimension{graph.ByYear, graph.ByYear} }},
		{"unknown dimension", func(q *graph.AggregateQuery) { q.GroupBy = []graph.Dimension{"COLOUR"} }},
		{"a dimension the measure lacks", func(q *graph.AggregateQuery) {
			q.Measure, q.GroupBy = graph.Incidents, []graph.Dimension{graph.ByAttributionType}
		}},
		{"issuers of incidents", func(q *graph.AggregateQuery) {
			q.Measure, q.GroupBy = graph.Incidents, []graph.Dimension{graph.ByAttributingCountry}
		}},
		{"no limit", func(q *graph.AggregateQuery) { q.Limit = 0 }},
		{"confidence above 100", func(q *graph.AggregateQuery) { c := 101; q.MinConfidence = &c }},
		{"ids after a bad id", func(q *graph.AggregateQuery) { q.IDsAfter = "Not An Id" }},
		{"too many buckets", func(q *graph.AggregateQuery) { q.Limit = graph.MaxBuckets + 1 }},
		{"negative ids", func(q *graph.AggregateQuery) { q.IDs = -1 }},
		{"too many ids", func(q *graph.AggregateQuery) { q.IDs = graph.MaxBucketIDs + 1 }},
		{"condition without values", func(q *graph.AggregateQuery) {
			q.Where = []graph.Condition{{Dimension: graph.ByAttributedCountry}}
		}},
		{"condition with an empty value", func(q *graph.AggregateQuery) {
			q.Where = []graph.Condition{{Dimension: graph.ByAttributedCountry, Values: []string{" "}}}
		}},
		{"condition on an unknown dimension", func(q *graph.AggregateQuery) {
			q.Where = []graph.Condition{{Dimension: "X", Values: []string{"a"}}}
		}},
		{"too many conditions", func(q *graph.AggregateQuery) {
			for range graph.MaxConditions + 1 {
				q.Where = append(q.Where, graph.Condition{Dimension: graph.ByYear, Values: []string{"2021"}})
			}
		}},
		{"too many condition values", func(q *graph.AggregateQuery) {
			q.Where = []graph.Condition{{Dimension: graph.ByYear, Values: make([]string, graph.MaxIDs+1)}}
			for i := range q.Where[0].Values {
				q.Where[0].Values[i] = "v"
			}
		}},
		{"too many entities", func(q *graph.AggregateQuery) { q.Entities = make([]string, graph.MaxIDs+1) }},
		{"a dataset that is no id", func(q *graph.AggregateQuery) { q.Datasets = []string{"Not An Id"} }},
		{"too many datasets", func(q *graph.AggregateQuery) { q.Datasets = make([]string, graph.MaxDatasets+1) }},
		{"unknown kind", func(q *graph.AggregateQuery) { q.Kinds = []graph.Kind{"ROBOT"} }},
		{"a kind the measure does not count", func(q *graph.AggregateQuery) { q.Kinds = []graph.Kind{graph.Campaign} }},
		{"window ends before it starts", func(q *graph.AggregateQuery) {
			q.Window = graph.Window{From: graph.MustDate("2022"), To: graph.MustDate("2021")}
		}},
		{"unknown order", func(q *graph.AggregateQuery) { q.OrderBy = "RANDOM" }},
		{"negative wide", func(q *graph.AggregateQuery) { q.WideDays = -1 }},
		{"too wide", func(q *graph.AggregateQuery) { q.WideDays = graph.MaxWideDays + 1 }},
	} {
		q := ok
		q.GroupBy = append([]graph.Dimension(nil), ok.GroupBy...)
		c.edit(&q)
		_, err := a.Aggregate(ctx, q)
		wantInvalid(t, c.what, err)
		if c.what != "no measure" && c.what != "unknown measure" && q.Measure == graph.Attributions {
			_, err = a.TimeToAttribution(ctx, q)
			wantInvalid(t, c.what+" (time to attribution)", err)
		}
	}
	_, err := a.TimeToAttribution(ctx, aggQuery(graph.Incidents, graph.ByYear))
	wantInvalid(t, "time to attribution of incidents", err)
	if _, err := a.Aggregate(ctx, ok); err != nil {
		t.Errorf("the valid query: %v", err)
	}
}

// lagBuckets writes each lag bucket as "keys count [ids] stats".
func lagBuckets(bs []graph.LagBucket) []string {
	out := []string{}
	for _, b := range bs {
		l := b.Lags
		out = append(out, fmt.Sprintf("%s measured=%d exact=%d wide=%d before=%d undated=%d days=%d..%d q1=%v median=%v q3=%v",
			buckets([]graph.Bucket{b.Bucket})[0], l.Measured, l.Exact, l.Wide, l.BeforeStart, l.Undated, l.MinDays, l.MaxDays,
			l.Q1, l.Median, l.Q3))
	}
	return out
}

func lags(t *testing.T, s graph.Store, what string, q graph.AggregateQuery, total int, want ...string) {
	t.Helper()
	res := must(aggregator(t, s).TimeToAttribution(ctx, q))(t)
	if want == nil {
		want = []string{}
	}
	same(t, what, []any{lagBuckets(res.Buckets), res.Total}, []any{want, total})
}

// testTimeToAttribution: the intervals, in days, from each incident's start
// to the date of an attribution that concerns it:
//
//	att-1 inc-a 2019-03-10 -> 2019-07-01   [113, 113]  exact
//	att-2 inc-a 2019-03-10 -> 2021         [663, 1027] a year wide
//	att-2 inc-b 2020       -> 2021         [1, 730]
//	att-3 inc-b 2020       -> 2021-03      [60, 455]
//	att-4 inc-c 2021-02    -> 2021-02-15   [0, 14]     (-13 is before any start: 0)
//	att-5 undated: nothing measured
//	att-6 inc-a 2019-03-10 -> 2018-12      before the start: left out, counted
//
// Midpoints 113, 845, 365.5, 257.5, 7; the quantiles interpolate linearly.
func testTimeToAttribution(t *testing.T, s graph.Store) {
	at := graph.Attributions
	lags(t, s, "all attributions", aggQuery(at), 6,
		" 6 [att-1 att-2 att-3 att-4 att-5 att-6] measured=5 exact=1 wide=3 before=1 undated=1 days=0..1027 "+
			"q1={113 1 113} median={257.5 60 455} q3={365.5 113 730}")
	lags(t, s, "by attributing country", aggQuery(at, graph.ByAttributingCountry), 6,
		"c-fr 1 [att-3] measured=1 exact=0 wide=1 before=0 undated=0 days=60..455 q1={257.5 60 455} median={257.5 60 455} q3={257.5 60 455}",
		"c-no 1 [att-1] measured=1 exact=1 wide=0 before=0 undated=0 days=113..113 q1={113 113 113} median={113 113 113} q3={113 113 113}",
		"c-uk 2 [att-2 att-4] measured=3 exact=0 wide=2 before=0 undated=0 days=0..1027 "+
			"q1={186.25 0.5 372} median={365.5 1 730} q3={605.25 332 878.5}",
		"c-us 3 [att-2 att-5 att-6] measured=2 exact=0 wide=2 before=1 undated=1 days=1..1027 "+
			"q1={485.375 166.5 804.25} median={605.25 332 878.5} q3={725.125 497.5 952.75}")
	lags(t, s, "by year", aggQuery(at, graph.ByYear), 6,
		"2018 1 [att-6] measured=0 exact=0 wide=0 before=1 undated=0 days=0..0 q1={0 0 0} median={0 0 0} q3={0 0 0}",
		"2019 1 [att-1] measured=1 exact=1 wide=0 before=0 undated=0 days=113..113 q1={113 113 113} median={113 113 113} q3={113 113 113}",
		"2021 3 [att-2 att-3 att-4] measured=4 exact=0 wide=3 before=0 undated=0 days=0..1027 "+
			"q1={194.875 0.75 344.75} median={311.5 30.5 592.5} q3={485.375 210.75 804.25}",
		"- 1 [att-5] measured=0 exact=0 wide=0 before=0 undated=1 days=0..0 q1={0 0 0} median={0 0 0} q3={0 0 0}")
}

func testTimeToAttributionFilters(t *testing.T, s graph.Store) {
	at := graph.Attributions
	q := aggQuery(at)
	q.KnownAt = graph.MustDate("2021-03")
	q.IDs = 2
	lags(t, s, "known at 2021-03", q, 4,
		" 4 [att-1 att-3] measured=3 exact=1 wide=1 before=1 undated=0 days=0..455 q1={60 30 63.5} median={113 60 113} q3={185.25 86.5 284}")
	q = aggQuery(at)
	q.WideDays = 400
	q.IDs = 0
	lags(t, s, "wider than 400 days", q, 6,
		" 6 [] measured=5 exact=1 wide=1 before=1 undated=1 days=0..1027 q1={113 1 113} median={257.5 60 455} q3={365.5 113 730}")
	q = aggQuery(at, graph.ByYear)
	q.Where = []graph.Condition{{Dimension: graph.ByAttributedCountry, Values: []string{"c-ru"}}}
	q.OrderBy = graph.ByCount
	lags(t, s, "accusing Russia", q, 2,
		"2018 1 [att-6] measured=0 exact=0 wide=0 before=1 undated=0 days=0..0 q1={0 0 0} median={0 0 0} q3={0 0 0}",
		"2021 1 [att-3] measured=1 exact=0 wide=1 before=0 undated=0 days=60..455 q1={257.5 60 455} median={257.5 60 455} q3={257.5 60 455}")
	q.Where = []graph.Condition{{Dimension: graph.ByAttributedCountry, Values: []string{"c-zz"}}}
	lags(t, s, "nothing", q, 0)
}

// testAggregateWhoAttributed: ATTRIBUTING_COUNTRY along sourced chains
// (an official WORKS_FOR an agency PART_OF a government GOVERNMENT_OF a
// country) and by the receiver; ATTRIBUTOR_TYPE from the basis or the
// issuers; ACCUSED_COUNTRY of incidents, beside the initiator coding.
func testAggregateWhoAttributed(t *testing.T, s graph.Store) {
	d := graph.MustDate
	attr := func(kv ...string) []graph.Attribute {
		var out []graph.Attribute
		for i := 0; i < len(kv); i += 2 {
			out = append(out, graph.Attribute{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	att := func(id, date, basis string) graph.Entity {
		e := graph.Entity{ID: id, Kind: graph.Event, Name: id, Start: d(date), Sources: []string{"s-2021"},
			Attributes: attr("event_type", "ATTRIBUTION")}
		if basis != "" {
			e.Attributes = append(e.Attributes, graph.Attribute{Key: graph.AttributionBasisKey, Value: basis})
		}
		return e
	}
	n := 0
	var rels []graph.Relation
	rel := func(from, typ, to, source string) {
		n++
		rels = append(rels, graph.Relation{ID: fmt.Sprintf("wa-%02d", n), Type: typ, From: from, To: to, Sources: []string{source}})
	}
	rel("org-gov-uk", "GOVERNMENT_OF", "c-uk", "s-2019")
	rel("org-ncsc", "PART_OF", "org-gov-uk", "s-2022") // known from 2022-02-10
	rel("person-off", "WORKS_FOR", "org-ncsc", "s-2019")
	// att-7: an official of the NCSC and an alliance
	rel("att-7", "ISSUED_BY", "person-off", "s-2021")
	rel("att-7", "ISSUED_BY", "org-alliance", "s-2021")
	rel("att-7", "ACCUSES", "c-cn", "s-2021")
	rel("att-7", "CONCERNS", "inc-c", "s-2021")
	// att-8: by the receiver's government, no issuer: Norway, which inc-a TARGETED
	rel("att-8", "ACCUSES", "c-cn", "s-2021")
	rel("att-8", "CONCERNS", "inc-a", "s-2021")
	// att-9: a company, whose home country the data gives
	rel("att-9", "ISSUED_BY", "c-us", "s-2021")
	rel("att-9", "ISSUED_BY", "org-lab", "s-2021")
	rel("att-9", "ACCUSES", "c-cn", "s-2021")
	rel("att-9", "CONCERNS", "inc-d", "s-2021")
	// att-10: the attacker itself; att-11: a third party, a company by its org_type
	rel("att-10", "ACCUSES", "ta-2", "s-2021")
	rel("att-11", "ISSUED_BY", "org-lab", "s-2021")
	// att-12: by the receiver's government, but inc-b TARGETED France and Norway: which one is not said
	rel("att-12", "CONCERNS", "inc-b", "s-2021")
	upsert(t, s, graph.Batch{
		Entities: []graph.Entity{
			{ID: "org-gov-uk", Kind: graph.Organization, Name: "UK government", Sources: []string{"s-2019"}, Attributes: attr("org_type", "GOVERNMENT")},
			{ID: "org-alliance", Kind: graph.Organization, Name: "Alliance", Sources: []string{"s-2019"}, Attributes: attr("org_type", "ALLIANCE")},
			{ID: "org-lab", Kind: graph.Organization, Name: "Lab", Sources: []string{"s-2019"}, Attributes: attr("org_type", "COMPANY")},
			{ID: "person-off", Kind: graph.Person, Name: "An official", Sources: []string{"s-2019"}},
			att("att-7", "2021-07-19", ""),
			att("att-8", "2021", graph.ReceiverGovernmentBasis),
			att("att-9", "2021", "IT-security community attributes attacker"),
			att("att-10", "2021", "Attacker confirms"),
			att("att-11", "2021", "Attribution by third-party"),
			att("att-12", "2021", graph.ReceiverGovernmentBasis),
		},
		Relations: rels,
	})
	at := graph.Attributions
	aggregate(t, s, "attributing country: direct, through an official's agency's government, by the one receiver (not of two); none for a company",
		aggQuery(at, graph.ByAttributingCountry), 12,
		"c-fr 1 [att-3]", "c-no 2 [att-1 att-8]", "c-uk 3 [att-2 att-4 att-7]", "c-us 3 [att-2 att-5 att-6]",
		"- 4 [att-10 att-11 att-12 att-9]")
	aggregate(t, s, "attributor type: from the basis, else from the issuers; a joint attribution by a state and an alliance has both",
		aggQuery(at, graph.ByAttributorType), 12,
		"COMPANY 2 [att-11 att-9]", "INTERNATIONAL_ORGANIZATION 1 [att-7]", "SELF 1 [att-10]",
		"STATE 9 [att-1 att-12 att-2 att-3 att-4 att-5 att-6 att-7 att-8]")
	q := aggQuery(at, graph.ByAttributingCountry, graph.ByAttributorType)
	q.Entities = []string{"att-7"}
	q.KnownAt = d("2021-12-31")
	aggregate(t, s, "known at 2021-12-31: the agency's PART_OF is not yet known, so no state", q, 1,
		"-|INTERNATIONAL_ORGANIZATION 1 [att-7]")
	q.KnownAt = d("2022-02-10")
	aggregate(t, s, "known at 2022-02-10: the chain is known", q, 1,
		"c-uk|INTERNATIONAL_ORGANIZATION 1 [att-7]", "c-uk|STATE 1 [att-7]")
	res := aggregate(t, s, "the names of the types", aggQuery(at, graph.ByAttributorType), 12,
		"COMPANY 2 [att-11 att-9]", "INTERNATIONAL_ORGANIZATION 1 [att-7]", "SELF 1 [att-10]",
		"STATE 9 [att-1 att-12 att-2 att-3 att-4 att-5 att-6 att-7 att-8]")
	same(t, "type names", res.Buckets[0].Keys[0].Name, graph.AttributorTypes[graph.CompanyAttributor])

	// The derivation of each key, for the drill-down (graph.AttributingStates).
	derive := func(id, knownAt string) []string {
		t.Helper()
		es := must(s.Entities(ctx, []string{id}))(t)
		var at graph.PartialDate
		if knownAt != "" {
			at = d(knownAt)
		}
		got := must(graph.AttributingStates(ctx, s, &es[0], at, nil))(t)
		out := []string{}
		for _, g := range got {
			via := []string{g.Country.ID, g.Rule}
			for _, r := range g.Via {
				via = append(via, r.From+" "+r.Type+" "+r.To)
			}
			out = append(out, strings.Join(via, " | "))
		}
		return out
	}
	same(t, "att-7's state: through its official's agency's government", derive("att-7", ""),
		[]string{"c-uk | GOVERNMENT | att-7 ISSUED_BY person-off | person-off WORKS_FOR org-ncsc | org-ncsc PART_OF org-gov-uk | org-gov-uk GOVERNMENT_OF c-uk"})
	same(t, "att-7 at 2021-12-31: the PART_OF is not yet known", derive("att-7", "2021-12-31"), []string{})
	same(t, "att-8: the receiver", derive("att-8", ""), []string{"c-no | RECEIVER | att-8 CONCERNS inc-a | inc-a TARGETED c-no"})
	same(t, "att-12: two receivers, none", derive("att-12", ""), []string{})
	same(t, "att-9: a company, none", derive("att-9", ""), []string{})
	same(t, "att-2: directly", derive("att-2", ""), []string{"c-uk | ISSUED_BY | att-2 ISSUED_BY c-uk", "c-us | ISSUED_BY | att-2 ISSUED_BY c-us"})

	inc := graph.Incidents
	aggregate(t, s, "incidents by the initiator coding (ATTRIBUTED_TO, CONDUCTED)", aggQuery(inc, graph.ByAttributedCountry), 4,
		"c-cn 2 [inc-a inc-c]", "c-ru 1 [inc-b]", "- 1 [inc-d]")
	aggregate(t, s, "incidents by any attribution that names a country (not pol-1, a political response)",
		aggQuery(inc, graph.ByAccusedCountry), 4, "c-cn 4 [inc-a inc-b inc-c inc-d]", "c-ru 2 [inc-a inc-b]")
	q = aggQuery(inc, graph.ByAccusedCountry)
	q.KnownAt = d("2021-07-19")
	aggregate(t, s, "known at 2021-07-19: the incidents then known (not inc-d), by the attributions then known", q, 3,
		"c-cn 3 [inc-a inc-b inc-c]", "c-ru 2 [inc-a inc-b]")
	q.KnownAt = d("2021-03-30")
	aggregate(t, s, "known at 2021-03-30: inc-c not yet; att-2 (July) not yet, so inc-b has none", q, 2,
		"c-cn 1 [inc-a]", "c-ru 1 [inc-a]", "- 1 [inc-b]")
	aggregate(t, s, "attributions: ACCUSED_COUNTRY is what they ACCUSE", aggQuery(at, graph.ByAccusedCountry), 12,
		"c-cn 7 [att-1 att-2 att-4 att-5 att-7 att-8 att-9]", "c-ru 2 [att-3 att-6]", "- 3 [att-10 att-11 att-12]")
}

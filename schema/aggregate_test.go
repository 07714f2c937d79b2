package schema

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/memory"
	"github.com/attribution-explorer/attribution/graph/storetest"
	"github.com/graphql-go/graphql"
)

// aggregateSchema is a schema whose Query has the aggregate fields alone,
// executed as Schema.Execute does (a batcher in the context).
func aggregateSchema(t *testing.T, store graph.Store) func(query string, vars map[string]any) *graphql.Result {
	t.Helper()
	ty := newTypes()
	query := graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: aggregateFields(ty, store)})
	var objects []graphql.Type
	for _, k := range graph.Kinds {
		objects = append(objects, ty.objects[k])
	}
	s, err := graphql.NewSchema(graphql.SchemaConfig{Query: query, Types: objects})
	if err != nil {
		t.Fatal(err)
	}
	return func(q string, vars map[string]any) *graphql.Result {
		ctx := context.Background()
		ctx = context.WithValue(ctx, batcherKey{}, newBatcher(ctx, store))
		return graphql.Do(graphql.Params{Schema: s, RequestString: q, VariableValues: vars, Context: ctx})
	}
}

func aggregateStore(t *testing.T) graph.Store {
	s := memory.New()
	if err := s.Upsert(context.Background(), storetest.AggregateFixture()); err != nil {
		t.Fatal(err)
	}
	return s
}

func resultJSON(t *testing.T, res *graphql.Result) string {
	t.Helper()
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	raw, err := json.Marshal(res.Data)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func TestAggregateField(t *testing.T) {
	do := aggregateSchema(t, aggregateStore(t))
	got := resultJSON(t, do(`{ aggregate(measure: ATTRIBUTIONS, groupBy: [YEAR, ATTRIBUTING_COUNTRY],
		filter: {where: [{dimension: ATTRIBUTED_COUNTRY, values: ["c-cn"]}]}) {
		measure groupBy total bucketCount
		buckets { keys { dimension id name kind } count ids(first: 1) items(first: 2) { id name } } } }`, nil))
	want := `{"aggregate":{"bucketCount":4,"buckets":[` +
		`{"count":1,"ids":["att-1"],"items":[{"id":"att-1","name":"Norway attributes A"}],"keys":[{"dimension":"YEAR","id":"2019","kind":null,"name":"2019"},{"dimension":"ATTRIBUTING_COUNTRY","id":"c-no","kind":"COUNTRY","name":"Norway"}]},` +
		`{"count":2,"ids":["att-2"],"items":[{"id":"att-2","name":"Joint attribution of A and B"},{"id":"att-4","name":"UK attributes C"}],"keys":[{"dimension":"YEAR","id":"2021","kind":null,"name":"2021"},{"dimension":"ATTRIBUTING_COUNTRY","id":"c-uk","kind":"COUNTRY","name":"United Kingdom"}]},` +
		`{"count":1,"ids":["att-2"],"items":[{"id":"att-2","name":"Joint attribution of A and B"}],"keys":[{"dimension":"YEAR","id":"2021","kind":null,"name":"2021"},{"dimension":"ATTRIBUTING_COUNTRY","id":"c-us","kind":"COUNTRY","name":"United States"}]},` +
		`{"count":1,"ids":["att-5"],"items":[{"id":"att-5","name":"Undated US attribution of A"}],"keys":[{"dimension":"YEAR","id":null,"kind":null,"name":null},{"dimension":"ATTRIBUTING_COUNTRY","id":"c-us","kind":"COUNTRY","name":"United States"}]}` +
		`],"groupBy":["YEAR","ATTRIBUTING_COUNTRY"],"measure":"ATTRIBUTIONS","total":4}}`
	if got != want {
		t.Errorf("aggregate:\n got %s\nwant %s", got, want)
	}

	// Months, a window, known-at, order and a limit; the key's entity.
	got = resultJSON(t, do(`{ aggregate(measure: ATTRIBUTIONS, groupBy: [MONTH], orderBy: COUNT, first: 2,
		filter: {from: "2021", to: "2021", knownAt: "2021-12-31"}) { total bucketCount buckets { keys { id name } count } } }`, nil))
	want = `{"aggregate":{"bucketCount":3,"buckets":[{"count":1,"keys":[{"id":"2021","name":"2021, month unknown"}]},` +
		`{"count":1,"keys":[{"id":"2021-02","name":"2021-02"}]}],"total":3}}`
	if got != want {
		t.Errorf("months:\n got %s\nwant %s", got, want)
	}
	got = resultJSON(t, do(`{ aggregate(measure: INCIDENTS, groupBy: [ATTRIBUTED_ACTOR], filter: {kinds: [CAMPAIGN], entities: ["c-no"]}) {
		total buckets { keys { entity { id kind } } count } } }`, nil))
	want = `{"aggregate":{"buckets":[{"count":1,"keys":[{"entity":{"id":"ta-1","kind":"THREAT_ACTOR"}}]},` +
		`{"count":1,"keys":[{"entity":{"id":"ta-2","kind":"THREAT_ACTOR"}}]}],"total":2}}`
	if got != want {
		t.Errorf("entities:\n got %s\nwant %s", got, want)
	}
	got = resultJSON(t, do(`{ aggregate(measure: ATTRIBUTIONS, groupBy: [ATTRIBUTING_COUNTRY], filter: {minConfidence: 70}) {
		buckets { keys { id } count } } }`, nil))
	want = `{"aggregate":{"buckets":[{"count":1,"keys":[{"id":"c-no"}]},{"count":1,"keys":[{"id":"c-uk"}]},{"count":4,"keys":[{"id":null}]}]}}`
	if got != want {
		t.Errorf("minConfidence:\n got %s\nwant %s", got, want)
	}
	got = resultJSON(t, do(`{ aggregate(measure: ATTRIBUTIONS, idsAfter: "att-1", filter: {where: [{dimension: ATTRIBUTED_COUNTRY, values: ["c-cn"]}]}) {
		buckets { count ids(first: 2) items(first: 1) { id } } } }`, nil))
	want = `{"aggregate":{"buckets":[{"count":4,"ids":["att-2","att-4"],"items":[{"id":"att-2"}]}]}}`
	if got != want {
		t.Errorf("the next page of a bucket:\n got %s\nwant %s", got, want)
	}
	got = resultJSON(t, do(`{ aggregate(measure: ATTRIBUTIONS, filter: {datasets: ["ds-x"]}) { total groupBy buckets { keys { id } count } } }`, nil))
	want = `{"aggregate":{"buckets":[{"count":2,"keys":[]}],"groupBy":[],"total":2}}`
	if got != want {
		t.Errorf("no dimension:\n got %s\nwant %s", got, want)
	}
}

// TestAggregateIDsLookahead: the store is asked for as many ids as the
// largest ids(first:) or items(first:) of the buckets, through fragments
// and variables.
func TestAggregateIDsLookahead(t *testing.T) {
	do := aggregateSchema(t, aggregateStore(t))
	got := resultJSON(t, do(`query($n: Int) { aggregate(measure: ATTRIBUTIONS, groupBy: [ATTRIBUTED_COUNTRY]) {
		buckets { count ...F few: ids(first: 1) } } }
		fragment F on AggregateBucket { ... on AggregateBucket { ids(first: $n) } }`, map[string]any{"n": 3}))
	want := `{"aggregate":{"buckets":[{"count":4,"few":["att-1"],"ids":["att-1","att-2","att-4"]},{"count":2,"few":["att-3"],"ids":["att-3","att-6"]}]}}`
	if got != want {
		t.Errorf("lookahead:\n got %s\nwant %s", got, want)
	}
	got = resultJSON(t, do(`{ aggregate(measure: ATTRIBUTIONS, groupBy: [ATTRIBUTED_COUNTRY]) { buckets { ids } } }`, nil))
	want = `{"aggregate":{"buckets":[{"ids":["att-1","att-2","att-4","att-5"]},{"ids":["att-3","att-6"]}]}}`
	if got != want {
		t.Errorf("default first:\n got %s\nwant %s", got, want)
	}
}

func TestTimeToAttributionField(t *testing.T) {
	do := aggregateSchema(t, aggregateStore(t))
	got := resultJSON(t, do(`{ timeToAttribution(groupBy: [ATTRIBUTING_COUNTRY], filter: {where: [{dimension: ATTRIBUTING_COUNTRY, values: ["c-uk", "c-us"]}]}) {
		total wideDays groupBy buckets { keys { id } count ids(first: 5)
		lags { measured exact wide beforeStart undated minDays maxDays q1 { days } median { days lower upper } q3 { days } } } } }`, nil))
	// The where condition keeps the attributions issued by the UK or the
	// US; their keys are all their attributing countries.
	var res struct {
		TimeToAttribution struct {
			Total   int
			Buckets []struct {
				Keys  []struct{ ID string }
				Count int
				IDs   []string
				Lags  struct {
					Measured, BeforeStart, Undated int
					MinDays                        *int
					Median                         *struct{ Days, Lower, Upper float64 }
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(got), &res); err != nil {
		t.Fatal(err)
	}
	tta := res.TimeToAttribution
	if tta.Total != 4 || len(tta.Buckets) != 2 {
		t.Fatalf("time to attribution: %s", got)
	}
	uk, us := tta.Buckets[0], tta.Buckets[1]
	if uk.Keys[0].ID != "c-uk" || uk.Count != 2 || uk.Lags.Measured != 3 || *uk.Lags.MinDays != 0 ||
		*uk.Lags.Median != (struct{ Days, Lower, Upper float64 }{365.5, 1, 730}) {
		t.Errorf("UK: %+v", uk)
	}
	if us.Keys[0].ID != "c-us" || strings.Join(us.IDs, " ") != "att-2 att-5 att-6" || us.Lags.BeforeStart != 1 || us.Lags.Undated != 1 {
		t.Errorf("US: %+v", us)
	}
	// Nothing measured: the statistics are null, not zero.
	got = resultJSON(t, do(`{ timeToAttribution(groupBy: [YEAR], first: 1, wideDays: 400) { wideDays buckets { keys { id } lags { measured beforeStart minDays median { days } } } } }`, nil))
	want := `{"timeToAttribution":{"buckets":[{"keys":[{"id":"2018"}],"lags":{"beforeStart":1,"measured":0,"median":null,"minDays":null}}],"wideDays":400}}`
	if got != want {
		t.Errorf("nothing measured:\n got %s\nwant %s", got, want)
	}
}

type notAggregator struct{ graph.Store }

func TestAggregateErrors(t *testing.T) {
	do := aggregateSchema(t, notAggregator{aggregateStore(t)})
	res := do(`{ aggregate(measure: ATTRIBUTIONS, groupBy: [YEAR]) { total } }`, nil)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "aggregates are not available") {
		t.Errorf("a store without aggregates: %v", res.Errors)
	}
	res = do(`{ timeToAttribution { total } }`, nil)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "aggregates are not available") {
		t.Errorf("a store without aggregates: %v", res.Errors)
	}

	do = aggregateSchema(t, aggregateStore(t))
	for q, want := range map[string]string{
		`{ aggregate(measure: INCIDENTS, groupBy: [ATTRIBUTION_TYPE]) { total } }`:                         "INCIDENTS has no ATTRIBUTION_TYPE",
		`{ aggregate(measure: ATTRIBUTIONS, groupBy: [YEAR, SECTOR, MONTH]) { total } }`:                   "at most 2 dimensions",
		`{ aggregate(measure: ATTRIBUTIONS, first: 0) { total } }`:                                         "first must be between 1 and 1000",
		`{ aggregate(measure: ATTRIBUTIONS, filter: {from: "2021-13"}) { total } }`:                        "filter.from",
		`{ aggregate(measure: ATTRIBUTIONS) { buckets { ids(first: 501) } } }`:                             "buckets.ids(first)",
		`{ aggregate(measure: ATTRIBUTIONS, filter: {kinds: [CAMPAIGN]}) { total } }`:                      "counts nothing",
		`{ timeToAttribution(wideDays: 0) { total } }`:                                                     "wideDays",
		`{ timeToAttribution(groupBy: [RESPONSE_TYPE]) { total } }`:                                        "ATTRIBUTIONS has no RESPONSE_TYPE",
		`{ aggregate(measure: ATTRIBUTIONS, filter: {where: [{dimension: YEAR, values: []}]}) { total } }`: "names no value",
		`{ aggregate(measure: ATTRIBUTIONS, filter: {minConfidence: 101}) { total } }`:                     "minConfidence must be between 0 and 100",
	} {
		res := do(q, nil)
		if len(res.Errors) == 0 || !strings.Contains(res.Errors[0].Message, want) {
			t.Errorf("%s: got %v, want an error with %q", q, res.Errors, want)
		}
	}
}

package schema_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/memory"
	"github.com/attribution-explorer/attribution/graph/storetest"
	"github.com/attribution-explorer/attribution/schema"
)

// attack is a hostile request that must be refused before any costly step,
// with a message that says why.
type attack struct {
	name  string
	req   schema.Request
	error string // a part of the message
}

// fragmentBomb is n fragments, each spreading the next twice: 2^n fields
// once expanded, in about 40 bytes a fragment.
func fragmentBomb(n int) string {
	var b strings.Builder
	b.WriteString("{ ...F0 }")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, " fragment F%d on Query { ...F%d ...F%d }", i, i+1, i+1)
	}
	fmt.Fprintf(&b, " fragment F%d on Query { stats { entities } }", n)
	return b.String()
}

// nested is a query of n levels of selections.
func nested(n int, field string) string {
	return strings.Repeat("{"+field, n) + strings.Repeat("}", n+1)
}

// Attacks are the requests that killed or stalled the server before the
// request pipeline existed (issue #8), and their variants.
var Attacks = []attack{
	{"fragment cycle", schema.Request{Query: `{...A} fragment A on Query {...A}`}, `Cannot spread fragment "A" within itself`},
	{"fragment cycle through two", schema.Request{Query: `{...A} fragment A on Query {...B} fragment B on Query { stats { entities } ...A }`}, "Cannot spread fragment"},
	{"fragment bomb 26", schema.Request{Query: fragmentBomb(26)}, "fields once its fragments are expanded"},
	{"fragment bomb 40", schema.Request{Query: fragmentBomb(40)}, "fields once its fragments are expanded"},
	{"8000 levels of an unknown field", schema.Request{Query: nested(8000, "a")}, "brackets deep"},
	{"2000 valid levels", schema.Request{Query: `{entity(id:"apt31")` + nested(1000, "relations{to") + "}"}, "brackets deep"},
	{"18 valid levels", schema.Request{Query: `{entity(id:"apt31"){relations{to{relations{to{relations{to{relations{to{relations{to{relations{to{relations{to{relations{to{id}}}}}}}}}}}}}}}}}}`}, "nests 18 levels deep; the limit is 15"},
	{"inline fragments 1000 deep", schema.Request{Query: strings.Repeat("{... on Query ", 1000) + "{stats{entities}}" + strings.Repeat("}", 1000)}, "brackets deep"},
	{"21832 ids (64 KB)", schema.Request{Query: `{entity(id:"apt31"){` + strings.Repeat("id ", 21832) + "}}"}, "tokens"},
	{"1000 ids", schema.Request{Query: `{entity(id:"apt31"){` + strings.Repeat("id ", 1000) + "}}"}, `the same name 1000 times at one level`},
	{"200 inline fragments of id", schema.Request{Query: `{entity(id:"apt31"){` + strings.Repeat("... on ThreatActor { id } ", 200) + "}}"}, "the same name 200 times"},
	{"a fragment spread next to 100 ids", schema.Request{Query: `{entity(id:"apt31"){ ...I ` + strings.Repeat("id ", 40) + "}} fragment I on Entity { " + strings.Repeat("id ", 40) + "}"}, "the same name 80 times"},
	{"longer than 64 KB", schema.Request{Query: "{ stats { entities } } #" + strings.Repeat("x", schema.MaxQueryBytes)}, "bytes long; the limit is 65536"},
	{"variable without a type", schema.Request{Query: `query($a:){a}`}, "malformed"},
	{"nested lists multiply", schema.Request{Query: `{entities(first:500){edges{node{relations(first:1000){to{relations(first:1000){id}}}}}}}`}, "would cost about"},
	{"nested lists through variables", schema.Request{Query: `query($n:Int){entities(first:$n){edges{node{relations(first:$n){to{relations(first:$n){id}}}}}}}`,
		Variables: map[string]any{"n": float64(500)}}, "would cost about"},
	{"no such operation", schema.Request{Query: `query A { stats { entities } }`, OperationName: "B"}, `no operation named "B"`},
	{"two operations, none named", schema.Request{Query: `query A { stats { entities } } query B { stats { sources } }`}, "name the one to run"},
	{"unterminated string", schema.Request{Query: `{ entity(id: "apt31`}, "Unterminated string"},
	// Issue #23: validation errors each cost a scan of the body.
	{"1000 arguments", schema.Request{Query: `{entity(id:"a",` + numbered("a%d:1", 1000, ",") + `){id}}`}, `the field "entity" has 1001 arguments; the limit is 16`},
	{"1000 arguments after 30000 newlines", schema.Request{Query: strings.Repeat("\n", 30000) + `{entity(id:"a",` + numbered("a%d:1", 1000, ",") + `){id}}`}, "has 1001 arguments"},
	{"2000 input fields", schema.Request{Query: `{neighborhood(ids:["a"],filter:{` + numbered("f%d:1", 2000, ",") + `}){truncated}}`}, "an input object has 2000 fields; the limit is 32"},
	{"input fields nested in a list", schema.Request{Query: `{neighborhood(ids:["a"],filter:{kinds:[{` + numbered("f%d:1", 40, ",") + `}]}){truncated}}`}, "an input object has 40 fields"},
	{"200 aliases", schema.Request{Query: `{` + numbered("a%d:stats{entities}", 200, " ") + `}`}, "more than 100 aliases"},
	{"100 variables", schema.Request{Query: `query(` + numbered("$v%d:Int", 100, ",") + `){stats{entities}}`}, "declares 100 variables; the limit is 64"},
	{"20 directives", schema.Request{Query: `{stats ` + strings.Repeat("@skip(if:false)", 20) + `{entities}}`}, "20 directives; the limit is 8"},
	{"1900 unknown fields after 30000 newlines", schema.Request{Query: strings.Repeat("\n", 30000) + "{ " + numbered("nope%d", 1900, " ") + " }"}, `Cannot query field "nope0"`},
	{"directive arguments", schema.Request{Query: `{stats @skip(if:false,` + numbered("a%d:1", 20, ",") + `){entities}}`}, `the directive "skip" has 21 arguments`},
}

// TestValidationStopsAfterTwentyErrors: a document with thousands of
// errors, inside every limit, gets the first twenty and a note, each at its
// real line and column, whatever stands in front of it.
func TestValidationStopsAfterTwentyErrors(t *testing.T) {
	sc := newCuratedSchema(t)
	for _, prefix := range []string{"", strings.Repeat("\n", 30000), strings.Repeat("\r\n", 3000) + "  "} {
		q := prefix + "{ " + numbered("nope%d", 1900, "\n ") + " }"
		_, err := sc.Prepare(context.Background(), schema.Request{Query: q})
		re, ok := err.(*schema.RequestError)
		if !ok {
			t.Fatalf("got %v", err)
		}
		if len(re.Errors) != 21 || re.Errors[20].Message != "validation stopped after 20 errors" {
			t.Fatalf("%d errors, the last %q", len(re.Errors), re.Errors[len(re.Errors)-1].Message)
		}
		for i, e := range re.Errors[:20] {
			want := strings.Count(prefix, "\n") + 1 + i
			col := 3
			if i > 0 {
				col = 2
			}
			if prefix != "" && strings.HasSuffix(prefix, "  ") && i == 0 {
				col = 5
			}
			if !strings.Contains(e.Message, fmt.Sprintf(`"nope%d"`, i)) || len(e.Locations) != 1 ||
				e.Locations[0].Line != want || e.Locations[0].Column != col {
				t.Fatalf("error %d: %q at %+v, want line %d column %d", i, e.Message, e.Locations, want, col)
			}
		}
	}
}

// TestExecutionErrorsAreLocated: errors found while executing (here a
// variable of the wrong type) carry their real place in the text too.
func TestExecutionErrorsAreLocated(t *testing.T) {
	sc := newCuratedSchema(t)
	res := sc.Do(context.Background(), schema.Request{Query: "\n\n  query($f: Int) {\n    entities(first: $f) { totalCount } }",
		Variables: map[string]any{"f": "many"}})
	if len(res.Errors) != 1 || len(res.Errors[0].Locations) != 1 || res.Errors[0].Locations[0].Line != 3 || res.Errors[0].Locations[0].Column != 9 {
		t.Fatalf("%+v", res.Errors)
	}
}

// numbered joins n copies of format, each given its index.
func numbered(format string, n int, sep string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(format, i)
	}
	return strings.Join(parts, sep)
}

func newCuratedSchema(t testing.TB) *schema.Schema {
	sc, err := schema.New(storetest.LoadCurated(t, memory.New()))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestAttacksAreRefused checks that each attack is refused with its message
// and that the schema keeps answering. A refusal that does not come within a
// generous bound fails instead of hanging the suite (the cost of each is
// measured by BenchmarkRefusals, not here).
func TestAttacksAreRefused(t *testing.T) {
	sc := newCuratedSchema(t)
	for _, a := range Attacks {
		t.Run(a.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := sc.Prepare(context.Background(), a.req)
				done <- err
			}()
			select {
			case err := <-done:
				re, ok := err.(*schema.RequestError)
				if !ok || !strings.Contains(re.Error(), a.error) {
					t.Fatalf("got %v; want a refusal saying %q", err, a.error)
				}
				if len(re.Error()) > 1100 {
					t.Errorf("the message is %d bytes long", len(re.Error()))
				}
			case <-time.After(10 * time.Second):
				t.Fatal("not refused after 10 s")
			}
		})
	}
	if res := sc.Do(context.Background(), schema.Request{Query: "{ stats { entities } }"}); len(res.Errors) > 0 {
		t.Fatalf("after the attacks: %v", res.Errors)
	}
}

// TestLegitimateQueriesPass keeps the limits from refusing what real clients
// send: the GraphiQL introspection query and the explorer's largest queries.
func TestLegitimateQueriesPass(t *testing.T) {
	sc := newCuratedSchema(t)
	for name, req := range map[string]schema.Request{
		"introspection": {Query: introspectionQuery},
		"explorer neighbourhood at 5000 nodes": {Query: `query N($ids: [ID!]!, $limit: Int) { neighborhood(ids: $ids, depth: 2, limit: $limit) {
			truncated nodes { id kind name aliases description start end attributes { key value } sources { id title publisher url published language } }
			edges { id type role start end confidence description from { id } to { id } sources { id title publisher url published language } } } }`,
			Variables: map[string]any{"ids": []any{"apt40"}, "limit": float64(5000)}},
		"ids through a fragment and inline fragments": {Query: `{ entity(id: "apt31") { id ...E ... on ThreatActor { id mitreAttackId } } } fragment E on Entity { id name }`},
	} {
		res := sc.Do(context.Background(), req)
		if len(res.Errors) > 0 {
			t.Errorf("%s: %v", name, res.Errors)
		}
	}
}

// TestLongValuesAreQuotedShort: a long argument is not echoed back whole.
func TestLongValuesAreQuotedShort(t *testing.T) {
	sc := newCuratedSchema(t)
	long := strings.Repeat("x", 1<<20)
	for _, req := range []schema.Request{
		{Query: `query($d: Date) { timeline(filter: {from: $d}) { totalCount } }`, Variables: map[string]any{"d": long}},
		{Query: `query($k: [EntityKind!]) { entities(kinds: $k) { totalCount } }`, Variables: map[string]any{"k": []any{long}}},
		{Query: `{ timeline(filter: {from: "` + long[:60000] + `"}) { totalCount } }`},
		{Query: `{ entities(after: "` + long[:60000] + `") { totalCount } }`},
	} {
		res := sc.Do(context.Background(), req)
		if len(res.Errors) == 0 {
			t.Fatalf("no error for %.60s", req.Query)
		}
		for _, e := range res.Errors {
			if len(e.Message) > 1100 {
				t.Errorf("%.60s: the message is %d bytes long: %.200s", req.Query, len(e.Message), e.Message)
			}
		}
	}
}

// TestDocumentsAreCached: a repeated query is neither parsed nor validated
// again.
func TestDocumentsAreCached(t *testing.T) {
	sc := newCuratedSchema(t)
	q := schema.Request{Query: `{ entity(id: "apt40") { name } }`}
	for i, want := range []bool{false, true, true} {
		p, err := sc.Prepare(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if p.Cached != want {
			t.Errorf("request %d: cached %v, want %v", i, p.Cached, want)
		}
		if res := sc.Execute(context.Background(), p); len(res.Errors) > 0 || !strings.Contains(fmt.Sprint(res.Data), "APT40") {
			t.Errorf("request %d: %v %v", i, res.Data, res.Errors)
		}
	}
	// An invalid document is cached with its errors.
	bad := schema.Request{Query: `{ nope }`}
	for range 2 {
		if _, err := sc.Prepare(context.Background(), bad); err == nil || !strings.Contains(err.Error(), `Cannot query field "nope"`) {
			t.Fatalf("got %v", err)
		}
	}
}

// BenchmarkRefusals measures what refusing each attack costs the server.
func BenchmarkRefusals(b *testing.B) {
	sc := newCuratedSchema(b)
	for _, a := range Attacks {
		b.Run(strings.ReplaceAll(a.name, " ", "_"), func(b *testing.B) {
			i := 0
			for b.Loop() {
				// Each run a new text, so that the cache does not answer.
				i++
				req := a.req
				req.Query += fmt.Sprintf("\n# %d", i)
				if _, err := sc.Prepare(context.Background(), req); err == nil {
					b.Fatal("not refused")
				}
			}
		})
	}
}

// BenchmarkPrepare measures the cost of the pipeline for a small query, the
// first time (parse and validate) and from the cache.
func BenchmarkPrepare(b *testing.B) {
	sc := newCuratedSchema(b)
	q := `query Detail($id: ID!) { entity(id: $id) { id kind name aliases sources { id title } relations(first: 500) { id type from { id name } to { id name } sources { id } } } }`
	b.Run("uncached", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			if _, err := sc.Prepare(context.Background(), schema.Request{Query: q + fmt.Sprintf("\n# %d", i), Variables: map[string]any{"id": "apt40"}}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			if _, err := sc.Prepare(context.Background(), schema.Request{Query: q, Variables: map[string]any{"id": "apt40"}}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// introspectionQuery is the query GraphiQL sends when it opens.
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}`

// slowStore answers Counts only when the request is over.
type slowStore struct{ graph.Store }

func (s slowStore) Counts(ctx context.Context) (graph.Counts, error) {
	<-ctx.Done()
	return graph.Counts{}, ctx.Err()
}

// TestTimeoutsSayHowLong: a request that runs out of time says so in words,
// not "context deadline exceeded".
func TestTimeoutsSayHowLong(t *testing.T) {
	sc, err := schema.New(slowStore{storetest.LoadCurated(t, memory.New())})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	res := sc.Do(ctx, schema.Request{Query: "{ stats { entities } }"})
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "the request took longer than 15s") {
		t.Fatalf("%v", res.Errors)
	}
}

package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/memory"
	"github.com/attribution-explorer/attribution/graph/storetest"
	"github.com/attribution-explorer/attribution/loaders"
	"github.com/graphql-go/graphql"
)

// The differential test: the compiled executor (Execute) against
// graphql-go's (ExecuteReference), which must give the same answers and
// errors, byte for byte, on
//   - every request the package's tests execute (recorded by TestMain and
//     replayed once they are done),
//   - the README's examples (docs/examples), the explorer's queries
//     (frontend/src/api.ts), the API benchmark's classes (tools/benchapi),
//     the server's fuzz seeds,
//   - queries generated at random from the schema (fields, aliases, merged
//     keys, fragments on Entity's types, named fragments, __typename, @skip and
//     @include with literals and variables, good and bad arguments), the
//     corpus of FuzzExecutors,
// on the curated data and, with -short off, the default data.
//
// Errors are compared as a set when there are several: graphql-go executes
// the fields of an object in Go's random map order, so their order (and, when
// a non-null field fails, which sibling's error is reported) is not its own.

type recorded struct {
	s   *Schema
	req Request
}

var (
	recordMu sync.Mutex
	records  []recorded
)

func TestMain(m *testing.M) {
	testHookExecute = func(ctx context.Context, s *Schema, req Request) {
		if ctx.Done() != nil {
			return // a test of deadlines or cancellation: its answer depends on timing
		}
		recordMu.Lock()
		records = append(records, recorded{s, req})
		recordMu.Unlock()
	}
	code := m.Run()
	testHookExecute = nil
	if code == 0 && len(records) > 0 {
		failed := 0
		for _, r := range records {
			if msg := compareExecutors(r.s, r.req); msg != "" {
				if failed++; failed <= 10 {
					fmt.Fprintf(os.Stderr, "differential: %s\n", msg)
				}
			}
		}
		fmt.Fprintf(os.Stderr, "differential: %d requests of the package's tests replayed through both executors, %d differ\n", len(records), failed)
		if failed > 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// answer is a result as the server encodes it, errors sorted when several.
func answer(res *graphql.Result) []byte {
	errs := slices.Clone(res.Errors)
	if len(errs) > 1 {
		sort.Slice(errs, func(i, j int) bool {
			a, _ := json.Marshal(errs[i])
			b, _ := json.Marshal(errs[j])
			return bytes.Compare(a, b) < 0
		})
	}
	b, err := json.Marshal(&graphql.Result{Data: res.Data, Errors: errs})
	if err != nil {
		return []byte("unencodable: " + err.Error())
	}
	return b
}

// compareExecutors runs the request through both executors: "" when they
// agree (or the request is refused before execution).
func compareExecutors(s *Schema, req Request) string {
	ctx := context.Background()
	p, err := s.Prepare(ctx, req)
	if err != nil {
		return ""
	}
	if vars, err := gqlVariableValues(s.schema, p.op.VariableDefinitions, p.req.Variables); err != nil {
		return "" // graphql-go's executor runs both
	} else if _, err := s.planFor(p.d, p.op, vars); err != nil {
		return "" // introspection: graphql-go's executor runs both
	}
	res := s.execute(ctx, p, true)
	got := answer(res)
	ref := s.ExecuteReference(ctx, p)
	want := answer(ref)
	if d, ok := res.Data.(*Data); ok && bytes.Equal(got, want) && !reflect.DeepEqual(d.Value(), ref.Data) {
		return fmt.Sprintf("%q %v: Data.Value() is not graphql-go's data:\n %v\n %v", req.Query, req.Variables, d.Value(), ref.Data)
	}
	// graphql-go runs the fields of an object in Go's random map order: when
	// two non-null fields fail, the one it reports is chance. Its answer is
	// any of those it gives.
	for range 20 {
		if bytes.Equal(got, want) {
			break
		}
		want = answer(s.ExecuteReference(ctx, p))
	}
	if !bytes.Equal(got, want) {
		return fmt.Sprintf("%q %v:\n compiled:  %s\n graphql-go: %s", req.Query, req.Variables, clip(got), clip(want))
	}
	return ""
}

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "..."
	}
	return string(b)
}

// corpusQueries are the queries of the docs, the explorer, the benchmark and
// the server's fuzz seeds.
func corpusQueries(t testing.TB) []string {
	var out []string
	files, _ := filepath.Glob("../docs/examples/*.graphql")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	if len(files) == 0 {
		t.Error("no docs examples found")
	}
	// The explorer's queries: template literals, with their ${CONSTANT}s.
	if b, err := os.ReadFile("../frontend/src/api.ts"); err == nil {
		consts := map[string]string{}
		var names []string
		for _, m := range regexp.MustCompile("(?s)const ([A-Z_]+) = `(.*?)`").FindAllStringSubmatch(string(b), -1) {
			consts[m[1]] = m[2]
			names = append(names, m[1])
		}
		expand := func(s string) string {
			for range 5 {
				s = regexp.MustCompile(`\$\{([A-Z_]+)\}`).ReplaceAllStringFunc(s, func(m string) string { return consts[m[2:len(m)-1]] })
			}
			return s
		}
		n := 0
		for _, name := range names {
			if q := expand(consts[name]); strings.Contains(q, "{") && (strings.HasPrefix(strings.TrimSpace(q), "query") || strings.HasPrefix(strings.TrimSpace(q), "{")) {
				out = append(out, q)
				n++
			}
		}
		if n < 5 {
			t.Errorf("only %d queries found in frontend/src/api.ts", n)
		}
	} else {
		t.Error(err)
	}
	if b, err := os.ReadFile("../tools/benchapi/classes.go"); err == nil {
		ms := regexp.MustCompile("graphql: +`([^`]*)`").FindAllStringSubmatch(string(b), -1)
		for _, m := range ms {
			out = append(out, m[1])
		}
		if len(ms) < 5 {
			t.Errorf("only %d queries found in tools/benchapi/classes.go", len(ms))
		}
	} else {
		t.Error(err)
	}
	// The server's tests and fuzz seeds: the request bodies they post.
	serverFiles, _ := filepath.Glob("../server/*_test.go")
	n := 0
	for _, f := range serverFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile("`(\\{\"query\" ?: ?\"[^`]*)`").FindAllStringSubmatch(string(b), -1) {
			var req Request
			if json.Unmarshal([]byte(m[1]), &req) == nil && req.Query != "" {
				out = append(out, req.Query)
				n++
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d request bodies found in server/*_test.go", n)
	}
	out = append(out, handWritten...)
	return out
}

// handWritten are the cases the others may miss: errors in non-null and
// nullable positions, in thunks and not, merged keys, introspection.
var handWritten = []string{
	`{ entity(id: "nope") { id } }`,
	`{ a: entity(id: "apt40") { id name } b: entity(id: "apt40") { id kind } entity(id: "apt40") { __typename } }`,
	`{ neighborhood(ids: ["apt40"], depth: 9) { nodes { id } } }`,
	`{ neighborhood(ids: ["apt40"], limit: -1) { nodes { id } } stats { entities } }`,
	`{ entity(id: "apt40") { relations(first: -5) { id } } }`,
	`{ entity(id: "apt40") { relations(first: 3, direction: OUT) { id sources(knownAt: "bad") { id } } } }`,
	`{ entity(id: "apt40") { relations(first: 3) { id sources(knownAt: "2021-07") { id } } } }`,
	`{ search(query: "panda", first: 3) { ...H } } fragment H on SearchHit { matched entity { ...E ... on ThreatActor { mitreAttackId } } } fragment E on Entity { id __typename }`,
	`{ entities(first: 3, after: "bad") { totalCount } }`,
	`{ timeline(first: 2, after: "bad") { totalCount } }`,
	`{ e: entity(id: "apt40") { id @skip(if: true) name @include(if: false) kind } }`,
	`{ __typename stats { __typename entities } }`,
	`{ __type(name: "Entity") { name possibleTypes { name } } }`,
	`{ aggregate(measure: ATTRIBUTIONS, groupBy: [YEAR], first: 3) { total bucketCount buckets { count keys { id name } ids(first: 2) items(first: 2) { id } } } }`,
	`{ aggregate(measure: ATTRIBUTIONS, groupBy: [ATTRIBUTING_COUNTRY], first: 3) { buckets { keys { entity { id name } } ids(first: 99999) } } }`,
	`{ timeToAttribution(groupBy: [YEAR], first: 3) { total buckets { count lags { measured median { days lower upper } } } } }`,
	`{ timeToAttribution(wideDays: 0) { total } }`,
	`{ source(id: "nope") { id } relationTypes { name fromKinds toKinds } datasets { id } }`,
	`{ entities(first: 20000) { totalCount } }`,
}

func curatedSchema(t testing.TB) *Schema {
	s, err := New(storetest.LoadCurated(t, memory.New()))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	defaultOnce   sync.Once
	defaultSchema *Schema
	defaultErr    error
)

func loadDefault() (*Schema, error) {
	defaultOnce.Do(func() {
		batch, err := loaders.Default(io.Discard)
		if err != nil {
			defaultErr = err
			return
		}
		s := memory.New()
		if err := s.Upsert(context.Background(), batch); err != nil {
			defaultErr = err
			return
		}
		defaultSchema, defaultErr = New(s)
	})
	return defaultSchema, defaultErr
}

// sampleIDs are ids of each kind present in the store, for variables and
// generated arguments.
func sampleIDs(t testing.TB, s *Schema) []string {
	ids := []string{"apt40", "apt31", "ding-xiaoyang", "norway", "nope"}
	for _, k := range graph.Kinds {
		res := s.Do(context.Background(), Request{Query: `query($k: [EntityKind!]) { entities(kinds: $k, first: 2) { edges { node { id } } } }`,
			Variables: map[string]any{"k": []any{string(k)}}})
		raw, _ := json.Marshal(res.Data)
		for _, m := range regexp.MustCompile(`"id":"([^"]+)"`).FindAllStringSubmatch(string(raw), -1) {
			ids = append(ids, m[1])
		}
	}
	return ids
}

// variableSets are tried with every corpus query: unknown variables are
// ignored, and a variable of the wrong type is an error both must give.
func variableSets(ids []string) []map[string]any {
	var out []map[string]any
	for i, id := range ids {
		other := ids[(i+3)%len(ids)]
		out = append(out, map[string]any{"id": id, "ids": []any{id}, "q": id[:min(3, len(id))], "depth": 2, "limit": 50,
			"from": id, "to": other, "kinds": []any{"THREAT_ACTOR", "INDICTMENT"},
			"filter": map[string]any{"from": "2019", "to": "2021-07", "knownAt": "2021-07-19"}})
	}
	out = append(out,
		map[string]any{"q": "zirconium", "from": "2021", "to": "2021-12", "filter": map[string]any{"from": "2021-07", "to": "2021-07"}},
		map[string]any{"ids": []any{"apt40", "apt31", "hafnium"}, "depth": 2, "limit": 500, "filter": map[string]any{"minConfidence": 50}},
		map[string]any{"from": "ding-xiaoyang", "to": "norway", "after": "bad", "filter": map[string]any{"kinds": []any{"PERSON"}, "knownAt": "2020"}},
		map[string]any{"id": 7, "ids": "apt40", "depth": "two", "filter": map[string]any{"from": "not a date"}},
		map[string]any{},
	)
	return out
}

func TestDifferentialCorpus(t *testing.T) {
	queries := corpusQueries(t)
	run := func(t *testing.T, s *Schema, ids []string, sets []map[string]any) {
		n, executed := 0, 0
		for _, q := range queries {
			for _, vars := range sets {
				n++
				if _, err := s.Prepare(context.Background(), Request{Query: q, Variables: vars}); err == nil {
					executed++
				}
				if msg := compareExecutors(s, Request{Query: q, Variables: vars}); msg != "" {
					t.Error(msg)
				}
			}
		}
		t.Logf("%d queries × %d variable sets: %d requests, %d executed (the others refused before execution)", len(queries), len(sets), n, executed)
	}
	t.Run("curated", func(t *testing.T) {
		s := curatedSchema(t)
		ids := sampleIDs(t, s)
		run(t, s, ids, variableSets(ids))
	})
	t.Run("default", func(t *testing.T) {
		if testing.Short() {
			t.Skip("the default data takes seconds to load")
		}
		s, err := loadDefault()
		if err != nil {
			t.Fatal(err)
		}
		ids := sampleIDs(t, s)
		sets := variableSets(ids)
		run(t, s, ids, append(sets[len(sets)-5:], sets[0], sets[len(ids)/2]))
	})
}

func TestDifferentialGenerated(t *testing.T) {
	s := curatedSchema(t)
	g := newGenerator(s, sampleIDs(t, s))
	executed, differ := 0, 0
	const n = 1500
	for i := range n {
		req := g.request(uint64(i))
		if _, err := s.Prepare(context.Background(), req); err != nil {
			continue
		}
		executed++
		if msg := compareExecutors(s, req); msg != "" {
			if differ++; differ <= 10 {
				t.Error(msg)
			}
		}
	}
	t.Logf("%d generated requests, %d valid and executed, %d differ", n, executed, differ)
	if executed < n/3 {
		t.Errorf("only %d of %d generated requests are valid: the generator has drifted from the schema", executed, n)
	}
}

// FuzzExecutors compares the executors on queries the fuzzer derives from
// the corpus (go test -fuzz FuzzExecutors ./schema).
func FuzzExecutors(f *testing.F) {
	s := curatedSchema(f)
	for _, q := range corpusQueries(f) {
		f.Add(q, `{"id": "apt40", "ids": ["apt40"], "q": "apt", "from": "ding-xiaoyang", "to": "norway"}`)
	}
	g := newGenerator(s, sampleIDs(f, s))
	for i := range 50 {
		req := g.request(uint64(10_000 + i))
		vars, _ := json.Marshal(req.Variables)
		f.Add(req.Query, string(vars))
	}
	f.Fuzz(func(t *testing.T, query, vars string) {
		req := Request{Query: query}
		if json.Unmarshal([]byte(vars), &req.Variables) != nil {
			req.Variables = nil
		}
		if msg := compareExecutors(s, req); msg != "" {
			t.Fatal(msg)
		}
	})
}

// generator writes random queries from the schema.
type generator struct {
	s    *Schema
	ids  []string
	r    *rand.Rand
	frag []string // fragment definitions of the query being written
	vars map[string]any
	decl []string
}

func newGenerator(s *Schema, ids []string) *generator { return &generator{s: s, ids: ids} }

func (g *generator) request(seed uint64) Request {
	g.r = rand.New(rand.NewPCG(seed, 21))
	g.frag, g.vars, g.decl = nil, map[string]any{}, nil
	var b strings.Builder
	g.selection(&b, g.s.schema.QueryType(), 0, true)
	q := b.String()
	if len(g.decl) > 0 {
		q = "query(" + strings.Join(g.decl, ", ") + ") " + q
	}
	q += strings.Join(g.frag, "\n")
	return Request{Query: q, Variables: g.vars}
}

func (g *generator) pick(n int) int { return g.r.IntN(n) }

func (g *generator) selection(b *strings.Builder, t graphql.Type, depth int, root bool) {
	var fields graphql.FieldDefinitionMap
	var obj *graphql.Object
	switch t := t.(type) {
	case *graphql.Object:
		fields, obj = t.Fields(), t
	case *graphql.Interface:
		fields = t.Fields()
	}
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	b.WriteString("{ ")
	count := 1 + g.pick(4)
	if root {
		count = 1 + g.pick(2)
	}
	wrote := 0
	for range count {
		f := fields[names[g.pick(len(names))]]
		_, leaf := namedType(f.Type).(*graphql.Scalar)
		if _, ok := namedType(f.Type).(*graphql.Enum); ok {
			leaf = true
		}
		if !leaf && depth >= 3 {
			continue
		}
		if g.pick(4) == 0 {
			fmt.Fprintf(b, "a%d: ", g.pick(3))
		}
		b.WriteString(f.Name)
		g.args(b, f.Args)
		g.directive(b)
		if !leaf {
			b.WriteString(" ")
			g.selection(b, namedType(f.Type), depth+1, false)
		}
		b.WriteString(" ")
		wrote++
	}
	if wrote == 0 || g.pick(5) == 0 {
		b.WriteString("__typename ")
	}
	if _, ok := t.(*graphql.Interface); ok && depth < 3 {
		// Fragments on the concrete types, inline and named.
		for range g.pick(3) {
			o := g.s.schema.PossibleTypes(t.(*graphql.Interface))[g.pick(12)]
			var inner strings.Builder
			g.selection(&inner, o, depth+1, false)
			if g.pick(2) == 0 {
				fmt.Fprintf(b, "... on %s", o.Name())
				g.directive(b)
				fmt.Fprintf(b, " %s ", inner.String())
			} else {
				name := fmt.Sprintf("F%d", len(g.frag))
				g.frag = append(g.frag, fmt.Sprintf("fragment %s on %s %s", name, o.Name(), inner.String()))
				fmt.Fprintf(b, "...%s ", name)
			}
		}
	}
	_ = obj
	b.WriteString("}")
}

func (g *generator) directive(b *strings.Builder) {
	switch g.pick(8) {
	case 0:
		fmt.Fprintf(b, " @include(if: %v)", g.pick(2) == 0)
	case 1:
		fmt.Fprintf(b, " @skip(if: %v)", g.pick(2) == 0)
	case 2:
		name := fmt.Sprintf("v%d", len(g.decl))
		g.decl = append(g.decl, "$"+name+": Boolean!")
		g.vars[name] = g.pick(2) == 0
		fmt.Fprintf(b, " @include(if: $%s)", name)
	}
}

func (g *generator) args(b *strings.Builder, args []*graphql.Argument) {
	var parts []string
	for _, a := range args {
		_, required := a.Type.(*graphql.NonNull)
		if !required && g.pick(2) == 0 {
			continue
		}
		if g.pick(6) == 0 {
			// As a variable, with the value as JSON would give it.
			name := fmt.Sprintf("v%d", len(g.decl))
			g.decl = append(g.decl, "$"+name+": "+a.Type.String())
			var lit strings.Builder
			g.value(&lit, a.Name(), a.Type)
			var v any
			if json.Unmarshal([]byte(toJSON(lit.String())), &v) == nil {
				g.vars[name] = v
			}
			parts = append(parts, a.Name()+": $"+name)
			continue
		}
		var v strings.Builder
		g.value(&v, a.Name(), a.Type)
		parts = append(parts, a.Name()+": "+v.String())
	}
	if len(parts) > 0 {
		b.WriteString("(" + strings.Join(parts, ", ") + ")")
	}
}

// toJSON turns a GraphQL literal written by value into JSON: quoted keys and
// enum values.
func toJSON(lit string) string {
	lit = regexp.MustCompile(`([{,] *)([A-Za-z]+):`).ReplaceAllString(lit, `$1"$2":`)
	return regexp.MustCompile(`([\[:, ]|^)([A-Z][A-Z_]+)\b`).ReplaceAllString(lit, `$1"$2"`)
}

func (g *generator) value(b *strings.Builder, name string, t graphql.Type) {
	if nn, ok := t.(*graphql.NonNull); ok {
		t = nn.OfType
	}
	switch t := t.(type) {
	case *graphql.List:
		b.WriteString("[")
		for i := range g.pick(3) {
			if i > 0 {
				b.WriteString(", ")
			}
			g.value(b, name, t.OfType)
		}
		b.WriteString("]")
	case *graphql.Enum:
		vs := t.Values()
		b.WriteString(vs[g.pick(len(vs))].Name)
	case *graphql.InputObject:
		fields := t.Fields()
		names := make([]string, 0, len(fields))
		for n := range fields {
			names = append(names, n)
		}
		sort.Strings(names)
		var parts []string
		for _, n := range names {
			f := fields[n]
			if _, req := f.Type.(*graphql.NonNull); !req && g.pick(3) != 0 {
				continue
			}
			var v strings.Builder
			g.value(&v, n, f.Type)
			parts = append(parts, n+": "+v.String())
		}
		b.WriteString("{" + strings.Join(parts, ", ") + "}")
	case *graphql.Scalar:
		switch {
		case t == graphql.Int:
			fmt.Fprint(b, []int{0, 1, 2, 3, 5, 10, -1, 40, 100}[g.pick(9)])
		case t == graphql.Boolean:
			fmt.Fprint(b, g.pick(2) == 0)
		case t.Name() == "PartialDate":
			fmt.Fprintf(b, "%q", []string{"2021", "2021-07", "2021-07-19", "2019-02", "2013", "bad", "2021-13"}[g.pick(7)])
		case name == "query":
			fmt.Fprintf(b, "%q", []string{"apt", "panda", "zirconium", "x", "hainan", "min"}[g.pick(6)])
		case name == "after" || name == "idsAfter":
			fmt.Fprintf(b, "%q", []string{"bad", "ZTphcHQ0MA", g.ids[g.pick(len(g.ids))]}[g.pick(3)])
		case name == "types" || name == "relationTypes":
			fmt.Fprintf(b, "%q", []string{"TARGETED", "CHARGES", "ATTRIBUTED_TO", "OPERATES_FOR"}[g.pick(4)])
		case name == "values":
			fmt.Fprintf(b, "%q", []string{"2021", "china", "ATTRIBUTION", g.ids[g.pick(len(g.ids))]}[g.pick(4)])
		default:
			fmt.Fprintf(b, "%q", g.ids[g.pick(len(g.ids))])
		}
	}
}

// TestCompiledConcurrently runs the corpus from several goroutines at once
// on one schema: plans are shared, and compiled lazily (Entity's types on
// first use), by concurrent requests. Run with -race.
func TestCompiledConcurrently(t *testing.T) {
	s := curatedSchema(t)
	queries := corpusQueries(t)
	vars := map[string]any{"id": "apt40", "ids": []any{"apt40"}, "q": "apt", "from": "ding-xiaoyang", "to": "norway"}
	want := make([][]byte, len(queries))
	ctx := context.Background()
	run := func(i int) []byte {
		p, err := s.Prepare(ctx, Request{Query: queries[i], Variables: vars})
		if err != nil {
			return nil
		}
		return answer(s.Execute(ctx, p))
	}
	var wg sync.WaitGroup
	got := make([][][]byte, 4)
	for g := range got {
		got[g] = make([][]byte, len(queries))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range queries {
				got[g][i] = run((i + g*7) % len(queries))
			}
		}()
	}
	wg.Wait()
	for i := range queries {
		want[i] = run(i)
	}
	for g := range got {
		for i := range queries {
			j := (i + g*7) % len(queries)
			if !bytes.Equal(got[g][i], want[j]) && !strings.Contains(queries[j], "__schema") {
				t.Errorf("goroutine %d, %q: %s, want %s", g, queries[j], clip(got[g][i]), clip(want[j]))
			}
		}
	}
}

// TestLargePlansAreNotKept: a plan that compiled more field plans than
// maxCachedPlanSize (an Entity selection met in many types at many levels)
// is dropped after its request, and the next request still answers alike.
func TestLargePlansAreNotKept(t *testing.T) {
	s := curatedSchema(t)
	var b strings.Builder
	b.WriteString(`{ neighborhood(ids: ["apt40"], depth: 2, limit: 60) { nodes { ...E relations(first: 2) { from { ...E relations(first: 2) { to { ...E relations(first: 2) { from { ...E relations(first: 2) { to { ...E } } } } } } } } } } }` + "\n")
	b.WriteString("fragment E on Entity { id name kind")
	for i := range 90 {
		fmt.Fprintf(&b, " a%d: name", i)
	}
	b.WriteString(" }")
	req := Request{Query: b.String()}
	ctx := context.Background()
	p, err := s.Prepare(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	res := s.Execute(ctx, p)
	if _, ok := res.Data.(*Data); !ok || len(res.Errors) > 0 {
		t.Fatalf("not run by the compiled executor: %T %v", res.Data, res.Errors)
	}
	first := answer(res)
	p.d.mu.Lock()
	kept := p.d.plans[p.op]
	p.d.mu.Unlock()
	if kept != nil {
		t.Fatalf("a plan of %d field plans is kept (the limit is %d)", kept.size.Load(), maxCachedPlanSize)
	}
	if again := answer(s.Execute(ctx, p)); !bytes.Equal(again, first) {
		t.Fatalf("the second run differs:\n%s\n%s", clip(again), clip(first))
	}
	if msg := compareExecutors(s, req); msg != "" {
		t.Fatal(msg)
	}
}

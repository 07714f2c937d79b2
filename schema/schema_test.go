package schema_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/memory"
	"github.com/attribution-explorer/attribution/graph/storetest"
	"github.com/attribution-explorer/attribution/schema"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
)

var update = flag.Bool("update", false, "rewrite the SDL snapshot and example outputs")

// curated returns a memory store loaded with the curated dataset.
func curated(t testing.TB) graph.Store { return storetest.LoadCurated(t, memory.New()) }

func newSchema(t testing.TB, s graph.Store) *schema.Schema {
	t.Helper()
	sc, err := schema.New(s)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// query runs q and returns its data, failing the test on any error.
func query(t testing.TB, sc *schema.Schema, q string, vars map[string]any) map[string]any {
	t.Helper()
	res := sc.Do(context.Background(), schema.Request{Query: q, Variables: vars})
	if len(res.Errors) > 0 {
		t.Fatalf("query failed: %v", res.Errors)
	}
	// Round-trip through JSON so that tests see what clients see.
	raw, err := json.Marshal(res.Data)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// queryError runs q and returns its first error message, failing if there is none.
func queryError(t testing.TB, sc *schema.Schema, q string) string {
	t.Helper()
	res := sc.Do(context.Background(), schema.Request{Query: q})
	if len(res.Errors) == 0 {
		t.Fatalf("query %s succeeded; want an error", q)
	}
	return res.Errors[0].Message
}

// at walks a decoded JSON value: at(v, "search", 0, "entity", "id").
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func list(v any) []any { l, _ := v.([]any); return l }

func TestSDLSnapshot(t *testing.T) {
	got := newSchema(t, memory.New()).SDL()
	const file = "testdata/schema.graphql"
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("the served schema differs from %s; if the change is intended, run go test ./schema -update and commit the diff", file)
	}
}

// TestContract checks that every type, field, argument and enum value of the
// public contract (a copy of shared/design/api.graphql) is served, with the
// same type.
func TestContract(t *testing.T) {
	raw, err := os.ReadFile("testdata/contract.graphql")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := parser.Parse(parser.ParseParams{Source: string(raw)})
	if err != nil {
		t.Fatal(err)
	}
	sc := newSchema(t, memory.New())
	served := parseServed(t, sc.SDL())
	checked := 0
	for name, want := range definitions(doc) {
		got, ok := served[name]
		if !ok {
			t.Errorf("type %s of the contract is not served", name)
			continue
		}
		for member, typ := range want {
			checked++
			if got[member] != typ {
				t.Errorf("%s.%s: contract says %q, served %q", name, member, typ, got[member])
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d members checked; is the contract parsed?", checked)
	}
}

func parseServed(t *testing.T, sdl string) map[string]map[string]string {
	doc, err := parser.Parse(parser.ParseParams{Source: sdl})
	if err != nil {
		t.Fatalf("the served SDL does not parse: %v", err)
	}
	return definitions(doc)
}

// definitions maps each type to its members: fields ("name" -> type),
// arguments ("field(arg)" -> type) and enum values ("VALUE" -> "").
func definitions(doc *ast.Document) map[string]map[string]string {
	out := map[string]map[string]string{}
	fields := func(name string, fs []*ast.FieldDefinition) {
		m := map[string]string{}
		for _, f := range fs {
			m[f.Name.Value] = typeString(f.Type)
			for _, a := range f.Arguments {
				m[f.Name.Value+"("+a.Name.Value+")"] = typeString(a.Type)
			}
		}
		out[name] = m
	}
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.ObjectDefinition:
			fields(d.Name.Value, d.Fields)
		case *ast.InterfaceDefinition:
			fields(d.Name.Value, d.Fields)
		case *ast.InputObjectDefinition:
			m := map[string]string{}
			for _, f := range d.Fields {
				m[f.Name.Value] = typeString(f.Type)
			}
			out[d.Name.Value] = m
		case *ast.EnumDefinition:
			m := map[string]string{}
			for _, v := range d.Values {
				m[v.Name.Value] = ""
			}
			out[d.Name.Value] = m
		case *ast.ScalarDefinition:
			out[d.Name.Value] = map[string]string{}
		}
	}
	return out
}

func typeString(t ast.Type) string {
	switch t := t.(type) {
	case *ast.NonNull:
		return typeString(t.Type) + "!"
	case *ast.List:
		return "[" + typeString(t.Type) + "]"
	case *ast.Named:
		return t.Name.Value
	}
	return "?"
}

// TestDatasets: Query.datasets lists the datasets whose source the store holds.
func TestDatasets(t *testing.T) {
	s := curated(t)
	// doj-2021-07-19 is a curated source: pretend it is a dataset's.
	sc, err := schema.New(s, graph.Dataset{ID: "doj-2021-07-19", Name: "Held", Version: "1", Published: graph.MustDate("2021-07"), Licence: "CC0-1.0"},
		graph.Dataset{ID: "not-held", Name: "Absent"})
	if err != nil {
		t.Fatal(err)
	}
	got := query(t, sc, `{ datasets { id name version publisher url published licence } }`, nil)
	raw, _ := json.Marshal(got)
	want := `{"datasets":[{"id":"doj-2021-07-19","licence":"CC0-1.0","name":"Held","published":"2021-07","publisher":null,"url":null,"version":"1"}]}`
	if string(raw) != want {
		t.Errorf("datasets:\n got %s\nwant %s", raw, want)
	}
}

// TestRelationCounts: an entity's relations counted by type and direction.
func TestRelationCounts(t *testing.T) {
	sc := newSchema(t, curated(t))
	got := query(t, sc, `{ entity(id: "doj-apt40-indictment") { relationCounts { type direction count atLeast } } }`, nil)
	raw, _ := json.Marshal(got)
	want := `{"entity":{"relationCounts":[{"atLeast":false,"count":4,"direction":"OUT","type":"CHARGES"},`
	if !strings.HasPrefix(string(raw), want) || !strings.Contains(string(raw), `{"atLeast":false,"count":1,"direction":"OUT","type":"ISSUED_BY"}`) {
		t.Errorf("relationCounts: %s", raw)
	}
}

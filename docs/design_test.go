package docs_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/storetest"
	"github.com/attribution-explorer/attribution/schema"
	"github.com/attribution-explorer/attribution/server"
)

// TestDesignNumbersAreTrue keeps the numbers that docs/design.md and the
// README state equal to the code's: a limit or a count changed in one place
// fails here until the docs say it too.
func TestDesignNumbersAreTrue(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(strings.Fields(string(b)), " ") // line breaks do not matter
	}
	design, readme := read("design.md"), read("../README.md")
	n := func(v int) string { return thousands(v) }
	for _, c := range []struct {
		doc, name, text string
	}{
		{design, "storetest cases", fmt.Sprintf("the one contract: %d cases", len(storetest.Cases))},
		{design, "query bytes", fmt.Sprintf("%d KiB of text", schema.MaxQueryBytes>>10)},
		{design, "tokens and brackets", fmt.Sprintf("%s tokens and %d open brackets", n(schema.MaxTokens), schema.MaxNesting)},
		{design, "depth", fmt.Sprintf("for depth (%d)", schema.MaxDepth)},
		{design, "fields", fmt.Sprintf("fields once fragments are expanded (%s)", n(schema.MaxFields))},
		{design, "same name", fmt.Sprintf("sharing a response name (%d:", schema.MaxSameKey)},
		{design, "cost", fmt.Sprintf("above them, %s)", n(schema.MaxCost))},
		{design, "objects", fmt.Sprintf("at most %s objects", n(schema.MaxObjects))},
		{design, "timeout", fmt.Sprintf("Execution gets %d s", int(schema.RequestTimeout.Seconds()))},
		{design, "read timeout", fmt.Sprintf("cut off after %d s", int(server.ReadTimeout.Seconds()))},
		{readme, "README limits", fmt.Sprintf("a query may hold %d KiB and %s tokens, nest %d levels, select %s fields once its fragments are expanded (%d of the same name at one level), and cost about %s",
			schema.MaxQueryBytes>>10, n(schema.MaxTokens), schema.MaxDepth, n(schema.MaxFields), schema.MaxSameKey, n(schema.MaxCost))},
		{readme, "README objects and timeout", fmt.Sprintf("it may return %s objects in lists; every list argument is bounded (see `graph/store.go`); a request gets %d s, and its answer %d MiB",
			n(schema.MaxObjects), int(schema.RequestTimeout.Seconds()), server.DefaultMaxAnswerBytes>>20)},
		{readme, "README syntax limits", fmt.Sprintf("a field or directive takes %d arguments, an input object %d fields, an operation %d variables, a document %d aliases, and validation stops after %d errors",
			schema.MaxArguments, schema.MaxObjectFields, schema.MaxVariables, schema.MaxAliases, schema.MaxValidationErrors)},
		{design, "syntax limits", fmt.Sprintf("(%d arguments of a field or directive, %d fields of an input object, %d directives on a selection, %d variables, %d aliases); then full validation, which stops after %d errors",
			schema.MaxArguments, schema.MaxObjectFields, schema.MaxDirectives, schema.MaxVariables, schema.MaxAliases, schema.MaxValidationErrors)},
		{design, "answer bytes", fmt.Sprintf("into a buffer bounded by %d MiB", server.DefaultMaxAnswerBytes>>20)},
		{design, "sizes", fmt.Sprintf("names of %d characters, %d aliases of %d characters, descriptions of %s bytes", graph.MaxNameChars, graph.MaxAliases, graph.MaxAliasChars, n(graph.MaxDescriptionBytes))},
	} {
		if !strings.Contains(c.doc, c.text) {
			t.Errorf("%s: the docs do not say %q", c.name, c.text)
		}
	}
}

// thousands writes 20000 as "20,000", as the docs do.
func thousands(v int) string {
	s := fmt.Sprint(v)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

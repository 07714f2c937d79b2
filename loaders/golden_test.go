package loaders

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
)

// The golden tests of the three readers (STIX, MISP, table) write what a
// reader gives, a batch and its report or an error, one way, and compare it
// with a .golden file beside the input (go test ./loaders -update rewrites them).

// dumpBatch writes a batch and its report, or an error, as the golden files hold them.
func dumpBatch(b graph.Batch, rep fmt.Stringer, err error) string {
	var w strings.Builder
	if err != nil {
		fmt.Fprintf(&w, "error:\n%v\n", err)
		return w.String()
	}
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(&w, "    %s: %s\n", name, value)
		}
	}
	w.WriteString("sources:\n")
	for _, s := range b.Sources {
		fmt.Fprintf(&w, "  %s\n", s.ID)
		field("title", s.Title)
		field("publisher", s.Publisher)
		field("url", s.URL)
		field("published", s.Published.String())
		field("language", s.Language)
	}
	w.WriteString("entities:\n")
	for _, e := range b.Entities {
		fmt.Fprintf(&w, "  %s %s %q\n", e.ID, e.Kind, e.Name)
		field("aliases", strings.Join(e.Aliases, " | "))
		field("description", e.Description)
		field("start", e.Start.String())
		field("end", e.End.String())
		for _, a := range e.Attributes {
			field("attribute "+a.Key, a.Value)
		}
		field("sources", strings.Join(e.Sources, " "))
	}
	w.WriteString("relations:\n")
	for _, r := range b.Relations {
		fmt.Fprintf(&w, "  %s: %s %s %s\n", r.ID, r.From, r.Type, r.To)
		field("role", r.Role)
		field("start", r.Start.String())
		field("end", r.End.String())
		if r.Confidence != nil {
			field("confidence", strconv.Itoa(*r.Confidence))
		}
		field("description", r.Description)
		field("sources", strings.Join(r.Sources, " "))
	}
	w.WriteString("report:\n")
	w.WriteString(rep.String())
	return w.String()
}

// checkGolden compares got with the golden file, or with -update rewrites it.
func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./loaders -run %s -update)", err, strings.SplitN(t.Name(), "/", 2)[0])
	}
	if got != string(want) {
		t.Errorf("%s differs from what the reader gives now:\n%s", golden, diffLines(string(want), got))
	}
}

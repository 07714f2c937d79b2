package loaders

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/attribution-explorer/attribution/graph"
)

// Formats are the formats the importers read.
var Formats = []string{"stix", "misp", "table"}

// ImportID is the id of the dataset an imported file is: "import-" and its
// base name in lower case, "-" for anything but letters, digits and dots.
// The server, the import command and the benchmarks name it the same way.
func ImportID(file string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(filepath.Base(file)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return "import-" + strings.Trim(b.String(), "-.")
}

// Input says how to read one file: its format, the mapping of a table, and
// the dataset it is.
type Input struct {
	Format  string        // one of Formats
	Mapping *TableMapping // the mapping of a table; required for "table"
	Dataset DatasetOptions
}

// Report is what an importer made of a file: created, skipped by reason,
// unmatched values.
type Report interface{ String() string }

// Read reads one file with the importer its format names. base is the graph
// the result will be merged into: the MISP galaxy joins its `related`
// UUIDs against it.
func Read(r io.Reader, in Input, base []graph.Entity) (graph.Batch, Report, error) {
	b, rep, err := read(r, in, base)
	if err == nil {
		// Sizes before merging: no value over graph's limits goes further.
		if err = graph.ProblemsError(b.SizeProblems()); err != nil {
			return graph.Batch{}, rep, err
		}
	}
	return b, rep, err
}

func read(r io.Reader, in Input, base []graph.Entity) (graph.Batch, Report, error) {
	switch in.Format {
	case "stix":
		b, rep, err := ReadSTIX(r, STIXOptions{DatasetOptions: in.Dataset})
		return b, rep, err
	case "misp":
		b, rep, err := ReadMISPGalaxy(r, MISPOptions{DatasetOptions: in.Dataset, Base: base})
		return b, rep, err
	case "table":
		if in.Mapping == nil {
			return graph.Batch{}, nil, fmt.Errorf("a table needs a mapping (-mapping FILE)")
		}
		b, rep, err := ReadTable(r, TableOptions{DatasetOptions: in.Dataset, Mapping: in.Mapping})
		return b, rep, err
	}
	return graph.Batch{}, nil, fmt.Errorf("format %q: want one of %v", in.Format, Formats)
}

// ValidFormat reports whether f is one of Formats.
func ValidFormat(f string) bool { return slices.Contains(Formats, f) }

package loaders

import (
	"fmt"
	"io"
	"slices"

	"github.com/attribution-explorer/attribution/graph"
)

// Formats are the formats the importers read.
var Formats = []string{"stix", "misp", "table"}

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

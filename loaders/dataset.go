package loaders

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/attribution-explorer/attribution/graph"
)

// DatasetOptions describes the dataset a file comes from, whatever its
// format. The dataset is a source that every claim imported from it cites.
type DatasetOptions struct {
	ID        string            // the dataset source's id; default: a slug of Title and Version
	Title     string            // "MITRE ATT&CK Enterprise"; required
	Publisher string            // "The MITRE Corporation"
	Version   string            // "18.1": appended to Title unless Title already ends with it
	URL       string            // where the dataset is published
	Published graph.PartialDate // when this version was released
	Licence   string            // shown in the report (graph.Source has no licence field)
	Language  string            // BCP 47 language of the dataset and its records: "en"
}

// problems collects what is wrong with an input, up to max, and counts the
// rest: every reader reports all or nothing through it.
type problems struct {
	errs Errors
	more int // problems beyond max
	max  int
}

// add records a problem of the thing named where.
func (p *problems) add(where, format string, args ...any) {
	if len(p.errs) == p.max {
		p.more++
		return
	}
	p.errs = append(p.errs, where+": "+fmt.Sprintf(format, args...))
}

// failed is nil when nothing is wrong, else the problems as one error.
func (p *problems) failed() error {
	if len(p.errs) == 0 {
		return nil
	}
	errs := slices.Clone(p.errs)
	if p.more > 0 {
		errs = append(errs, fmt.Sprintf("... and %d more problems", p.more))
	}
	return errs
}

// dataset is a DatasetOptions checked and completed: its source's id and
// full title ("MITRE ATT&CK Enterprise 18.1").
type dataset struct {
	DatasetOptions
	id, title string
}

// resolve checks the options; format names the importer in errors ("STIX import").
func (o DatasetOptions) resolve(format string) (dataset, error) {
	title := strings.TrimSpace(o.Title)
	if title == "" {
		return dataset{}, Errors{format + ": the dataset needs a title (DatasetOptions.Title): it is the source of every claim"}
	}
	if v := strings.TrimSpace(o.Version); v != "" && !strings.HasSuffix(title, v) {
		title += " " + v
	}
	id := o.ID
	if id == "" {
		id = slug(title)
	}
	if !graph.ValidID(id) {
		return dataset{}, Errors{fmt.Sprintf("%s: %q is not a valid source id for the dataset (lower-case letters, digits and . _ : -)", format, id)}
	}
	return dataset{DatasetOptions: o, id: id, title: title}, nil
}

// source is the dataset as a source.
func (d dataset) source() graph.Source {
	return graph.Source{ID: d.id, Title: d.title, Publisher: d.Publisher, URL: d.URL,
		Published: d.Published, Language: d.Language}
}

// reportTitle names the dataset and its licence in import reports.
func (d dataset) reportTitle() string {
	if d.Licence != "" {
		return d.title + " (licence: " + d.Licence + ")"
	}
	return d.title
}

// The import reports (STIX, MISP, table) print their counts one way.

// writeCounts writes a title with the total of m, then each key with its
// count, largest first (then by key); with a limit, the keys past it are
// summed on one line.
func writeCounts(b *strings.Builder, title string, m map[string]int, limit int) {
	total := 0
	for _, n := range m {
		total += n
	}
	fmt.Fprintf(b, "%s: %d\n", title, total)
	keys := slices.SortedFunc(maps.Keys(m), func(x, y string) int {
		return cmp.Or(cmp.Compare(m[y], m[x]), cmp.Compare(x, y))
	})
	for i, k := range keys {
		if limit > 0 && i == limit {
			rest := 0
			for _, k := range keys[i:] {
				rest += m[k]
			}
			fmt.Fprintf(b, "  %7d  ... %d more values\n", rest, len(keys)-i)
			break
		}
		fmt.Fprintf(b, "  %7d  %s\n", m[k], k)
	}
}

// writeUnmatched writes the values a reader could not place, by what they are.
func writeUnmatched(b *strings.Builder, unmatched map[string]map[string]int, limit int) {
	if len(unmatched) == 0 {
		b.WriteString("unmatched: none\n")
	}
	for _, w := range slices.Sorted(maps.Keys(unmatched)) {
		writeCounts(b, "unmatched "+w, unmatched[w], limit)
	}
}

// kindCounts are counts by kind as report keys.
func kindCounts(m map[graph.Kind]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, n := range m {
		out[string(k)] = n
	}
	return out
}

// Package loaders reads data into a graph.Batch. Today it reads the curated
// YAML dataset (data/); importers of other formats belong here too. A loader
// either returns a whole valid batch or an error that names every problem,
// so a broken file loads nothing.
package loaders

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/attribution-explorer/attribution/data"
	"github.com/attribution-explorer/attribution/graph"
	"go.yaml.in/yaml/v3"
)

// Errors is every problem found in a dataset, each naming file and line.
type Errors []string

func (e Errors) Error() string {
	if len(e) == 1 {
		return e[0]
	}
	return fmt.Sprintf("%d problems:\n%s", len(e), strings.Join(e, "\n"))
}

// Is makes a dataset error an ErrInvalid.
func (e Errors) Is(target error) bool { return target == graph.ErrInvalid }

// position is where an item was written: its file, its line, and the line of each field.
type position struct {
	file   string
	line   int
	fields map[string]int
}

func (p position) at(field string) string {
	line := p.line
	if l, ok := p.fields[field]; ok {
		line = l
	}
	return fmt.Sprintf("%s:%d", p.file, line)
}

// yamlDataset collects items and where they were written.
type yamlDataset struct {
	batch     graph.Batch
	positions map[string][]position // "source", "entity", "relation" -> by batch index
	errs      Errors
	unread    []unreadFile // files that are not YAML the loader can read: they define nothing
}

// unreadFile is a file that could not be read as YAML, with the ids it
// seems to define (every "id:" written in it), so that references to them
// from the other files are not reported as problems of their own.
type unreadFile struct {
	name string
	ids  map[string]bool
}

// LoadYAML reads every .yaml file below dir in fsys, in name order, and
// returns the batch they define. Paths in errors are prefixed with prefix
// (e.g. "data/") so that they can be opened as written.
//
// A file holds up to three lists: sources, entities and relations; see
// data/README.md for their fields. A relation without an id gets
// "<from>.<type>.<to>" in lower case.
func LoadYAML(fsys fs.FS, dir, prefix string) (graph.Batch, error) {
	d := &yamlDataset{positions: map[string][]position{}}
	var files []string
	err := fs.WalkDir(fsys, dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return graph.Batch{}, fmt.Errorf("reading %s: %w", dir, err)
	}
	sort.Strings(files)
	if len(files) == 0 {
		return graph.Batch{}, Errors{fmt.Sprintf("%s: no .yaml files", path.Join(prefix, dir))}
	}
	for _, f := range files {
		raw, err := fs.ReadFile(fsys, f)
		if err != nil {
			return graph.Batch{}, err
		}
		d.file(path.Join(prefix, f), raw)
	}
	skipped := 0
	for _, p := range d.batch.Validate(graph.NoneExisting{}) {
		if d.consequence(p) {
			skipped++
			continue
		}
		pos := d.positions[p.Item][p.Index]
		d.errs = append(d.errs, fmt.Sprintf("%s: %s", pos.at(p.Field), p.Message))
	}
	if skipped > 0 {
		n := len(d.unread)
		d.errs = append(d.errs, fmt.Sprintf("%s: %d references from other files to ids written in %s are not checked until %s",
			d.unread[0].name, skipped, plural(n, "this file", "the files that cannot be read"), plural(n, "it can be read", "they can be read")))
	}
	if len(d.errs) > 0 {
		return graph.Batch{}, d.errs
	}
	return d.batch, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func (d *yamlDataset) errorf(file string, line int, format string, args ...any) {
	d.errs = append(d.errs, fmt.Sprintf("%s:%d: %s", file, line, fmt.Sprintf(format, args...)))
}

// idField is an "id:" field as a data file writes it, in a block or a flow
// mapping (not "mitre_attack_id:").
var idField = regexp.MustCompile(`(?:^|[\s{,])id:[ \t]*["']?([a-z0-9][a-z0-9._:-]*)`)

// unreadable records a file that cannot be read: it defines nothing.
func (d *yamlDataset) unreadable(name string, raw []byte) {
	u := unreadFile{name: name, ids: map[string]bool{}}
	for _, m := range idField.FindAllSubmatch(raw, -1) {
		u.ids[string(m[1])] = true
	}
	d.unread = append(d.unread, u)
}

// consequence reports whether a problem of the batch is a reference to an
// id that none of the files read defines and an unread file seems to: a
// consequence of that file's problem, not one of its own.
func (d *yamlDataset) consequence(p graph.Problem) bool {
	if len(d.unread) == 0 {
		return false
	}
	inUnread := func(id string) bool {
		for _, u := range d.unread {
			if u.ids[id] {
				return true
			}
		}
		return false
	}
	entities := map[string]bool{}
	for _, e := range d.batch.Entities {
		entities[e.ID] = true
	}
	missing := func(id string) bool { return !entities[id] && inUnread(id) }
	var sources []string
	switch p.Item {
	case "relation":
		r := d.batch.Relations[p.Index]
		switch p.Field {
		case "from":
			return missing(r.From)
		case "to":
			return r.From != r.To && missing(r.To)
		}
		sources = r.Sources
	case "entity":
		sources = d.batch.Entities[p.Index].Sources
	}
	if p.Field != "sources" || len(sources) == 0 {
		return false
	}
	// An item with sources has problems on them only for unknown ones: a
	// consequence when every unknown one is written in an unread file.
	known := map[string]bool{}
	for _, s := range d.batch.Sources {
		known[s.ID] = true
	}
	for _, id := range sources {
		if !known[id] && !inUnread(id) {
			return false
		}
	}
	return true
}

// syntaxError is a YAML error of a file as "file:line: message", at the line
// where the parser found the problem. The parser's own message often names
// another line, that of the enclosing block (and counted from 0): "line 2:
// did not find expected '-' indicator" for a bad indent at line 15. So the
// line given is the first at which the file's beginning fails the same way.
func syntaxError(name string, raw []byte, err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	text := parserLine.ReplaceAllString(msg, "")
	lines := bytes.SplitAfter(raw, []byte("\n"))
	fails := func(n int) bool {
		err := decodeAll(bytes.Join(lines[:n], nil))
		return err != nil && err.Error() == "yaml: "+msg
	}
	// The smallest n whose first n lines fail as the file does (sort.Search
	// finds it when failing, once it starts, goes on to the end of the file).
	n := sort.Search(len(lines), func(i int) bool { return fails(i + 1) }) + 1
	if n > len(lines) || !fails(n) {
		return fmt.Sprintf("%s: %s", name, msg) // as the parser says it
	}
	return fmt.Sprintf("%s:%d: %s", name, n, text)
}

// parserLine is the "line N: " the parser puts before its message.
var parserLine = regexp.MustCompile(`^line ([0-9]+): `)

// decodeAll decodes every document of raw, returning the first error.
func decodeAll(raw []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

func (d *yamlDataset) file(name string, raw []byte) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		d.errs = append(d.errs, syntaxError(name, raw, err))
		d.unreadable(name, raw)
		return
	}
	// A second document would be silently dropped: refuse it, unless it is
	// empty ("---" and nothing, as an empty file is).
	for {
		var next yaml.Node
		err := dec.Decode(&next)
		if err == io.EOF {
			break
		}
		if err != nil {
			d.errs = append(d.errs, syntaxError(name, raw, err))
			d.unreadable(name, raw)
			return
		}
		if len(next.Content) == 0 || isEmptyDocument(next.Content[0]) {
			continue
		}
		d.errorf(name, next.Content[0].Line, "a data file holds one YAML document; a second one starts here (remove the \"---\" line)")
		d.unreadable(name, raw)
		return
	}
	if len(doc.Content) == 0 {
		return // an empty file, or only comments
	}
	root := doc.Content[0]
	if isEmptyDocument(root) {
		return // "---" with nothing, or only comments, after it: an empty file too
	}
	if root.Kind != yaml.MappingNode {
		d.errorf(name, root.Line, "a data file is a mapping with the keys sources, entities and relations")
		return
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, list := root.Content[i], root.Content[i+1]
		var item func(fields)
		switch key.Value {
		case "sources":
			item = d.source
		case "entities":
			item = d.entity
		case "relations":
			item = d.relation
		default:
			d.errorf(name, key.Line, "unknown key %q (want sources, entities or relations)", key.Value)
			continue
		}
		if list.Kind != yaml.SequenceNode {
			d.errorf(name, list.Line, "%s must be a list", key.Value)
			continue
		}
		for _, n := range list.Content {
			if n.Kind != yaml.MappingNode {
				d.errorf(name, n.Line, "each of %s must be a mapping of fields", key.Value)
				continue
			}
			f := fields{d: d, file: name, node: n, pos: position{file: name, line: n.Line, fields: map[string]int{}}, values: map[string]*yaml.Node{}}
			for j := 0; j+1 < len(n.Content); j += 2 {
				k := n.Content[j]
				if _, dup := f.values[k.Value]; dup {
					d.errorf(name, k.Line, "field %q given twice", k.Value)
				}
				f.values[k.Value] = n.Content[j+1]
				f.pos.fields[k.Value] = k.Line
			}
			item(f)
		}
	}
}

// fields reads the fields of one item, reporting type errors at their lines.
type fields struct {
	d      *yamlDataset
	file   string
	node   *yaml.Node
	pos    position
	values map[string]*yaml.Node
}

// allow reports fields that are not in known.
func (f fields) allow(item string, known ...string) {
	for k := range f.values {
		ok := false
		for _, x := range known {
			ok = ok || k == x
		}
		if !ok {
			f.d.errorf(f.file, f.pos.fields[k], "unknown %s field %q (known: %s)", item, k, strings.Join(known, ", "))
		}
	}
}

func (f fields) str(key string) string {
	n, ok := f.values[key]
	if !ok {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		f.d.errorf(f.file, n.Line, "%s must be a single value", key)
		return ""
	}
	return strings.TrimSpace(n.Value)
}

func (f fields) list(key string) []string {
	n, ok := f.values[key]
	if !ok {
		return nil
	}
	if n.Kind == yaml.ScalarNode { // "sources: x" is a list of one
		return []string{n.Value}
	}
	var out []string
	if err := n.Decode(&out); err != nil {
		f.d.errorf(f.file, n.Line, "%s must be a list of values", key)
	}
	return out
}

func (f fields) date(key string) graph.PartialDate {
	s := f.str(key)
	d, err := graph.ParseDate(s)
	if err != nil {
		f.d.errorf(f.file, f.pos.fields[key], "%s: %v", key, err)
	}
	return d
}

func (f fields) attributes(key string) []graph.Attribute {
	n, ok := f.values[key]
	if !ok {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		f.d.errorf(f.file, n.Line, "%s must be a mapping of names to values", key)
		return nil
	}
	var out []graph.Attribute
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			f.d.errorf(f.file, v.Line, "attribute %q must be a single value", k.Value)
			continue
		}
		out = append(out, graph.Attribute{Key: k.Value, Value: v.Value})
	}
	return out
}

func (d *yamlDataset) add(item string, pos position) {
	d.positions[item] = append(d.positions[item], pos)
}

func (d *yamlDataset) source(f fields) {
	f.allow("source", "id", "title", "publisher", "url", "published", "language")
	d.batch.Sources = append(d.batch.Sources, graph.Source{
		ID: f.str("id"), Title: f.str("title"), Publisher: f.str("publisher"), URL: f.str("url"),
		Published: f.date("published"), Language: f.str("language"),
	})
	d.add("source", f.pos)
}

func (d *yamlDataset) entity(f fields) {
	f.allow("entity", "id", "kind", "name", "aliases", "description", "start", "end", "attributes", "sources")
	d.batch.Entities = append(d.batch.Entities, graph.Entity{
		ID: f.str("id"), Kind: graph.Kind(f.str("kind")), Name: f.str("name"), Aliases: f.list("aliases"),
		Description: f.str("description"), Start: f.date("start"), End: f.date("end"),
		Attributes: f.attributes("attributes"), Sources: f.list("sources"),
	})
	d.add("entity", f.pos)
}

func (d *yamlDataset) relation(f fields) {
	f.allow("relation", "id", "type", "from", "to", "role", "start", "end", "confidence", "description", "sources")
	r := graph.Relation{
		ID: f.str("id"), Type: f.str("type"), From: f.str("from"), To: f.str("to"), Role: f.str("role"),
		Start: f.date("start"), End: f.date("end"), Description: f.str("description"), Sources: f.list("sources"),
	}
	if r.ID == "" {
		r.ID = strings.ToLower(r.From + "." + r.Type + "." + r.To)
	}
	if c := f.str("confidence"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil {
			d.errorf(f.file, f.pos.fields["confidence"], "confidence %q is not a whole number from 0 to 100", c)
		} else {
			r.Confidence = &n
		}
	}
	d.batch.Relations = append(d.batch.Relations, r)
	d.add("relation", f.pos)
}

// IsDatasetError reports whether err came from a broken dataset (as opposed to I/O).
func IsDatasetError(err error) bool {
	var e Errors
	return errors.As(err, &e)
}

// batchExisting is what a batch holds, as graph.Existing.
type batchExisting struct {
	kinds   map[string]graph.Kind
	sources map[string]bool
}

func (e batchExisting) EntityKind(id string) graph.Kind { return e.kinds[id] }
func (e batchExisting) HasSource(id string) bool        { return e.sources[id] }

// AddLinks adds to b the claims of data/links/<dataset>.yaml, if the file
// exists: claims that join the curated data to the dataset, checked
// against b, which must hold both.
func AddLinks(b graph.Batch, dataset string) (graph.Batch, error) {
	name := path.Join("links", dataset+".yaml")
	raw, err := fs.ReadFile(data.Links, name)
	if errors.Is(err, fs.ErrNotExist) {
		return b, nil
	}
	if err != nil {
		return b, err
	}
	d := &yamlDataset{positions: map[string][]position{}}
	d.file(path.Join("data", name), raw)
	if len(d.errs) > 0 {
		return b, d.errs
	}
	ex := batchExisting{kinds: map[string]graph.Kind{}, sources: map[string]bool{}}
	for _, e := range b.Entities {
		ex.kinds[e.ID] = e.Kind
	}
	for _, s := range b.Sources {
		ex.sources[s.ID] = true
	}
	for _, p := range d.batch.Validate(ex) {
		pos := d.positions[p.Item][p.Index]
		d.errs = append(d.errs, fmt.Sprintf("%s: %s", pos.at(p.Field), p.Message))
	}
	if len(d.errs) > 0 {
		return b, d.errs
	}
	b.Sources = append(b.Sources, d.batch.Sources...)
	b.Entities = append(b.Entities, d.batch.Entities...)
	b.Relations = append(b.Relations, d.batch.Relations...)
	return b, nil
}

// Curated returns the curated dataset of the data package as one batch.
func Curated() (graph.Batch, error) {
	return LoadYAML(data.Curated, data.Dir, "data/")
}

// isEmptyDocument: "---" with nothing, or only comments, after it.
func isEmptyDocument(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == ""
}

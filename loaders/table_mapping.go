package loaders

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/attribution-explorer/attribution/graph"
	"go.yaml.in/yaml/v3"
)

// A table mapping says, as data, how the rows of a CSV file become
// entities, relations and sources; ReadTable (table.go) only follows it.
// data/mappings/README.md documents the format; data/mappings/eurepoc.yaml
// is a full example. The Go code names no dataset and no column.

// TableMapping is a parsed and checked mapping.
type TableMapping struct {
	name      string
	dataset   DatasetOptions
	key       []string
	record    recordSpec
	sources   []string // URL columns every claim of the row cites
	columns   map[string]*columnSpec
	groups    []*groupSpec
	entities  []*entitySpec
	relations []*relationSpec
	// used is every column the mapping names, with the line that first names it.
	used map[string]int
}

// Name is the name the mapping was parsed with (its file).
func (m *TableMapping) Name() string { return m.name }

// List syntaxes of a column.
const (
	listNone = iota
	listPython
	listSeparator
)

type columnSpec struct {
	name     string
	line     int
	list     int
	sep      string
	brackets bool // a separator inside (...) [...] {...} does not split
	values   *valueTable
	date     *dateSpec
	group    *groupSpec
}

// dateSpec: the layouts a date column is written in, and its precision rule.
type dateSpec struct {
	layouts   []dateLayout
	precision string
}

type dateLayout struct {
	written   string // as the mapping writes it: "YYYY-MM-DD"
	layout    string // as Go's time package reads it: "2006-01-02"
	precision graph.Precision
}

// Precision rules of date columns.
const (
	precisionAsWritten     = "as-written"
	precisionFirstUnknown  = "first-is-unknown"
	valueSkip, valueKeep   = "skip", "keep"
	anyValue               = "*"
	citeRow, citeRecord    = "row", "record"
	citeDataset            = "dataset"
	parenKeep, parenAlias  = "keep", "alias"
	parenAcronym, parenOut = "acronym", "note"
	parenAcronymNote       = "acronym-note"
	specialName            = "@name"
	specialValue           = "@value"
	specialN               = "@n"
)

// valueTable maps a cell value to what it stands for: another string, or
// nothing (skip); "*" is every value not listed, "keep" the value itself.
type valueTable struct {
	line  int
	m     map[string]valueResult
	other *valueResult
}

type valueResult struct {
	skip, keep bool
	to         string
}

// lookup returns the value v stands for; ok is false when the table has no
// row for v (an unmatched value), skip when v stands for nothing.
func (t *valueTable) lookup(v string) (out string, skip, ok bool) {
	if t == nil {
		return v, false, true
	}
	r, found := t.m[v]
	if !found {
		if t.other == nil {
			return "", false, false
		}
		r = *t.other
	}
	switch {
	case r.skip:
		return "", true, true
	case r.keep:
		return v, false, true
	}
	return r.to, false, true
}

type groupSpec struct {
	name    string
	line    int
	columns []string
	key     []string
}

type recordSpec struct {
	id, title, url template
	published      string // a date column; "" is the dataset's date
	line           int
}

// template is text with {column} and {@special} references.
type template struct {
	raw   string
	parts []templatePart
}

type templatePart struct {
	lit     string
	col     string // a column reference
	special string // "@name", "@value", "@n"
}

func (t template) isZero() bool { return t.raw == "" && len(t.parts) == 0 }

func (t template) columns() []string {
	var cols []string
	for _, p := range t.parts {
		if p.col != "" {
			cols = append(cols, p.col)
		}
	}
	return cols
}

// kindSpec: a fixed kind, or rules tried in order.
type kindSpec struct {
	fixed graph.Kind
	rules []kindRule
}

// kindRule gives a kind: read from a column through a table (column and
// table), or kind where the conditions hold and the value's name has the
// attribute has (both optional: a rule with neither is the default).
type kindRule struct {
	column string
	table  *valueTable // values are kind names
	when   []condition
	has    string
	kind   graph.Kind
}

// possible lists the kinds the spec can give.
func (k kindSpec) possible() []graph.Kind {
	if k.fixed != "" {
		return []graph.Kind{k.fixed}
	}
	var out []graph.Kind
	add := func(kind graph.Kind) {
		if kind != "" && !slices.Contains(out, kind) {
			out = append(out, kind)
		}
	}
	for _, r := range k.rules {
		add(r.kind)
		if r.table == nil {
			continue
		}
		for _, v := range r.table.m {
			if !v.skip {
				add(graph.Kind(v.to))
			}
		}
		if r.table.other != nil && !r.table.other.skip {
			add(graph.Kind(r.table.other.to))
		}
	}
	slices.Sort(out)
	return out
}

type nameSpec struct {
	split       string   // aliases separator: the first part is the name
	cut         []string // the text from the first of these markers on is not part of the name
	parenthesis string   // what a trailing "(...)" is: keep, alias, acronym, note, acronym-note
	note        string   // attribute that keeps what parenthesis and cut removed
	ids         []idPattern
}

// idPattern: an alias that matches becomes the attribute key (its first
// group if the pattern has one).
type idPattern struct {
	key string
	re  *regexp.Regexp
}

type attributeSpec struct {
	key    string
	t      template
	column string // with table: the value of column through table
	table  *valueTable
}

// condition: the column holds one of values in the context ("" is empty).
type condition struct {
	column string
	values []string
	res    []*regexp.Regexp // the values written /like this/
}

// match reports whether a value is one of the condition's values, or
// matches one of its patterns.
func (c condition) match(v string) bool {
	return slices.Contains(c.values, v) || slices.ContainsFunc(c.res, func(re *regexp.Regexp) bool { return re.MatchString(v) })
}

type entitySpec struct {
	name        string
	line        int
	each        *groupSpec
	value       string // the column whose every value is an entity
	values      *valueTable
	kind        kindSpec
	ids         map[graph.Kind]template // "" key: every kind
	nameT       template
	description template
	names       nameSpec
	start, end  string
	attributes  []attributeSpec
	when        []condition
	unless      []condition
	cite        string
	sources     []string
}

type relationSpec struct {
	line        int
	from, to    *entitySpec
	types       []string
	role        template
	description template
	start, end  string
	when        []condition
	unless      []condition
	cite        string
	sources     []string
}

// group is the group shared by a relation's two ends, or the one end's group.
func (r *relationSpec) group() *groupSpec {
	if r.from.each != nil {
		return r.from.each
	}
	return r.to.each
}

// mappingParser collects every problem of a mapping file, each with its line.
type mappingParser struct {
	file string
	errs Errors
	m    *TableMapping
	// tables are the named value tables.
	tables map[string]*valueTable
}

func (p *mappingParser) errorf(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	p.errs = append(p.errs, fmt.Sprintf("%s:%d: %s", p.file, line, fmt.Sprintf(format, args...)))
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// ParseTableMapping parses and checks a mapping; name (its file) prefixes
// the errors, which say file:line and what is wrong.
func ParseTableMapping(raw []byte, name string) (*TableMapping, error) {
	p := &mappingParser{file: name, tables: map[string]*valueTable{},
		m: &TableMapping{name: name, columns: map[string]*columnSpec{}, used: map[string]int{}}}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		msg := err.Error()
		if g := yamlLine.FindStringSubmatch(msg); g != nil {
			return nil, Errors{fmt.Sprintf("%s:%s: %s", name, g[1], g[2])}
		}
		return nil, Errors{fmt.Sprintf("%s: %s", name, strings.TrimPrefix(msg, "yaml: "))}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		line := 1
		if len(doc.Content) > 0 {
			line = doc.Content[0].Line
		}
		return nil, Errors{fmt.Sprintf("%s:%d: a table mapping is a YAML mapping with the keys key, record, entities ... (see data/mappings/README.md)", name, line)}
	}
	p.parse(doc.Content[0])
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return p.m, nil
}

// fields checks that n is a mapping with only known keys, each once, and
// returns its values and the nodes of its keys.
func (p *mappingParser) fields(n *yaml.Node, what string, known ...string) (map[string]*yaml.Node, map[string]*yaml.Node) {
	vals, keys := map[string]*yaml.Node{}, map[string]*yaml.Node{}
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping of %s", what, strings.Join(known, ", "))
		return vals, keys
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if _, dup := vals[k.Value]; dup {
			p.errorf(k, "%s: %q given twice", what, k.Value)
			continue
		}
		if !slices.Contains(known, k.Value) {
			p.errorf(k, "%s: unknown key %q (known: %s)", what, k.Value, strings.Join(known, ", "))
			continue
		}
		vals[k.Value], keys[k.Value] = deref(v), k
	}
	return vals, keys
}

// deref follows a YAML alias (*name) to the node its anchor (&name) marks.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 10; i++ {
		n = n.Alias
	}
	return n
}

// pairs returns the keys and values of a mapping node in order, refusing
// keys given twice.
func (p *mappingParser) pairs(n *yaml.Node, what string) [][2]*yaml.Node {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping", what)
		return nil
	}
	var out [][2]*yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "%s: a key must be a single value", what)
			continue
		}
		if seen[k.Value] {
			p.errorf(k, "%s: %q given twice", what, k.Value)
			continue
		}
		seen[k.Value] = true
		out = append(out, [2]*yaml.Node{k, deref(n.Content[i+1])})
	}
	return out
}

func (p *mappingParser) str(n *yaml.Node, what string) string {
	n = deref(n)
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, "%s must be a single value", what)
		return ""
	}
	return n.Value
}

// strs reads a list of values; a single value is a list of one.
func (p *mappingParser) strs(n *yaml.Node, what string) []string {
	n = deref(n)
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s must be a list of values", what)
		return nil
	}
	var out []string
	for _, c := range n.Content {
		c = deref(c)
		if c.Kind != yaml.ScalarNode {
			p.errorf(c, "%s must be a list of single values", what)
			continue
		}
		out = append(out, c.Value)
	}
	return out
}

// use records that the mapping names column at node n.
func (p *mappingParser) use(column string, n *yaml.Node) {
	if column == "" {
		return
	}
	if _, ok := p.m.used[column]; !ok && n != nil {
		p.m.used[column] = n.Line
	}
}

func (p *mappingParser) column(name string, n *yaml.Node) string {
	c := strings.TrimSpace(name)
	if c == "" {
		p.errorf(n, "empty column name")
	}
	p.use(c, n)
	return c
}

func (p *mappingParser) parse(root *yaml.Node) {
	f, _ := p.fields(root, "the mapping", "dataset", "key", "record", "sources", "values", "columns", "groups", "entities", "relations")
	if n := f["dataset"]; n != nil {
		p.dataset(n)
	}
	// Value tables first: columns and entities name them.
	if n := f["values"]; n != nil {
		for _, kv := range p.pairs(n, "values") {
			p.tables[kv[0].Value] = p.valueTable(kv[1], "value table "+kv[0].Value, false)
		}
	}
	if n := f["columns"]; n != nil {
		for _, kv := range p.pairs(n, "columns") {
			p.columnSpec(kv[0], kv[1])
		}
	}
	if n := f["groups"]; n != nil {
		for _, kv := range p.pairs(n, "groups") {
			p.group(kv[0], kv[1])
		}
	}
	if n := f["key"]; n == nil {
		p.errorf(root, "the mapping needs a key: the columns whose values identify a row")
	} else {
		for _, c := range p.strs(n, "key") {
			p.m.key = append(p.m.key, p.column(c, n))
		}
		if len(p.m.key) == 0 {
			p.errorf(n, "key must name at least one column")
		}
	}
	if n := f["record"]; n == nil {
		p.errorf(root, "the mapping needs a record: the source that is the row itself")
	} else {
		p.recordSpec(n)
	}
	for _, c := range p.strs(f["sources"], "sources") {
		p.m.sources = append(p.m.sources, p.urlColumn(c, f["sources"]))
	}
	byName := map[string]*entitySpec{}
	if n := f["entities"]; n == nil {
		p.errorf(root, "the mapping needs entities")
	} else {
		for _, kv := range p.pairs(n, "entities") {
			if e := p.entity(kv[0], kv[1]); e != nil {
				byName[e.name] = e
				p.m.entities = append(p.m.entities, e)
			}
		}
	}
	if n := f["relations"]; n != nil {
		if n.Kind != yaml.SequenceNode {
			p.errorf(n, "relations must be a list")
		} else {
			for _, r := range n.Content {
				if rel := p.relation(deref(r), byName); rel != nil {
					p.m.relations = append(p.m.relations, rel)
				}
			}
		}
	}
	// Every key column must appear in the record's id, so that two rows
	// never make one record source.
	for _, k := range p.m.key {
		if !slices.Contains(p.m.record.id.columns(), k) && f["record"] != nil {
			p.errorf(f["record"], "the record's id must name every key column; it lacks {%s}", k)
		}
	}
}

func (p *mappingParser) dataset(n *yaml.Node) {
	f, _ := p.fields(n, "dataset", "id", "title", "version", "publisher", "url", "published", "licence", "language")
	d := &p.m.dataset
	d.ID, d.Title, d.Version = p.str(f["id"], "id"), p.str(f["title"], "title"), p.str(f["version"], "version")
	d.Publisher, d.URL = p.str(f["publisher"], "publisher"), p.str(f["url"], "url")
	d.Licence, d.Language = p.str(f["licence"], "licence"), p.str(f["language"], "language")
	if s := p.str(f["published"], "published"); s != "" {
		date, err := graph.ParseDate(s)
		if err != nil {
			p.errorf(f["published"], "published: %v", err)
		}
		d.Published = date
	}
}

// valueTable reads a table written inline (a mapping), by name (a value),
// or as a list of both (the first that has a row for a value decides).
// kinds: its values are kind names.
func (p *mappingParser) valueTable(n *yaml.Node, what string, kinds bool) *valueTable {
	n = deref(n)
	switch n.Kind {
	case yaml.ScalarNode:
		t, ok := p.tables[n.Value]
		if !ok {
			names := make([]string, 0, len(p.tables))
			for k := range p.tables {
				names = append(names, k)
			}
			sort.Strings(names)
			p.errorf(n, "%s: no value table %q (the mapping's values: %s)", what, n.Value, strings.Join(names, ", "))
			return &valueTable{line: n.Line, m: map[string]valueResult{}}
		}
		if kinds {
			p.checkKinds(t, n, what)
		}
		return t
	case yaml.SequenceNode:
		out := &valueTable{line: n.Line, m: map[string]valueResult{}}
		for _, c := range n.Content {
			t := p.valueTable(c, what, kinds)
			for k, v := range t.m {
				if _, ok := out.m[k]; !ok {
					out.m[k] = v
				}
			}
			if out.other == nil {
				out.other = t.other
			}
		}
		return out
	case yaml.MappingNode:
		out := &valueTable{line: n.Line, m: map[string]valueResult{}}
		for _, kv := range p.pairs(n, what) {
			v := p.str(kv[1], what+": "+kv[0].Value)
			r := valueResult{to: strings.TrimSpace(v)}
			switch r.to {
			case valueSkip:
				r = valueResult{skip: true}
			case valueKeep:
				r = valueResult{keep: true}
				if kinds {
					p.errorf(kv[1], "%s: %q: a kind table cannot keep the value (write a kind or skip)", what, kv[0].Value)
				}
			case "":
				p.errorf(kv[1], "%s: %q stands for nothing; write skip", what, kv[0].Value)
			default:
				if kinds && !graph.Kind(r.to).Valid() {
					p.errorf(kv[1], "%s: unknown kind %q (want one of %v, or skip)", what, r.to, graph.Kinds)
				}
			}
			if kv[0].Value == anyValue {
				rr := r
				out.other = &rr
				continue
			}
			out.m[strings.TrimSpace(kv[0].Value)] = r
		}
		return out
	}
	p.errorf(n, "%s must be a mapping of values, the name of a table of values, or a list of them", what)
	return &valueTable{line: n.Line, m: map[string]valueResult{}}
}

func (p *mappingParser) checkKinds(t *valueTable, n *yaml.Node, what string) {
	check := func(r valueResult) {
		if r.keep || (!r.skip && !graph.Kind(r.to).Valid()) {
			p.errorf(n, "%s: the table maps to %q, which is not a kind", what, r.to)
		}
	}
	for _, r := range t.m {
		check(r)
	}
	if t.other != nil {
		check(*t.other)
	}
}

func (p *mappingParser) columnSpec(k, n *yaml.Node) {
	name := p.column(k.Value, k)
	c := &columnSpec{name: name, line: k.Line}
	p.m.columns[name] = c
	f, _ := p.fields(n, "column "+name, "list", "values", "date", "precision")
	if l := f["list"]; l != nil {
		switch l.Kind {
		case yaml.ScalarNode:
			if l.Value == "python" {
				c.list = listPython
			} else if l.Value == "" {
				p.errorf(l, "column %s: list: want python or a separator such as \";\"", name)
			} else {
				c.list, c.sep, c.brackets = listSeparator, l.Value, true
			}
		default:
			lf, _ := p.fields(l, "column "+name+": list", "separator", "brackets")
			c.list, c.sep, c.brackets = listSeparator, p.str(lf["separator"], "separator"), true
			if c.sep == "" {
				p.errorf(l, "column %s: list needs a separator", name)
			}
			if b := p.str(lf["brackets"], "brackets"); b != "" {
				v, err := strconv.ParseBool(b)
				if err != nil {
					p.errorf(lf["brackets"], "column %s: brackets must be true or false", name)
				}
				c.brackets = v
			}
		}
	}
	if v := f["values"]; v != nil {
		c.values = p.valueTable(v, "column "+name+": values", false)
	}
	if d := f["date"]; d != nil {
		c.date = &dateSpec{precision: precisionAsWritten}
		for _, w := range p.strs(d, "date") {
			l, err := parseDateLayout(w)
			if err != nil {
				p.errorf(d, "column %s: date format %q: %v", name, w, err)
				continue
			}
			c.date.layouts = append(c.date.layouts, l)
		}
		if len(c.date.layouts) == 0 {
			p.errorf(d, "column %s: date needs at least one format such as YYYY-MM-DD", name)
		}
		if pr := f["precision"]; pr != nil {
			switch v := p.str(pr, "precision"); v {
			case precisionAsWritten, precisionFirstUnknown:
				c.date.precision = v
			default:
				p.errorf(pr, "column %s: precision %q: want %s or %s", name, v, precisionAsWritten, precisionFirstUnknown)
			}
		}
	} else if f["precision"] != nil {
		p.errorf(f["precision"], "column %s: precision without date", name)
	}
}

// parseDateLayout reads a date format written with YYYY, MM, DD, hh, mm, ss.
func parseDateLayout(s string) (dateLayout, error) {
	l := dateLayout{written: s}
	var b strings.Builder
	has := map[string]bool{}
	for i := 0; i < len(s); {
		matched := false
		for _, tok := range []struct{ w, g string }{{"YYYY", "2006"}, {"MM", "01"}, {"DD", "02"}, {"hh", "15"}, {"mm", "04"}, {"ss", "05"}} {
			if strings.HasPrefix(s[i:], tok.w) {
				if has[tok.w] {
					return l, fmt.Errorf("%s given twice", tok.w)
				}
				has[tok.w] = true
				b.WriteString(tok.g)
				i += len(tok.w)
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		c := s[i]
		if c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' {
			return l, fmt.Errorf("%q is neither YYYY, MM, DD, hh, mm, ss nor punctuation", s[i:])
		}
		b.WriteByte(c)
		i++
	}
	switch {
	case !has["YYYY"]:
		return l, fmt.Errorf("no YYYY")
	case has["DD"] && !has["MM"]:
		return l, fmt.Errorf("DD without MM")
	case has["DD"]:
		l.precision = graph.DayPrecision
	case has["MM"]:
		l.precision = graph.MonthPrecision
	default:
		l.precision = graph.YearPrecision
	}
	l.layout = b.String()
	return l, nil
}

func (p *mappingParser) group(k, n *yaml.Node) {
	g := &groupSpec{name: k.Value, line: k.Line}
	f, _ := p.fields(n, "group "+g.name, "columns", "key")
	for _, c := range p.strs(f["columns"], "columns") {
		col := p.column(c, f["columns"])
		spec := p.m.columns[col]
		switch {
		case spec == nil || spec.list == listNone:
			p.errorf(f["columns"], "group %s: column %s has no list syntax (give it one under columns)", g.name, col)
		case spec.group != nil:
			p.errorf(f["columns"], "group %s: column %s is already in group %s", g.name, col, spec.group.name)
		default:
			spec.group = g
		}
		g.columns = append(g.columns, col)
	}
	if len(g.columns) == 0 {
		p.errorf(n, "group %s needs columns", g.name)
	}
	for _, c := range p.strs(f["key"], "key") {
		col := p.column(c, f["key"])
		if !slices.Contains(g.columns, col) {
			p.errorf(f["key"], "group %s: key column %s is not one of the group's columns", g.name, col)
		}
		g.key = append(g.key, col)
	}
	p.m.groups = append(p.m.groups, g)
}

func (p *mappingParser) groupNamed(name string, n *yaml.Node) *groupSpec {
	for _, g := range p.m.groups {
		if g.name == name {
			return g
		}
	}
	p.errorf(n, "no group %q", name)
	return nil
}

// template parses a template and checks its references: allowed lists the
// specials it may use; id: it makes an id, so its literal text must be one.
func (p *mappingParser) template(n *yaml.Node, what string, id bool, allowed ...string) template {
	s := p.str(n, what)
	t, err := parseTemplate(s)
	if err != nil {
		p.errorf(n, "%s: %v", what, err)
		return t
	}
	for _, part := range t.parts {
		switch {
		case part.special != "" && !slices.Contains(allowed, part.special):
			if len(allowed) == 0 {
				p.errorf(n, "%s: {%s} cannot be used here", what, part.special)
			} else {
				p.errorf(n, "%s: {%s} cannot be used here (only {%s})", what, part.special, strings.Join(allowed, "}, {"))
			}
		case part.col != "":
			p.use(part.col, n)
		case id:
			for _, r := range part.lit {
				if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("._:-", r)) {
					p.errorf(n, "%s: %q: the text of an id template may hold only lower-case letters, digits and . _ : -", what, part.lit)
					break
				}
			}
		}
	}
	return t
}

// parseTemplate reads "text {column} {@special}"; "{{" and "}}" are braces.
func parseTemplate(s string) (template, error) {
	t := template{raw: s}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			t.parts = append(t.parts, templatePart{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "{{"):
			lit.WriteByte('{')
			i++
		case strings.HasPrefix(s[i:], "}}"):
			lit.WriteByte('}')
			i++
		case s[i] == '}':
			return t, fmt.Errorf("%q: a '}' without its '{' (write }} for a brace)", s)
		case s[i] == '{':
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				return t, fmt.Errorf("%q: a '{' without its '}'", s)
			}
			ref := strings.TrimSpace(s[i+1 : i+j])
			if ref == "" {
				return t, fmt.Errorf("%q: an empty {}", s)
			}
			flush()
			if strings.HasPrefix(ref, "@") {
				switch ref {
				case specialName, specialValue, specialN:
				default:
					return t, fmt.Errorf("%q: unknown {%s} (known: {@name}, {@value}, {@n})", s, ref)
				}
				t.parts = append(t.parts, templatePart{special: ref})
			} else {
				t.parts = append(t.parts, templatePart{col: ref})
			}
			i += j
		default:
			lit.WriteByte(s[i])
		}
	}
	flush()
	return t, nil
}

func (p *mappingParser) recordSpec(n *yaml.Node) {
	f, _ := p.fields(n, "record", "id", "title", "url", "published")
	r := &p.m.record
	r.line = n.Line
	if f["id"] == nil || f["title"] == nil {
		p.errorf(n, "record needs an id and a title (templates such as \"dataset-{ID}\")")
	}
	if f["id"] != nil {
		r.id = p.template(f["id"], "record id", true)
	}
	if f["title"] != nil {
		r.title = p.template(f["title"], "record title", false)
	}
	if f["url"] != nil {
		r.url = p.template(f["url"], "record url", false)
	}
	if f["published"] != nil {
		r.published = p.dateColumn(p.str(f["published"], "published"), f["published"], "record published")
	}
}

// dateColumn checks that column is declared as a date column.
func (p *mappingParser) dateColumn(column string, n *yaml.Node, what string) string {
	c := p.column(column, n)
	if spec := p.m.columns[c]; spec == nil || spec.date == nil {
		p.errorf(n, "%s: column %s is not a date column (declare its date formats under columns)", what, c)
	}
	return c
}

func (p *mappingParser) urlColumn(column string, n *yaml.Node) string {
	return p.column(column, n)
}

func (p *mappingParser) conditions(n *yaml.Node, what string) []condition {
	if n == nil {
		return nil
	}
	var out []condition
	for _, kv := range p.pairs(n, what) {
		c := condition{column: p.column(kv[0].Value, kv[0])}
		for _, v := range p.strs(kv[1], what+": "+kv[0].Value) {
			if len(v) >= 2 && strings.HasPrefix(v, "/") && strings.HasSuffix(v, "/") {
				re, err := regexp.Compile(v[1 : len(v)-1])
				if err != nil {
					p.errorf(kv[1], "%s: %s: %v", what, kv[0].Value, err)
					continue
				}
				c.res = append(c.res, re)
				continue
			}
			c.values = append(c.values, v)
		}
		out = append(out, c)
	}
	return out
}

func (p *mappingParser) cite(n *yaml.Node) string {
	if n == nil {
		return citeRow
	}
	switch v := p.str(n, "cite"); v {
	case citeRow, citeRecord, citeDataset:
		return v
	default:
		p.errorf(n, "cite %q: want row, record or dataset", v)
	}
	return citeRow
}

func (p *mappingParser) entity(k, n *yaml.Node) *entitySpec {
	e := &entitySpec{name: k.Value, line: k.Line, ids: map[graph.Kind]template{}}
	what := "entity " + e.name
	f, _ := p.fields(n, what, "kind", "each", "value", "values", "id", "name", "names", "description",
		"start", "end", "attributes", "when", "unless", "cite", "sources")
	if g := f["each"]; g != nil {
		e.each = p.groupNamed(p.str(g, "each"), g)
	}
	if v := f["value"]; v != nil {
		e.value = p.column(p.str(v, "value"), v)
		if e.each != nil && !slices.Contains(e.each.columns, e.value) {
			p.errorf(v, "%s: its value column %s is not in its group %s", what, e.value, e.each.name)
		}
	}
	if v := f["values"]; v != nil {
		if e.value == "" {
			p.errorf(v, "%s: values without a value column", what)
		}
		e.values = p.valueTable(v, what+": values", false)
	}
	specials := []string{}
	if e.value != "" {
		specials = append(specials, specialName, specialValue)
	}
	if e.each != nil {
		specials = append(specials, specialN)
	}
	// kind
	switch kn := f["kind"]; {
	case kn == nil:
		p.errorf(n, "%s needs a kind", what)
	case kn.Kind == yaml.ScalarNode:
		k := graph.Kind(kn.Value)
		if !k.Valid() {
			p.errorf(kn, "%s: unknown kind %q (want one of %v)", what, kn.Value, graph.Kinds)
		}
		e.kind.fixed = k
	case kn.Kind == yaml.SequenceNode:
		for _, r := range kn.Content {
			e.kind.rules = append(e.kind.rules, p.kindRule(deref(r), what))
		}
		if len(e.kind.rules) == 0 {
			p.errorf(kn, "%s: kind: an empty list of rules", what)
		}
	default:
		e.kind.rules = append(e.kind.rules, p.kindRule(kn, what))
	}
	country := e.kind.fixed == graph.Country
	if country && e.value == "" {
		p.errorf(n, "%s: a COUNTRY entity needs a value column (the country's name)", what)
	}
	if !country && slices.Contains(e.kind.possible(), graph.Country) {
		p.errorf(f["kind"], "%s: COUNTRY is given by kind: COUNTRY only, not through a table", what)
	}
	// id
	switch idn := f["id"]; {
	case country:
		if idn != nil {
			p.errorf(idn, "%s: a COUNTRY's id is its name's slug (\"united-states\"); give no id", what)
		}
	case idn == nil:
		p.errorf(n, "%s needs an id template", what)
	case idn.Kind == yaml.ScalarNode:
		e.ids[""] = p.template(idn, what+": id", true, specials...)
	default:
		for _, kv := range p.pairs(idn, what+": id") {
			kind := graph.Kind(kv[0].Value)
			if !kind.Valid() {
				p.errorf(kv[0], "%s: id: unknown kind %q", what, kv[0].Value)
			}
			e.ids[kind] = p.template(kv[1], what+": id for "+kv[0].Value, true, specials...)
		}
		for _, kind := range e.kind.possible() {
			if _, ok := e.ids[kind]; !ok {
				p.errorf(idn, "%s: id: no template for kind %s", what, kind)
			}
		}
	}
	// name
	switch nn := f["name"]; {
	case nn != nil:
		if country {
			p.errorf(nn, "%s: a COUNTRY is named by ISO 3166; give no name", what)
		}
		e.nameT = p.template(nn, what+": name", false, specials...)
	case e.value != "":
		e.nameT = template{raw: "{@name}", parts: []templatePart{{special: specialName}}}
	case !country:
		p.errorf(n, "%s needs a name template, or a value column", what)
	}
	if d := f["description"]; d != nil {
		e.description = p.template(d, what+": description", false, specials...)
	}
	e.names.parenthesis = parenKeep
	if nn := f["names"]; nn != nil {
		if e.value == "" || country {
			p.errorf(nn, "%s: names reads the names of a value column (not of a COUNTRY)", what)
		}
		e.names = p.names(nn, what)
	}
	if s := f["start"]; s != nil {
		e.start = p.dateColumn(p.str(s, "start"), s, what+": start")
	}
	if s := f["end"]; s != nil {
		e.end = p.dateColumn(p.str(s, "end"), s, what+": end")
	}
	if a := f["attributes"]; a != nil {
		e.attributes = p.attributes(a, what, specials)
	}
	e.when = p.conditions(f["when"], what+": when")
	e.unless = p.conditions(f["unless"], what+": unless")
	e.cite = p.cite(f["cite"])
	for _, c := range p.strs(f["sources"], "sources") {
		e.sources = append(e.sources, p.urlColumn(c, f["sources"]))
	}
	return e
}

// kindRule reads one rule of a kind: {column, values}, or {when, has, kind}.
func (p *mappingParser) kindRule(n *yaml.Node, what string) kindRule {
	var r kindRule
	f, _ := p.fields(n, what+": kind", "column", "values", "when", "has", "kind")
	switch {
	case f["column"] != nil || f["values"] != nil:
		if f["column"] == nil || f["values"] == nil || f["kind"] != nil || f["when"] != nil || f["has"] != nil {
			p.errorf(n, "%s: a kind read from a column needs column and values (and nothing else)", what)
			return r
		}
		r.column = p.column(p.str(f["column"], "column"), f["column"])
		r.table = p.valueTable(f["values"], what+": kind values", true)
	case f["kind"] != nil:
		r.kind = graph.Kind(p.str(f["kind"], "kind"))
		if !r.kind.Valid() {
			p.errorf(f["kind"], "%s: unknown kind %q (want one of %v)", what, r.kind, graph.Kinds)
		}
		r.when = p.conditions(f["when"], what+": kind: when")
		r.has = p.str(f["has"], "has")
	default:
		p.errorf(n, "%s: a kind rule is {column, values} or {kind, when, has}", what)
	}
	return r
}

func (p *mappingParser) names(n *yaml.Node, what string) nameSpec {
	f, _ := p.fields(n, what+": names", "split", "cut", "parenthesis", "note", "ids")
	s := nameSpec{split: p.str(f["split"], "split"), parenthesis: parenKeep, note: p.str(f["note"], "note")}
	for _, c := range p.strs(f["cut"], "cut") {
		if c = strings.TrimSpace(c); c != "" {
			s.cut = append(s.cut, c)
		}
	}
	if pn := f["parenthesis"]; pn != nil {
		switch v := p.str(pn, "parenthesis"); v {
		case parenKeep, parenAlias, parenAcronym, parenOut, parenAcronymNote:
			s.parenthesis = v
		default:
			p.errorf(pn, "%s: parenthesis %q: want keep, alias, acronym, note or acronym-note", what, v)
		}
	}
	if (s.parenthesis == parenOut || s.parenthesis == parenAcronymNote) && s.note == "" {
		p.errorf(n, "%s: parenthesis: %s needs note: the attribute that keeps it", what, s.parenthesis)
	}
	if len(s.cut) > 0 && s.note == "" {
		p.errorf(n, "%s: cut needs note: the attribute that keeps what is cut", what)
	}
	if ids := f["ids"]; ids != nil {
		for _, kv := range p.pairs(ids, what+": ids") {
			re, err := regexp.Compile(p.str(kv[1], "ids"))
			if err != nil {
				p.errorf(kv[1], "%s: ids: %s: %v", what, kv[0].Value, err)
				continue
			}
			if re.NumSubexp() > 1 {
				p.errorf(kv[1], "%s: ids: %s: at most one group, the id", what, kv[0].Value)
			}
			s.ids = append(s.ids, idPattern{key: kv[0].Value, re: re})
		}
	}
	return s
}

func (p *mappingParser) attributes(n *yaml.Node, what string, specials []string) []attributeSpec {
	var out []attributeSpec
	for _, kv := range p.pairs(n, what+": attributes") {
		a := attributeSpec{key: kv[0].Value}
		if kv[1].Kind == yaml.ScalarNode {
			a.t = p.template(kv[1], what+": attribute "+a.key, false, specials...)
		} else {
			af, _ := p.fields(kv[1], what+": attribute "+a.key, "column", "values")
			if af["column"] == nil || af["values"] == nil {
				p.errorf(kv[1], "%s: attribute %s: want a template, or column and values", what, a.key)
				continue
			}
			a.column = p.column(p.str(af["column"], "column"), af["column"])
			a.table = p.valueTable(af["values"], what+": attribute "+a.key, false)
		}
		out = append(out, a)
	}
	return out
}

func (p *mappingParser) relation(n *yaml.Node, byName map[string]*entitySpec) *relationSpec {
	f, _ := p.fields(n, "relation", "from", "type", "to", "role", "description", "start", "end", "when", "unless", "cite", "sources")
	r := &relationSpec{line: n.Line}
	end := func(key string) *entitySpec {
		v := f[key]
		if v == nil {
			p.errorf(n, "a relation needs %s", key)
			return nil
		}
		name := p.str(v, key)
		e, ok := byName[name]
		if !ok {
			p.errorf(v, "relation %s: no entity %q in entities", key, name)
		}
		return e
	}
	r.from, r.to = end("from"), end("to")
	if f["type"] == nil {
		p.errorf(n, "a relation needs a type")
	}
	for _, t := range p.strs(f["type"], "type") {
		if _, ok := graph.LookupRelationType(t); !ok {
			p.errorf(f["type"], "relation type %q is not in graph.Vocabulary", t)
			continue
		}
		r.types = append(r.types, t)
	}
	if r.from == nil || r.to == nil || len(r.types) == 0 {
		return nil
	}
	what := fmt.Sprintf("relation %s %s %s", r.from.name, strings.Join(r.types, "|"), r.to.name)
	if r.from.each != nil && r.to.each != nil && r.from.each != r.to.each {
		p.errorf(n, "%s: its ends are items of two groups (%s and %s); nothing pairs them", what, r.from.each.name, r.to.each.name)
		return nil
	}
	// Some kinds of the two ends must be joined by some type.
	fromKinds, toKinds := r.from.kind.possible(), r.to.kind.possible()
	ok := false
	for _, t := range r.types {
		rt, _ := graph.LookupRelationType(t)
		for _, fk := range fromKinds {
			for _, tk := range toKinds {
				ok = ok || rt.Allows(fk, tk)
			}
		}
	}
	if !ok && len(fromKinds) > 0 && len(toKinds) > 0 {
		p.errorf(n, "%s: %s cannot join a %v to a %v (see graph.Vocabulary)", what, strings.Join(r.types, " or "), fromKinds, toKinds)
	}
	var specials []string
	if r.group() != nil {
		specials = append(specials, specialN)
	}
	if v := f["role"]; v != nil {
		r.role = p.template(v, what+": role", false, specials...)
	}
	if v := f["description"]; v != nil {
		r.description = p.template(v, what+": description", false, specials...)
	}
	if s := f["start"]; s != nil {
		r.start = p.dateColumn(p.str(s, "start"), s, what+": start")
	}
	if s := f["end"]; s != nil {
		r.end = p.dateColumn(p.str(s, "end"), s, what+": end")
	}
	r.when = p.conditions(f["when"], what+": when")
	r.unless = p.conditions(f["unless"], what+": unless")
	r.cite = p.cite(f["cite"])
	for _, c := range p.strs(f["sources"], "sources") {
		r.sources = append(r.sources, p.urlColumn(c, f["sources"]))
	}
	return r
}

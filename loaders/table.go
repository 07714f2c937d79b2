package loaders

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/textmatch"
)

// Limits of a table: anything larger is refused.
const (
	MaxTableBytes = 256 << 20 // the whole CSV text
	MaxTableRows  = 1_000_000 // rows after the header
)

// maxTableErrors is how many problems an error lists before "and N more".
const maxTableErrors = 20

// TableOptions describes the dataset a table comes from, the mapping that
// reads it, and bounds its size. Fields of DatasetOptions left empty are
// taken from the mapping's dataset section.
type TableOptions struct {
	DatasetOptions
	Mapping *TableMapping

	Input    string // names the input in errors ("eurepoc.csv"); default "the table"
	MaxBytes int64  // 0 means MaxTableBytes; never more than it
	MaxRows  int    // 0 means MaxTableRows; never more than it
}

// TableReport says what an import made of a table.
type TableReport struct {
	Dataset   string             // the dataset source's title, and its licence
	Mapping   string             // the mapping's name (its file)
	Rows      int                // rows read, after the header
	Entities  map[graph.Kind]int // created, per kind
	Relations map[string]int     // created, per relation type
	Sources   map[string]int     // created, per origin (the dataset, records, URLs)
	Skipped   map[string]int     // values, entities and relations left out, per reason
	// Dropped counts the values the mapping's tables map to skip
	// ("Not available"), per column.
	Dropped map[string]int
	// Unmatched counts the values no table row or country matches, per
	// column, in how many rows: "receiver_country" -> "Europe (region)" -> 38.
	Unmatched map[string]map[string]int
	// Misaligned counts, per group, the rows whose group columns hold
	// different numbers of values (the group is left out of them), and
	// MisalignedKeys names the first of them by key.
	Misaligned     map[string]int
	MisalignedKeys map[string][]string
}

// Reasons something is left out, as the report counts them.
const (
	skipTableMisaligned   = "group whose columns hold different numbers of values (the group is left out of the row)"
	skipTableUnmatched    = "value no table row matches"
	skipTableCountry      = "country name not resolved to ISO 3166-1"
	skipTableNoName       = "entity without a name"
	skipTableNoKind       = "entity whose kind no rule gives (no table row matches)"
	skipTableKindConflict = "entity whose id an entity of another kind already has"
	skipTableRelKinds     = "relation between kinds its type does not join"
	skipTableRelSelf      = "relation from an entity to itself"
	skipTableEndBefore    = "end date before the start date (the end is dropped; once per row and pair of columns)"
	skipTableBadURL       = "URL that is not http(s) (not a source)"

	sourceTableRecord = "records (one per row)"
	sourceTableURL    = "URLs in the rows"

	unmatchedTableRelKinds = "relation kinds"
	maxMisalignedKeys      = 10
)

func (rep *TableReport) unmatched(column, value string) {
	if rep.Unmatched == nil {
		rep.Unmatched = map[string]map[string]int{}
	}
	if rep.Unmatched[column] == nil {
		rep.Unmatched[column] = map[string]int{}
	}
	rep.Unmatched[column][value]++
}

// maxUnmatchedShown is how many values of one column String lists.
const maxUnmatchedShown = 25

// String writes the report as a few aligned tables, largest counts first.
func (rep TableReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "table import of %s with %s\n", rep.Dataset, rep.Mapping)
	fmt.Fprintf(&b, "rows read: %d\n", rep.Rows)
	writeCounts(&b, "entities created", kindCounts(rep.Entities), 0)
	writeCounts(&b, "relations created", rep.Relations, 0)
	writeCounts(&b, "sources created", rep.Sources, 0)
	writeCounts(&b, "skipped", rep.Skipped, 0)
	writeCounts(&b, "values the mapping skips", rep.Dropped, 0)
	for _, g := range slices.Sorted(maps.Keys(rep.Misaligned)) {
		more := ""
		if n := rep.Misaligned[g] - len(rep.MisalignedKeys[g]); n > 0 {
			more = fmt.Sprintf(" and %d more", n)
		}
		fmt.Fprintf(&b, "group %s left out of %d rows: %s%s\n", g, rep.Misaligned[g], strings.Join(rep.MisalignedKeys[g], ", "), more)
	}
	writeUnmatched(&b, rep.Unmatched, maxUnmatchedShown)
	return b.String()
}

// ReadTable reads a CSV table (a header row, then one record per row) and
// returns what its mapping makes of it: entities, relations and sources.
//
// Reading is all or nothing: a malformed CSV, a column the mapping names
// that the header lacks, a malformed list or date, a duplicate key, a row
// without a key, too many rows or bytes give an error naming the line and
// column (up to maxTableErrors problems) and no batch. Values the mapping
// cannot place (an unknown country, a value no table row matches, a
// relation the vocabulary forbids between the kinds it would join) are left
// out and counted in the report. The batch passes graph's validation; the
// same input gives the same batch.
func ReadTable(r io.Reader, opts TableOptions) (graph.Batch, TableReport, error) {
	x, err := newTableReader(opts)
	if err != nil {
		return graph.Batch{}, TableReport{}, err
	}
	if err := x.read(r); err != nil {
		return graph.Batch{}, TableReport{}, err
	}
	b := x.batch()
	if err := x.failed(); err != nil {
		return graph.Batch{}, TableReport{}, err
	}
	return b, x.report, nil
}

type tableReader struct {
	opts    TableOptions
	m       *TableMapping
	dataset dataset
	input   string
	report  TableReport
	header  map[string]int
	// usedCols are the columns the mapping names, in the header's order.
	usedCols []string
	keys     map[string]int // row key -> line
	dates    map[dateKey]graph.PartialDate
	sources  map[string]graph.Source
	origin   map[string]string
	// entities and relations by id, with the line that first made them.
	entities  map[string]*tableEntity
	relations map[string]*tableRelation
	problems
}

type tableEntity struct {
	e    graph.Entity
	line int
}

type tableRelation struct {
	r    graph.Relation
	line int
}

func newTableReader(opts TableOptions) (*tableReader, error) {
	if opts.Mapping == nil {
		return nil, Errors{"table import: no mapping (TableOptions.Mapping)"}
	}
	d := opts.DatasetOptions
	md := opts.Mapping.dataset
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&d.ID, md.ID)
	fill(&d.Title, md.Title)
	fill(&d.Version, md.Version)
	fill(&d.Publisher, md.Publisher)
	fill(&d.URL, md.URL)
	fill(&d.Licence, md.Licence)
	fill(&d.Language, md.Language)
	if d.Published.IsZero() {
		d.Published = md.Published
	}
	ds, err := d.resolve("table import")
	if err != nil {
		return nil, err
	}
	if opts.MaxBytes <= 0 || opts.MaxBytes > MaxTableBytes {
		opts.MaxBytes = MaxTableBytes
	}
	if opts.MaxRows <= 0 || opts.MaxRows > MaxTableRows {
		opts.MaxRows = MaxTableRows
	}
	x := &tableReader{
		problems: problems{max: maxTableErrors},
		opts:     opts, m: opts.Mapping, dataset: ds, input: opts.Input,
		keys: map[string]int{}, dates: map[dateKey]graph.PartialDate{},
		sources: map[string]graph.Source{}, origin: map[string]string{},
		entities: map[string]*tableEntity{}, relations: map[string]*tableRelation{},
	}
	if x.input == "" {
		x.input = "the table"
	}
	x.report.Dataset = ds.reportTitle()
	x.report.Mapping = opts.Mapping.name
	x.addSource(ds.source(), sourceDataset)
	return x, nil
}

func (x *tableReader) problem(line int, format string, args ...any) {
	where := x.input
	if line > 0 {
		where = fmt.Sprintf("%s:%d", x.input, line)
	}
	x.problems.add(where, format, args...)
}

func (x *tableReader) skip(reason string) { bump(&x.report.Skipped, reason) }

// tableBytes stops reading past the limit.
type tableBytes struct {
	r     io.Reader
	n     int64
	limit int64
}

var errTableTooLarge = errors.New("table too large")

func (b *tableBytes) Read(p []byte) (int, error) {
	if b.n >= b.limit {
		// One byte more tells a table of exactly limit bytes from a larger one.
		var one [1]byte
		n, err := b.r.Read(one[:])
		if n > 0 {
			return 0, errTableTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > b.limit-b.n {
		p = p[:b.limit-b.n]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	return n, err
}

// row is one record of the table: the cells the mapping names, read.
type row struct {
	line  int
	key   string
	cells map[string]*cellValue
	// groups: the items of each group, or nil when the group is left out.
	groups map[*groupSpec]*groupItems
	// endBefore: the pairs of date columns whose end was found before the start.
	endBefore map[[2]string]bool
	// badURLs: the column and value of the URLs that are not http(s).
	badURLs map[[2]string]bool
	// unmatched: the reason, column and value of what was reported unmatched.
	unmatched map[[3]string]bool
}

// cellValue is a cell read as its column says: one item per list position
// (a non-list column has one), each with its values, which the column's
// table has cleaned ("" and skipped values are gone).
type cellValue struct {
	items [][]string
}

// all is every value of the cell, in order.
func (c *cellValue) all() []string {
	if c == nil {
		return nil
	}
	if len(c.items) == 1 {
		return c.items[0]
	}
	var out []string
	for _, it := range c.items {
		out = append(out, it...)
	}
	return out
}

// groupItems: the positions of a group in one row, and the number ({@n})
// of each: positions whose key columns agree share a number.
type groupItems struct {
	count int
	n     []int
}

// context is where a template or a column is read: the row, or one item
// (position) of a group.
type context struct {
	row   *row
	group *groupSpec
	pos   int // -1: the row
	n     int // the item's number, 1-based
}

// values returns the values of column in the context: the item's when the
// column belongs to the context's group, else every value of the cell.
func (c context) values(column string) []string {
	cell := c.row.cells[column]
	if cell == nil {
		return nil
	}
	if c.pos >= 0 && slices.Contains(c.group.columns, column) {
		if c.pos < len(cell.items) {
			return cell.items[c.pos]
		}
		return nil // the column is empty in this row
	}
	return cell.all()
}

func (x *tableReader) read(r io.Reader) error {
	in := &tableBytes{r: r, limit: x.opts.MaxBytes}
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	fatal := func(err error) error {
		var pe *csv.ParseError
		switch {
		case errors.Is(err, errTableTooLarge):
			return Errors{fmt.Sprintf("%s: larger than %d bytes", x.input, x.opts.MaxBytes)}
		case errors.As(err, &pe):
			return Errors{fmt.Sprintf("%s:%d:%d: malformed CSV: %v", x.input, pe.Line, pe.Column, pe.Err)}
		}
		return Errors{fmt.Sprintf("%s: reading: %v", x.input, err)}
	}
	head, err := cr.Read()
	if err == io.EOF {
		return Errors{fmt.Sprintf("%s: the table is empty (no header)", x.input)}
	}
	if err != nil {
		return fatal(err)
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\uFEFF")
	}
	x.header = map[string]int{}
	for i, h := range head {
		h = strings.TrimSpace(h)
		if j, dup := x.header[h]; dup {
			x.problem(1, "the header names column %q twice (fields %d and %d)", h, j+1, i+1)
		}
		x.header[h] = i
	}
	for _, c := range slices.Sorted(maps.Keys(x.m.used)) {
		if _, ok := x.header[c]; !ok {
			x.problem(1, "no column %q in the header (the mapping names it at %s:%d)", c, x.m.name, x.m.used[c])
		}
	}
	if len(x.errs) > 0 {
		return x.failed()
	}
	x.usedCols = slices.Collect(maps.Keys(x.m.used))
	sort.Slice(x.usedCols, func(i, j int) bool { return x.header[x.usedCols[i]] < x.header[x.usedCols[j]] })
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fatal(err)
		}
		line, _ := cr.FieldPos(0)
		x.report.Rows++
		if x.report.Rows > x.opts.MaxRows {
			return Errors{fmt.Sprintf("%s:%d: more than %d rows", x.input, line, x.opts.MaxRows)}
		}
		if len(rec) != len(head) {
			_, col := cr.FieldPos(len(rec) - 1)
			x.problem(line, "%d fields, but the header has %d (the row's last field starts at column %d)", len(rec), len(head), col)
			continue
		}
		rw := x.row(rec, line, cr)
		if rw == nil || len(x.errs) > 0 {
			continue // keep finding problems, build nothing
		}
		x.build(rw)
	}
	return x.failed()
}

// row reads the cells of one record; nil when one is malformed.
func (x *tableReader) row(rec []string, line int, cr *csv.Reader) *row {
	rw := &row{line: line, cells: map[string]*cellValue{}, groups: map[*groupSpec]*groupItems{}}
	ok := true
	for _, col := range x.usedCols {
		i := x.header[col]
		spec := x.m.columns[col]
		cell, err := readCell(rec[i], spec)
		if err != nil {
			l, c := cr.FieldPos(i)
			x.problem(l, "column %s (field %d, at column %d): %v", col, i+1, c, err)
			ok = false
			continue
		}
		if spec != nil {
			for _, it := range cell.items {
				for j, v := range it {
					// A column's table cleans: values it does not list stay as they are.
					if out, skip, ok := spec.values.lookup(v); skip {
						bump(&x.report.Dropped, col)
						it[j] = ""
					} else if ok {
						it[j] = out
					}
				}
			}
		}
		for k, it := range cell.items {
			cell.items[k] = slices.DeleteFunc(it, func(s string) bool { return s == "" })
		}
		if spec != nil && spec.date != nil {
			for _, v := range cell.all() {
				if _, err := x.date(v, spec.date); err != nil {
					l, _ := cr.FieldPos(i)
					x.problem(l, "column %s: %q is not a date in the format %s", col, v, spec.date.formats())
					ok = false
				}
			}
		}
		rw.cells[col] = cell
	}
	if !ok {
		return nil
	}
	var key []string
	for _, k := range x.m.key {
		v := strings.Join(rw.cells[k].all(), "; ")
		if v == "" {
			x.problem(line, "no key: column %s is empty", k)
			return nil
		}
		key = append(key, k+"="+v)
	}
	rw.key = strings.Join(key, ", ")
	if first, dup := x.keys[rw.key]; dup {
		x.problem(line, "duplicate key %s (first at line %d)", rw.key, first)
		return nil
	}
	x.keys[rw.key] = line
	return rw
}

func (d *dateSpec) formats() string {
	var w []string
	for _, l := range d.layouts {
		w = append(w, l.written)
	}
	return strings.Join(w, " or ")
}

// readCell reads a cell as its column's list syntax says. Values are
// trimmed; a Python None is empty.
func readCell(raw string, spec *columnSpec) (*cellValue, error) {
	raw = strings.TrimSpace(raw)
	if spec == nil || spec.list == listNone {
		return &cellValue{items: [][]string{{raw}}}, nil
	}
	if raw == "" {
		return &cellValue{}, nil
	}
	var items [][]string
	switch spec.list {
	case listPython:
		v, err := parsePythonList(raw)
		if err != nil {
			return nil, err
		}
		items = v
	case listSeparator:
		for _, s := range splitList(raw, spec.sep, spec.brackets) {
			items = append(items, []string{strings.TrimSpace(s)})
		}
	}
	return &cellValue{items: items}, nil
}

// splitList splits s at sep, but not inside brackets when brackets is set.
func splitList(s, sep string, brackets bool) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); {
		c := s[i]
		if brackets {
			switch c {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				if depth > 0 {
					depth--
				}
			}
		}
		if depth == 0 && strings.HasPrefix(s[i:], sep) {
			out = append(out, s[start:i])
			i += len(sep)
			start = i
			continue
		}
		i++
	}
	return append(out, s[start:])
}

// parsePythonList reads a Python list literal of strings, or of lists of
// strings: ['a', "b's"] or [['a', 'b'], ['c']]. None is an empty value.
func parsePythonList(s string) ([][]string, error) {
	p := &pyParser{s: s}
	p.space()
	if !p.eat('[') {
		return nil, p.fail("a list must start with [")
	}
	var out [][]string
	for first := true; ; first = false {
		p.space()
		if p.eat(']') {
			break
		}
		if !first {
			if !p.eat(',') {
				return nil, p.fail("want , or ]")
			}
			p.space()
			if p.eat(']') { // a trailing comma
				break
			}
		}
		if p.peek() == '[' {
			p.i++
			var inner []string
			for firstInner := true; ; firstInner = false {
				p.space()
				if p.eat(']') {
					break
				}
				if !firstInner {
					if !p.eat(',') {
						return nil, p.fail("want , or ]")
					}
					p.space()
					if p.eat(']') {
						break
					}
				}
				v, err := p.scalar()
				if err != nil {
					return nil, err
				}
				inner = append(inner, v)
			}
			out = append(out, inner)
			continue
		}
		v, err := p.scalar()
		if err != nil {
			return nil, err
		}
		out = append(out, []string{v})
	}
	p.space()
	if p.i != len(p.s) {
		return nil, p.fail("text after the end of the list")
	}
	return out, nil
}

type pyParser struct {
	s string
	i int
}

func (p *pyParser) fail(why string) error {
	return fmt.Errorf("malformed Python list at character %d: %s", p.i+1, why)
}

func (p *pyParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *pyParser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *pyParser) eat(c byte) bool {
	if p.peek() == c {
		p.i++
		return true
	}
	return false
}

// scalar reads a string literal, None, or a bare number.
func (p *pyParser) scalar() (string, error) {
	switch c := p.peek(); {
	case c == '\'' || c == '"':
		return p.str()
	case c == '-' || c == '+' || c == '_' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
		// A number or a name (None, True, nan): None is empty, the others as written.
		j := p.i
		for p.i < len(p.s) && strings.IndexByte(",] \t\r\n", p.s[p.i]) < 0 {
			p.i++
		}
		if w := p.s[j:p.i]; w != "None" {
			return w, nil
		}
		return "", nil
	}
	return "", p.fail("want a string")
}

// str reads a Python string literal with its escapes.
func (p *pyParser) str() (string, error) {
	q := p.s[p.i]
	p.i++
	var b strings.Builder
	for {
		if p.i >= len(p.s) {
			return "", p.fail("a string is not closed")
		}
		c := p.s[p.i]
		switch {
		case c == q:
			p.i++
			return b.String(), nil
		case c == '\\' && p.i+1 < len(p.s):
			e := p.s[p.i+1]
			p.i += 2
			switch e {
			case '\\', '\'', '"':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'x', 'u', 'U':
				n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
				if p.i+n > len(p.s) {
					return "", p.fail("a short \\" + string(e) + " escape")
				}
				v, err := strconv.ParseUint(p.s[p.i:p.i+n], 16, 32)
				if err != nil || !utf8.ValidRune(rune(v)) {
					return "", p.fail("a malformed \\" + string(e) + " escape")
				}
				b.WriteRune(rune(v))
				p.i += n
			default: // Python keeps unknown escapes as written
				b.WriteByte('\\')
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
			p.i++
		}
	}
}

// dateKey is a value of a date column, with the column's formats and rule.
type dateKey struct {
	spec *dateSpec
	v    string
}

// date reads a value of a date column (cached: in one column, the same
// text is the same date).
func (x *tableReader) date(v string, spec *dateSpec) (graph.PartialDate, error) {
	if d, ok := x.dates[dateKey{spec, v}]; ok {
		return d, nil
	}
	for _, l := range spec.layouts {
		t, err := time.Parse(l.layout, v)
		if err != nil || t.Year() < 1 || t.Year() > 9999 {
			continue
		}
		d := graph.PartialDate{Year: t.Year()}
		if l.precision >= graph.MonthPrecision {
			d.Month = int(t.Month())
		}
		if l.precision >= graph.DayPrecision {
			d.Day = t.Day()
		}
		if spec.precision == precisionFirstUnknown {
			// The first of a month stands for the month; 1 January for the year.
			if d.Day == 1 {
				d.Day = 0
				if d.Month == 1 {
					d.Month = 0
				}
			} else if d.Day == 0 && d.Month == 1 {
				d.Month = 0
			}
		}
		x.dates[dateKey{spec, v}] = d
		return d, nil
	}
	return graph.PartialDate{}, fmt.Errorf("not a date")
}

// dateIn returns the date of a date column in a context: the earliest of
// its values for a start, the latest for an end.
func (x *tableReader) dateIn(column string, c context, latest bool) graph.PartialDate {
	if column == "" {
		return graph.PartialDate{}
	}
	var out graph.PartialDate
	for _, v := range c.values(column) {
		d, err := x.date(v, x.m.columns[column].date)
		if err != nil {
			continue // reported when the row was read
		}
		if out.IsZero() || (!latest && d.First() < out.First()) || (latest && d.Last() > out.Last()) {
			out = d
		}
	}
	return out
}

// The sources of one row, by how much of it a claim cites.
type rowSources struct {
	dataset, record, row []string
}

func (s rowSources) cite(level string) []string {
	switch level {
	case citeDataset:
		return s.dataset
	case citeRecord:
		return s.record
	}
	return s.row
}

// instance is an entity a spec made in a row, and the position it came from.
type instance struct {
	id   string
	kind graph.Kind
	pos  int // -1: the row
}

// build makes what the mapping says of one row.
func (x *tableReader) build(rw *row) {
	rc := context{row: rw, pos: -1}
	// The record, and the URLs of the row.
	rec := x.m.record
	recID := x.idFrom(rec.id, rc, nil)
	pub := x.dataset.Published
	if rec.published != "" {
		if d := x.dateIn(rec.published, rc, false); !d.IsZero() {
			pub = d
		}
	}
	title, _ := x.text(rec.title, rc, nil)
	recURL, _ := x.text(rec.url, rc, nil)
	if recURL != "" {
		if u, ok := cleanURL(recURL); ok {
			recURL = u
		} else {
			x.skip(skipTableBadURL)
			recURL = ""
		}
	}
	x.addSource(graph.Source{ID: recID, Title: title, Publisher: x.dataset.Publisher, URL: recURL,
		Published: pub, Language: x.dataset.Language}, sourceTableRecord)
	src := rowSources{dataset: []string{x.dataset.id}, record: []string{x.dataset.id, recID}}
	src.row = append(slices.Clone(src.record), x.urls(x.m.sources, rc)...)

	// Groups: their items, or nothing when their columns disagree.
	for _, g := range x.m.groups {
		count := -1
		for _, c := range g.columns {
			n := len(rw.cells[c].items)
			if n == 0 {
				continue // an empty cell: the column has nothing for any item
			}
			if count >= 0 && n != count {
				count = -2
				break
			}
			count = n
		}
		if count == -2 {
			x.skip(skipTableMisaligned)
			bump(&x.report.Misaligned, g.name)
			if x.report.MisalignedKeys == nil {
				x.report.MisalignedKeys = map[string][]string{}
			}
			if len(x.report.MisalignedKeys[g.name]) < maxMisalignedKeys {
				x.report.MisalignedKeys[g.name] = append(x.report.MisalignedKeys[g.name], rw.key)
			}
			continue
		}
		items := &groupItems{count: max(count, 0)}
		seen := map[string]int{}
		for pos := 0; pos < items.count; pos++ {
			n := pos + 1
			if len(g.key) > 0 {
				var k []string
				for _, c := range g.key {
					k = append(k, strings.Join(context{row: rw, group: g, pos: pos}.values(c), "\x1f"))
				}
				ks := strings.Join(k, "\x1e")
				if m, ok := seen[ks]; ok {
					n = m
				} else {
					n = len(seen) + 1
					seen[ks] = n
				}
			}
			items.n = append(items.n, n)
		}
		rw.groups[g] = items
	}

	made := map[*entitySpec][]instance{}
	for _, spec := range x.m.entities {
		for _, c := range x.contexts(rw, spec.each) {
			made[spec] = append(made[spec], x.instances(spec, c, src)...)
		}
	}
	for _, rs := range x.m.relations {
		x.relationsOf(rs, made, rw, src)
	}
}

// contexts are the row, or the items of group g in it.
func (x *tableReader) contexts(rw *row, g *groupSpec) []context {
	if g == nil {
		return []context{{row: rw, pos: -1}}
	}
	items := rw.groups[g]
	if items == nil {
		return nil
	}
	out := make([]context, items.count)
	for i := range out {
		out[i] = context{row: rw, group: g, pos: i, n: items.n[i]}
	}
	return out
}

// applies reports whether a spec's when conditions all hold and none of its
// unless conditions does.
func (x *tableReader) applies(when, unless []condition, c context, valueColumn, raw string) bool {
	if !x.holds(when, c, valueColumn, raw) {
		return false
	}
	for _, cond := range unless {
		if x.holds([]condition{cond}, c, valueColumn, raw) {
			return false
		}
	}
	return true
}

// holds reports whether every condition holds in the context: the column
// holds one of the condition's values ("" holds when it is empty). For the
// value column of a value entity, only the value at hand (raw) counts.
func (x *tableReader) holds(conds []condition, c context, valueColumn, raw string) bool {
	for _, cond := range conds {
		vals := c.values(cond.column)
		if valueColumn != "" && cond.column == valueColumn {
			vals = []string{raw}
		}
		ok := len(vals) == 0 && slices.Contains(cond.values, "")
		for _, v := range vals {
			ok = ok || cond.match(v)
		}
		if !ok {
			return false
		}
	}
	return true
}

// value is one value of a value column, parsed as a name.
type value struct {
	raw, name string
	aliases   []string
	attrs     []graph.Attribute
}

// text evaluates a template; empty is true when it has references and all
// of them are empty (the template says nothing).
func (x *tableReader) text(t template, c context, v *value) (string, bool) {
	var b strings.Builder
	refs, empty := 0, 0
	for _, p := range t.parts {
		var s string
		switch {
		case p.lit != "":
			b.WriteString(p.lit)
			continue
		case p.col != "":
			s = strings.Join(c.values(p.col), "; ")
		case p.special == specialN:
			s = strconv.Itoa(c.n)
		case p.special == specialName && v != nil:
			s = v.name
		case p.special == specialValue && v != nil:
			s = v.raw
		}
		refs++
		if s == "" {
			empty++
		}
		b.WriteString(s)
	}
	return strings.TrimSpace(b.String()), refs > 0 && refs == empty
}

// idFrom evaluates an id template: every reference becomes a slug.
func (x *tableReader) idFrom(t template, c context, v *value) string {
	var b strings.Builder
	for _, p := range t.parts {
		switch {
		case p.lit != "":
			b.WriteString(p.lit)
		case p.col != "":
			b.WriteString(idSlug(strings.Join(c.values(p.col), " ")))
		case p.special == specialN:
			b.WriteString(strconv.Itoa(c.n))
		case p.special == specialName && v != nil:
			b.WriteString(idSlug(v.name))
		case p.special == specialValue && v != nil:
			b.WriteString(idSlug(v.raw))
		}
	}
	return fitID(b.String())
}

// idSlug is a slug for ids, accents folded away; text with no letter or
// digit a slug keeps gets a hash.
func idSlug(s string) string {
	if out := slug(textmatch.Fold(s)); out != "" {
		return out
	}
	if s == "" {
		return ""
	}
	h := sha256.Sum256([]byte(s))
	return "x" + hex.EncodeToString(h[:6])
}

// fitID keeps ids within graph's 200 characters: a longer one keeps its
// first 183 and ends with 16 hexadecimal digits of its hash.
func fitID(id string) string {
	if len(id) <= 200 {
		return id
	}
	h := sha256.Sum256([]byte(id))
	return strings.TrimRight(id[:183], "-.:_") + "-" + hex.EncodeToString(h[:8])
}

// cleanURL trims a URL, escapes its spaces, and checks it is http(s).
func cleanURL(raw string) (string, bool) {
	raw = strings.ReplaceAll(strings.TrimSpace(raw), " ", "%20")
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", false
	}
	return raw, true
}

// urls makes sources of the URLs of columns in the context and returns their ids.
func (x *tableReader) urls(columns []string, c context) []string {
	var ids []string
	for _, col := range columns {
		for _, raw := range c.values(col) {
			u, ok := cleanURL(raw)
			if !ok {
				// Counted once per row, column and value, however many claims cite it.
				k := [2]string{col, raw}
				if !c.row.badURLs[k] {
					if c.row.badURLs == nil {
						c.row.badURLs = map[[2]string]bool{}
					}
					c.row.badURLs[k] = true
					x.skip(skipTableBadURL)
				}
				continue
			}
			parsed, _ := url.Parse(u)
			id := sourceID(parsed, u)
			if old, ok := x.sources[id]; ok && old.URL != u {
				x.problem(c.row.line, "the URLs %s and %s have the same source id %s", old.URL, u, id)
				continue
			}
			x.addSource(graph.Source{ID: id, Title: u, URL: u}, sourceTableURL)
			ids = append(ids, id)
		}
	}
	return ids
}

func (x *tableReader) addSource(s graph.Source, origin string) {
	if _, ok := x.sources[s.ID]; ok {
		return
	}
	x.sources[s.ID] = s
	x.origin[s.ID] = origin
}

// instances makes the entities of a spec in one context.
func (x *tableReader) instances(spec *entitySpec, c context, src rowSources) []instance {
	sources := src.cite(spec.cite)
	if spec.cite != citeDataset && len(spec.sources) > 0 {
		sources = append(slices.Clone(sources), x.urls(spec.sources, c)...)
	}
	if spec.value == "" {
		if !x.applies(spec.when, spec.unless, c, "", "") {
			return nil
		}
		kind, ok := x.kindOf(spec, c, nil, "")
		if !ok {
			return nil
		}
		if in, ok := x.entity(spec, c, nil, kind, sources); ok {
			return []instance{in}
		}
		return nil
	}
	var out []instance
	for _, raw := range c.values(spec.value) {
		if !x.applies(spec.when, spec.unless, c, spec.value, raw) {
			continue
		}
		mapped, skip, ok := spec.values.lookup(raw)
		switch {
		case skip:
			bump(&x.report.Dropped, spec.value+" (as "+spec.name+")")
			continue
		case !ok:
			x.unmatched(c.row, skipTableUnmatched, spec.value, raw)
			continue
		}
		if spec.kind.fixed == graph.Country {
			ctry, ok := lookupCountry(mapped)
			if !ok {
				x.unmatched(c.row, skipTableCountry, spec.value, raw)
				continue
			}
			e := ctry.entity(nil)
			if in, ok := x.addEntity(spec, c, e, &value{raw: mapped, name: e.Name}, sources); ok {
				out = append(out, in)
			}
			continue
		}
		v := spec.names.parse(mapped)
		kind, ok := x.kindOf(spec, c, &v, raw)
		if !ok {
			continue
		}
		if in, ok := x.entity(spec, c, &v, kind, sources); ok {
			out = append(out, in)
		}
	}
	return out
}

// unmatched counts a value of a column that nothing matched, once per row
// (two specs that read the column would count it twice).
func (x *tableReader) unmatched(rw *row, reason, column, value string) {
	k := [3]string{reason, column, value}
	if rw.unmatched[k] {
		return
	}
	if rw.unmatched == nil {
		rw.unmatched = map[[3]string]bool{}
	}
	rw.unmatched[k] = true
	x.skip(reason)
	x.report.unmatched(column, value)
}

// kindOf is the spec's kind for a value (v, read from the cell's raw; nil
// for a spec without value column): the first of its rules that gives one.
// False when a table says skip, or no rule gives a kind.
func (x *tableReader) kindOf(spec *entitySpec, c context, v *value, raw string) (graph.Kind, bool) {
	if spec.kind.fixed != "" {
		return spec.kind.fixed, true
	}
	for _, r := range spec.kind.rules {
		if r.table == nil {
			if !x.holds(r.when, c, spec.value, raw) {
				continue
			}
			if r.has != "" && (v == nil || !slices.ContainsFunc(v.attrs, func(a graph.Attribute) bool { return a.Key == r.has })) {
				continue
			}
			return r.kind, true
		}
		var val string
		if vals := c.values(r.column); len(vals) > 0 {
			val = vals[0]
		}
		if r.column == spec.value && v != nil {
			val = raw
		}
		k, skip, ok := r.table.lookup(val)
		switch {
		case skip:
			bump(&x.report.Dropped, r.column+" (kind of "+spec.name+")")
			return "", false
		case ok:
			return graph.Kind(k), true
		}
		x.skip(skipTableNoKind)
		x.report.unmatched(r.column+" (kind of "+spec.name+")", val)
		return "", false
	}
	x.skip(skipTableNoKind)
	return "", false
}

// entity makes one entity of a spec (v is its value, for value columns).
func (x *tableReader) entity(spec *entitySpec, c context, v *value, kind graph.Kind, sources []string) (instance, bool) {
	t, ok := spec.ids[kind]
	if !ok {
		t = spec.ids[""]
	}
	e := graph.Entity{ID: x.idFrom(t, c, v), Kind: kind}
	name, empty := x.text(spec.nameT, c, v)
	if empty || name == "" {
		x.skip(skipTableNoName)
		return instance{}, false
	}
	e.Name = name
	if v != nil {
		e.Aliases = v.aliases
	}
	return x.addEntity(spec, c, e, v, sources)
}

// addEntity completes an entity (description, dates, attributes, sources)
// and adds it, or merges it into the one with its id.
func (x *tableReader) addEntity(spec *entitySpec, c context, e graph.Entity, v *value, sources []string) (instance, bool) {
	if !spec.description.isZero() {
		if d, empty := x.text(spec.description, c, v); !empty {
			e.Description = d
		}
	}
	e.Start = x.dateIn(spec.start, c, false)
	e.End = x.dateIn(spec.end, c, true)
	if !e.Start.IsZero() && !e.End.IsZero() && e.End.Last() < e.Start.First() {
		x.endBefore(c.row, spec.start, spec.end)
		e.End = graph.PartialDate{}
	}
	if v != nil {
		e.Attributes = append(e.Attributes, v.attrs...)
	}
	for _, a := range spec.attributes {
		if val := x.attribute(a, spec, c, v); val != "" {
			e.Attributes = append(e.Attributes, graph.Attribute{Key: a.key, Value: val})
		}
	}
	e.Sources = append(e.Sources, sources...)
	old, ok := x.entities[e.ID]
	if !ok {
		e.Attributes = firstAttributes(e.Attributes)
		e.Normalize()
		x.entities[e.ID] = &tableEntity{e: e, line: c.row.line}
		return instance{id: e.ID, kind: e.Kind, pos: c.pos}, true
	}
	if old.e.Kind != e.Kind {
		x.skip(skipTableKindConflict)
		x.report.unmatched("entity ids of two kinds", fmt.Sprintf("%s: %s and %s", e.ID, old.e.Kind, e.Kind))
		return instance{}, false
	}
	o := &old.e
	for _, a := range append([]string{e.Name}, e.Aliases...) {
		if a != o.Name && !slices.Contains(o.Aliases, a) {
			o.Aliases = append(o.Aliases, a)
		}
	}
	if o.Description == "" {
		o.Description = e.Description
	}
	if o.Start.IsZero() && o.End.IsZero() {
		o.Start, o.End = e.Start, e.End
	}
	o.Attributes = firstAttributes(append(o.Attributes, e.Attributes...))
	o.Sources = append(o.Sources, e.Sources...)
	o.Normalize()
	return instance{id: e.ID, kind: e.Kind, pos: c.pos}, true
}

// endBefore counts a row's end date that is before its start, once per
// row and pair of columns (every relation dated by them drops it too).
func (x *tableReader) endBefore(rw *row, start, end string) {
	k := [2]string{start, end}
	if rw.endBefore[k] {
		return
	}
	if rw.endBefore == nil {
		rw.endBefore = map[[2]string]bool{}
	}
	rw.endBefore[k] = true
	x.skip(skipTableEndBefore)
}

// firstAttributes keeps the first value of each key.
func firstAttributes(as []graph.Attribute) []graph.Attribute {
	seen := map[string]bool{}
	return slices.DeleteFunc(as, func(a graph.Attribute) bool {
		dup := seen[a.Key]
		seen[a.Key] = true
		return dup
	})
}

// attribute is the value of an attribute of a spec in a context.
func (x *tableReader) attribute(a attributeSpec, spec *entitySpec, c context, v *value) string {
	if a.table == nil {
		s, empty := x.text(a.t, c, v)
		if empty {
			return ""
		}
		return s
	}
	var vals []string
	if a.column == spec.value && v != nil {
		vals = []string{v.raw}
	} else {
		vals = c.values(a.column)
	}
	var out []string
	for _, raw := range vals {
		mapped, skip, ok := a.table.lookup(raw)
		switch {
		case skip:
			bump(&x.report.Dropped, a.column+" (attribute "+a.key+")")
		case !ok:
			x.report.unmatched(a.column+" (attribute "+a.key+")", raw)
		case !slices.Contains(out, mapped):
			out = append(out, mapped)
		}
	}
	return strings.Join(out, "; ")
}

// parse reads a value as the names spec says: the name, its aliases, and
// the attributes it holds.
func (n nameSpec) parse(raw string) value {
	v := value{raw: raw}
	s := strings.Join(strings.Fields(raw), " ") // white space, non-breaking too, as one space
	var notes, extra []string
	cut := -1
	for _, m := range n.cut {
		if i := strings.Index(s, m); i > 0 && (cut < 0 || i < cut) {
			cut = i
		}
	}
	if cut > 0 {
		notes = append(notes, strings.TrimSpace(s[cut:]))
		s = strings.TrimSpace(s[:cut])
	}
	if n.parenthesis != parenKeep {
		if base, inner, ok := trailingParenthesis(s); ok {
			switch n.parenthesis {
			case parenAlias:
				s, extra = base, append(extra, inner)
			case parenOut:
				s, notes = base, append([]string{inner}, notes...)
			case parenAcronym:
				if isAcronym(inner) {
					s, extra = base, append(extra, inner)
				}
			case parenAcronymNote:
				if isAcronym(inner) {
					s, notes = base, append([]string{inner}, notes...)
				}
			}
		}
	}
	parts := []string{s}
	if n.split != "" {
		parts = strings.Split(s, n.split)
	}
	var names, idParts []string
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		matched := false
		for _, id := range n.ids {
			m := id.re.FindStringSubmatch(p)
			if m == nil {
				continue
			}
			val := m[0]
			if len(m) > 1 {
				val = m[1]
			}
			if !slices.ContainsFunc(v.attrs, func(a graph.Attribute) bool { return a.Key == id.key }) {
				v.attrs = append(v.attrs, graph.Attribute{Key: id.key, Value: val})
			}
			matched = true
			break
		}
		if matched {
			idParts = append(idParts, p)
		} else {
			names = append(names, p)
		}
	}
	if len(names) == 0 { // only ids: the first is the name too
		names = append(idParts[:min(len(idParts), 1)], s)[:1]
	}
	v.name = names[0]
	for _, a := range append(names[1:], extra...) {
		if a != v.name && !slices.Contains(v.aliases, a) {
			v.aliases = append(v.aliases, a)
		}
	}
	if len(notes) > 0 && n.note != "" {
		v.attrs = append(v.attrs, graph.Attribute{Key: n.note, Value: strings.Join(notes, " ")})
	}
	return v
}

// trailingParenthesis splits "Name (inner)" into "Name" and "inner".
func trailingParenthesis(s string) (base, inner string, ok bool) {
	if !strings.HasSuffix(s, ")") {
		return "", "", false
	}
	depth := 0
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				base, inner = strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:len(s)-1])
				return base, inner, base != "" && inner != ""
			}
		}
	}
	return "", "", false
}

// isAcronym: one word of letters and digits (and - . &), with at least two
// capitals and no more small letters than capitals, that names no country
// ("FBI", "DoJ"; not "Norway", not "ESP").
func isAcronym(s string) bool {
	if len(s) < 2 || len(s) > 15 {
		return false
	}
	upper, lower := 0, 0
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r):
			lower++
		case unicode.IsDigit(r) || r == '-' || r == '.' || r == '&':
		default:
			return false
		}
	}
	if upper < 2 || lower > upper {
		return false
	}
	_, country := lookupCountry(s)
	return !country
}

// relationsOf makes the relations of a spec in one row, between the
// entities its two ends made: items of one group pair by position; an end
// made once for the row pairs with every entity of the other end.
func (x *tableReader) relationsOf(rs *relationSpec, made map[*entitySpec][]instance, rw *row, src rowSources) {
	same := rs.from.each != nil && rs.from.each == rs.to.each
	g := rs.group()
	for _, a := range made[rs.from] {
		for _, b := range made[rs.to] {
			if same && a.pos != b.pos {
				continue
			}
			c := context{row: rw, pos: -1}
			if pos := max(a.pos, b.pos); pos >= 0 {
				c = context{row: rw, group: g, pos: pos, n: rw.groups[g].n[pos]}
			}
			if !x.applies(rs.when, rs.unless, c, "", "") {
				continue
			}
			x.relation(rs, a, b, c, src)
		}
	}
}

func (x *tableReader) relation(rs *relationSpec, a, b instance, c context, src rowSources) {
	if a.id == b.id {
		x.skip(skipTableRelSelf)
		return
	}
	typ := ""
	for _, t := range rs.types {
		if rt, _ := graph.LookupRelationType(t); rt.Allows(a.kind, b.kind) {
			typ = t
			break
		}
	}
	if typ == "" {
		x.skip(skipTableRelKinds)
		x.report.unmatched(unmatchedTableRelKinds, fmt.Sprintf("%s %s -> %s", strings.Join(rs.types, "|"), a.kind, b.kind))
		return
	}
	r := graph.Relation{ID: fitID(strings.ToLower(a.id + "." + typ + "." + b.id)), Type: typ, From: a.id, To: b.id}
	if !rs.role.isZero() {
		if s, empty := x.text(rs.role, c, nil); !empty {
			r.Role = s
		}
	}
	if !rs.description.isZero() {
		if s, empty := x.text(rs.description, c, nil); !empty {
			r.Description = s
		}
	}
	r.Start = x.dateIn(rs.start, c, false)
	r.End = x.dateIn(rs.end, c, true)
	if !r.Start.IsZero() && !r.End.IsZero() && r.End.Last() < r.Start.First() {
		x.endBefore(c.row, rs.start, rs.end)
		r.End = graph.PartialDate{}
	}
	r.Sources = slices.Clone(src.cite(rs.cite))
	if rs.cite != citeDataset {
		r.Sources = append(r.Sources, x.urls(rs.sources, c)...)
	}
	old, ok := x.relations[r.ID]
	if !ok {
		r.Normalize()
		x.relations[r.ID] = &tableRelation{r: r, line: c.row.line}
		return
	}
	// The same claim again (another row, another item): one relation, all
	// its sources, the earliest start and the latest end.
	o := &old.r
	o.Sources = append(o.Sources, r.Sources...)
	if !r.Start.IsZero() && (o.Start.IsZero() || r.Start.First() < o.Start.First()) {
		o.Start = r.Start
	}
	if !r.End.IsZero() && (o.End.IsZero() || r.End.Last() > o.End.Last()) {
		o.End = r.End
	}
	if !o.Start.IsZero() && !o.End.IsZero() && o.End.Last() < o.Start.First() {
		o.End = graph.PartialDate{}
	}
	o.Normalize()
}

// batch sorts what was read into a batch, checks it as any store would, and
// counts it in the report.
func (x *tableReader) batch() graph.Batch {
	var b graph.Batch
	for _, id := range slices.Sorted(maps.Keys(x.sources)) {
		b.Sources = append(b.Sources, x.sources[id])
		bump(&x.report.Sources, x.origin[id])
	}
	var eLines, rLines []int
	for _, id := range slices.Sorted(maps.Keys(x.entities)) {
		te := x.entities[id]
		b.Entities = append(b.Entities, te.e)
		eLines = append(eLines, te.line)
		if x.report.Entities == nil {
			x.report.Entities = map[graph.Kind]int{}
		}
		x.report.Entities[te.e.Kind]++
	}
	for _, id := range slices.Sorted(maps.Keys(x.relations)) {
		tr := x.relations[id]
		b.Relations = append(b.Relations, tr.r)
		rLines = append(rLines, tr.line)
		bump(&x.report.Relations, tr.r.Type)
	}
	for _, p := range b.Validate(graph.NoneExisting{}) {
		switch p.Item {
		case "entity":
			x.problem(eLines[p.Index], "entity %s: %s: %s", b.Entities[p.Index].ID, p.Field, p.Message)
		case "relation":
			x.problem(rLines[p.Index], "relation %s: %s: %s", b.Relations[p.Index].ID, p.Field, p.Message)
		default:
			x.problem(0, "source %q: %s: %s", b.Sources[p.Index].ID, p.Field, p.Message)
		}
	}
	return b
}

package loaders

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attribution-explorer/attribution/graph"
)

// The EuRepoC Global Database 1.1 (see ../../shared/data/README.md) and its mapping.
const (
	eurepocCSV     = "../../shared/data/eurepoc/EuRepoC_Global_Database_1.1.csv"
	eurepocMapping = "../data/mappings/eurepoc.yaml"
)

// tableTestOptions is the dataset of the hand-made tables.
var tableTestOptions = DatasetOptions{
	ID:        "test-table",
	Title:     "Test table",
	Version:   "1.0",
	Publisher: "Test publisher",
	URL:       "https://example.org/table",
	Published: graph.MustDate("2024-05"),
	Licence:   "CC0-1.0",
	Language:  "en",
}

// readTableCase reads testdata/table/<name>.csv (or any.csv when there is
// none) with the mapping <name>.yaml.
func readTableCase(t *testing.T, dir, name string, opts TableOptions) (graph.Batch, TableReport, error) {
	t.Helper()
	rawMapping, err := os.ReadFile(filepath.Join(dir, name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseTableMapping(rawMapping, name+".yaml")
	if err != nil {
		return graph.Batch{}, TableReport{}, err
	}
	csvFile := filepath.Join(dir, name+".csv")
	if _, err := os.Stat(csvFile); errors.Is(err, os.ErrNotExist) {
		csvFile = filepath.Join(dir, "any.csv")
	}
	f, err := os.Open(csvFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	opts.Mapping, opts.Input = m, filepath.Base(csvFile)
	return ReadTable(f, opts)
}

// TestTableGolden reads every mapping of testdata/table with its CSV and
// compares the batch and report, or the error, with its .golden file.
// Mappings named err-* (and only they) must fail: err-mapping-* in the
// mapping, the others in the table.
func TestTableGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/table/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no mappings in testdata/table: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			b, rep, err := readTableCase(t, "testdata/table", name, TableOptions{DatasetOptions: tableTestOptions})
			if strings.HasPrefix(name, "err-") != (err != nil) {
				t.Errorf("error = %v; the mappings named err-* (and only they) must fail", err)
			}
			if err == nil {
				if err := b.Check(graph.NoneExisting{}); err != nil {
					t.Errorf("the batch does not validate: %v", err)
				}
				checkCites(t, b, tableTestOptions.ID)
			} else {
				if !IsDatasetError(err) || !errors.Is(err, graph.ErrInvalid) {
					t.Errorf("%T is not a dataset error", err)
				}
				if !reflect.DeepEqual(b, graph.Batch{}) {
					t.Errorf("an error, and a batch: %d entities", len(b.Entities))
				}
			}
			checkGolden(t, strings.TrimSuffix(file, ".yaml")+".golden", dumpBatch(b, rep, err))
		})
	}
}

// TestTableSkipReasons: every reason the report counts is shown by a case
// of testdata/table.
func TestTableSkipReasons(t *testing.T) {
	shown := map[string]bool{}
	files, _ := filepath.Glob("testdata/table/*.yaml")
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		if _, rep, err := readTableCase(t, "testdata/table", name, TableOptions{DatasetOptions: tableTestOptions}); err == nil {
			for reason := range rep.Skipped {
				shown[reason] = true
			}
		}
	}
	for _, reason := range []string{skipTableMisaligned, skipTableUnmatched, skipTableCountry, skipTableNoName,
		skipTableNoKind, skipTableKindConflict, skipTableRelKinds, skipTableRelSelf, skipTableEndBefore, skipTableBadURL} {
		if !shown[reason] {
			t.Errorf("no case of testdata/table shows the skip reason %q", reason)
		}
	}
}

// checkCites: every entity and relation cites the dataset.
func checkCites(t *testing.T, b graph.Batch, dataset string) {
	t.Helper()
	for _, e := range b.Entities {
		if !slices.Contains(e.Sources, dataset) {
			t.Errorf("entity %s does not cite the dataset: %v", e.ID, e.Sources)
		}
	}
	for _, r := range b.Relations {
		if !slices.Contains(r.Sources, dataset) {
			t.Errorf("relation %s does not cite the dataset: %v", r.ID, r.Sources)
		}
	}
}

// TestTableOtherDataset: a second table of the same kind, laid out its own
// way (one row per operation, a sponsor column, three source columns),
// imports with its own mapping file and no code change.
func TestTableOtherDataset(t *testing.T) {
	b, rep, err := readTableCase(t, "testdata/table/other", "operations", TableOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Check(graph.NoneExisting{}); err != nil {
		t.Fatalf("the batch does not validate: %v", err)
	}
	checkCites(t, b, "example-operations-tracker-2")
	ids := map[string]graph.Entity{}
	for _, e := range b.Entities {
		ids[e.ID] = e
	}
	if e := ids["ops-2021-001"]; e.Kind != graph.Campaign || e.Start.String() != "2021-03" {
		t.Errorf("ops-2021-001 is %+v", e)
	}
	if rep.Rows != 4 || rep.Entities[graph.Campaign] != 4 {
		t.Errorf("report: %d rows, %d campaigns", rep.Rows, rep.Entities[graph.Campaign])
	}
	checkGolden(t, "testdata/table/other/operations.golden", dumpBatch(b, rep, err))
}

func TestTableNeedsAMapping(t *testing.T) {
	_, _, err := ReadTable(strings.NewReader("ID\n1\n"), TableOptions{DatasetOptions: tableTestOptions})
	if err == nil || !strings.Contains(err.Error(), "no mapping") {
		t.Errorf("err = %v, want one asking for a mapping", err)
	}
}

const tinyMapping = `
key: [ID]
record: {id: "t-{ID}", title: "Row {ID}"}
entities:
  thing: {kind: CAMPAIGN, id: "thing-{ID}", name: "{name}"}
`

func tinyTable(t *testing.T) *TableMapping {
	t.Helper()
	m, err := ParseTableMapping([]byte(tinyMapping), "tiny.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestTableNeedsATitle(t *testing.T) {
	_, _, err := ReadTable(strings.NewReader("ID,name\n1,a\n"), TableOptions{Mapping: tinyTable(t)})
	if err == nil || !strings.Contains(err.Error(), "title") {
		t.Errorf("err = %v, want one asking for the dataset's title", err)
	}
}

// rowsOf is a table of n rows, written as it is read.
type rowsOf struct {
	n, i int
	buf  []byte
}

func (s *rowsOf) Read(p []byte) (int, error) {
	for len(s.buf) < len(p) && s.i <= s.n {
		if s.i == 0 {
			s.buf = append(s.buf, "ID,name\n"...)
		} else {
			s.buf = append(s.buf, fmt.Sprintf("%d,thing %d\n", s.i, s.i)...)
		}
		s.i++
	}
	if len(s.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}

func TestTableTooManyRows(t *testing.T) {
	opts := TableOptions{DatasetOptions: tableTestOptions, Mapping: tinyTable(t), MaxRows: 3}
	if _, rep, err := ReadTable(&rowsOf{n: 3}, opts); err != nil || rep.Rows != 3 {
		t.Errorf("3 rows: %v, %d read", err, rep.Rows)
	}
	_, _, err := ReadTable(&rowsOf{n: 4}, opts)
	if err == nil || err.Error() != "the table:5: more than 3 rows" {
		t.Errorf("err = %v, want more than 3 rows at line 5", err)
	}
	for _, max := range []int{0, MaxTableRows + 1} {
		opts.MaxRows = max
		x, err := newTableReader(opts)
		if err != nil {
			t.Fatal(err)
		}
		if x.opts.MaxRows != MaxTableRows || x.opts.MaxBytes != MaxTableBytes {
			t.Errorf("MaxRows %d: limits of %d rows and %d bytes", max, x.opts.MaxRows, x.opts.MaxBytes)
		}
	}
}

func TestTableTooLarge(t *testing.T) {
	text := "ID,name\n1,a\n2,b\n" // 16 bytes
	opts := TableOptions{DatasetOptions: tableTestOptions, Mapping: tinyTable(t), MaxBytes: int64(len(text))}
	if _, _, err := ReadTable(strings.NewReader(text), opts); err != nil {
		t.Errorf("a table of exactly MaxBytes: %v", err)
	}
	in := &countingReader{r: strings.NewReader(text + strings.Repeat("3,c\n", 1000))}
	_, _, err := ReadTable(in, opts)
	if err == nil || err.Error() != "the table: larger than 16 bytes" {
		t.Errorf("err = %v, want larger than 16 bytes", err)
	}
	if in.n > 4096 {
		t.Errorf("read %d bytes of the input before refusing it", in.n)
	}
}

func TestParsePythonList(t *testing.T) {
	for _, c := range []struct {
		in   string
		want [][]string
		err  bool
	}{
		{`[]`, nil, false},
		{`['a', 'b']`, [][]string{{"a"}, {"b"}}, false},
		{`["People's", 'x\'y', 'back\\slash', 'tab\there', '\u00e9\x41']`, [][]string{{"People's"}, {"x'y"}, {`back\slash`}, {"tab\there"}, {"éA"}}, false},
		{`[['a', 'b'], [], ['c']]`, [][]string{{"a", "b"}, nil, {"c"}}, false},
		{`[None, 'a', 1.5, nan]`, [][]string{{""}, {"a"}, {"1.5"}, {"nan"}}, false},
		{`['a',]`, [][]string{{"a"}}, false},
		{`['a' 'b']`, nil, true},
		{`['a'`, nil, true},
		{`'a'`, nil, true},
		{`['a'] x`, nil, true},
		{`['a\x4']`, nil, true},
		{`[['a']`, nil, true},
	} {
		got, err := parsePythonList(c.in)
		if (err != nil) != c.err || (!c.err && !reflect.DeepEqual(got, c.want)) {
			t.Errorf("parsePythonList(%s) = %q, %v; want %q (error: %v)", c.in, got, err, c.want, c.err)
		}
	}
}

func TestSplitList(t *testing.T) {
	for _, c := range []struct {
		in       string
		brackets bool
		want     []string
	}{
		{"a; b", true, []string{"a", " b"}},
		{"a (x; y); b", true, []string{"a (x; y)", " b"}},
		{"a (x; y); b", false, []string{"a (x", " y)", " b"}},
		{"; ; c", true, []string{"", " ", " c"}},
		{"a) ; b", true, []string{"a) ", " b"}}, // a stray closing bracket
	} {
		if got := splitList(c.in, ";", c.brackets); !reflect.DeepEqual(got, c.want) {
			t.Errorf("splitList(%q, %v) = %q, want %q", c.in, c.brackets, got, c.want)
		}
	}
}

func TestFitID(t *testing.T) {
	long := strings.Repeat("a", 250)
	id := fitID(long)
	if len(id) != 200 || !graph.ValidID(id) || fitID(long) != id || fitID(long+"b") == id {
		t.Errorf("fitID of 250 characters = %q (%d)", id, len(id))
	}
	if fitID("short") != "short" {
		t.Error("fitID changes a short id")
	}
	if got := idSlug("Félix Bolaños"); got != "felix-bolanos" {
		t.Errorf("idSlug(Félix Bolaños) = %q", got)
	}
	if got := idSlug("ЦНИИХМ"); !graph.ValidID(got) {
		t.Errorf("idSlug(ЦНИИХМ) = %q, not an id", got)
	}
}

// readEuRepoC reads the real EuRepoC table with data/mappings/eurepoc.yaml.
func readEuRepoC(t *testing.T) (graph.Batch, TableReport, time.Duration) {
	t.Helper()
	if _, err := os.Stat(eurepocCSV); errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is missing", eurepocCSV)
	}
	raw, err := os.ReadFile(eurepocMapping)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseTableMapping(raw, "data/mappings/eurepoc.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(eurepocCSV)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	start := time.Now()
	b, rep, err := ReadTable(f, TableOptions{Mapping: m, Input: "EuRepoC_Global_Database_1.1.csv"})
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	return b, rep, took
}

// TestEuRepoC imports the real EuRepoC Global Database 1.1.
func TestEuRepoC(t *testing.T) {
	b, rep, took := readEuRepoC(t)
	t.Logf("read in %v\n%s", took.Round(time.Millisecond), rep)
	if err := b.Check(graph.NoneExisting{}); err != nil {
		t.Fatalf("the batch does not validate: %.2000v", err)
	}
	checkCites(t, b, "eurepoc-1.1")

	entities := map[string]graph.Entity{}
	for _, e := range b.Entities {
		entities[e.ID] = e
	}
	sources := map[string]graph.Source{}
	for _, s := range b.Sources {
		sources[s.ID] = s
	}
	type edge struct{ from, typ, to string }
	edges := map[edge]graph.Relation{}
	out := map[string][]graph.Relation{}
	for _, r := range b.Relations {
		edges[edge{r.From, r.Type, r.To}] = r
		out[r.From] = append(out[r.From], r)
	}
	entity := func(id string, kind graph.Kind) graph.Entity {
		t.Helper()
		e, ok := entities[id]
		if !ok {
			t.Fatalf("no entity %s", id)
		}
		if e.Kind != kind {
			t.Errorf("%s is a %s, want a %s", id, e.Kind, kind)
		}
		return e
	}
	has := func(from, typ, to string) graph.Relation {
		t.Helper()
		r, ok := edges[edge{from, typ, to}]
		if !ok {
			t.Errorf("no relation %s %s %s", from, typ, to)
		}
		return r
	}

	// APT31's 2018 hack of the Norwegian government: the CSV's start date
	// 2018-01-01 is the year 2018.
	norway := entity("eurepoc-incident-1193", graph.Campaign)
	if norway.Name != "Norway government hack" || norway.Start.String() != "2018" || norway.Start.Precision() != graph.YearPrecision {
		t.Errorf("incident 1193 is %q from %s, want Norway government hack from 2018 (year precision)", norway.Name, norway.Start)
	}
	has("eurepoc-incident-1193", "TARGETED", "norway")
	apt31 := entity("eurepoc-actor-apt31", graph.ThreatActor)
	if apt31.Attr("mitre_attack_id") != "G0128" || !slices.Contains(apt31.Aliases, "ZIRCONIUM") {
		t.Errorf("APT31 is %+v", apt31)
	}
	has("eurepoc-actor-apt31", "CONDUCTED", "eurepoc-incident-1193")
	has("eurepoc-actor-apt31", "ATTRIBUTED_TO", "china")
	has("eurepoc-incident-1193", "TARGETED", "eurepoc-sector-government")
	rec := sources["eurepoc-1.1.incident-1193"]
	if rec.Title != "EuRepoC incident 1193: Norway government hack" || rec.URL != "https://eurepoc.eu/table-view/?cyber_incident=1193" || rec.Published.String() != "2023" {
		t.Errorf("the record of incident 1193 is %+v", rec)
	}
	if !slices.Contains(norway.Sources, "eurepoc-1.1.incident-1193") || len(norway.Sources) < 3 {
		t.Errorf("incident 1193 cites %v, want the dataset, its record and its URLs", norway.Sources)
	}

	// HAFNIUM's 2021 Exchange hack of the Norwegian parliament, a dated day.
	storting := entity("eurepoc-incident-1333", graph.Campaign)
	if !strings.Contains(storting.Name, "Exchange") || !strings.Contains(storting.Name, "Norwegian Parliament") || storting.Start.String() != "2021-03-10" {
		t.Errorf("incident 1333 is %q from %s", storting.Name, storting.Start)
	}
	has("eurepoc-incident-1333", "TARGETED", "norway")
	has("eurepoc-incident-1333", "TARGETED", "eurepoc-sector-legislatures")
	has("eurepoc-actor-hafnium", "CONDUCTED", "eurepoc-incident-1333")
	has("eurepoc-incident-1333", "ATTRIBUTED_TO", "eurepoc-actor-hafnium")

	// An attribution EVENT accuses APT40, known as Leviathan; it concerns
	// an incident and is dated.
	apt40 := entity("eurepoc-actor-apt40", graph.ThreatActor)
	if !slices.Contains(apt40.Aliases, "Leviathan") || apt40.Attr("mitre_attack_id") != "G0065" || !strings.HasPrefix(apt40.Attr("affiliation"), "MSS") {
		t.Errorf("APT40 is %+v", apt40)
	}
	accusations := 0
	for _, r := range b.Relations {
		if r.Type != "ACCUSES" || r.To != "eurepoc-actor-apt40" {
			continue
		}
		accusations++
		ev := entity(r.From, graph.Event)
		if ev.Attr("event_type") != "ATTRIBUTION" || ev.Start.IsZero() || ev.Attr("attribution_basis") == "" {
			t.Errorf("%s is %+v", ev.ID, ev)
		}
		concerns := 0
		for _, o := range out[ev.ID] {
			if o.Type == "CONCERNS" && entities[o.To].Kind == graph.Campaign {
				concerns++
			}
		}
		if concerns != 1 {
			t.Errorf("%s concerns %d incidents, want 1", ev.ID, concerns)
		}
	}
	if accusations < 3 {
		t.Errorf("%d attributions accuse APT40, want several", accusations)
	}

	// The 2021 attributions of incident 1193: one EVENT, issued by no one
	// EuRepoC names, dated 2021 (the CSV's 2021-01-01 00:00:00).
	att := entity("eurepoc-incident-1193-attribution-1", graph.Event)
	if att.Start.String() != "2021" || att.Attr("event_type") != "ATTRIBUTION" {
		t.Errorf("the attribution of incident 1193 is %+v", att)
	}
	has("eurepoc-incident-1193-attribution-1", "ACCUSES", "eurepoc-actor-apt31")
	has("eurepoc-incident-1193-attribution-1", "ACCUSES", "china")
	has("eurepoc-incident-1193-attribution-1", "CONCERNS", "eurepoc-incident-1193")
	// Incident 1194 names three attributions, each repeated for its two
	// initiators: three EVENTs, each accusing both.
	for n := 1; n <= 3; n++ {
		id := fmt.Sprintf("eurepoc-incident-1194-attribution-%d", n)
		has(id, "ACCUSES", "eurepoc-actor-apt31")
		has(id, "ACCUSES", "eurepoc-actor-apt10")
	}
	if _, ok := entities["eurepoc-incident-1194-attribution-4"]; ok {
		t.Error("incident 1194 has a fourth attribution")
	}

	// Legal responses are INDICTMENTs issued by a state, political ones
	// EVENTs.
	legal := 0
	for _, e := range b.Entities {
		if e.Kind == graph.Indictment {
			legal++
			if e.Attr("legal_action") == "" && e.Attr("response_type") != "" {
				t.Errorf("%s has a response type but no legal_action", e.ID)
			}
			if !slices.ContainsFunc(out[e.ID], func(r graph.Relation) bool { return r.Type == "CONCERNS" }) {
				t.Errorf("%s concerns no incident", e.ID)
			}
		}
	}
	if legal < 20 {
		t.Errorf("%d legal responses, want more than 20", legal)
	}

	if rep.Rows != 1643 || rep.Entities[graph.Campaign] != 1643 || rep.Sources[sourceTableRecord] != 1643 {
		t.Errorf("report: %d rows, %d campaigns, %d records", rep.Rows, rep.Entities[graph.Campaign], rep.Sources[sourceTableRecord])
	}
	if rep.Entities[graph.Event] < 2000 || rep.Relations["ACCUSES"] < 3000 || rep.Relations["TARGETED"] < 5000 {
		t.Errorf("report: %d events, %d ACCUSES, %d TARGETED", rep.Entities[graph.Event], rep.Relations["ACCUSES"], rep.Relations["TARGETED"])
	}
	if n := rep.Unmatched["receiver_country"]["Europe (region)"]; n == 0 {
		t.Error("Europe (region) is not reported as an unmatched receiver_country")
	}
	if took > 5*time.Second {
		t.Errorf("read in %v, want under 5 s", took)
	}
}

// TestEuRepoCStable: two reads give the same batch and report.
func TestEuRepoCStable(t *testing.T) {
	b1, rep1, _ := readEuRepoC(t)
	b2, rep2, _ := readEuRepoC(t)
	if !reflect.DeepEqual(b1, b2) || !reflect.DeepEqual(rep1, rep2) {
		t.Error("two reads of the same table differ")
	}
}

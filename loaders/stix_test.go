package loaders

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attribution-explorer/attribution/graph"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/stix")

// attackBundle is MITRE ATT&CK Enterprise 18.1 (see ../shared/data/README.md).
const attackBundle = "../../shared/data/attack/enterprise-attack-18.1.json"

var attackOptions = STIXOptions{DatasetOptions: DatasetOptions{
	ID:        "mitre-attack-enterprise-18.1",
	Title:     "MITRE ATT&CK Enterprise",
	Version:   "18.1",
	Publisher: "The MITRE Corporation",
	URL:       "https://github.com/mitre/cti",
	Published: graph.MustDate("2025-11"),
	Licence:   "ATT&CK terms of use (© 2025 The MITRE Corporation, reproduced with its permission)",
	Language:  "en",
}}

var testOptions = STIXOptions{DatasetOptions: DatasetOptions{
	ID:        "test-dataset",
	Title:     "Test dataset",
	Version:   "1.0",
	Publisher: "Test publisher",
	URL:       "https://example.org/dataset",
	Published: graph.MustDate("2025-11"),
	Licence:   "CC0-1.0",
	Language:  "en",
}}

func readSTIXFile(t testing.TB, path string, opts STIXOptions) (graph.Batch, STIXReport, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return ReadSTIX(bufio.NewReader(f), opts)
}

// TestSTIXGolden reads every bundle of testdata/stix and compares the batch
// and report, or the error, with its .golden file (go test -update rewrites them).
// Bundles named type-*, rel-*, skip-* show one row of the mapping each;
// err-* one error each.
func TestSTIXGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/stix/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bundles in testdata/stix: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			b, rep, err := readSTIXFile(t, file, testOptions)
			if strings.HasPrefix(name, "err-") != (err != nil) {
				t.Errorf("error = %v; the bundles named err-* (and only they) must fail", err)
			}
			if err == nil {
				if err := b.Check(graph.NoneExisting{}); err != nil {
					t.Errorf("the batch does not validate: %v", err)
				}
			} else {
				if !IsDatasetError(err) || !errors.Is(err, graph.ErrInvalid) {
					t.Errorf("%T is not a dataset error", err)
				}
				if !reflect.DeepEqual(b, graph.Batch{}) {
					t.Errorf("an error, and a batch: %d entities", len(b.Entities))
				}
			}
			checkGolden(t, strings.TrimSuffix(file, ".json")+".golden", dumpBatch(b, rep, err))
		})
	}
}

// diffLines shows the first lines that differ.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, a, b)
		}
	}
	return "(same lines)"
}

// TestSTIXMappingRowsHaveBundles: every row of the mapping tables has its
// bundle in testdata/stix, and every skip reason is shown by one.
func TestSTIXMappingRowsHaveBundles(t *testing.T) {
	exists := func(name string) {
		if _, err := os.Stat(filepath.Join("testdata/stix", name+".json")); err != nil {
			t.Errorf("no bundle %s.json for this row of the mapping", name)
		}
	}
	for typ, row := range stixTypes {
		if row.Skip == "" {
			exists("type-" + typ)
		}
	}
	for typ := range stixRelations {
		exists("rel-" + typ)
	}
	shown := map[string]bool{}
	files, _ := filepath.Glob("testdata/stix/*.json")
	for _, f := range files {
		if _, rep, err := readSTIXFile(t, f, testOptions); err == nil {
			for reason := range rep.Skipped {
				shown[reason] = true
			}
		}
	}
	for _, reason := range []string{skipRevoked, skipDeprecated, skipXMitre, skipIndicator, skipObservable,
		skipMarking, skipMeta, skipNoKind, skipUnknownType, skipIdentityClass, skipNoCountry, skipRelNoMapping,
		skipRelEndSkipped, skipRelKinds, skipRelSelf, skipSighting} {
		if !shown[reason] {
			t.Errorf("no bundle of testdata/stix shows the skip reason %q", reason)
		}
	}
}

func TestSTIXNeedsATitle(t *testing.T) {
	_, _, err := ReadSTIX(strings.NewReader(`{"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000999", "objects": []}`), STIXOptions{})
	if err == nil || !strings.Contains(err.Error(), "title") {
		t.Errorf("err = %v, want one asking for the dataset's title", err)
	}
}

// bundleOf writes a bundle around objects given as JSON texts.
func bundleOf(objects ...string) string {
	return `{"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000999", "objects": [` + strings.Join(objects, ",") + `]}`
}

func marking(i int) string {
	return fmt.Sprintf(`{"type": "marking-definition", "id": "marking-definition--00000000-0000-4000-8000-%012d", "spec_version": "2.1", "created": "2020-01-02T03:04:05.000Z"}`, i)
}

// TestSTIXObjectTooLarge: an object over MaxSTIXObjectBytes is refused, and
// the decoder never holds much more than that.
func TestSTIXObjectTooLarge(t *testing.T) {
	huge := `{"type": "intrusion-set", "id": "intrusion-set--00000000-0000-4000-8000-000000000001", "spec_version": "2.1", "created": "2020-01-02T03:04:05.000Z", "name": "Big", "description": "` +
		strings.Repeat("x", MaxSTIXObjectBytes) + `"}`
	in := &countingReader{r: strings.NewReader(bundleOf(marking(1), huge, marking(2)))}
	_, _, err := ReadSTIX(in, testOptions)
	// "at byte" is where reading began: the comma after the previous object.
	want := fmt.Sprintf("STIX bundle: object #2 (at byte %d) is larger than %d bytes", len(bundleOf(marking(1)))-2, MaxSTIXObjectBytes)
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %v, want %q", err, want)
	}
	if in.n > MaxSTIXObjectBytes+2*slack+1000 {
		t.Errorf("read %d bytes of the input before refusing a %d-byte object", in.n, MaxSTIXObjectBytes)
	}

	// An object just under the limit is fine.
	// (its bulk in a custom property: a description that long is over
	// graph.MaxDescriptionBytes).
	ok := strings.Replace(strings.Replace(huge, strings.Repeat("x", 300), "", 1), `"description"`, `"x_padding"`, 1)
	if _, _, err := ReadSTIX(strings.NewReader(bundleOf(ok)), testOptions); err != nil {
		t.Errorf("an object of %d bytes: %v", len(ok), err)
	}

	// A lower limit, and the same object.
	opts := testOptions
	opts.MaxObjectBytes = 200 // a marking definition is 158 bytes
	_, _, err = ReadSTIX(strings.NewReader(bundleOf(marking(1), marking(2)+strings.Repeat(" ", 400), marking(3))), opts)
	if err != nil {
		t.Errorf("white space after an object counts against it: %v", err)
	}
	_, _, err = ReadSTIX(strings.NewReader(bundleOf(marking(1), strings.Replace(marking(2), "}", `, "name": "`+strings.Repeat("y", 100)+`"}`, 1))), opts)
	if err == nil || !strings.Contains(err.Error(), "object #2 (at byte") || !strings.Contains(err.Error(), "larger than 200 bytes") {
		t.Errorf("err = %v, want object #2 larger than 200 bytes", err)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// objectStream is a bundle of n marking definitions, written as it is read.
type objectStream struct {
	n, i int
	buf  []byte
}

func (s *objectStream) Read(p []byte) (int, error) {
	for len(s.buf) < len(p) && s.i <= s.n+1 {
		switch {
		case s.i == 0:
			s.buf = append(s.buf, `{"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000999", "objects": [`...)
		case s.i <= s.n:
			if s.i > 1 {
				s.buf = append(s.buf, ',')
			}
			s.buf = append(s.buf, marking(s.i)...)
		default:
			s.buf = append(s.buf, "]}"...)
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

func TestSTIXTooManyObjects(t *testing.T) {
	opts := testOptions
	opts.MaxObjects = 3
	if _, rep, err := ReadSTIX(&objectStream{n: 3}, opts); err != nil || rep.Objects != 3 {
		t.Errorf("3 objects: %v, %d read", err, rep.Objects)
	}
	_, _, err := ReadSTIX(&objectStream{n: 4}, opts)
	if err == nil || !strings.HasPrefix(err.Error(), "STIX bundle: more than 3 objects (object #4 at byte ") {
		t.Errorf("err = %v, want more than 3 objects", err)
	}
	// Without a limit of its own, or with a larger one, a read has MaxSTIXObjects.
	for _, max := range []int{0, MaxSTIXObjects + 1} {
		opts.MaxObjects = max
		x, err := newSTIXReader(opts)
		if err != nil {
			t.Fatal(err)
		}
		if x.opts.MaxObjects != MaxSTIXObjects || x.opts.MaxObjectBytes != MaxSTIXObjectBytes {
			t.Errorf("MaxObjects %d: limits of %d objects of %d bytes", max, x.opts.MaxObjects, x.opts.MaxObjectBytes)
		}
	}
}

func TestCitation(t *testing.T) {
	for _, c := range []struct {
		desc, title, date string
	}{
		{"Axel F, Pierre T. (2017, October 16). Leviathan: Espionage actor spearphishes maritime and defense targets. Retrieved February 15, 2018.",
			"Leviathan: Espionage actor spearphishes maritime and defense targets", "2017-10-16"},
		{"CISA. (2021, July). Month only. Retrieved July 20, 2021.", "Month only", "2021-07"},
		{"CISA. (2021, Sept. 3). Abbreviated. Retrieved 2021.", "Abbreviated", "2021-09-03"},
		{"Someone. (2018). Year only. Retrieved 2019.", "Year only", "2018"},
		{"Dragos. (n.d.). TALONITE. Retrieved February 25, 2021.", "TALONITE", ""},
		{"Dragos. (null). TALONITE. Retrieved February 25, 2021.", "TALONITE", ""},
		{"Granlund, T. (2020, March null). split(1). Retrieved March 25, 2022.", "split(1)", "2020-03"},
		{"Someone. (2020, October 1-2). A range. Retrieved 2021.", "A range", "2020-10"},
		{"Somebody. (2016, Summer). A season. Retrieved 2017.", "A season", "2016"},
		{"Plett, C. (12, October 26). Securing Privileged Access. Retrieved April 25, 2017.", "Plett, C. (12, October 26). Securing Privileged Access", ""},
		{"Someone. (2019, February 30). Not a day. Retrieved 2019.", "Not a day", "2019-02"},
		{"Someone. (2020, February 29). Leap day. Retrieved 2020.", "Leap day", "2020-02-29"},
		{"Microsoft (MSTIC). (2021, July 14). Parentheses (in the title). Retrieved 2021.", "Parentheses (in the title)", "2021-07-14"},
		{"Amazon - ListObjectsV2. Retrieved October 4, 2021.", "Amazon - ListObjectsV2", ""},
		{"SecureWorks 2019, August 27 LYCEUM Takes Center Stage Retrieved. 2019/11/19 ", "SecureWorks 2019, August 27 LYCEUM Takes Center Stage", ""},
		{"", "name", ""},
		{"(Citation: Other)", "name", ""},
	} {
		title, date := citation(stixReference{SourceName: "name", Description: c.desc, URL: "https://example.org/"})
		if title != c.title || date.String() != c.date {
			t.Errorf("citation(%q) = %q, %q; want %q, %q", c.desc, title, date, c.title, c.date)
		}
	}
}

// peakMemory runs f and returns the largest heap it saw (sampled every
// millisecond) and the peak resident size of the process during f (from
// /proc/self/status VmHWM, reset before f where the kernel allows it; 0
// where there is no /proc).
func peakMemory(f func()) (heap, rss uint64) {
	runtime.GC()
	resetHWM := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	var peak uint64
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		// runtime/metrics, unlike ReadMemStats, does not stop the world.
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak {
				peak = v
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	if resetHWM {
		rss = vmHWM()
	}
	return peak, rss
}

func vmHWM() uint64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// TestATTACKEnterprise imports the real ATT&CK Enterprise 18.1 bundle.
func TestATTACKEnterprise(t *testing.T) {
	if _, err := os.Stat(attackBundle); errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is missing", attackBundle)
	}
	var b graph.Batch
	var rep STIXReport
	var err error
	start := time.Now()
	heap, rss := peakMemory(func() { b, rep, err = readSTIXFile(t, attackBundle, attackOptions) })
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("read in %v, heap peak %d MB, resident peak %d MB (0: unknown)\n%s", took.Round(time.Millisecond), heap>>20, rss>>20, rep)
	if heap > 500<<20 || rss > 500<<20 {
		t.Errorf("peak memory: heap %d MB, resident %d MB; want far under 500 MB", heap>>20, rss>>20)
	}
	if err := b.Check(graph.NoneExisting{}); err != nil {
		t.Fatalf("the batch does not validate: %.2000v", err)
	}

	entities := map[string]graph.Entity{}
	for _, e := range b.Entities {
		entities[e.ID] = e
	}
	sources := map[string]graph.Source{}
	for _, s := range b.Sources {
		sources[s.ID] = s
	}
	has := func(xs []string, x string) bool {
		for _, y := range xs {
			if y == x {
				return true
			}
		}
		return false
	}
	check := func(id string, kind graph.Kind, name, attackID string, aliases ...string) graph.Entity {
		t.Helper()
		e, ok := entities[id]
		if !ok {
			t.Fatalf("no entity %s", id)
		}
		if e.Kind != kind || e.Name != name || e.Attr("mitre_attack_id") != attackID {
			t.Errorf("%s is %s %q %s, want %s %q %s", id, e.Kind, e.Name, e.Attr("mitre_attack_id"), kind, name, attackID)
		}
		for _, a := range aliases {
			if !has(e.Aliases, a) {
				t.Errorf("%s (%s): no alias %q in %q", id, e.Name, a, e.Aliases)
			}
		}
		if !has(e.Sources, id) || sources[id].URL == "" {
			t.Errorf("%s does not cite its ATT&CK page: %v", id, e.Sources)
		}
		return e
	}
	leviathan := check("attack-g0065", graph.ThreatActor, "Leviathan", "G0065", "APT40")
	if leviathan.Attr("stix_id") != "intrusion-set--7113eaa5-ba79-4fb3-b68a-398ee9cd698e" {
		t.Errorf("Leviathan's stix_id is %q", leviathan.Attr("stix_id"))
	}
	check("attack-g0128", graph.ThreatActor, "ZIRCONIUM", "G0128", "APT31", "Violet Typhoon")
	check("attack-g0125", graph.ThreatActor, "HAFNIUM", "G0125", "Silk Typhoon")
	check("attack-s0021", graph.Malware, "Derusbi", "S0021", "PHOTO")
	for _, s := range []string{"attack-s0642", "attack-s0233", "attack-s0232"} { // BADFLICK, MURKYTOP, HOMEFRY
		if _, ok := entities[s]; !ok {
			t.Errorf("no %s", s)
		}
	}
	check("attack-t1566.001", graph.Technique, "Spearphishing Attachment", "T1566.001")
	dust := check("attack-c0040", graph.Campaign, "APT41 DUST", "C0040")
	if dust.Start.String() != "2023-02" || dust.End.String() != "2024-07" {
		t.Errorf("APT41 DUST runs from %s to %s, want 2023-02 to 2024-07 (ATT&CK's months)", dust.Start, dust.End)
	}
	if p := sources["attack-g0065"]; p.Title != "Leviathan (G0065)" || p.URL != "https://attack.mitre.org/groups/G0065" {
		t.Errorf("Leviathan's page is %+v", p)
	}

	uses := map[graph.Kind]int{}
	for _, r := range b.Relations {
		if r.From == "attack-g0065" && r.Type == "USES" {
			uses[entities[r.To].Kind]++
			if !has(r.Sources, "attack-g0065") || !has(r.Sources, attackOptions.ID) {
				t.Errorf("%s does not cite Leviathan's page and the dataset: %v", r.ID, r.Sources)
			}
		}
	}
	if uses[graph.Technique] < 20 || uses[graph.Malware] < 5 {
		t.Errorf("Leviathan USES %d techniques and %d software, want many of each", uses[graph.Technique], uses[graph.Malware])
	}
	var fireEye *graph.Source
	for i, s := range b.Sources {
		if s.URL == "https://www.fireeye.com/blog/threat-research/2019/03/apt40-examining-a-china-nexus-espionage-actor.html" {
			fireEye = &b.Sources[i]
		}
	}
	if fireEye == nil || fireEye.Published.String() != "2019-03-04" || fireEye.Title != "APT40: Examining a China-Nexus Espionage Actor" {
		t.Errorf("FireEye's APT40 report is %+v", fireEye)
	}

	if rep.Objects != 24772 || rep.Entities[graph.ThreatActor] != 172 || rep.Relations["ATTRIBUTED_TO"] != 25 {
		t.Errorf("report: %d objects, %d threat actors, %d ATTRIBUTED_TO", rep.Objects, rep.Entities[graph.ThreatActor], rep.Relations["ATTRIBUTED_TO"])
	}

	b2, rep2, err := readSTIXFile(t, attackBundle, attackOptions)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(b, b2) || !reflect.DeepEqual(rep, rep2) {
		t.Error("two reads of the same bundle differ")
	}
}

// BenchmarkReadATTACK reads ATT&CK Enterprise 18.1 from the file each time.
// Besides time and allocations it reports the heap's peak (sampled) and the
// resident peak of the process (VmHWM, reset before each read).
func BenchmarkReadATTACK(b *testing.B) {
	if _, err := os.Stat(attackBundle); errors.Is(err, os.ErrNotExist) {
		b.Skipf("%s is missing", attackBundle)
	}
	b.ReportAllocs()
	var maxHeap, maxRSS uint64
	for i := 0; i < b.N; i++ {
		heap, rss := peakMemory(func() {
			if _, _, err := readSTIXFile(b, attackBundle, attackOptions); err != nil {
				b.Fatal(err)
			}
		})
		maxHeap, maxRSS = max(maxHeap, heap), max(maxRSS, rss)
	}
	b.ReportMetric(float64(maxHeap)/(1<<20), "heap-peak-MB")
	b.ReportMetric(float64(maxRSS)/(1<<20), "rss-peak-MB")
}

// The reports' tables list largest counts first, then by name.
func TestSTIXReportString(t *testing.T) {
	rep := STIXReport{Dataset: "D", Objects: 3,
		Entities:  map[graph.Kind]int{graph.Malware: 1, graph.ThreatActor: 2},
		Relations: map[string]int{"USES": 2},
		Skipped:   map[string]int{skipRevoked: 1, skipDeprecated: 1},
		Unmatched: map[string]map[string]int{unmatchedRelType: {"mitigates": 4}},
	}
	want := `STIX import of D
objects in the bundle: 3
entities created: 3
        2  THREAT_ACTOR
        1  MALWARE
relations created: 2
        2  USES
sources created: 0
external references: 0
skipped: 2
        1  deprecated (x_mitre_deprecated)
        1  revoked
unmatched relationship type: 4
        4  mitigates
`
	if got := rep.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

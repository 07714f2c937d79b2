package loaders_test

import (
	"errors"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/attribution-explorer/attribution/data"
	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/loaders"
)

// fuzzContext is a small valid file loaded beside the fuzzed one, so that the
// fuzzed file can refer to sources and entities it does not define.
const fuzzContext = `sources:
  - {id: s1, title: A report, published: 2021-07-19, language: en}
  - {id: doj-2021-07-19, title: DoJ, url: "https://www.justice.gov/", published: 2021-07}
entities:
  - {id: ding-xiaoyang, kind: PERSON, name: Ding Xiaoyang, sources: [s1]}
  - {id: hssd, kind: ORGANIZATION, name: HSSD, start: 2011, sources: [s1, doj-2021-07-19]}
  - {id: apt40, kind: THREAT_ACTOR, name: APT40, aliases: [Leviathan], sources: [s1]}
  - {id: norway, kind: COUNTRY, name: Norway, attributes: {iso2: "NO"}, sources: [s1]}
`

// maxFuzzInput bounds the fuzzed file; the curated files are under 13 KiB.
const maxFuzzInput = 64 << 10

// A problem reads "<file>:<line>: ..." or, for a YAML syntax error,
// "<file>: ..." (the parser's message then gives the line if it knows it).
var problemRE = regexp.MustCompile(`^(data/[^:]+\.yaml)(?::([0-9]+))?: `)

// FuzzLoadYAML loads any bytes as one data file beside a valid one. The
// loader must not panic; it returns either a batch that validates or an
// error, and nothing with it, whose every problem names a file of the
// dataset and a line that file has.
func FuzzLoadYAML(f *testing.F) {
	// The curated files, as they are.
	err := fs.WalkDir(data.Curated, data.Dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(data.Curated, p)
		f.Add(raw)
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	// Valid files that use the context.
	for _, s := range []string{
		"",
		"# only a comment\n",
		"relations:\n  - {from: ding-xiaoyang, type: WORKS_FOR, to: hssd, role: officer, confidence: 90, start: 2021, end: 2021-07-19, sources: s1}\n",
		"relations:\n  - id: apt40-targets-norway\n    from: apt40\n    type: TARGETED\n    to: norway\n    start: 2011\n    end: 2018\n    sources: [s1, doj-2021-07-19]\n",
		"sources:\n  - {id: s2, title: Another, published: 2024-02-29}\nentities:\n  - id: x\n    kind: MALWARE\n    name: X\n    aliases: [Y, Z]\n    description: >-\n      folded\n      text\n    attributes: {cves: CVE-2021-26855}\n    sources: [s2]\nrelations:\n  - {from: apt40, type: USES, to: x, sources: [s2]}\n",
		"anchors:\n", // unknown key
		"entities:\n  - &e {id: a, kind: SECTOR, name: A, sources: [s1]}\n  - *e\n",
		"relations:\n  - {from: apt40, type: ATTRIBUTED_TO, to: hssd, confidence: 85, sources: [s1]}\n  - {id: second-claim, from: apt40, type: ATTRIBUTED_TO, to: hssd, confidence: 50, sources: [doj-2021-07-19]}\n",
	} {
		f.Add([]byte(s))
	}
	// Broken files, as in TestBrokenDatasets and more.
	for _, s := range []string{
		"relations:\n  - from: ding-xiaoyang\n    type: WORKS_FOR\n    to: mss\n    sources: [s1]\n",
		"entities:\n  - {id: hssd, kind: ORGANIZATION, name: Again, sources: [s1]}\n",
		"entities:\n  - {id: x, kind: ROBOT, name: X, sources: [s1]}\n",
		"relations:\n  - {from: ding-xiaoyang, type: LIKES, to: hssd, sources: [s1]}\n",
		"relations:\n  - from: ding-xiaoyang\n    type: WORKS_FOR\n    to: hssd\n",
		"relations:\n  - {from: ding-xiaoyang, type: WORKS_FOR, to: hssd, start: 2021-13, sources: [s1]}\n",
		"entities:\n  - {id: y, kind: PERSON, name: Y, nickname: Z, sources: [s1]}\n",
		"relations:\n  - {from: ding-xiaoyang, type: WORKS_FOR, to: hssd, confidence: high, sources: [s1]}\n",
		"relations:\n  - {from: ding-xiaoyang, type: WORKS_FOR, to: hssd, confidence: 101, sources: [s1]}\n",
		"relations:\n  - {from: ding-xiaoyang, type: WORKS_FOR, to: hssd, start: 2021, end: 2020, sources: [s1]}\n",
		"relations:\n  - {from: hssd, type: WORKS_FOR, to: hssd, sources: [s1]}\n",
		"relations:\n  - {from: norway, type: WORKS_FOR, to: hssd, sources: [s1]}\n",
		"entities: [\n",
		"people: []\n",
		"- a list\n",
		"entities: {id: x}\n",
		"entities:\n  - just a name\n",
		"entities:\n  - {id: x, id: y}\n",
		"entities:\n  - {id: [x], kind: PERSON, name: {a: b}, aliases: [[a]], attributes: [k], sources: {s1: x}}\n",
		"sources:\n  - {id: s1, title: Dup}\n  - {id: Bad Id, title: \" \", url: \"ftp://x\", language: english}\n",
		"entities:\n  - {id: a, kind: EVENT, name: A, start: null, end: ~, sources: [s1]}\n",
		"x: &a [*a]\n",
		"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
		"\t\"\n",
		"\xff\xfe",
		"entities:\r\n  - {id: a, kind: PERSON, name: A}\r\n",
		"%YAML 1.1\n---\nentities: []\n---\nrelations: 3\n",
		"relations:\n  - {from: \"ding-xiaoyang\\nx\", type: \"WORKS_FOR\\t\", to: hssd, sources: [s1]}\n",
	} {
		f.Add([]byte(s))
	}

	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > maxFuzzInput {
			t.Skip("input larger than 64 KiB")
		}
		fsys := fstest.MapFS{
			"0-context.yaml": {Data: []byte(fuzzContext)},
			"fuzz.yaml":      {Data: raw},
		}
		lines := map[string]int{
			"data/0-context.yaml": lineCount([]byte(fuzzContext)),
			"data/fuzz.yaml":      lineCount(raw),
		}
		b, err := loaders.LoadYAML(fsys, ".", "data/")
		if err != nil {
			if n := len(b.Sources) + len(b.Entities) + len(b.Relations); n != 0 {
				t.Fatalf("error %v, yet %d items returned", err, n)
			}
			if !errors.Is(err, graph.ErrInvalid) || !loaders.IsDatasetError(err) {
				t.Fatalf("error %v is not a dataset ErrInvalid", err)
			}
			var problems loaders.Errors
			errors.As(err, &problems)
			if len(problems) == 0 {
				t.Fatalf("error %v lists no problem", err)
			}
			for _, p := range problems {
				checkProblem(t, p, lines)
			}
			return
		}
		if ps := b.Validate(graph.NoneExisting{}); len(ps) != 0 {
			t.Fatalf("loaded a batch that does not validate: %v", ps)
		}
		if len(b.Sources) < 2 || len(b.Entities) < 4 {
			t.Fatalf("loaded without the context: %d sources, %d entities", len(b.Sources), len(b.Entities))
		}
	})
}

// checkProblem checks that one problem names a file of the dataset, and a
// line that the file has when it gives one, on a single line of text.
func checkProblem(t *testing.T, p string, lines map[string]int) {
	t.Helper()
	m := problemRE.FindStringSubmatch(p)
	if m == nil {
		t.Fatalf("problem %q does not start with a file of the dataset", p)
	}
	n, ok := lines[m[1]]
	if !ok {
		t.Fatalf("problem %q names %s, which is not a file of the dataset", p, m[1])
	}
	if m[2] != "" {
		if line, err := strconv.Atoi(m[2]); err != nil || line < 1 || line > n {
			t.Fatalf("problem %q names line %s of %s, which has %d lines", p, m[2], m[1], n)
		}
	}
	if strings.ContainsAny(p, "\n\r") {
		t.Fatalf("problem %q spans several lines", p)
	}
}

// lineCount is the number of lines of a file as the YAML parser counts them
// (with the line after a final break), an upper bound for the lines it names.
func lineCount(raw []byte) int {
	n := 1
	for i, r := range string(raw) {
		switch r {
		case '\n', '\u0085', '\u2028', '\u2029':
			n++
		case '\r':
			if i+1 >= len(raw) || raw[i+1] != '\n' {
				n++
			}
		}
	}
	return n
}

// Problems the fuzzer found (testdata/fuzz/FuzzLoadYAML holds its inputs),
// and their neighbours.
func TestLoadYAMLFuzzRegressions(t *testing.T) {
	for _, c := range []struct {
		name, body string
		want       string // "" for a file that loads
	}{
		// "---" alone was "fuzz.yaml:2: a data file is a mapping ...", on a
		// line the file does not have: an empty document is an empty file.
		{"document start only", "---", ""},
		{"document start and a comment", "--- # sources to come\n", ""},
		{"document start and end", "---\n...\n", ""},
		{"explicit null", "--- null\n", "data/fuzz.yaml:1: a data file is a mapping"},
		// A second document was silently dropped, broken or not.
		{"two documents", "entities: []\n---\nrelations: 3\n", "data/fuzz.yaml:3: a data file holds one YAML document"},
		// An id holding a line break broke a problem across lines, the second
		// of which could read like a problem of another file.
		{"line break in an id", "relations:\n  - from: |\n      a\n      data/other.yaml:1: fake\n    type: WORKS_FOR\n    to: hssd\n    sources: [s1]\n",
			`data/fuzz.yaml:2: relation 'WORKS_FOR' from unknown entity 'a\ndata/other.yaml:1: fake'`},
		{"tab in a type", "relations:\n  - {from: apt40, type: \"WORKS\\tFOR\", to: ghost, sources: [s1]}\n",
			`data/fuzz.yaml:2: relation 'WORKS\tFOR' to unknown entity 'ghost'`},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"0-context.yaml": {Data: []byte(fuzzContext)},
				"fuzz.yaml":      {Data: []byte(c.body)},
			}
			b, err := loaders.LoadYAML(fsys, ".", "data/")
			if c.want == "" {
				if err != nil || len(b.Entities) != 4 {
					t.Fatalf("got %d entities, error %v; want the context alone", len(b.Entities), err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			var problems loaders.Errors
			errors.As(err, &problems)
			for _, p := range problems {
				checkProblem(t, p, map[string]int{"data/fuzz.yaml": lineCount([]byte(c.body))})
			}
		})
	}
}

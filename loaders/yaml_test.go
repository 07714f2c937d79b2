package loaders_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/loaders"
)

func TestCuratedDatasetLoads(t *testing.T) {
	b, err := loaders.Curated()
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Entities) < 90 || len(b.Relations) < 150 || len(b.Sources) < 15 {
		t.Fatalf("dataset is smaller than expected: %d entities, %d relations, %d sources",
			len(b.Entities), len(b.Relations), len(b.Sources))
	}
	for _, r := range b.Relations {
		if len(r.Sources) == 0 {
			t.Errorf("relation %s has no source", r.ID)
		}
	}
}

const goodSources = `sources:
  - {id: s1, title: A report, published: 2021-07-19, language: en}
`

const goodEntities = `entities:
  - id: ding-xiaoyang
    kind: PERSON
    name: Ding Xiaoyang
    sources: [s1]
  - {id: hssd, kind: ORGANIZATION, name: HSSD, sources: [s1]}
`

// Each broken file must produce an error naming file, line and what is wrong,
// and the loader must return nothing at all.
func TestBrokenDatasets(t *testing.T) {
	cases := []struct {
		name, file, body string
		want             string
	}{
		{"dangling reference", "people/ding.yaml", `relations:
  - from: ding-xiaoyang
    type: WORKS_FOR
    to: mss
    sources: [s1]
`, "data/people/ding.yaml:4: relation 'WORKS_FOR' to unknown entity 'mss'"},
		{"duplicate id", "dup.yaml", `entities:
  - {id: hssd, kind: ORGANIZATION, name: Again, sources: [s1]}
`, `data/dup.yaml:2: duplicate entity id "hssd"`},
		{"unknown kind", "kind.yaml", `entities:
  - {id: x, kind: ROBOT, name: X, sources: [s1]}
`, `data/kind.yaml:2: unknown kind "ROBOT"`},
		{"unknown relation type", "type.yaml", `relations:
  - {from: ding-xiaoyang, type: LIKES, to: hssd, sources: [s1]}
`, `data/type.yaml:2: unknown relation type "LIKES"`},
		{"relation without sources", "nosource.yaml", `relations:
  - from: ding-xiaoyang
    type: WORKS_FOR
    to: hssd
`, "data/nosource.yaml:2: every relation needs at least one source"},
		{"malformed date", "date.yaml", `relations:
  - from: ding-xiaoyang
    type: WORKS_FOR
    to: hssd
    start: 2021-13
    sources: [s1]
`, "data/date.yaml:5: start:"},
		{"unknown field", "field.yaml", `entities:
  - {id: y, kind: PERSON, name: Y, nickname: Z, sources: [s1]}
`, `data/field.yaml:2: unknown entity field "nickname"`},
		{"bad confidence", "conf.yaml", `relations:
  - {from: ding-xiaoyang, type: WORKS_FOR, to: hssd, confidence: high, sources: [s1]}
`, `data/conf.yaml:2: confidence "high" is not a whole number`},
		{"syntax error", "syntax.yaml", "entities: [\n", "data/syntax.yaml:"},
		{"unknown top-level key", "top.yaml", "people: []\n", `data/top.yaml:1: unknown key "people"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"0-sources.yaml":  {Data: []byte(goodSources)},
				"0-entities.yaml": {Data: []byte(goodEntities)},
				c.file:            {Data: []byte(c.body)},
			}
			b, err := loaders.LoadYAML(fsys, ".", "data/")
			if err == nil {
				t.Fatal("broken dataset loaded without error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not contain %q", err, c.want)
			}
			if !errors.Is(err, graph.ErrInvalid) || !loaders.IsDatasetError(err) {
				t.Errorf("error %v is not a dataset ErrInvalid", err)
			}
			if len(b.Entities)+len(b.Relations)+len(b.Sources) != 0 {
				t.Errorf("a broken dataset returned data: %+v", b)
			}
		})
	}
}

func TestValidDatasetFromFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"a.yaml": {Data: []byte(goodSources + goodEntities + `relations:
  # a comment
  - {from: ding-xiaoyang, type: WORKS_FOR, to: hssd, role: officer, confidence: 90, start: 2021, sources: s1}
`)},
	}
	b, err := loaders.LoadYAML(fsys, ".", "")
	if err != nil {
		t.Fatal(err)
	}
	r := b.Relations[0]
	if r.ID != "ding-xiaoyang.works_for.hssd" || *r.Confidence != 90 || r.Start.String() != "2021" || r.Sources[0] != "s1" {
		t.Fatalf("relation read as %+v", r)
	}
	if b.Sources[0].Published.String() != "2021-07-19" {
		t.Fatalf("source date read as %v", b.Sources[0].Published)
	}
}

// A YAML syntax error is reported at the line where it is, not at the line
// of the block around it that the parser names ("line 2: did not find
// expected '-' indicator" for a bad indent at line 6), and the references
// from other files to the ids the broken file writes (2 entities, 1 source)
// are not problems of their own; other problems of other files still are (#23).
func TestSyntaxErrorLineAndNoFollowOnErrors(t *testing.T) {
	actors := `# Threat actors.
entities:
  - id: apt40
    kind: THREAT_ACTOR
    name: APT40
   sources: [s1, s-in-actors]
  - {id: apt31, kind: THREAT_ACTOR, name: APT31, sources: [s1]}
sources:
  - id: s-in-actors
    title: A report written beside the actors
`
	fsys := fstest.MapFS{
		"0-sources.yaml":  {Data: []byte(goodSources)},
		"0-entities.yaml": {Data: []byte(goodEntities)},
		"actors.yaml":     {Data: []byte(actors)},
		"people.yaml": {Data: []byte(`relations:
  - {from: ding-xiaoyang, type: MEMBER_OF, to: apt40, sources: [s1]}
  - {from: hssd, type: FRONT_FOR, to: apt31, sources: [s-in-actors]}
  - {from: ding-xiaoyang, type: MEMBER_OF, to: ghost, sources: [s1]}
  - {from: ding-xiaoyang, type: WORKS_FOR, to: hssd, sources: [nowhere]}
`)},
	}
	_, err := loaders.LoadYAML(fsys, ".", "data/")
	var problems loaders.Errors
	if !errors.As(err, &problems) {
		t.Fatalf("error %v, want the dataset's problems", err)
	}
	want := []string{
		"data/actors.yaml:6: did not find expected '-' indicator",
		"data/people.yaml:4: relation 'MEMBER_OF' to unknown entity 'ghost'",
		`data/people.yaml:5: unknown source "nowhere"`,
		"data/actors.yaml: 3 references from other files to ids written in this file are not checked until it can be read",
	}
	if strings.Join(problems, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(problems, "\n"), strings.Join(want, "\n"))
	}
}

// The line of a syntax error, for errors the parser words in several ways.
func TestSyntaxErrorLines(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{"entities:\n  - id: a\n    kind: PERSON\n  name: A\n", "data/x.yaml:4: "},
		{"entities:\n  - id: a\n    kind: PERSON\n name: A\n", "data/x.yaml:4: "},
		{"entities:\n  - id: a\n    kind: PERSON\n      name: A\n", "data/x.yaml:4: mapping values are not allowed"},
		{"entities:\n  - id: a\n    aliases: [b, c\n    kind: PERSON\n", "data/x.yaml:3: did not find expected ',' or ']'"}, // the unclosed list
		{"entities: [\n", "data/x.yaml:"},
	} {
		_, err := loaders.LoadYAML(fstest.MapFS{"x.yaml": {Data: []byte(c.body)}}, ".", "data/")
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one starting %q", c.body, err, c.want)
		}
	}
}

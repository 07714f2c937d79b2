package loaders

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/attribution-explorer/attribution/graph"
)

// exportTime is the fixed time of the tests' exports.
var exportTime = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// reimportOptions import an export back; the dataset's id is not one of
// the batch's source ids.
var reimportOptions = STIXOptions{DatasetOptions: DatasetOptions{
	ID: "stix-export", Title: "Attribution explorer export", Publisher: "Test", Language: "en",
}}

func exportSTIX(t testing.TB, b graph.Batch, opts STIXExportOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteSTIX(&buf, b, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// roundTrip exports b, imports it back and checks that it is b again, but
// for the dataset source that the import adds to every claim.
func roundTrip(t *testing.T, b graph.Batch) (graph.Batch, STIXReport, []byte) {
	t.Helper()
	out := exportSTIX(t, b, STIXExportOptions{Created: exportTime})
	got, rep, err := ReadSTIX(bytes.NewReader(out), reimportOptions)
	if err != nil {
		t.Fatalf("the export does not import: %v", err)
	}
	compareBatches(t, canonical(b, ""), canonical(got, reimportOptions.ID))
	return got, rep, out
}

// canonical is a batch in the one form stores hold (graph's Normalize, ids
// in order), without the source dataset (when not "") and its citations.
func canonical(b graph.Batch, dataset string) graph.Batch {
	drop := func(ids []string) []string {
		return slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == dataset })
	}
	var out graph.Batch
	for _, s := range b.Sources {
		if s.ID != dataset {
			out.Sources = append(out.Sources, s)
		}
	}
	for _, e := range b.Entities {
		e.Sources = drop(e.Sources)
		e.Alternatives = slices.Clone(e.Alternatives)
		for i := range e.Alternatives {
			e.Alternatives[i].Sources = drop(e.Alternatives[i].Sources)
		}
		e.Normalize()
		out.Entities = append(out.Entities, e)
	}
	for _, r := range b.Relations {
		r.Sources = drop(r.Sources)
		r.Normalize()
		out.Relations = append(out.Relations, r)
	}
	sort.Slice(out.Sources, func(i, j int) bool { return out.Sources[i].ID < out.Sources[j].ID })
	sort.Slice(out.Entities, func(i, j int) bool { return out.Entities[i].ID < out.Entities[j].ID })
	sort.Slice(out.Relations, func(i, j int) bool { return out.Relations[i].ID < out.Relations[j].ID })
	return out
}

// compareBatches reports every source, entity and relation that differs.
func compareBatches(t *testing.T, want, got graph.Batch) {
	t.Helper()
	diffs := 0
	report := func(what string, w, g any) {
		t.Helper()
		if diffs++; diffs <= 10 {
			t.Errorf("%s differs after the round trip:\nwant %.600s\ngot  %.600s", what, fmt.Sprintf("%+v", w), fmt.Sprintf("%+v", g))
		}
	}
	if len(want.Sources) != len(got.Sources) || len(want.Entities) != len(got.Entities) || len(want.Relations) != len(got.Relations) {
		t.Errorf("want %d sources, %d entities, %d relations; got %d, %d, %d", len(want.Sources), len(want.Entities),
			len(want.Relations), len(got.Sources), len(got.Entities), len(got.Relations))
	}
	for i := range min(len(want.Sources), len(got.Sources)) {
		if !reflect.DeepEqual(want.Sources[i], got.Sources[i]) {
			report("source "+want.Sources[i].ID, want.Sources[i], got.Sources[i])
		}
	}
	for i := range min(len(want.Entities), len(got.Entities)) {
		if !reflect.DeepEqual(want.Entities[i], got.Entities[i]) {
			report("entity "+want.Entities[i].ID, want.Entities[i], got.Entities[i])
		}
	}
	for i := range min(len(want.Relations), len(got.Relations)) {
		if !reflect.DeepEqual(want.Relations[i], got.Relations[i]) {
			report("relation "+want.Relations[i].ID, want.Relations[i], got.Relations[i])
		}
	}
	if diffs > 10 {
		t.Errorf("... and %d more differences", diffs-10)
	}
}

// TestSTIXExportCuratedRoundTrip: the curated graph, exported and imported
// back, is the curated graph, and every claim also cites the dataset.
func TestSTIXExportCuratedRoundTrip(t *testing.T) {
	b, err := Curated()
	if err != nil {
		t.Fatal(err)
	}
	got, rep, _ := roundTrip(t, b)
	for _, e := range got.Entities {
		if !slices.Contains(e.Sources, reimportOptions.ID) {
			t.Errorf("%s does not cite the dataset: %v", e.ID, e.Sources)
		}
	}
	wantSkipped := map[string]int{skipBundleIdentity: 1, skipMeta: 1}
	if !reflect.DeepEqual(rep.Skipped, wantSkipped) || rep.Unmatched != nil || rep.References != nil {
		t.Errorf("report: skipped %v, unmatched %v, references %v; want only the project's identity and the extension skipped",
			rep.Skipped, rep.Unmatched, rep.References)
	}
	if rep.Objects != 2+len(b.Sources)+len(b.Entities)+len(b.Relations) {
		t.Errorf("%d objects for %d sources, %d entities and %d relations", rep.Objects, len(b.Sources), len(b.Entities), len(b.Relations))
	}
}

// TestSTIXExportDeterministic: one batch, whatever its order, and one time
// give the same bytes; another time changes the bundle's id and timestamps
// only.
func TestSTIXExportDeterministic(t *testing.T) {
	b, err := Curated()
	if err != nil {
		t.Fatal(err)
	}
	first := exportSTIX(t, b, STIXExportOptions{Created: exportTime})
	slices.Reverse(b.Entities)
	slices.Reverse(b.Relations)
	slices.Reverse(b.Sources)
	if again := exportSTIX(t, b, STIXExportOptions{Created: exportTime.In(time.FixedZone("UTC+2", 7200))}); !bytes.Equal(first, again) {
		t.Error("two exports of one batch at one time differ")
	}
	later := exportSTIX(t, b, STIXExportOptions{Created: exportTime.Add(time.Hour)})
	if bytes.Equal(first, later) {
		t.Fatal("an export at another time is the same")
	}
	var a, c struct {
		ID      string           `json:"id"`
		Objects []map[string]any `json:"objects"`
	}
	if err := json.Unmarshal(first, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(later, &c); err != nil {
		t.Fatal(err)
	}
	if a.ID == c.ID || len(a.Objects) != len(c.Objects) {
		t.Errorf("bundle ids %s and %s; %d and %d objects", a.ID, c.ID, len(a.Objects), len(c.Objects))
	}
	for i := range a.Objects {
		if a.Objects[i]["id"] != c.Objects[i]["id"] {
			t.Errorf("object #%d: id %v, then %v: STIX ids must not depend on the time", i, a.Objects[i]["id"], c.Objects[i]["id"])
		}
	}
	// Another producer: every object names it.
	named := exportSTIX(t, b, STIXExportOptions{Producer: "Example CERT", Created: exportTime})
	got, rep, err := ReadSTIX(bytes.NewReader(named), reimportOptions)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Skipped[skipBundleIdentity] != 2 {
		t.Errorf("skipped %v, want the producer's and the project's identities", rep.Skipped)
	}
	compareBatches(t, canonical(b, ""), canonical(got, reimportOptions.ID))
	producer := "identity--" + uuid5(stixNamespace, "identity/Example CERT")
	if n := bytes.Count(named, []byte(`"created_by_ref": "`+producer+`"`)); n != len(b.Sources)+len(b.Entities)+len(b.Relations) {
		t.Errorf("%d objects name the producer %s", n, producer)
	}
}

// mappingBatch has an entity of each kind, and of each STIX type a kind
// can have, and a relation of each relationship type the export writes
// differently from the importer's default.
func mappingBatch() graph.Batch {
	src := []string{"doc"}
	conf := 80
	e := func(id string, kind graph.Kind, name string, attrs ...string) graph.Entity {
		ent := graph.Entity{ID: id, Kind: kind, Name: name, Sources: src}
		for i := 0; i+1 < len(attrs); i += 2 {
			ent.Attributes = append(ent.Attributes, graph.Attribute{Key: attrs[i], Value: attrs[i+1]})
		}
		return ent
	}
	b := graph.Batch{
		Sources: []graph.Source{{ID: "doc", Title: "A document", Publisher: "Publisher", URL: "https://example.org/doc",
			Published: graph.MustDate("2021-07-19"), Language: "en"}},
		Entities: []graph.Entity{
			e("actor", graph.ThreatActor, "APT Example", "mitre_attack_id", "G0001"),
			e("actor-ta", graph.ThreatActor, "A threat actor", "stix_id", "threat-actor--00000000-0000-4000-8000-000000000001"),
			e("camp", graph.Campaign, "A campaign"),
			e("mal", graph.Malware, "A malware"),
			e("tool", graph.Malware, "A tool", "stix_id", "tool--00000000-0000-4000-8000-000000000002"),
			e("tech", graph.Technique, "A technique", "mitre_attack_id", "T1566.001"),
			e("vuln", graph.Vulnerability, "A vulnerability", "cves", "CVE-2021-26855, CVE-2021-27065"),
			e("org", graph.Organization, "An organization", "org_type", "AGENCY"),
			e("person", graph.Person, "A person"),
			e("sector", graph.Sector, "Defence"),
			e("norway", graph.Country, "Norway", "iso2", "NO", "iso3", "NOR"),
			e("nowhere", graph.Country, "A country without an ISO code"),
			e("ipc", graph.IPCategory, "A category of stolen data"),
			e("ind", graph.Indictment, "An indictment", "court", "A court"),
			e("ev", graph.Event, "An attribution", "event_type", "ATTRIBUTION"),
		},
		Relations: []graph.Relation{
			{ID: "actor.targeted.norway", Type: "TARGETED", From: "actor", To: "norway", Sources: src},
			{ID: "camp.exploited.vuln", Type: "EXPLOITED", From: "camp", To: "vuln", Sources: src},
			{ID: "org.located_in.norway", Type: "LOCATED_IN", From: "org", To: "norway", Sources: src},
			{ID: "actor.uses.tool", Type: "USES", From: "actor", To: "tool", Sources: src},
			{ID: "actor.operates_for.org", Type: "OPERATES_FOR", From: "actor", To: "org", Role: "contractor", Sources: src},
			{ID: "ev.accuses.actor", Type: "ACCUSES", From: "ev", To: "actor", Confidence: &conf, Sources: src},
		},
	}
	b.Entities[1].Aliases = []string{"Alias"}
	b.Entities[9].Aliases = []string{"Defense"}
	b.Entities[2].Start, b.Entities[2].End = graph.MustDate("2021-03"), graph.MustDate("2021")
	b.Entities[14].Start = graph.MustDate("2021-07-19")
	b.Relations[0].Start = graph.MustDate("2011")
	b.Relations[0].End = graph.MustDate("2018")
	return b
}

// TestSTIXExportGolden pins the form of an export: testdata/stixexport/export.json
// (go test -update rewrites it).
func TestSTIXExportGolden(t *testing.T) {
	b := mappingBatch()
	_, _, out := roundTrip(t, b)
	golden := "testdata/stixexport/export.json"
	if *update {
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./loaders -run TestSTIXExportGolden -update)", err)
	}
	if !bytes.Equal(out, want) {
		t.Errorf("%s differs from what WriteSTIX writes now:\n%s", golden, diffLines(string(want), string(out)))
	}

	// What each entity became.
	var bundle struct {
		Objects []struct {
			Type          string `json:"type"`
			AttributionID string `json:"attribution_id"`
			Extensions    map[string]struct {
				AttributionID string `json:"attribution_id"`
			} `json:"extensions"`
		} `json:"objects"`
	}
	if err := json.Unmarshal(out, &bundle); err != nil {
		t.Fatal(err)
	}
	types := map[string]string{}
	for _, o := range bundle.Objects {
		types[o.AttributionID+o.Extensions[stixExtensionID].AttributionID] = o.Type
	}
	for id, typ := range map[string]string{
		"actor": "intrusion-set", "actor-ta": "threat-actor", "camp": "campaign", "mal": "malware", "tool": "tool",
		"tech": "attack-pattern", "vuln": "vulnerability", "org": "identity", "person": "identity", "sector": "identity",
		"norway": "location", "nowhere": "x-attribution-country", "ipc": "x-attribution-ip-category",
		"ind": "x-attribution-indictment", "ev": "x-attribution-event", "doc": "x-attribution-source",
		"actor.targeted.norway": "relationship",
	} {
		if types[id] != typ {
			t.Errorf("%s is a %s, want a %s", id, types[id], typ)
		}
	}
}

// TestSTIXExportMappingIsInverse: a relationship type the export writes for
// a vocabulary type, the importer reads back as that type (when it has a
// row for it); an identity class likewise.
func TestSTIXExportMappingIsInverse(t *testing.T) {
	for _, rt := range graph.Vocabulary {
		name := stixExportRelations[rt.Name]
		if name == "" {
			name = strings.ReplaceAll(strings.ToLower(rt.Name), "_", "-")
		}
		if row, ok := stixRelations[name]; ok && (!slices.Contains(row.Types, rt.Name) || row.Reverse || row.Role != "") {
			t.Errorf("%s is written %q, which the importer reads as %v", rt.Name, name, row)
		}
	}
	for kind, class := range stixExportClasses {
		if stixIdentityClasses[class] != kind {
			t.Errorf("%s is written as identity class %q, read back as %s", kind, class, stixIdentityClasses[class])
		}
	}
	for kind, types := range stixExportTypes {
		for _, typ := range types {
			if row := stixTypes[typ]; row.Kind != kind && row.By == "" {
				t.Errorf("%s may be written as %s, which the importer reads as %s", kind, typ, row.Kind)
			}
		}
	}
}

// hostileBatch has values made to break an export: quotes, backslashes,
// new lines, control characters, right-to-left overrides, markup, names and
// aliases as long as graph's limits allow, blanks around values, URLs that
// are not plain URIs.
func hostileBatch() graph.Batch {
	b := mappingBatch()
	long := strings.Repeat("Ж\"\\\n\u202e<&>", graph.MaxAliasChars/8) // 200 characters: the longest alias
	nasty := "  \"quoted\" 'single' \\back\\slash\nnew line\r\n\ttab \u202eRTL override\u202c \u2028\u2029 <script>alert(1)</script> &amp; \x00 \x1f \U0001F600  "
	conf0 := 0
	b.Sources = append(b.Sources,
		graph.Source{ID: "hostile", Title: nasty, Publisher: nasty + ".", URL: "https://example.org/a?b=c&d=%20e#frag",
			Published: graph.MustDate("2020-02-29"), Language: "fr-CA"},
		graph.Source{ID: "long", Title: long, URL: "https://example.org/ünïcode/path", Published: graph.MustDate("2021")},
		graph.Source{ID: "cve", Title: "A source whose id STIX reserves for CVE ids", Published: graph.MustDate("2021-07")},
		graph.Source{ID: "capec", Title: "(Citation: not one)", URL: "HTTPS://EXAMPLE.ORG/UPPER"},
	)
	cite := []string{"long", "hostile", "doc", "cve", "capec"}
	for i := range b.Entities {
		e := &b.Entities[i]
		e.Name += nasty
		e.Description = nasty
		e.Aliases = append(e.Aliases, nasty, "\u202eevil", `"q"`, long)
		e.Attributes = append(e.Attributes, graph.Attribute{Key: "key \"with\" quotes\n", Value: nasty},
			graph.Attribute{Key: "empty", Value: ""})
		e.Sources = cite
	}
	b.Entities[0].Name = long
	b.Entities[0].Start, b.Entities[0].End = graph.MustDate("2011"), graph.MustDate("2018-03")
	b.Entities[8].End = graph.MustDate("2020-02-29") // a person with only an end
	b.Entities[7].Alternatives = []graph.Alternative{
		{Field: "description", Value: nasty, Sources: []string{"long"}},
		{Field: "start", Value: "2019-05", Sources: []string{"hostile", "doc"}},
	}
	b.Entities = append(b.Entities,
		graph.Entity{ID: "kosovo", Kind: graph.Country, Name: "Kosovo", Sources: cite,
			Attributes: []graph.Attribute{{Key: "iso2", Value: "XK"}}},
		// The same STIX id as "tool": the first in id order keeps it.
		graph.Entity{ID: "a-tool-too", Kind: graph.Malware, Name: "Same STIX id", Sources: cite,
			Attributes: []graph.Attribute{{Key: "stix_id", Value: "tool--00000000-0000-4000-8000-000000000002"}}},
		// A STIX id of a type its kind cannot have.
		graph.Entity{ID: "odd", Kind: graph.Technique, Name: "Odd", Sources: cite,
			Attributes: []graph.Attribute{{Key: "stix_id", Value: "malware--00000000-0000-4000-8000-000000000003"}}},
	)
	for i := range b.Relations {
		r := &b.Relations[i]
		r.Description, r.Role, r.Sources = nasty+long, nasty, cite
	}
	b.Relations[1].Confidence = &conf0
	b.Relations[2].End = graph.MustDate("2021-02")
	b.Relations = append(b.Relations,
		graph.Relation{ID: "relationship--00000000-0000-4000-8000-000000000004", Type: "USES", From: "actor", To: "tech",
			Start: graph.MustDate("2021-07-19"), End: graph.MustDate("2021-07-19"), Sources: []string{"capec"}},
		graph.Relation{ID: "ind.charges.person", Type: "CHARGES", From: "ind", To: "person", Sources: []string{"cve"}},
		graph.Relation{ID: "ev.concerns.ipc", Type: "CONCERNS", From: "ev", To: "ipc", Sources: []string{"long"}},
	)
	return b
}

// TestSTIXExportHostileRoundTrip: hostile values come back unchanged.
func TestSTIXExportHostileRoundTrip(t *testing.T) {
	b := hostileBatch()
	if err := b.Check(graph.NoneExisting{}); err != nil {
		t.Fatalf("the hostile batch is not valid: %v", err)
	}
	_, _, out := roundTrip(t, b)
	if !json.Valid(out) {
		t.Fatal("the export is not JSON")
	}
	if n := bytes.Count(out, []byte(`"type": "x-attribution-country"`)); n != 2 {
		t.Errorf("%d x-attribution-country objects, want 2 (Kosovo's XK is not an ISO 3166-1 code)", n)
	}
	if !bytes.Contains(out, []byte(`"source_name": "source-cve"`)) || bytes.Contains(out, []byte(`"source_name": "capec"`)) {
		t.Error("the sources cve and capec must not be cited with the source_name STIX reserves for CVE and CAPEC ids")
	}
	if bytes.Contains(out, []byte(`"url": "https://example.org/ünïcode/path"`)) == false ||
		bytes.Count(out, []byte(`ünïcode`)) != 1 {
		t.Error("a URL that is not a plain URI must appear in its source object only")
	}
}

// TestSTIXExportRefuses: an invalid batch, or text JSON cannot carry,
// writes nothing.
func TestSTIXExportRefuses(t *testing.T) {
	for name, mutate := range map[string]func(*graph.Batch){
		"dangling relation": func(b *graph.Batch) { b.Relations[0].To = "missing" },
		"unknown source":    func(b *graph.Batch) { b.Entities[0].Sources = []string{"missing"} },
		"not UTF-8":         func(b *graph.Batch) { b.Entities[3].Aliases = []string{"bad \xff byte"} },
		"not UTF-8 source":  func(b *graph.Batch) { b.Sources[0].Title = "\xc3" },
	} {
		t.Run(name, func(t *testing.T) {
			b := mappingBatch()
			mutate(&b)
			var buf bytes.Buffer
			err := WriteSTIX(&buf, b, STIXExportOptions{Created: exportTime})
			if err == nil || !errors.Is(err, graph.ErrInvalid) || !strings.HasPrefix(err.Error(), "STIX export: ") {
				t.Errorf("err = %v, want an invalid-input error", err)
			}
			if buf.Len() != 0 {
				t.Errorf("%d bytes written", buf.Len())
			}
		})
	}
	var buf bytes.Buffer
	if err := WriteSTIX(&buf, mappingBatch(), STIXExportOptions{Created: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}); err == nil {
		t.Error("a time in the year 10000 is accepted")
	}
}

// TestSTIXExportEmpty: an empty batch is a bundle of the preamble alone.
func TestSTIXExportEmpty(t *testing.T) {
	got, rep, _ := roundTrip(t, graph.Batch{})
	if len(got.Entities)+len(got.Relations) != 0 || rep.Objects != 2 {
		t.Errorf("%d entities, %d relations, %d objects", len(got.Entities), len(got.Relations), rep.Objects)
	}
}

// TestSTIXExportATTACK: ATT&CK Enterprise, imported, exported and imported
// again, is what the first import gave (STIX ids, tools and relationship
// ids kept), but for the second dataset's citations.
func TestSTIXExportATTACK(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	if _, err := os.Stat(attackBundle); errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is missing", attackBundle)
	}
	b, _, err := readSTIXFile(t, attackBundle, attackOptions)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	got, _, out := roundTrip(t, b)
	t.Logf("%d MB exported and imported in %v", len(out)>>20, time.Since(start).Round(time.Millisecond))
	for _, e := range got.Entities {
		if e.ID == "attack-g0065" && !bytes.Contains(out, []byte(`"id": "`+e.Attr("stix_id")+`"`)) {
			t.Errorf("Leviathan's STIX id %s is not kept", e.Attr("stix_id"))
		}
	}
}

// TestSTIXExtensionImportGolden reads the bundles of testdata/stixexport
// (import-*: objects with the attribution extension, alone or beside
// others; err-*: its misuse) and compares the batch and report, or the
// error, with their .golden files (go test -update rewrites them).
func TestSTIXExtensionImportGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/stixexport/*-*.json")
	n := 0
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		if !strings.HasPrefix(name, "import-") && !strings.HasPrefix(name, "err-") {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			b, rep, err := readSTIXFile(t, file, testOptions)
			if strings.HasPrefix(name, "err-") != (err != nil) {
				t.Errorf("error = %v; the bundles named err-* (and only they) must fail", err)
			}
			if err != nil && (!IsDatasetError(err) || !errors.Is(err, graph.ErrInvalid)) {
				t.Errorf("%T is not a dataset error", err)
			}
			checkGolden(t, strings.TrimSuffix(file, ".json")+".golden", dumpBatch(b, rep, err))
		})
	}
	if n < 5 {
		t.Errorf("%d bundles in testdata/stixexport", n)
	}
}

// TestSTIXExtensionConstants: the ids are the UUIDv5s they say they are,
// UUIDv5 is RFC 9562's, and the schema, the script and the code agree.
func TestSTIXExtensionConstants(t *testing.T) {
	if got := uuid5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com"); got != "2ed6657d-e927-568b-95e1-2665a8aea6a2" {
		t.Errorf("uuid5 of www.example.com in the DNS namespace is %s (RFC 9562's example)", got)
	}
	if got := uuid5("6ba7b811-9dad-11d1-80b4-00c04fd430c8", "https://github.com/attribution-explorer/attribution"); got != stixNamespace {
		t.Errorf("stixNamespace is %s, want %s", stixNamespace, got)
	}
	if want := "extension-definition--" + uuid5(stixNamespace, "extension-definition/1"); stixExtensionID != want {
		t.Errorf("stixExtensionID is %s, want %s", stixExtensionID, want)
	}
	if want := "identity--" + uuid5(stixNamespace, "identity/"+stixProject); stixProjectID != want {
		t.Errorf("stixProjectID is %s, want %s", stixProjectID, want)
	}

	var schema struct {
		ID   string `json:"$id"`
		Defs struct {
			Kind         struct{ Enum []string } `json:"kind"`
			RelationType struct{ Enum []string } `json:"relation_type"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(STIXExtensionSchema(), &schema); err != nil {
		t.Fatal(err)
	}
	if schema.ID != stixExtensionSchema {
		t.Errorf("the schema's $id is %s, the extension definition says %s", schema.ID, stixExtensionSchema)
	}
	var kinds, types []string
	for _, k := range graph.Kinds {
		kinds = append(kinds, string(k))
	}
	for _, rt := range graph.Vocabulary {
		types = append(types, rt.Name)
	}
	if !reflect.DeepEqual(schema.Defs.Kind.Enum, kinds) || !reflect.DeepEqual(schema.Defs.RelationType.Enum, types) {
		t.Errorf("the schema's kinds %v and relation types %v are not the graph's %v and %v", schema.Defs.Kind.Enum,
			schema.Defs.RelationType.Enum, kinds, types)
	}
	for _, f := range []string{"stix_extension.json", "../scripts/stix-validate", "../docs/stix-extension.md"} {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(text, []byte(stixExtensionID)) {
			t.Errorf("%s does not name the extension %s", f, stixExtensionID)
		}
	}
}

// TestSTIXExportValidator runs OASIS's STIX validator and the extension's
// JSON schema (scripts/stix-validate) on the curated export and on the
// hostile batch's. Without python3 (or its venv module, or PyPI) it skips,
// but fails in CI: there a missing validator is a failure.
func TestSTIXExportValidator(t *testing.T) {
	script, err := filepath.Abs("../scripts/stix-validate")
	if err != nil {
		t.Fatal(err)
	}
	unavailable := func(why string) {
		t.Helper()
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set and the STIX validator is unavailable: %s", why)
		}
		t.Skipf("the STIX validator is unavailable (%s); CI fails here", why)
	}
	if _, err := os.Stat(script); err != nil {
		unavailable(err.Error())
	}
	if _, err := exec.LookPath("python3"); err != nil {
		unavailable("python3 is not installed (Debian: python3 python3-venv)")
	}
	curated, err := Curated()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var files []string
	for name, b := range map[string]graph.Batch{"curated.json": curated, "hostile.json": hostileBatch()} {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, exportSTIX(t, b, STIXExportOptions{Created: exportTime}), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	sort.Strings(files)
	out, err := exec.Command(script, files...).CombinedOutput()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode() == 77:
		unavailable(strings.TrimSpace(string(out)))
	case err != nil:
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
	t.Logf("%s", out)
	if c := strings.Count(string(out), "STIX JSON: Valid"); c != len(files) {
		t.Errorf("%d of %d bundles valid", c, len(files))
	}
}

// TestSTIXCitationOf: the citations the export writes are ones the
// importer's citation parser reads back, date precision included.
func TestSTIXCitationOf(t *testing.T) {
	for _, s := range []graph.Source{
		{Title: "A document", Publisher: "U.S. Department of Justice", Published: graph.MustDate("2021-07-19")},
		{Title: "Month only", Publisher: "CISA.", Published: graph.MustDate("2021-07")},
		{Title: "Year only", Published: graph.MustDate("2018")},
		{Title: "Undated", Publisher: "Someone"},
		{Title: "Ends with a dot.", Published: graph.MustDate("2020-02-29")},
	} {
		c := citationOf(&s)
		title, date := citation(stixReference{SourceName: "x", Description: c})
		if title != strings.TrimSuffix(s.Title, ".") || date != s.Published {
			t.Errorf("%q reads back as %q, %s; want %q, %s", c, title, date, s.Title, s.Published)
		}
	}
}

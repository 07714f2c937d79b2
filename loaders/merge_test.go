package loaders

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
)

func entity(id string, kind graph.Kind, name string, aliases []string, attrs ...string) graph.Entity {
	e := graph.Entity{ID: id, Kind: kind, Name: name, Aliases: aliases, Sources: []string{"s-" + id}}
	for i := 0; i+1 < len(attrs); i += 2 {
		e.Attributes = append(e.Attributes, graph.Attribute{Key: attrs[i], Value: attrs[i+1]})
	}
	return e
}

func find(b graph.Batch, id string) *graph.Entity {
	for i := range b.Entities {
		if b.Entities[i].ID == id {
			return &b.Entities[i]
		}
	}
	return nil
}

// TestMergeRules covers each rule, the order of the rules, ambiguity, and
// what a merged entity keeps.
func TestMergeRules(t *testing.T) {
	base := graph.Batch{Entities: []graph.Entity{
		entity("apt40", graph.ThreatActor, "APT40", []string{"Gadolinium"}, "mitre_attack_id", "G0065"),
		entity("photo", graph.Malware, "PHOTO", []string{"Derusbi"}),
		entity("stix-known", graph.Malware, "Known", nil, "stix_id", "malware--1"),
		entity("twin-a", graph.ThreatActor, "Twin A", []string{"Twins"}),
		entity("twin-b", graph.ThreatActor, "Twin B", []string{"Twins"}),
		entity("norway", graph.Country, "Norway", nil),
	}}
	base.Entities[0].Description = "curated words"
	add := graph.Batch{
		Entities: []graph.Entity{
			entity("attack-g0065", graph.ThreatActor, "Leviathan", []string{"APT40", "TEMP.Periscope"}, "mitre_attack_id", "G0065", "stix_id", "intrusion-set--7"),
			entity("attack-s0021", graph.Malware, "Derusbi", []string{"PHOTO"}, "mitre_attack_id", "S0021"),
			entity("renamed", graph.Malware, "Another name", nil, "stix_id", "malware--1"),
			entity("twin", graph.ThreatActor, "Twins", nil),
			entity("norway-as-actor", graph.ThreatActor, "Norway", nil),                // another kind: no merge
			entity("attack-g9999", graph.ThreatActor, "Other", []string{"PHOTO-like"}), // nothing in common
			entity("second-apt40", graph.ThreatActor, "Another", []string{"APT40"}),    // apt40 takes it too
		},
		Relations: []graph.Relation{{ID: "r1", Type: "USES", From: "attack-g0065", To: "attack-s0021", Sources: []string{"s-x"}}},
	}
	add.Entities[0].Description = "ATT&CK words"
	got, rep := Merge(base, add)

	apt40 := find(got, "apt40")
	if apt40 == nil || apt40.Description != "curated words" || !slices.Contains(apt40.Aliases, "Leviathan") ||
		!slices.Contains(apt40.Aliases, "TEMP.Periscope") || apt40.Attr("stix_id") != "intrusion-set--7" || apt40.Attr("mitre_attack_id") != "G0065" ||
		!slices.Contains(apt40.Sources, "s-attack-g0065") || !slices.Contains(apt40.Sources, "s-apt40") {
		t.Errorf("apt40 after the merge: %+v", apt40)
	}
	// The curated description is shown; ATT&CK's is kept, citing ATT&CK's record.
	if alts := apt40.Alternatives; len(alts) != 1 || alts[0].Field != "description" || alts[0].Value != "ATT&CK words" ||
		!slices.Equal(alts[0].Sources, []string{"s-attack-g0065"}) {
		t.Errorf("apt40's alternatives: %+v", alts)
	}
	if find(got, "attack-g0065") != nil || find(got, "attack-s0021") != nil || find(got, "renamed") != nil {
		t.Error("a merged entity is still there under its dataset id")
	}
	if r := got.Relations[0]; r.From != "apt40" || r.To != "photo" {
		t.Errorf("the relation was not rewritten: %+v", r)
	}
	for _, id := range []string{"twin", "norway-as-actor", "attack-g9999"} {
		if find(got, id) == nil {
			t.Errorf("%s was not added as a new entity", id)
		}
	}
	want := map[string]int{ruleExternalID: 1, ruleAlias: 2, ruleSTIXID: 1}
	for rule, n := range want {
		if rep.Merged[rule] != n {
			t.Errorf("merged by %s: %d, want %d (%v)", rule, rep.Merged[rule], n, rep.Merged)
		}
	}
	if len(rep.Ambiguous) != 1 || !strings.Contains(rep.Ambiguous[0], "twin Twins (THREAT_ACTOR): same name or alias matches 2 entities") {
		t.Errorf("ambiguous: %q", rep.Ambiguous)
	}
	if !slices.Equal(rep.Combined, []string{"apt40 took attack-g0065, second-apt40"}) || !slices.Contains(apt40.Aliases, "Another") {
		t.Errorf("apt40 did not take both: %q %+v", rep.Combined, apt40)
	}
	if base.Entities[0].Description != "curated words" || len(base.Entities[0].Aliases) != 1 {
		t.Error("Merge changed its base")
	}
}

// TestMergeATTACKIntoCurated: on the real data, APT40 is one entity that
// answers to Leviathan and G0065, keeps its curated claims and gains
// ATT&CK's techniques; the merged graph validates.
func TestMergeATTACKIntoCurated(t *testing.T) {
	f, err := os.Open(attackBundle)
	if err != nil {
		t.Fatalf("the ATT&CK bundle (see ../shared/data/README.md): %v", err)
	}
	defer f.Close()
	attack, _, err := ReadSTIX(f, attackOptions)
	if err != nil {
		t.Fatal(err)
	}
	curated, err := Curated()
	if err != nil {
		t.Fatal(err)
	}
	got, rep := Merge(curated, attack)
	t.Log(rep.String())
	if err := got.Check(nil); err != nil {
		t.Fatalf("the merged graph does not validate: %.2000v", err)
	}
	var apt40 []string
	for _, e := range got.Entities {
		if e.Kind == graph.ThreatActor && (e.Name == "APT40" || slices.Contains(e.Aliases, "APT40")) {
			apt40 = append(apt40, e.ID)
		}
	}
	if len(apt40) != 1 || apt40[0] != "apt40" {
		t.Fatalf("threat actors called APT40: %v", apt40)
	}
	e := find(got, "apt40")
	if !slices.Contains(e.Aliases, "Leviathan") || e.Attr("mitre_attack_id") != "G0065" {
		t.Errorf("apt40: %+v", e)
	}
	uses, curatedClaims := 0, 0
	for _, r := range got.Relations {
		if r.From == "apt40" && r.Type == "USES" {
			uses++
		}
		if r.From == "apt40" && !strings.HasPrefix(r.ID, "relationship--") {
			curatedClaims++
		}
	}
	if uses < 50 || curatedClaims < 10 {
		t.Errorf("apt40 uses %d things and has %d curated claims", uses, curatedClaims)
	}
	for id, attackID := range map[string]string{"photo": "S0021", "apt31": "G0128", "hafnium": "G0125"} {
		if e := find(got, id); e == nil || e.Attr("mitre_attack_id") != attackID {
			t.Errorf("%s: %+v", id, e)
		}
	}
}

// TestMergeDecisions: a person's "same" merges what the rules find
// ambiguous; "different" keeps apart what a rule would merge.
func TestMergeDecisions(t *testing.T) {
	base := graph.Batch{Entities: []graph.Entity{
		entity("apt40", graph.ThreatActor, "APT40", nil),
		entity("twin-a", graph.ThreatActor, "Twin A", []string{"Twins"}),
		entity("twin-b", graph.ThreatActor, "Twin B", []string{"Twins"}),
	}}
	add := graph.Batch{Entities: []graph.Entity{
		entity("twin", graph.ThreatActor, "Twins", nil),
		entity("not-apt40", graph.ThreatActor, "Other", []string{"APT40"}),
	}}
	decisions, err := ParseDecisions([]byte(`
same:
  - {entity: twin-a, kind: THREAT_ACTOR, is: "name:twins", why: the report names Twin A}
different:
  - {entity: apt40, kind: THREAT_ACTOR, is: "id:not-apt40", why: another group reuses the name}
`), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, rep := Merge(base, add); len(rep.Ambiguous) != 1 || rep.Merged[ruleAlias] != 1 {
		t.Fatalf("without decisions: %+v", rep)
	}
	got, rep := Merge(base, add, decisions...)
	if rep.Merged[ruleDecision] != 1 || len(rep.Ambiguous) != 0 || rep.Created[graph.ThreatActor] != 1 {
		t.Errorf("with decisions: %+v", rep)
	}
	if a := find(got, "twin-a"); !slices.Contains(a.Aliases, "Twins") || !slices.Contains(a.Sources, "s-twin") {
		t.Errorf("twin-a did not take twin: %+v", a)
	}
	if find(got, "not-apt40") == nil || slices.Contains(find(got, "apt40").Sources, "s-not-apt40") {
		t.Errorf("not-apt40 was merged into apt40")
	}
}

func TestParseDecisionsErrors(t *testing.T) {
	_, err := ParseDecisions([]byte(`
same:
  - {entity: apt40, kind: THREAT_ACTOR, is: "name:Leviathan"}
  - {entity: apt40, kind: ACTOR, is: "name:Leviathan", why: x}
  - {entity: apt40, kind: THREAT_ACTOR, is: "Leviathan", why: x}
  - {entity: Bad Id, kind: THREAT_ACTOR, is: "name:x", why: x}
different:
  - {entity: apt41, kind: THREAT_ACTOR, is: "id:x", why: y}
  - {entity: apt41, kind: THREAT_ACTOR, is: "id:X", why: z}
`), "d.yaml")
	want := []string{"d.yaml:3: why is required", `d.yaml:4: unknown kind "ACTOR"`, `d.yaml:5: is "Leviathan" must be key:value`,
		`d.yaml:6: entity "Bad Id" is not a valid id`, "d.yaml:9: the same decision is taken at d.yaml:8"}
	for _, w := range want {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v\nlacks %q", err, w)
		}
	}
	if _, err := ParseDecisions([]byte("same: [{entity: a, kind: COUNTRY, is: 'id:b', why: c, because: d}]"), "u.yaml"); err == nil || !strings.Contains(err.Error(), "because") {
		t.Errorf("an unknown field: %v", err)
	}
	if _, err := Decisions(); err != nil {
		t.Errorf("data/decisions.yaml: %v", err)
	}
}

// TestMergeIdentifiersBeforeNames: identifiers are tried before names, and
// a base entity may take several entities of one dataset; an added entity
// whose id the base gives another thing gets a new id.
func TestMergeIdentifiersBeforeNames(t *testing.T) {
	base := graph.Batch{Entities: []graph.Entity{
		entity("oilrig", graph.ThreatActor, "OilRig", []string{"Chrysene"}, "stix_id", "intrusion-set--1"),
		entity("misp-other", graph.ThreatActor, "Something else", nil),
	}}
	add := graph.Batch{
		Entities: []graph.Entity{
			entity("misp-chrysene", graph.ThreatActor, "CHRYSENE", nil),
			entity("misp-oilrig", graph.ThreatActor, "OilRig group", nil, "stix_id", "intrusion-set--1"),
			entity("misp-other", graph.ThreatActor, "Unrelated", nil),
		},
		Relations: []graph.Relation{{ID: "r", Type: "RELATED_TO", From: "misp-other", To: "misp-chrysene", Sources: []string{"s"}}},
	}
	got, rep := Merge(base, add)
	if o := find(got, "oilrig"); !slices.Contains(o.Sources, "s-misp-oilrig") || !slices.Contains(o.Sources, "s-misp-chrysene") ||
		!slices.Equal(rep.Combined, []string{"oilrig took misp-oilrig, misp-chrysene"}) || rep.Merged[ruleSTIXID] != 1 || rep.Merged[ruleAlias] != 1 {
		t.Errorf("oilrig did not take both: %+v %+v", o, rep)
	}
	if e := find(got, "misp-other-2"); e == nil || e.Name != "Unrelated" || find(got, "misp-other").Name != "Something else" {
		t.Errorf("the clashing id was not renamed: %+v", rep.Renamed)
	}
	if r := got.Relations[0]; r.From != "misp-other-2" || r.To != "oilrig" {
		t.Errorf("relation not rewritten: %+v", r)
	}
}

package loaders

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
)

// mispGalaxy is MISP's threat-actor galaxy, version 349 (see ../shared/data/README.md).
const mispGalaxy = "../../shared/data/misp-galaxy/threat-actor.json"

// leviathanSTIXID is ATT&CK's Leviathan (G0065), which the galaxy's APT40 names.
const leviathanSTIXID = "intrusion-set--7113eaa5-ba79-4fb3-b68a-398ee9cd698e"

var mispOptions = MISPOptions{DatasetOptions: DatasetOptions{
	ID:        "misp-galaxy-threat-actor-349",
	Title:     "MISP galaxy: threat actors",
	Version:   "349",
	Publisher: "MISP Project",
	URL:       "https://github.com/MISP/misp-galaxy",
	Licence:   "CC0-1.0 or BSD-2-Clause",
	Language:  "en",
}}

func stixEntity(id string, kind graph.Kind, name, stixID string, aliases ...string) graph.Entity {
	e := graph.Entity{ID: id, Kind: kind, Name: name, Aliases: aliases, Sources: []string{"base"}}
	if stixID != "" {
		e.Attributes = []graph.Attribute{{Key: attrSTIXID, Value: stixID}}
	}
	return e
}

// mispTestBase is the Base of the files of testdata/misp: ATT&CK-like
// entities whose stix_ids the files' related entries name, and curated-like
// ones.
var mispTestBase = []graph.Entity{
	stixEntity("attack-g0065", graph.ThreatActor, "Leviathan", leviathanSTIXID, "APT40"),
	stixEntity("attack-s0021", graph.Malware, "Derusbi", "malware--94379dec-5c87-49db-b36e-66abc0b81344"),
	stixEntity("attack-s0002", graph.Malware, "Mimikatz", "tool--afc079f3-c0ea-4096-b75d-3f05338b7f60"),
	stixEntity("attack-t1566.001", graph.Technique, "Spearphishing Attachment", "attack-pattern--2e34237d-8574-43f6-aace-ae2915de8597"),
	stixEntity("attack-c0001", graph.Campaign, "A campaign", "campaign--00000000-0000-4000-8000-0000000000c1"),
	stixEntity("attack-g0001", graph.ThreatActor, "Axiom", "intrusion-set--00000000-0000-4000-8000-0000000000a1"),
	stixEntity("attack-g0002", graph.ThreatActor, "APT17", "intrusion-set--00000000-0000-4000-8000-0000000000a2"),
	stixEntity("attack-g0003", graph.ThreatActor, "Magic Hound", "intrusion-set--00000000-0000-4000-8000-0000000000a3"),
	stixEntity("attack-g0004", graph.ThreatActor, "Cleaver", "intrusion-set--00000000-0000-4000-8000-0000000000a4"),
	stixEntity("attack-g0005", graph.ThreatActor, "Turla", "intrusion-set--00000000-0000-4000-8000-0000000000a5"),
	stixEntity("attack-g0006", graph.ThreatActor, "Charming Kitten group", "threat-actor--00000000-0000-4000-8000-0000000000a6"),
	// Two Base entities with one stix_id: a uses naming it is ambiguous.
	stixEntity("attack-s0101", graph.Malware, "Twin", "malware--00000000-0000-4000-8000-0000000000d1"),
	stixEntity("curated-twin", graph.Malware, "Twin", "malware--00000000-0000-4000-8000-0000000000d1"),
	{ID: "china", Kind: graph.Country, Name: "China", Attributes: []graph.Attribute{{Key: attrISO2, Value: "CN"}}, Sources: []string{"base"}},
	{ID: "government", Kind: graph.Sector, Name: "Government", Sources: []string{"base"}},
	// Not a sector: the galaxy's sector Aviation takes another id.
	{ID: "aviation", Kind: graph.Organization, Name: "Aviation Corp", Sources: []string{"base"}},
}

func mispTestOptions() MISPOptions {
	return MISPOptions{DatasetOptions: testOptions.DatasetOptions, Base: mispTestBase}
}

// baseExisting is a Base as graph's validation sees it.
type baseExisting []graph.Entity

func (b baseExisting) EntityKind(id string) graph.Kind {
	for _, e := range b {
		if e.ID == id {
			return e.Kind
		}
	}
	return ""
}
func (baseExisting) HasSource(string) bool { return false }

func readMISPFile(t testing.TB, path string, opts MISPOptions) (graph.Batch, MISPReport, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return ReadMISPGalaxy(bufio.NewReader(f), opts)
}

// withoutBaseRelations is b without the relations that end at Base entities.
func withoutBaseRelations(b graph.Batch) graph.Batch {
	ids := map[string]bool{}
	for _, e := range b.Entities {
		ids[e.ID] = true
	}
	out := b
	out.Relations = slices.DeleteFunc(slices.Clone(b.Relations), func(r graph.Relation) bool { return !ids[r.To] })
	return out
}

// TestMISPGolden reads every galaxy of testdata/misp and compares the batch
// and report, or the error, with its .golden file (go test -update rewrites
// them). Files named map-* show rows of the mapping; err-* one error each.
func TestMISPGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/misp/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no galaxies in testdata/misp: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			b, rep, err := readMISPFile(t, file, mispTestOptions())
			if strings.HasPrefix(name, "err-") != (err != nil) {
				t.Errorf("error = %v; the files named err-* (and only they) must fail", err)
			}
			if err == nil {
				// Relations may end at Base entities; the rest stands alone.
				if err := b.Check(baseExisting(mispTestBase)); err != nil {
					t.Errorf("the batch does not validate against its Base: %v", err)
				}
				own := withoutBaseRelations(b)
				if err := own.Check(graph.NoneExisting{}); err != nil {
					t.Errorf("the batch without its relations to the Base does not validate: %v", err)
				}
				b2, rep2, _ := readMISPFile(t, file, mispTestOptions())
				if !reflect.DeepEqual(b, b2) || !reflect.DeepEqual(rep, rep2) {
					t.Error("two reads of the same file differ")
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

// TestMISPMappingRowsHaveFiles: every row of the mapping tables is used by
// a file of testdata/misp, and every skip reason and related outcome is
// shown by one.
func TestMISPMappingRowsHaveFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/misp/map-*.json")
	var all strings.Builder
	shown := map[string]bool{}
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(text)
		_, rep, err := readMISPFile(t, f, mispTestOptions())
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for reason := range rep.Skipped {
			shown[reason] = true
		}
		for outcome := range rep.Related {
			shown[outcome] = true
		}
	}
	for key := range mispMetaKeys {
		if !strings.Contains(all.String(), strconv.Quote(key)+":") {
			t.Errorf("no file of testdata/misp uses the meta key %q", key)
		}
	}
	for typ := range mispRelated {
		if !strings.Contains(all.String(), `"type": `+strconv.Quote(typ)) {
			t.Errorf("no file of testdata/misp has a related entry of type %q", typ)
		}
	}
	for _, reason := range []string{mispSkipEmpty, mispSkipNothing, mispSkipTwice, mispSkipAliasName, mispSkipConfidence,
		mispRelJoined, mispRelJoinedBy, mispRelNotChosen, mispRelTaken, mispRelAmbiguous, mispRelRelation, mispRelGalaxy,
		mispRelUnknown, mispRelWrongType, mispRelNoMapping, mispRelDuplicated} {
		if !shown[reason] {
			t.Errorf("no file of testdata/misp shows %q", reason)
		}
	}
}

func TestMISPNeedsATitle(t *testing.T) {
	_, _, err := ReadMISPGalaxy(strings.NewReader(`{"type": "threat-actor", "values": []}`), MISPOptions{})
	if err == nil || !strings.Contains(err.Error(), "title") {
		t.Errorf("err = %v, want one asking for the dataset's title", err)
	}
}

// mispGalaxyOf writes a galaxy around entries given as JSON texts.
func mispGalaxyOf(entries ...string) string {
	return `{"type": "threat-actor", "name": "Threat Actor", "values": [` + strings.Join(entries, ",") + `]}`
}

func mispEntryJSON(i int) string {
	return fmt.Sprintf(`{"value": "Actor %d", "uuid": "00000000-0000-4000-8000-%012d"}`, i, i)
}

func TestMISPTooLarge(t *testing.T) {
	opts := mispTestOptions()
	in := mispGalaxyOf(mispEntryJSON(1), mispEntryJSON(2))
	opts.MaxBytes = len(in)
	if _, _, err := ReadMISPGalaxy(strings.NewReader(in), opts); err != nil {
		t.Errorf("a file of exactly MaxBytes: %v", err)
	}
	opts.MaxBytes = len(in) - 1
	_, _, err := ReadMISPGalaxy(strings.NewReader(in), opts)
	if want := fmt.Sprintf("MISP galaxy: the input is larger than %d bytes", len(in)-1); err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
	// The reader stops at the bound: it does not read a huge input to its end.
	cr := &countingReader{r: io.MultiReader(strings.NewReader(in), infinite{})}
	if _, _, err := ReadMISPGalaxy(cr, opts); err == nil || cr.n > len(in)+64<<10 {
		t.Errorf("read %d bytes of an endless input (err %v)", cr.n, err)
	}
	for _, max := range []int{0, MaxMISPBytes + 1} {
		opts.MaxBytes, opts.MaxEntries = max, max
		x, err := newMISPReader(opts)
		if err != nil {
			t.Fatal(err)
		}
		if x.opts.MaxBytes != MaxMISPBytes || x.opts.MaxEntries != MaxMISPEntries {
			t.Errorf("limits %d: %d bytes, %d entries", max, x.opts.MaxBytes, x.opts.MaxEntries)
		}
	}
}

type infinite struct{}

func (infinite) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

func TestMISPTooManyEntries(t *testing.T) {
	opts := mispTestOptions()
	opts.MaxEntries = 2
	if _, rep, err := ReadMISPGalaxy(strings.NewReader(mispGalaxyOf(mispEntryJSON(1), mispEntryJSON(2))), opts); err != nil || rep.Entries != 2 {
		t.Errorf("2 entries: %v, %d read", err, rep.Entries)
	}
	_, _, err := ReadMISPGalaxy(strings.NewReader(mispGalaxyOf(mispEntryJSON(1), mispEntryJSON(2), mispEntryJSON(3))), opts)
	if err == nil || !strings.HasPrefix(err.Error(), "MISP galaxy: more than 2 entries in values (value #3 at byte ") {
		t.Errorf("err = %v, want more than 2 entries", err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestMISPReadError(t *testing.T) {
	_, _, err := ReadMISPGalaxy(failingReader{}, mispTestOptions())
	if err == nil || IsDatasetError(err) || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("err = %v, want the reader's error, not a dataset error", err)
	}
}

// readMISPGalaxy reads the real galaxy, or skips the test without it.
func readMISPGalaxy(t *testing.T, base []graph.Entity) (graph.Batch, MISPReport) {
	t.Helper()
	if _, err := os.Stat(mispGalaxy); errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is missing", mispGalaxy)
	}
	opts := mispOptions
	opts.Base = base
	b, rep, err := readMISPFile(t, mispGalaxy, opts)
	if err != nil {
		t.Fatal(err)
	}
	return b, rep
}

// leviathanBase is a Base with ATT&CK's Leviathan, and China as curated.
var leviathanBase = []graph.Entity{
	stixEntity("attack-g0065", graph.ThreatActor, "Leviathan", leviathanSTIXID, "APT40", "TEMP.Periscope"),
	{ID: "china", Kind: graph.Country, Name: "China", Attributes: []graph.Attribute{{Key: attrISO2, Value: "CN"}}, Sources: []string{"base"}},
	{ID: "government", Kind: graph.Sector, Name: "Government", Sources: []string{"base"}},
}

// TestMISPGalaxyFile imports the real threat-actor galaxy.
func TestMISPGalaxyFile(t *testing.T) {
	b, rep := readMISPGalaxy(t, leviathanBase)
	t.Logf("\n%s", rep)
	if err := b.Check(graph.NoneExisting{}); err != nil {
		t.Fatalf("the batch does not validate: %.2000v", err)
	}
	entities := map[string]graph.Entity{}
	for _, e := range b.Entities {
		entities[e.ID] = e
	}
	apt40, ok := entities["misp-apt40"]
	if !ok {
		t.Fatal("no misp-apt40")
	}
	if apt40.Kind != graph.ThreatActor || apt40.Name != "APT40" || apt40.Attr(attrMISPUUID) != "5b4b6980-3bc7-11e8-84d6-879aaac37dd9" {
		t.Errorf("APT40 is %+v", apt40)
	}
	for _, a := range []string{"Leviathan", "TEMP.Periscope", "BRONZE MOHAWK", "GADOLINIUM"} {
		if !slices.Contains(apt40.Aliases, a) {
			t.Errorf("APT40 has no alias %q: %q", a, apt40.Aliases)
		}
	}
	if got := apt40.Attr(attrSTIXID); got != leviathanSTIXID {
		t.Errorf("APT40's stix_id is %q, want Leviathan's %s", got, leviathanSTIXID)
	}
	if !slices.Contains(apt40.Sources, "attack-g0065") || !slices.Contains(apt40.Sources, mispOptions.ID) {
		t.Errorf("APT40 cites %v, want its ATT&CK page and the dataset", apt40.Sources)
	}
	if !strings.HasPrefix(apt40.Description, "Leviathan is an espionage actor") {
		t.Errorf("APT40's description is %q", apt40.Description)
	}

	targets := map[string]int{}
	var attributed []graph.Relation
	for _, r := range b.Relations {
		if r.From != "misp-apt40" {
			continue
		}
		switch r.Type {
		case "TARGETED":
			targets[r.To]++
		case "ATTRIBUTED_TO":
			attributed = append(attributed, r)
		}
		if !slices.Equal(r.Sources, []string{mispOptions.ID}) {
			t.Errorf("%s cites %v, want the dataset only: the entry's refs are the entity's, not evidence of each claim", r.ID, r.Sources)
		}
	}
	if len(attributed) != 1 || attributed[0].To != "china" || attributed[0].Confidence == nil || *attributed[0].Confidence != 50 {
		t.Errorf("APT40 ATTRIBUTED_TO %+v, want china only, confidence 50 (country CN and sponsor China are one claim)", attributed)
	}
	for _, c := range []string{"philippines", "norway", "united-states", "cambodia", "government", "private-sector"} {
		if targets[c] != 1 {
			t.Errorf("APT40 TARGETED %s %d times, want once", c, targets[c])
		}
	}
	if len(targets) != 13 { // 11 countries (The Philippines is the Philippines; APEC is none) and 2 sectors
		t.Errorf("APT40 TARGETED %d entities: %v", len(targets), targets)
	}
	if nk := entities["north-korea"]; nk.Attr(attrISO2) != "KP" {
		t.Errorf("north-korea is %+v", nk)
	}

	// The counts of threat-actor.json version 349.
	if rep.Entries != 1041 || rep.Entities[graph.ThreatActor] != 1041 || rep.Joined != 1 {
		t.Errorf("report: %d entries, %d actors, %d joined", rep.Entries, rep.Entities[graph.ThreatActor], rep.Joined)
	}
	for _, c := range []struct {
		what string
		got  int
		want int
	}{
		{"countries", rep.Entities[graph.Country], mispRealCountries},
		{"sectors", rep.Entities[graph.Sector], mispRealSectors},
		{"ATTRIBUTED_TO", rep.Relations["ATTRIBUTED_TO"], mispRealAttributed},
		{"TARGETED", rep.Relations["TARGETED"], mispRealTargeted},
		{"sources", rep.Sources[mispSourceRef], mispRealSources},
		{"unmatched countries", total(rep.Unmatched[mispUnmatchedCountry]), mispRealUnmatchedCountries},
		{"Asia Pacific Economic Cooperation", rep.Unmatched[mispUnmatchedCountry]["Asia Pacific Economic Cooperation"], 2},
		{"related entries", total(rep.Related), 432},
	} {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.what, c.got, c.want)
		}
	}

	b2, rep2 := readMISPGalaxy(t, leviathanBase)
	if !reflect.DeepEqual(b, b2) || !reflect.DeepEqual(rep, rep2) {
		t.Error("two reads of the same galaxy differ")
	}
}

// Counts of threat-actor.json version 349 (see the report TestMISPGalaxyFile logs).
const (
	mispRealCountries          = 118
	mispRealSectors            = 80
	mispRealAttributed         = 476
	mispRealTargeted           = 1363
	mispRealSources            = 2957
	mispRealUnmatchedCountries = 70
)

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// TestMISPMerge merges the galaxy into an ATT&CK-like base: APT40 joins
// Leviathan by its STIX id, and its relations follow.
func TestMISPMerge(t *testing.T) {
	add, _ := readMISPGalaxy(t, leviathanBase)
	base := graph.Batch{
		Sources:  []graph.Source{{ID: "base", Title: "Base"}, {ID: "attack-g0065", Title: "Leviathan (G0065)", URL: "https://attack.mitre.org/groups/G0065"}},
		Entities: slices.Clone(leviathanBase),
	}
	out, rep := Merge(base, add)
	t.Logf("\n%s", rep)
	if err := out.Check(graph.NoneExisting{}); err != nil {
		t.Fatalf("the merged batch does not validate: %.2000v", err)
	}
	if rep.Merged[ruleSTIXID] != 1 || rep.Merged[ruleISO] == 0 || rep.Merged[ruleName] == 0 {
		t.Errorf("merged %v, want one by STIX id (APT40), countries by ISO code and sectors by name", rep.Merged)
	}
	var leviathan graph.Entity
	for _, e := range out.Entities {
		switch e.ID {
		case "attack-g0065":
			leviathan = e
		case "misp-apt40":
			t.Errorf("misp-apt40 is still an entity of its own: %+v", e)
		}
	}
	if leviathan.Name != "Leviathan" || leviathan.Attr(attrMISPUUID) != "5b4b6980-3bc7-11e8-84d6-879aaac37dd9" ||
		!slices.Contains(leviathan.Aliases, "BRONZE MOHAWK") || !slices.Contains(leviathan.Sources, mispOptions.ID) {
		t.Errorf("Leviathan after the merge: %+v", leviathan)
	}
	found := map[string]bool{}
	for _, r := range out.Relations {
		if r.From == "attack-g0065" {
			found[r.Type+" "+r.To] = true
		}
		if r.From == "misp-apt40" || r.To == "misp-apt40" {
			t.Errorf("%s still refers to misp-apt40", r.ID)
		}
	}
	for _, want := range []string{"ATTRIBUTED_TO china", "TARGETED philippines", "TARGETED norway", "TARGETED government"} {
		if !found[want] {
			t.Errorf("after the merge, Leviathan has no relation %s: %v", want, found)
		}
	}
}

// TestMISPGalaxyWithATTACK reads the galaxy with ATT&CK Enterprise 18.1 as
// its Base, as the explorer does, and merges the two.
func TestMISPGalaxyWithATTACK(t *testing.T) {
	if testing.Short() {
		t.Skip("reads ATT&CK (50 MB)")
	}
	if _, err := os.Stat(attackBundle); errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is missing", attackBundle)
	}
	attack, _, err := readSTIXFile(t, attackBundle, attackOptions)
	if err != nil {
		t.Fatal(err)
	}
	b, rep := readMISPGalaxy(t, attack.Entities)
	t.Logf("\n%s", rep)
	if err := b.Check(baseExisting(attack.Entities)); err != nil {
		t.Fatalf("the batch does not validate against ATT&CK: %.2000v", err)
	}
	stixIDs := map[string]string{}
	for _, e := range b.Entities {
		if id := e.Attr(attrSTIXID); id != "" {
			if other, dup := stixIDs[id]; dup {
				t.Errorf("%s and %s both join %s", other, e.ID, id)
			}
			stixIDs[id] = e.ID
		}
	}
	if stixIDs[leviathanSTIXID] != "misp-apt40" {
		t.Errorf("Leviathan is joined by %q, want misp-apt40", stixIDs[leviathanSTIXID])
	}
	uses := 0
	for _, r := range b.Relations {
		if r.Type == "USES" {
			uses++
			if !strings.HasPrefix(r.To, "attack-s") {
				t.Errorf("%s: USES %s, want ATT&CK software", r.ID, r.To)
			}
		}
	}
	if rep.Joined != mispATTACKJoined || uses != mispATTACKUses || len(rep.Ambiguous) != mispATTACKAmbiguous {
		t.Errorf("%d joined, %d USES, %d ambiguous; want %d, %d, %d", rep.Joined, uses, len(rep.Ambiguous),
			mispATTACKJoined, mispATTACKUses, mispATTACKAmbiguous)
	}

	out, mrep := Merge(attack, b)
	t.Logf("\n%s", mrep)
	if err := out.Check(graph.NoneExisting{}); err != nil {
		t.Fatalf("the merged batch does not validate: %.2000v", err)
	}
	if mrep.Merged[ruleSTIXID] != rep.Joined {
		t.Errorf("Merge joined %d by STIX id, want the %d the import prepared", mrep.Merged[ruleSTIXID], rep.Joined)
	}
}

// Joins of threat-actor.json version 349 with ATT&CK Enterprise 18.1.
const (
	mispATTACKJoined    = 50
	mispATTACKUses      = 9
	mispATTACKAmbiguous = 5
)

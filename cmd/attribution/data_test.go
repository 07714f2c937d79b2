package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/neo4j/neo4jtest"
	"github.com/attribution-explorer/attribution/loaders"
	"github.com/attribution-explorer/attribution/schema"
)

const testBundle = "../../loaders/testdata/stix/rel-uses.json" // Leviathan (G0065) USES Phishing (T1566)

// TestPublicRecordThroughGraphQL: with -data all (the default), APT40 is one
// entity that answers to Leviathan, Gadolinium and G0065, with ATT&CK's
// techniques and software, the MISP galaxy's sponsor, EuRepoC's incidents
// and attributions, and its curated claims.
func TestPublicRecordThroughGraphQL(t *testing.T) {
	cfg, err := parseConfig("serve", []string{"-data", "all"}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	store, err := openStore(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	datasets, err := knownDatasets(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := schema.New(store, datasets...)
	if err != nil {
		t.Fatal(err)
	}
	ask := func(q string) string {
		res := sc.Do(context.Background(), schema.Request{Query: q})
		if len(res.Errors) > 0 {
			t.Fatalf("%s: %v", q, res.Errors)
		}
		return fmt.Sprint(res.Data)
	}
	for _, name := range []string{"Leviathan", "Gadolinium", "G0065"} {
		if got := ask(`{ search(query: "` + name + `", first: 1) { entity { id } } }`); !strings.Contains(got, "id:apt40") {
			t.Errorf("search %q: %s", name, got)
		}
	}
	got := ask(`{ search(query: "APT40", kinds: [THREAT_ACTOR], first: 20) { matched entity { id } } }`)
	if strings.Count(got, "matched:APT40") != 1 {
		t.Errorf("threat actors answering to APT40: %s", got)
	}
	got = ask(`{ entity(id: "apt40") { relations(direction: OUT, types: ["USES"], first: 1000) { to { kind } } } }`)
	if strings.Count(got, "TECHNIQUE") < 30 || strings.Count(got, "MALWARE") < 10 {
		t.Errorf("apt40 uses %d techniques and %d malware", strings.Count(got, "TECHNIQUE"), strings.Count(got, "MALWARE"))
	}
	res := sc.Do(context.Background(), schema.Request{Query: `{ entity(id: "apt40") { relations(types: ["CONDUCTED", "ATTRIBUTED_TO", "ACCUSES"], first: 1000) {
		type from { id } to { id } sources { id } } } }`})
	raw, _ := json.Marshal(res.Data)
	var rels struct {
		Entity struct {
			Relations []struct {
				Type     string
				From, To struct{ ID string }
				Sources  []struct{ ID string }
			}
		}
	}
	if err := json.Unmarshal(raw, &rels); err != nil {
		t.Fatal(err)
	}
	claims := map[string]bool{}
	for _, r := range rels.Entity.Relations {
		for _, s := range r.Sources {
			claims[r.Type+" "+r.From.ID+" "+r.To.ID+" "+s.ID] = true
		}
	}
	for _, want := range []string{
		"CONDUCTED apt40 eurepoc-incident-1137 eurepoc-1.1.incident-1137",                  // EuRepoC's incidents
		"ACCUSES eurepoc-incident-1137-attribution-1 apt40 eurepoc-1.1",                    // EuRepoC's attributions
		"ATTRIBUTED_TO apt40 china misp-galaxy-threat-actor-349",                           // the MISP galaxy's sponsor
		"ATTRIBUTED_TO apt40 mss uk-fcdo-2021-07-19",                                       // the curated claim, as it was
		"ATTRIBUTED_TO attack-c0049 apt40 mitre-attack-enterprise-18.1.created-2025-02-03", // ATT&CK's campaign
	} {
		if !claims[want] {
			t.Errorf("apt40's claims lack %q", want)
		}
	}
	got = ask(`{ datasets { id } }`)
	for _, id := range []string{"mitre-attack-enterprise-18.1", "misp-galaxy-threat-actor-349", "eurepoc-1.1"} {
		if !strings.Contains(got, id) {
			t.Errorf("datasets %s lack %s", got, id)
		}
	}
	got = ask(`{ entity(id: "ding-xiaoyang") { relations(direction: OUT, types: ["MEMBER_OF"]) { to { id } sources { id } } } }`)
	if !strings.Contains(got, "id:apt40") || !strings.Contains(got, "article-exchange-attribution") {
		t.Errorf("the curated claim that Ding Xiaoyang is a member of APT40: %s", got)
	}
}

func TestDataAndImportFlags(t *testing.T) {
	if _, err := parseConfig("serve", []string{"-data", "nope"}, env(nil), io.Discard); err == nil || !strings.Contains(err.Error(), `no public dataset "nope"`) {
		t.Errorf("-data nope: %v", err)
	}
	for args, want := range map[string]string{
		"import":                   "import needs at least one file",
		"import -format nope x":    `-format "nope": want one of [stix misp table]`,
		"import -format table x":   "-mapping FILE goes with -format table",
		"import -mapping m.yaml x": "-mapping FILE goes with -format table",
		"export -format misp":      `-format "misp"`,
		"export -depth 9":          "-depth 9: want 1 to 4",
		"import " + testBundle:     "import writes into Neo4j (set NEO4J_URI)",
		"serve -import /nonexist":  "no such file",
	} {
		err := run(context.Background(), append(strings.Fields(args), "-addr", "127.0.0.1:0")[:len(strings.Fields(args))], env(nil), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want %q", args, err, want)
		}
	}
	var out strings.Builder
	if err := run(context.Background(), []string{"import", "-dry-run", testBundle}, env(nil), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "merge: 2 entities created") {
		t.Errorf("import -dry-run printed %q", out.String())
	}
	// The other formats, through the same command.
	for _, c := range []struct{ args, want string }{
		{"import -dry-run -format misp ../../loaders/testdata/misp/map-actor.json", "entities created: "},
		{"import -dry-run -format table -mapping ../../loaders/testdata/table/other/operations.yaml ../../loaders/testdata/table/other/operations.csv", "rows read: "},
		{"import -dry-run -format misp ../../loaders/testdata/misp/err-duplicate-uuid.json", "nothing of it was read"},
	} {
		out.Reset()
		err := run(context.Background(), strings.Fields(c.args), env(nil), &out, io.Discard)
		if got := out.String() + fmt.Sprint(err); !strings.Contains(got, c.want) {
			t.Errorf("%s: %s; want %q", c.args, got, c.want)
		}
	}
}

// TestExport: the curated data exported as STIX reads back as the same
// graph, and an unknown -around entity is an error.
func TestExport(t *testing.T) {
	file := t.TempDir() + "/curated.json"
	if err := run(context.Background(), []string{"export", "-data", "none", "-o", file}, env(nil), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	// Imported into the curated data, every entity is found again by its id.
	cfg, err := parseConfig("serve", []string{"-data", "none", "-import", file}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	curated, err := loaders.Curated()
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if _, err := assemble(curated, cfg, &out); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("merge: 0 entities created, %d merged", len(curated.Entities)); !strings.Contains(out.String(), want) {
		t.Errorf("the export read back: %s\nwant %s", out.String(), want)
	}
	if err := run(context.Background(), []string{"export", "-data", "none", "-around", "nope"}, env(nil), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), `-around "nope": no such entity`) {
		t.Errorf("-around nope: %v", err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"export", "-data", "none", "-around", "ding-xiaoyang", "-depth", "1"}, env(nil), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"type": "bundle"`) || !strings.Contains(out.String(), "Ding Xiaoyang") || strings.Contains(out.String(), "Zirconium") {
		t.Errorf("the neighbourhood of ding-xiaoyang: %.300s", out.String())
	}
}

// TestImportIntoNeo4j: an imported bundle joins the entities already there
// (Leviathan G0065 becomes the curated APT40), and importing it twice
// changes nothing.
func TestImportIntoNeo4j(t *testing.T) {
	neo := neo4jtest.Open(t)
	ctx := context.Background()
	c := neo4jtest.Config()
	vars := env(map[string]string{"NEO4J_URI": c.URI, "NEO4J_USER": c.User, "NEO4J_PASSWORD": c.Password, "NEO4J_DATABASE": c.Database})
	if err := run(ctx, []string{"load", "-data", "none"}, vars, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	before, err := neo.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var counts []string
	// Four new sources: the fifth, G0065's ATT&CK page, is curated already.
	// The first time Leviathan joins APT40 by its ATT&CK id; the second
	// time both entities are found by the STIX ids they now carry.
	for _, want := range []string{"merge: 1 entities created, 1 merged into existing ones; 1 by same ATT&CK id",
		"merge: 0 entities created, 2 merged into existing ones; 2 by same STIX id"} {
		var out strings.Builder
		if err := run(ctx, []string{"import", testBundle}, vars, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), want) {
			t.Errorf("import printed %q; want %q", out.String(), want)
		}
		after, err := neo.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		counts = append(counts, fmt.Sprint(after))
	}
	if counts[0] != counts[1] {
		t.Errorf("importing twice changed the graph: %v", counts)
	}
	if want := fmt.Sprint(graph.Counts{Entities: before.Entities + 1, Relations: before.Relations + 1, Sources: before.Sources + 4}); counts[0] != want {
		t.Errorf("after the import: %s, before %v; want %s", counts[0], before, want)
	}
	es, err := neo.Entities(ctx, []string{"apt40"})
	if err != nil || len(es) != 1 || es[0].Attr("stix_id") == "" {
		t.Errorf("apt40 after the import: %+v %v", es, err)
	}
	// The other formats: a galaxy and a table, each imported twice; a
	// broken file writes nothing.
	for _, args := range [][]string{
		{"import", "-format", "misp", "../../loaders/testdata/misp/map-actor.json"},
		{"import", "-format", "table", "-mapping", "../../loaders/testdata/table/other/operations.yaml", "../../loaders/testdata/table/other/operations.csv"},
	} {
		var counts []graph.Counts
		for range 2 {
			if err := run(ctx, args, vars, io.Discard, io.Discard); err != nil {
				t.Fatalf("%v: %v", args, err)
			}
			c, err := neo.Counts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			counts = append(counts, c)
		}
		if counts[0] != counts[1] {
			t.Errorf("%v twice changed the graph: %v", args, counts)
		}
	}
	// A file citing more sources than one request may name (graph.MaxIDs):
	// a record and a URL per row, and the file as a dataset.
	var csv strings.Builder
	csv.WriteString("Ref,Title,Month,Affiliations,Description,Victims,Sponsor,Type,Category,Source 1,Source 2,Source 3\n")
	const rows = 600
	for i := range rows {
		fmt.Fprintf(&csv, "big-%d,Operation %d,2020-01,,,,,Espionage,,https://example.org/big/%d,,\n", i, i, i)
	}
	big := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(big, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	before, err = neo.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"import", "-format", "table", "-mapping", "../../loaders/testdata/table/other/operations.yaml", big},
		vars, io.Discard, io.Discard); err != nil {
		t.Fatalf("importing %d sources: %v", 2*rows, err)
	}
	after, err := neo.Counts(ctx)
	if err != nil || after.Sources != before.Sources+2*rows+1 || after.Entities != before.Entities+rows {
		t.Errorf("importing %d operations with %d sources: %v, then %v (%v)", rows, 2*rows, before, after, err)
	}

	before = after
	if err := run(ctx, []string{"import", "-format", "misp", "../../loaders/testdata/misp/err-duplicate-uuid.json"}, vars, io.Discard, io.Discard); err == nil {
		t.Error("a broken galaxy was imported")
	}
	if after, err := neo.Counts(ctx); err != nil || after != before {
		t.Errorf("a broken file changed the graph: %v, then %v (%v)", before, after, err)
	}
}

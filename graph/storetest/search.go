package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/attribution-explorer/attribution/graph"
)

// testSearch: what search finds and in what order (graph/textmatch says it
// in full): exact names, aliases and external ids, prefixes, words, typos;
// case, accents, spacing and punctuation ignored; the label that matched.
func testSearch(t *testing.T, s graph.Store) {
	search := func(text string, kinds []graph.Kind, limit int) []graph.SearchHit {
		t.Helper()
		return must(s.Search(ctx, graph.SearchQuery{Text: text, Kinds: kinds, Limit: limit}))(t)
	}
	hits := search("zircon", nil, 10)
	if len(hits) != 1 || hits[0].Entity.ID != "actor-a" || hits[0].Matched != "Zircon Panda" {
		t.Fatalf("alias search: %+v", hits)
	}
	near(t, "alias prefix score", hits[0].Score, 0.9*0.95)
	hits = search("ELODIE durand", nil, 10)
	same(t, "case and accents ignored", len(hits) == 1 && hits[0].Entity.ID == "person-p" && hits[0].Score == 1.0, true)
	hits = search("societe", nil, 10)
	same(t, "accented alias", len(hits) == 1 && hits[0].Matched == "Société Hack", true)
	hits = search("panda zirc", nil, 10)
	same(t, "every word a word prefix, any order", hitIDs(hits), []string{"actor-a"})
	near(t, "word prefix score", hits[0].Score, 0.7*0.95)
	hits = search("apt alpha", nil, 10)
	same(t, "exact name", hits[0].Score, 1.0)
	same(t, "no match", len(search("ministry zzz", nil, 10)), 0)
	same(t, "a word's middle does not match", len(search("rway", nil, 10)), 0)
	same(t, "ranking: score first", hitIDs(search("al", nil, 10)), []string{"event-2", "actor-a"})
	same(t, "ranking: then shorter names", hitIDs(search("m", nil, 10)), []string{"sector-s", "org-m"})
	same(t, "limit", hitIDs(search("m", nil, 1)), []string{"sector-s"})
	same(t, "kinds", hitIDs(search("m", []graph.Kind{graph.Organization, graph.Malware}, 10)), []string{"org-m"})
	same(t, "punctuation splits words", hitIDs(search("x.exe", nil, 10)), []string{"malware-x"})
	_, err := s.Search(ctx, graph.SearchQuery{Text: "  ", Limit: 5})
	wantInvalid(t, "empty query", err)
	same(t, "no words, no hits", len(search("-- ...", nil, 10)), 0)

	upsert(t, s, graph.Batch{Entities: searchEntities()})

	// Spacing and punctuation do not matter.
	for _, text := range []string{"APT40", "APT 40", "apt-40", "Apt.40"} {
		same(t, text, hitStrings(search(text, nil, 10)), []string{"apt40 1.000 APT40"})
	}
	same(t, "a prefix; equal scores and names by id", hitStrings(search("apt4", nil, 10)),
		[]string{"apt40 0.900 APT40", "apt41 0.900 APT41"})
	for _, text := range []string{"TEMP.Periscope", "temp periscope", "TempPeriscope"} {
		same(t, text, hitStrings(search(text, nil, 10)), []string{"apt40 0.950 TEMP.Periscope"})
	}
	same(t, "words of two labels", hitStrings(search("leviathan apt", nil, 10)), []string{"apt40 0.665 APT40"})
	same(t, "the alias that matched", hitStrings(search("gadolinium", nil, 10)), []string{"apt40 0.950 Gadolinium"})

	// External ids: ATT&CK ids and CVEs, however written.
	for _, text := range []string{"G0065", "g0065", "g 0065"} {
		same(t, text, hitStrings(search(text, nil, 10)), []string{"apt40 0.950 G0065"})
	}
	same(t, "a technique, then its sub-techniques", hitStrings(search("T1566", nil, 10)),
		[]string{"t1566 0.950 T1566", "t1566-001 0.855 T1566.001"})
	same(t, "a sub-technique", hitStrings(search("t1566.001", nil, 10)), []string{"t1566-001 0.950 T1566.001"})
	same(t, "a CVE", hitStrings(search("CVE-2021-26855", nil, 10)), []string{"proxylogon 0.950 CVE-2021-26855"})
	same(t, "another CVE of the same attribute", hitStrings(search("cve 2021 27065", nil, 10)),
		[]string{"proxylogon 0.950 CVE-2021-27065"})

	// Typos: a letter missing, extra, wrong, or two swapped, in words of
	// four letters or more; below every exact, prefix and word match.
	same(t, "a letter missing", hitStrings(search("Hafnum", nil, 10)), []string{"hafnium 0.500 HAFNIUM"})
	same(t, "typo matches come last", hitStrings(search("Zirconum", nil, 10)),
		[]string{"zirconum-labs 0.900 Zirconum Labs", "apt31 0.475 Zirconium"})
	same(t, "typo with kinds", hitStrings(search("zirconum", []graph.Kind{graph.ThreatActor}, 10)), []string{"apt31 0.475 Zirconium"})
	same(t, "an extra letter", hitStrings(search("hafniumm", nil, 10)), []string{"hafnium 0.500 HAFNIUM"})
	same(t, "a wrong letter", hitStrings(search("Leviatham", nil, 10)), []string{"apt40 0.475 Leviathan"})
	same(t, "two letters swapped, beside a word", hitStrings(search("silk tyhpoon", nil, 10)), []string{"hafnium 0.475 Silk Typhoon"})
	same(t, "a first letter missing", hitStrings(search("orway", nil, 10)), []string{"country-n 0.500 Norway"})
	same(t, "two typos in a word are too many", len(search("hafnm", nil, 10)), 0)
	same(t, "short words must be right", len(search("xrt", nil, 10)), 0)
	same(t, "digits must be right", len(search("apt42", nil, 10)), 0)

	// Among equal scores, hits that match in more ways come first.
	same(t, "ranking: more ways to match", hitStrings(search("panda", nil, 10)), []string{
		"panda-b 0.950 Panda", "panda-a 0.950 Panda", "apt31 0.665 Judgment Panda", "actor-a 0.665 Zircon Panda"})

	// A renamed entity is found by its new name only.
	renamed := searchEntities()[1]
	renamed.Name = "Bronze Atlas"
	upsert(t, s, graph.Batch{Entities: []graph.Entity{renamed}})
	same(t, "the old name is gone", hitIDs(search("apt41", nil, 10)), []string{})
	same(t, "the new name", hitStrings(search("bronze atlas", nil, 10)), []string{"apt41 1.000 Bronze Atlas"})
}

// searchEntities are what testSearch adds to the fixture.
func searchEntities() []graph.Entity {
	attr := func(k, v string) []graph.Attribute { return []graph.Attribute{{Key: k, Value: v}} }
	src := []string{"s-old"}
	return []graph.Entity{
		{ID: "apt40", Kind: graph.ThreatActor, Name: "APT40", Aliases: []string{"TEMP.Periscope", "Leviathan", "Gadolinium"},
			Attributes: attr("mitre_attack_id", "G0065"), Sources: src},
		{ID: "apt41", Kind: graph.ThreatActor, Name: "APT41", Sources: src},
		{ID: "apt31", Kind: graph.ThreatActor, Name: "APT31", Aliases: []string{"Zirconium", "Judgment Panda"}, Sources: src},
		{ID: "hafnium", Kind: graph.ThreatActor, Name: "HAFNIUM", Aliases: []string{"Silk Typhoon"}, Sources: src},
		{ID: "zirconum-labs", Kind: graph.Organization, Name: "Zirconum Labs", Sources: src},
		{ID: "t1566", Kind: graph.Technique, Name: "Phishing", Attributes: attr("mitre_attack_id", "T1566"), Sources: src},
		{ID: "t1566-001", Kind: graph.Technique, Name: "Spearphishing Attachment", Attributes: attr("mitre_attack_id", "T1566.001"), Sources: src},
		{ID: "proxylogon", Kind: graph.Vulnerability, Name: "ProxyLogon", Attributes: attr("cves", "CVE-2021-26855, CVE-2021-27065"), Sources: src},
		{ID: "panda-a", Kind: graph.Organization, Name: "Blue Whale Office", Aliases: []string{"Panda"}, Sources: src},
		{ID: "panda-b", Kind: graph.Organization, Name: "Red Panda Office", Aliases: []string{"Panda"}, Sources: src},
	}
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if got < want-1e-9 || got > want+1e-9 {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

// hitStrings are hits as "id score matched".
func hitStrings(hits []graph.SearchHit) []string {
	out := []string{}
	for _, h := range hits {
		out = append(out, fmt.Sprintf("%s %.3f %s", h.Entity.ID, h.Score, h.Matched))
	}
	return out
}

// SearchGraph is RandomGraph with what search also meets in the public
// record: ATT&CK ids on actors, malware, techniques (and sub-techniques)
// and campaigns, CVE ids on vulnerabilities, and aliases with digits and
// punctuation ("APT 17", "TEMP.Panda").
func SearchGraph(seed uint64, n int) graph.Batch {
	b := RandomGraph(seed, n)
	rng := rand.New(rand.NewPCG(seed, 0x5ea4c4))
	prefix := map[graph.Kind]string{graph.ThreatActor: "G", graph.Malware: "S", graph.Technique: "T", graph.Campaign: "C"}
	for i := range b.Entities {
		e := &b.Entities[i]
		if p, ok := prefix[e.Kind]; ok && rng.IntN(3) > 0 {
			id := fmt.Sprintf("%s%04d", p, rng.IntN(10000))
			if e.Kind == graph.Technique && rng.IntN(2) == 0 {
				id += fmt.Sprintf(".%03d", 1+rng.IntN(20))
			}
			e.Attributes = append(e.Attributes, graph.Attribute{Key: "mitre_attack_id", Value: id})
		}
		if e.Kind == graph.Vulnerability {
			var cves []string
			for range 1 + rng.IntN(3) {
				cves = append(cves, fmt.Sprintf("CVE-%d-%d", 2010+rng.IntN(15), 1000+rng.IntN(50000)))
			}
			e.Attributes = append(e.Attributes, graph.Attribute{Key: "cves", Value: strings.Join(cves, ", ")})
		}
		if rng.IntN(5) == 0 {
			w := randomWords[rng.IntN(len(randomWords))]
			e.Aliases = append(e.Aliases, []string{fmt.Sprintf("APT %d", rng.IntN(200)), "TEMP." + w,
				w + "-" + fmt.Sprint(rng.IntN(100))}[rng.IntN(3)])
		}
	}
	return b
}

// randomWords are words of RandomGraph's names.
var randomWords = []string{"Alpha", "Bravo", "Société", "Panda", "Typhoon", "Zircon", "Hainan", "Maritime", "Élodie",
	"Kryptonite", "Leviathan", "Judgment", "Silk", "Violet", "Ministry", "Bureau", "Naval", "Ørsted"}

// Kinds of search queries, as SearchQuery makes them.
const (
	QueryExact      = "exact name"
	QueryPrefix     = "prefix"
	QueryTwoWords   = "two words"
	QueryTypo       = "typo"
	QueryExternalID = "external id"
	QueryAlias      = "alias"
	QueryNone       = "no match"
)

// SearchQueryKinds are the kinds SearchQueries mixes.
var SearchQueryKinds = []string{QueryExact, QueryPrefix, QueryTwoWords, QueryTypo, QueryExternalID, QueryAlias, QueryNone}

// SearchQuery makes a search of the given kind from the labels of b's
// entities, as a user would type it: in any case, spacing and punctuation,
// with a typo, or only the beginning of a name.
func SearchQuery(rng *rand.Rand, b graph.Batch, kind string) string {
	e := b.Entities[rng.IntN(len(b.Entities))]
	labels := append([]string{e.Name}, e.Aliases...)
	label := labels[rng.IntN(len(labels))]
	words := strings.FieldsFunc(label, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	switch kind {
	case QueryExact:
		return respell(rng, e.Name)
	case QueryAlias:
		if len(e.Aliases) > 0 {
			return respell(rng, e.Aliases[rng.IntN(len(e.Aliases))])
		}
		return respell(rng, e.Name)
	case QueryPrefix:
		r := []rune(e.Name)
		return string(r[:min(len(r), 1+rng.IntN(6))])
	case QueryTwoWords:
		w1, w2 := words[rng.IntN(len(words))], words[rng.IntN(len(words))]
		return prefixOf(rng, w2) + " " + prefixOf(rng, w1)
	case QueryTypo:
		var long []string
		for _, w := range words {
			if len([]rune(w)) >= 5 && !strings.ContainsFunc(w, unicode.IsDigit) {
				long = append(long, w)
			}
		}
		if len(long) == 0 {
			return typo(rng, "Leviathan")
		}
		return typo(rng, long[rng.IntN(len(long))])
	case QueryExternalID:
		for range 20 {
			for _, a := range e.Attributes {
				if a.Key == "mitre_attack_id" || a.Key == "cves" {
					ids := strings.Split(a.Value, ", ")
					return respell(rng, ids[rng.IntN(len(ids))])
				}
			}
			e = b.Entities[rng.IntN(len(b.Entities))]
		}
		return "G0065"
	case QueryNone:
		return fmt.Sprintf("qx%dz", rng.IntN(1000))
	}
	panic("unknown kind of query " + kind)
}

// respell changes the case, spacing and punctuation of a label.
func respell(rng *rand.Rand, s string) string {
	switch rng.IntN(4) {
	case 0:
		return strings.ToLower(s)
	case 1:
		return strings.ToUpper(s)
	case 2:
		return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), "-")
	}
	return s
}

func prefixOf(rng *rand.Rand, w string) string {
	r := []rune(w)
	return string(r[:1+rng.IntN(len(r))])
}

// typo makes one typo in w: a letter missing, extra, wrong, or two swapped.
func typo(rng *rand.Rand, w string) string {
	r := []rune(strings.ToLower(w))
	i := rng.IntN(len(r) - 1)
	switch rng.IntN(4) {
	case 0:
		return string(r[:i]) + string(r[i+1:])
	case 1:
		return string(r[:i]) + "e" + string(r[i:])
	case 2:
		return string(r[:i]) + "q" + string(r[i+1:])
	}
	return string(r[:i]) + string(r[i+1]) + string(r[i]) + string(r[i+2:])
}

// SearchQueries are n searches of every kind of SearchQueryKinds, some with
// kinds, with limits from 1 to graph.MaxSearch.
func SearchQueries(rng *rand.Rand, b graph.Batch, n int) []graph.SearchQuery {
	var out []graph.SearchQuery
	for i := range n {
		q := graph.SearchQuery{Text: SearchQuery(rng, b, SearchQueryKinds[i%len(SearchQueryKinds)]), Limit: 1 + rng.IntN(graph.MaxSearch)}
		if rng.IntN(4) == 0 {
			for range 1 + rng.IntN(3) {
				q.Kinds = append(q.Kinds, graph.Kinds[rng.IntN(len(graph.Kinds))])
			}
		}
		out = append(out, q)
	}
	return out
}

// SearchBenchSize is the size of the graph of BenchSearch.
const SearchBenchSize = 50_000

// BenchSearch measures searches of the first 20 hits on store, which holds
// batch (SearchGraph), one at a time, after a few to warm up: for a mix of
// exact names, prefixes, two words, typos and external ids, and for each kind
// alone, it reports the p50 and p99 latencies in ms, and the hits found.
func BenchSearch(b *testing.B, store graph.Store, batch graph.Batch) {
	ctx := context.Background()
	mix := []string{QueryExact, QueryPrefix, QueryTwoWords, QueryTypo, QueryExternalID}
	for _, kind := range append([]string{"mix"}, mix...) {
		rng := rand.New(rand.NewPCG(5, 6))
		texts := make([]string, 1000)
		for i := range texts {
			k := kind
			if k == "mix" {
				k = mix[i%len(mix)]
			}
			texts[i] = SearchQuery(rng, batch, k)
		}
		b.Run(strings.ReplaceAll(kind, " ", "-"), func(b *testing.B) {
			for _, text := range texts[len(texts)-50:] { // warm up (caches, compiled code); not measured
				if _, err := store.Search(ctx, graph.SearchQuery{Text: text, Limit: 20}); err != nil {
					b.Fatal(err)
				}
			}
			var lat []time.Duration
			hits := 0
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				found, err := store.Search(ctx, graph.SearchQuery{Text: texts[i%len(texts)], Limit: 20})
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
				hits += len(found)
			}
			slices.Sort(lat)
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
			b.ReportMetric(float64(hits)/float64(len(lat)), "hits/op")
		})
	}
}

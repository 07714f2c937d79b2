package neo4j

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/textmatch"
	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Search ranks in the full-text index: the store gives each entity the
// properties search and typos, of marked tokens (setSearchProps), and turns
// a query into a Lucene query whose score is the rank textmatch gives each
// hit, so that Lucene returns the best hits first and only a page of them is
// read.
//
// The score of a hit is its textmatch bits (each condition a clause of
// constant score, the value of its bit) plus (Classes-1-class)/Classes for its
// name class: exact sums of powers of two, so that hits compare in Lucene as
// textmatch.Key orders them, and equal scores are equal keys. Lucene returns
// the window best; Cypher sorts them by score then id. All hits scoring more
// than the window's last are there; when those do not fill the page, the
// hits scoring as much as the last one (a "group": the same bits and name
// class) are asked for apart, by a query that matches exactly them, and the
// first of them by id complete the page.
func (s *Store) Search(ctx context.Context, q graph.SearchQuery) ([]graph.SearchHit, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	query := textmatch.ParseQuery(q.Text)
	if len(query.Words) == 0 {
		return nil, nil // no words, no hits: as in the memory store
	}
	if err := s.fillSearch(ctx); err != nil && ctx.Err() != nil {
		return nil, err
	}
	scored, base, conds := luceneQuery(query, q.Kinds)
	recs, err := s.read(ctx, `
		CALL db.index.fulltext.queryNodes('entity_tokens', $scored, {limit: $window}) YIELD node, score
		WITH node, score ORDER BY score DESC, node.id
		WITH collect([node, score]) AS rows
		WITH CASE WHEN size(rows) = $window THEN rows[-1][1] END AS cut, rows
		WITH cut, [r IN rows WHERE cut IS NULL OR r[1] > cut][..$limit] AS sure
		CALL (cut, sure) {
			WITH cut, sure WHERE cut IS NOT NULL AND size(sure) < $limit
			WITH toInteger(round(cut * $classes)) AS key
			WITH key / $classes AS bits, $classes - 1 - key % $classes AS class
			CALL db.index.fulltext.queryNodes('entity_tokens',
				reduce(q = $base + ' +search:[`+tokClass+`' + toString(class) + ' TO `+tokClass+`' + toString(class) + ']^0', c IN $conds |
					q + CASE WHEN (bits / c[0]) % 2 = 1 THEN ' +' + c[1] + '^0' ELSE ' -' + c[1] END)) YIELD node
			WITH node ORDER BY node.id LIMIT $limit
			RETURN collect(node) AS rest
		}
		RETURN sure + [n IN rest[..($limit - size(sure))] | [n, cut]] AS page, size(rest) > 0 AS grouped`,
		map[string]any{"scored": scored, "base": base, "conds": conds, "window": q.Limit + searchWindow,
			"limit": q.Limit, "classes": textmatch.Classes})
	if err != nil {
		return nil, err
	}
	if value[bool](recs[0], "grouped") {
		searchGroups.Add(1)
	}
	var hits []graph.SearchHit
	for _, row := range value[[]any](recs[0], "page") {
		pair := row.([]any)
		e := toEntity(pair[0].(neoNode).Props)
		bits := int(math.Round(pair[1].(float64)*textmatch.Classes)) / textmatch.Classes
		hits = append(hits, graph.SearchHit{Entity: e, Score: textmatch.Tier(bits),
			Matched: textmatch.Matched(query, bits, e.Name, e.SearchLabels())})
	}
	return hits, nil
}

// searchGroups counts the searches that asked for a group apart (tests see
// that they happen).
var searchGroups atomic.Int64

// searchWindow is how many hits past the page Lucene returns, so that most
// pages end inside it and need no second query. Tests change it.
var searchWindow = 200

// The tokens of the search property are marked by what they are; the marks
// hold a character no word holds, and none special to Lucene's syntax.
const (
	tokName     = "n_" // the key of the compact name
	tokOther    = "a_" // the key of the compact form of another label
	tokNameWord = "N_" // a word of the name
	tokWord     = "W_" // a word of any label
	tokKind     = "K_" // the kind
	tokClass    = "L_" // the name class
)

// The typos property holds the words that may be one typo away from a query
// word: words of letters of textmatch.MinTypo to MaxTypo+1 runes, and those
// alone, so that Lucene's fuzzy queries, which go through every word of the
// field near the query word, have few to go through. Their marks differ in
// two characters, so that no word of one is one typo away from a word of
// the other.
const (
	tokTypoName = "NN_" // a word of the name
	tokTypoWord = "WW_" // a word of any label
)

// setSearchProps sets the properties of an entity that the search index
// reads, search and typos: the tokens of its textmatch.Doc, marked,
// separated by spaces (the index's whitespace analyzer splits them there and
// changes nothing else).
func setSearchProps(p map[string]any, e graph.Entity) {
	d := textmatch.NewDoc(e.Name, e.SearchLabels())
	var search, typos []string
	if d.Name != "" {
		search = append(search, tokName+d.Name)
	}
	for _, o := range d.Others {
		search = append(search, tokOther+o)
	}
	for _, w := range d.NameWords {
		search = append(search, tokNameWord+w)
		if typoTarget(w) {
			typos = append(typos, tokTypoName+w)
		}
	}
	for _, w := range d.Words {
		search = append(search, tokWord+w)
		if typoTarget(w) {
			typos = append(typos, tokTypoWord+w)
		}
	}
	search = append(search, tokKind+string(e.Kind), tokClass+fmt.Sprint(d.Class))
	p["search"] = strings.Join(search, " ")
	if len(typos) > 0 {
		p["typos"] = strings.Join(typos, " ")
	}
}

// typoTarget reports whether a word may be one typo away from a query word.
func typoTarget(w string) bool {
	n := 0
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
		n++
	}
	return n >= textmatch.MinTypo && n <= textmatch.MaxTypo+1
}

// luceneQuery turns a query into Lucene's syntax: scored is the query whose
// score ranks hits; base the clauses every hit matches, without score;
// conds the conditions, each [bit, clause], for the query of one group.
// Words are letters and digits only (textmatch.Words), so nothing in them is
// Lucene syntax.
//
// In scored, a condition is a clause that scores its bit: on its last term,
// nothing on the others, whatever their number. Conditions that are the
// same clause are one clause, of their bits together (when no query word
// may have a typo, TypoName is WordsName and TypoAny is WordsAny), and
// those of base score in it: Lucene has fewer clauses to score for each hit.
func luceneQuery(q textmatch.Query, kinds []graph.Kind) (scored, base string, conds [][]any) {
	var nameWords, words, nameNear, near []string
	typos := false
	for _, w := range q.Words {
		nameWords = append(nameWords, "search:"+tokNameWord+w+"*")
		words = append(words, "search:"+tokWord+w+"*")
		if textmatch.TypoWord(w) {
			// Lucene's fuzzy query: one edit, transpositions included
			// (textmatch.Typo). Its score varies: the clauses that hold it
			// count nothing.
			typos = true
			nameNear = append(nameNear, "(search:"+tokNameWord+w+"* typos:"+tokTypoName+w+"~1)")
			near = append(near, "(search:"+tokWord+w+"* typos:"+tokTypoWord+w+"~1)")
		} else {
			nameNear = append(nameNear, "search:"+tokNameWord+w+"*")
			near = append(near, "search:"+tokWord+w+"*")
		}
	}
	// A clause every entity matches, of constant score, to give a
	// condition whose terms score nothing its value.
	const every = "search:" + tokKind + "*"
	scoredConj := func(terms []string, bits int) string {
		var b strings.Builder
		b.WriteString("(")
		for i, t := range terms {
			boost := 0
			if i == len(terms)-1 {
				boost = bits
			}
			fmt.Fprintf(&b, "+%s^%d ", t, boost)
		}
		return strings.TrimSpace(b.String()) + ")"
	}
	add := func(bit int, terms ...string) { conds = append(conds, []any{bit, conj(terms)}) }

	// Hits: the words near words of the labels, or a compact prefix.
	either, scoredEither := []string{conj(near)}, []string{conj(near) + "^0"}
	var should []string
	if !typos {
		scoredEither[0] = scoredConj(near, textmatch.WordsAny)
	} else {
		should = append(should, scoredConj(words, textmatch.WordsAny))
	}
	if c := q.Compact; c != "" {
		exactName, exactOther := "search:["+tokName+c+" TO "+tokName+c+"]", "search:["+tokOther+c+" TO "+tokOther+c+"]"
		prefixName, prefixOther := "search:"+tokName+c+"*", "search:"+tokOther+c+"*"
		add(textmatch.ExactName, exactName)
		add(textmatch.ExactOther, exactOther)
		add(textmatch.PrefixName, prefixName)
		add(textmatch.PrefixOther, prefixOther)
		either = append(either, prefixName, prefixOther)
		scoredEither = append(scoredEither, fmt.Sprintf("%s^%d", prefixName, textmatch.PrefixName),
			fmt.Sprintf("%s^%d", prefixOther, textmatch.PrefixOther))
		should = append(should, fmt.Sprintf("%s^%d", exactName, textmatch.ExactName),
			fmt.Sprintf("%s^%d", exactOther, textmatch.ExactOther))
	}
	add(textmatch.WordsName, nameWords...)
	add(textmatch.WordsAny, words...)
	add(textmatch.TypoName, append(nameNear, every)...)
	if !typos {
		should = append(should, scoredConj(nameWords, textmatch.WordsName|textmatch.TypoName))
	} else {
		should = append(should, scoredConj(nameWords, textmatch.WordsName), scoredConj(append(nameNear, every), textmatch.TypoName))
	}

	base = "+(" + strings.Join(either, " ") + ")^0"
	scored = "+(" + strings.Join(scoredEither, " ") + ")"
	if len(kinds) > 0 {
		var ks []string
		for _, k := range kinds {
			ks = append(ks, "search:["+tokKind+string(k)+" TO "+tokKind+string(k)+"]")
		}
		base += " +(" + strings.Join(ks, " ") + ")^0"
		scored += " +(" + strings.Join(ks, " ") + ")^0"
	}
	scored += " " + strings.Join(should, " ")
	for class := range textmatch.Classes - 1 {
		scored += fmt.Sprintf(" search:[%s%d TO %s%d]^%g", tokClass, class, tokClass, class,
			float64(textmatch.Classes-1-class)/textmatch.Classes)
	}
	return scored, base, conds
}

// conj is a clause that all terms must match.
func conj(terms []string) string {
	return "(+" + strings.Join(terms, " +") + ")"
}

// searchFill says whether entities written before the search property
// existed have been given one.
type searchFill struct {
	mu   sync.Mutex
	done atomic.Bool
}

// fillSearch gives the entities of a database written by an older version
// their search properties, once per store: without them the index does not
// see them. It fails when the store cannot write (a read replica): search
// goes on without them, and the next search tries again.
func (s *Store) fillSearch(ctx context.Context) error {
	if s.searchFill.done.Load() {
		return nil
	}
	s.searchFill.mu.Lock()
	defer s.searchFill.mu.Unlock()
	if s.searchFill.done.Load() {
		return nil
	}
	for {
		recs, err := s.read(ctx, `MATCH (e:Entity) WHERE e.search IS NULL RETURN e LIMIT $batch`,
			map[string]any{"batch": rowsPerQuery})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			break
		}
		var rows []map[string]any
		for _, r := range recs {
			e := toEntity(node(r, "e"))
			p := map[string]any{"id": e.ID}
			setSearchProps(p, e)
			rows = append(rows, p)
		}
		if _, err := driver.ExecuteQuery(ctx, s.driver,
			`UNWIND $rows AS r MATCH (e:Entity {id: r.id}) WHERE e.search IS NULL SET e.search = r.search, e.typos = r.typos`,
			map[string]any{"rows": rows}, driver.EagerResultTransformer,
			driver.ExecuteQueryWithDatabase(s.db), driver.ExecuteQueryWithWritersRouting(),
			driver.ExecuteQueryWithTransactionConfig(driver.WithTxTimeout(writeTimeout))); err != nil {
			return s.mapError(err)
		}
	}
	s.searchFill.done.Store(true)
	return nil
}

// Package textmatch is how every store matches and ranks a search against the
// labels of entities (a name, aliases, external ids), so that all of them give
// the same hits in the same order. Stores find candidates their own way (the
// memory store with an inverted index, the Neo4j store with its full-text
// index); this package says what a match is, what it scores, and in what
// order hits come.
//
// # Words and compact forms
//
// Case and accents are folded away (Fold), and a label or a query is cut into
// words: runs of letters, or runs of digits ("APT40" is "apt" and "40",
// "TEMP.Periscope" is "temp" and "periscope"). The compact form of a label or
// a query is its words run together ("apt40", "tempperiscope"), so that
// "APT 40", "apt-40" and "APT40" are all the same.
//
// # Conditions
//
// A query matches an entity when one of these holds; each sets a bit:
//
//	ExactName    the compact query is the compact name
//	ExactOther   ... is the compact form of another label (alias, external id)
//	PrefixName   the compact name begins with the compact query
//	PrefixOther  the compact form of another label begins with it
//	WordsName    every query word begins a word of the name
//	WordsAny     every query word begins a word of some label (not necessarily
//	             the same one)
//	TypoName     every query word begins a word of the name or is one typo
//	             away from one (see Typo)
//	(no bit)     every query word begins a word of some label or is one typo
//	             away from one: the weakest match, TypoAny
//
// # Score and order
//
// A hit scores the Tier of its strongest condition: 1 for the exact name down
// to TypoAny for a typo in an alias. Hits come in the order of Key: by their
// bits (so by score first, then by the other ways they match, the more the
// better), then shorter names first (NameClass), then by id.
package textmatch

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold lower-cases s and strips diacritics: "Zirconium" and "zirconium",
// "Société" and "societe" fold alike.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s) && ascii; i++ {
		ascii = s[i] < 0x80
	}
	if ascii { // nothing to strip: the common case, made fast
		return strings.ToLower(s)
	}
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, s)
	if err != nil {
		folded = s
	}
	return strings.ToLower(folded)
}

// Tokens folds s and splits it into words of letters and digits ("APT40" is
// one token). Search cuts words finer: see Words.
func Tokens(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// Limits of what the index keeps. They bound the size of index entries (a
// full-text index cuts longer tokens) and of queries.
const (
	MaxWord    = 64  // runes of a word: longer words are cut, in labels and queries alike
	MaxCompact = 120 // runes of a compact form the index keeps whole
	MinTypo    = 4   // words of fewer letters must be spelled right
	MaxTypo    = 24  // nor may words of more letters have a typo
)

// Words folds s and cuts it into words: runs of letters or runs of digits,
// each at most MaxWord runes.
func Words(s string) []string {
	var out []string
	var cur []rune
	class := 0 // of cur: 1 letters, 2 digits
	flush := func() {
		if len(cur) > MaxWord {
			cur = cur[:MaxWord]
		}
		if len(cur) > 0 {
			out = append(out, string(cur))
		}
		cur = cur[:0]
	}
	for _, r := range Fold(s) {
		c := 0
		switch {
		case unicode.IsLetter(r):
			c = 1
		case unicode.IsDigit(r):
			c = 2
		}
		if c != class {
			flush()
			class = c
		}
		if c != 0 {
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

// truncated ends the key of a compact form longer than MaxCompact: such a key
// still begins with every prefix of MaxCompact runes or fewer, but equals no
// query.
const truncated = "+"

// labelKey is the compact form of a label's words as the index keeps it.
func labelKey(words []string) string {
	c := strings.Join(words, "")
	if utf8.RuneCountInString(c) > MaxCompact {
		c = string([]rune(c)[:MaxCompact]) + truncated
	}
	return c
}

// Doc is what an entity's labels put in a search index.
type Doc struct {
	Name      string   // the key of the compact name; "" when the name has no word
	Others    []string // the keys of the other labels, distinct, in label order
	NameWords []string // the distinct words of the name
	Words     []string // the distinct words of every label, the name's first
	Class     int      // NameClass of the name
}

// NewDoc is the Doc of an entity named name with other labels others
// (graph.Entity.SearchLabels).
func NewDoc(name string, others []string) Doc {
	var d Doc
	words := map[string]bool{}
	nw := Words(name)
	d.Name = labelKey(nw)
	for _, w := range nw {
		if !words[w] {
			words[w] = true
			d.NameWords = append(d.NameWords, w)
		}
	}
	d.Words = append(d.Words, d.NameWords...)
	keys := map[string]bool{}
	for _, l := range others {
		lw := Words(l)
		if k := labelKey(lw); k != "" && !keys[k] {
			keys[k] = true
			d.Others = append(d.Others, k)
		}
		for _, w := range lw {
			if !words[w] {
				words[w] = true
				d.Words = append(d.Words, w)
			}
		}
	}
	d.Class = NameClass(d.Name)
	return d
}

// Classes is the number of name classes.
const Classes = 8

// classBounds are the longest compact names of each class but the last.
var classBounds = [Classes - 1]int{4, 6, 8, 10, 13, 16, 20}

// NameClass sorts names by length: 0 for the shortest (up to 4 runes), up to
// Classes-1 for names of more than 20. Among hits of equal bits, those with
// shorter names come first.
func NameClass(key string) int {
	n := utf8.RuneCountInString(key)
	for c, max := range classBounds {
		if n <= max {
			return c
		}
	}
	return Classes - 1
}

// Query is a search, cut into words.
type Query struct {
	Words   []string // distinct, in the order typed
	Compact string   // the words run together; "" when longer than MaxCompact
}

// ParseQuery reads a search.
func ParseQuery(text string) Query {
	var q Query
	all := Words(text)
	seen := map[string]bool{}
	for _, w := range all {
		if !seen[w] {
			seen[w] = true
			q.Words = append(q.Words, w)
		}
	}
	if c := strings.Join(all, ""); utf8.RuneCountInString(c) <= MaxCompact {
		q.Compact = c
	}
	return q
}

// The conditions, as bits. Their values are powers of two such that each
// outweighs all the lower ones together; TypoAny, the weakest match, has no
// bit.
const (
	TypoName    = 1 << 2
	WordsAny    = 1 << 3
	WordsName   = 1 << 4
	PrefixOther = 1 << 5
	PrefixName  = 1 << 6
	ExactOther  = 1 << 7
	ExactName   = 1 << 8
)

// Bits lists the conditions from the strongest.
var Bits = []int{ExactName, ExactOther, PrefixName, PrefixOther, WordsName, WordsAny, TypoName}

// Scores of the tiers: a hit scores the tier of its strongest condition. A
// match in another label scores 0.95 of what it would score in the name.
const (
	ScoreExactName   = 1.0
	ScoreExactOther  = 0.95
	ScorePrefixName  = 0.9
	ScorePrefixOther = 0.855
	ScoreWordsName   = 0.7
	ScoreWordsAny    = 0.665
	ScoreTypoName    = 0.5
	ScoreTypoAny     = 0.475
)

// Tier is the score of a hit with these bits.
func Tier(bits int) float64 {
	switch {
	case bits&ExactName != 0:
		return ScoreExactName
	case bits&ExactOther != 0:
		return ScoreExactOther
	case bits&PrefixName != 0:
		return ScorePrefixName
	case bits&PrefixOther != 0:
		return ScorePrefixOther
	case bits&WordsName != 0:
		return ScoreWordsName
	case bits&WordsAny != 0:
		return ScoreWordsAny
	case bits&TypoName != 0:
		return ScoreTypoName
	}
	return ScoreTypoAny
}

// Key orders hits: the greater first, then (on equal keys) by id.
func Key(bits, class int) int { return bits*Classes + Classes - 1 - class }

// Prefix reports whether query word q begins word w.
func Prefix(q, w string) bool { return strings.HasPrefix(w, q) }

// Typo reports whether word w is at most one typo away from query word q: a
// letter missing, extra or wrong, or two adjacent letters swapped. Only query
// words of MinTypo to MaxTypo letters may have a typo, and only words of
// MinTypo runes or more match one.
func Typo(q, w string) bool {
	qr, wr := []rune(q), []rune(w)
	return TypoWord(q) && len(qr) <= MaxTypo && len(wr) >= MinTypo && osa1(qr, wr)
}

// TypoWord reports whether query word q may have a typo: letters only, at
// least MinTypo and at most MaxTypo of them.
func TypoWord(q string) bool {
	n := 0
	for _, r := range q {
		if !unicode.IsLetter(r) {
			return false
		}
		n++
	}
	return n >= MinTypo && n <= MaxTypo
}

// Near reports whether query word q begins word w or is one typo away from it.
func Near(q, w string) bool { return Prefix(q, w) || Typo(q, w) }

// osa1 reports whether a and b are at most one edit apart: an insertion, a
// deletion, a substitution or a swap of adjacent runes.
func osa1(a, b []rune) bool {
	switch len(a) - len(b) {
	case 0:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		if i == len(a) || equal(a[i+1:], b[i+1:]) {
			return true
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && equal(a[i+2:], b[i+2:])
	case 1:
		return oneMore(b, a)
	case -1:
		return oneMore(a, b)
	}
	return false
}

// oneMore reports whether long is short with one rune inserted.
func oneMore(short, long []rune) bool {
	i := 0
	for i < len(short) && short[i] == long[i] {
		i++
	}
	return equal(short[i:], long[i+1:])
}

func equal(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Deletions are w and the words made by deleting one rune of w: two words are
// one typo apart only if their Deletions share one, which lets an index find
// the words near a query word without comparing it with all of them.
func Deletions(w string) []string {
	r := []rune(w)
	out := []string{w}
	for i := range r {
		d := string(r[:i]) + string(r[i+1:])
		if d != out[len(out)-1] { // deleting either of two equal runes gives the same word
			out = append(out, d)
		}
	}
	return out
}

// Match is what query q finds in an entity's Doc: the bits of the
// conditions that hold, and whether any match holds at all.
func Match(q Query, d Doc) (bits int, ok bool) {
	if len(q.Words) == 0 {
		return 0, false
	}
	if q.Compact != "" {
		if d.Name == q.Compact {
			bits |= ExactName
		}
		if strings.HasPrefix(d.Name, q.Compact) {
			bits |= PrefixName
		}
		for _, o := range d.Others {
			if o == q.Compact {
				bits |= ExactOther
			}
			if strings.HasPrefix(o, q.Compact) {
				bits |= PrefixOther
			}
		}
	}
	if all(q.Words, d.NameWords, Prefix) {
		bits |= WordsName
	}
	if all(q.Words, d.Words, Prefix) {
		bits |= WordsAny
	}
	if all(q.Words, d.NameWords, Near) {
		bits |= TypoName
	}
	typoAny := all(q.Words, d.Words, Near)
	return bits, bits != 0 || typoAny
}

// all reports whether every query word matches one of words.
func all(query, words []string, match func(q, w string) bool) bool {
	for _, q := range query {
		if !has(q, words, match) {
			return false
		}
	}
	return true
}

// has reports whether query word q matches one of words.
func has(q string, words []string, match func(q, w string) bool) bool {
	for _, w := range words {
		if match(q, w) {
			return true
		}
	}
	return false
}

// Matched is the label a hit with these bits shows as the one that matched:
// the name, or the first of the other labels (graph.Entity.SearchLabels)
// that gives the hit its tier; for words spread over several labels, the one
// that holds the most query words (the name on a tie).
func Matched(q Query, bits int, name string, others []string) string {
	switch {
	case bits&ExactName != 0:
		return name
	case bits&ExactOther != 0:
		for _, o := range others {
			if labelKey(Words(o)) == q.Compact {
				return o
			}
		}
	case bits&PrefixName != 0:
		return name
	case bits&PrefixOther != 0:
		for _, o := range others {
			if strings.HasPrefix(labelKey(Words(o)), q.Compact) {
				return o
			}
		}
	case bits&WordsName != 0:
		return name
	case bits&WordsAny != 0:
		return most(q, name, others, Prefix)
	case bits&TypoName != 0:
		return name
	}
	return most(q, name, others, Near)
}

// most is the label of name and others that matches the most query words.
func most(q Query, name string, others []string, match func(q, w string) bool) string {
	best, matched := -1, name
	for _, l := range append([]string{name}, others...) {
		words := Words(l)
		n := 0
		for _, w := range q.Words {
			if has(w, words, match) {
				n++
			}
		}
		if n > best {
			best, matched = n, l
		}
	}
	return matched
}

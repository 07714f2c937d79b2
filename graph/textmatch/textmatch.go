// Package textmatch is how every store matches a search against names and
// aliases: case and accents are folded away, and every word of the query must
// start a word of one label. Stores may find candidates their own way (the
// Neo4j store uses a full-text index over Tokens), but rank with Score so that
// all of them agree.
package textmatch

import (
	"strings"
	"unicode"

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

// Tokens folds s and splits it into words of letters and digits.
func Tokens(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// Scores of the ways a label can match. An alias scores AliasFactor times less
// than the name would, so that the entity named "APT31" ranks above one that
// merely has it as an alias.
const (
	Exact       = 1.0
	Prefix      = 0.9
	WordPrefix  = 0.7
	AliasFactor = 0.95
)

// Score is how well query matches one label, 0 for no match.
func Score(query []string, label string) float64 { return ScoreTokens(query, Tokens(label)) }

// ScoreTokens is Score of a label already split by Tokens.
func ScoreTokens(query, words []string) float64 {
	if len(query) == 0 {
		return 0
	}
	q, l := strings.Join(query, " "), strings.Join(words, " ")
	switch {
	case q == l:
		return Exact
	case strings.HasPrefix(l, q):
		return Prefix
	}
	for _, qw := range query {
		found := false
		for _, w := range words {
			if strings.HasPrefix(w, qw) {
				found = true
				break
			}
		}
		if !found {
			return 0
		}
	}
	return WordPrefix
}

// Best is the best match of query among an entity's name and aliases: the
// score and the label that gave it (the name wins ties, then aliases in order).
func Best(query []string, name string, aliases []string) (float64, string) {
	labels := make([][]string, 0, 1+len(aliases))
	labels = append(labels, Tokens(name))
	for _, a := range aliases {
		labels = append(labels, Tokens(a))
	}
	return BestTokens(query, labels, name, aliases)
}

// BestTokens is Best with the name's and aliases' Tokens computed beforehand
// (labels[0] for the name, then one per alias).
func BestTokens(query []string, labels [][]string, name string, aliases []string) (float64, string) {
	best, matched := ScoreTokens(query, labels[0]), name
	for i, a := range aliases {
		if s := ScoreTokens(query, labels[i+1]) * AliasFactor; s > best {
			best, matched = s, a
		}
	}
	return best, matched
}

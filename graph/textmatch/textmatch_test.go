package textmatch

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestFoldAndTokens(t *testing.T) {
	for in, want := range map[string]string{"Zirconium": "zirconium", "Société Générale": "societe generale", "NORVÈGE": "norvege", "ØRSTED": "ørsted"} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Tokens("mt.exe / HOMEFRY-dp.dll"); len(got) != 5 || got[0] != "mt" || got[4] != "dll" {
		t.Errorf("Tokens: %q", got)
	}
}

func TestWords(t *testing.T) {
	for in, want := range map[string][]string{
		"APT40":             {"apt", "40"},
		"APT 40":            {"apt", "40"},
		"apt-40":            {"apt", "40"},
		"TEMP.Periscope":    {"temp", "periscope"},
		"T1566.001":         {"t", "1566", "001"},
		"CVE-2021-26855":    {"cve", "2021", "26855"},
		"Société Hack":      {"societe", "hack"},
		" -- ":              nil,
		"Win32/Stuxnet 3CX": {"win", "32", "stuxnet", "3", "cx"},
	} {
		if got := Words(in); !reflect.DeepEqual(got, want) {
			t.Errorf("Words(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("é", 100)
	if got := Words(long); len(got) != 1 || got[0] != strings.Repeat("e", MaxWord) {
		t.Errorf("a long word is cut to MaxWord runes: %q", got)
	}
	q := ParseQuery("APT 40 apt")
	if !reflect.DeepEqual(q, Query{Words: []string{"apt", "40"}, Compact: "apt40apt"}) {
		t.Errorf("ParseQuery: %+v", q)
	}
	if q := ParseQuery(strings.Repeat("ab ", 70)); q.Compact != "" || len(q.Words) != 1 {
		t.Errorf("a query longer than MaxCompact has no compact form: %+v", q)
	}
}

func TestTypo(t *testing.T) {
	for _, c := range []struct {
		q, w string
		want bool
	}{
		{"hafnum", "hafnium", true},       // a letter missing
		{"zirconum", "zirconium", true},   // a letter missing
		{"zirconiumm", "zirconium", true}, // an extra letter
		{"zirkonium", "zirconium", true},  // a wrong letter
		{"zircnoium", "zirconium", true},  // two letters swapped
		{"zrconum", "zirconium", false},   // two letters missing
		{"pand", "panda", true},
		{"pnda", "panda", true},
		{"pan", "pin", false},     // too short to have a typo
		{"panda", "pan", false},   // nor to be one
		{"apt41", "apt40", false}, // not a word of letters
		{"1234", "1235", false},   // digits must be right
		{"abcd", "abcd", true},    // no typo at all is near enough
		{"ørsted", "orsted", true},
		{strings.Repeat("a", MaxTypo+1), strings.Repeat("a", MaxTypo), false},
	} {
		if got := Typo(c.q, c.w); got != c.want {
			t.Errorf("Typo(%q, %q) = %v, want %v", c.q, c.w, got, c.want)
		}
	}
}

// TestTypoAndDeletions: Typo is the optimal string alignment distance (the
// one Lucene's fuzzy queries use, transpositions included) of at most one,
// and Deletions find every typo.
func TestTypoAndDeletions(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("abcdeéø12")
	word := func(n int) string {
		r := make([]rune, n)
		for i := range r {
			r[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(r)
	}
	edit := func(w string) string {
		r := []rune(w)
		i := rng.IntN(len(r) + 1)
		switch rng.IntN(4) {
		case 0:
			return string(r[:i]) + word(1) + string(r[i:])
		case 1:
			if i < len(r) {
				return string(r[:i]) + string(r[i+1:])
			}
		case 2:
			if i < len(r) {
				return string(r[:i]) + word(1) + string(r[i+1:])
			}
		case 3:
			if i+1 < len(r) {
				return string(r[:i]) + string(r[i+1]) + string(r[i]) + string(r[i+2:])
			}
		}
		return w
	}
	typos := 0
	for range 20000 {
		q := word(1 + rng.IntN(7))
		w := word(1 + rng.IntN(8))
		if rng.IntN(2) == 0 {
			w = edit(q)
		}
		want := TypoWord(q) && len([]rune(w)) >= MinTypo && osa(q, w) <= 1
		if got := Typo(q, w); got != want {
			t.Fatalf("Typo(%q, %q) = %v, want %v", q, w, got, want)
		}
		if !want {
			continue
		}
		typos++
		found := false
		for _, d := range Deletions(q) {
			for _, e := range Deletions(w) {
				found = found || d == e
			}
		}
		if !found {
			t.Fatalf("%q and %q are one typo apart, but share no deletion", q, w)
		}
	}
	if typos < 1000 {
		t.Fatalf("the test tries too few typos: %d", typos)
	}
}

// osa is the optimal string alignment distance, by dynamic programming.
func osa(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

func TestMatch(t *testing.T) {
	doc := NewDoc("APT40", []string{"TEMP.Periscope", "Leviathan", "Gadolinium", "G0065"})
	cases := []struct {
		query string
		bits  int
		ok    bool
		score float64
		label string
	}{
		{"APT40", ExactName | PrefixName | WordsName | WordsAny | TypoName, true, ScoreExactName, "APT40"},
		{"apt 40", ExactName | PrefixName | WordsName | WordsAny | TypoName, true, ScoreExactName, "APT40"},
		{"apt-40", ExactName | PrefixName | WordsName | WordsAny | TypoName, true, ScoreExactName, "APT40"},
		{"apt4", PrefixName | WordsName | WordsAny | TypoName, true, ScorePrefixName, "APT40"},
		{"temp periscope", ExactOther | PrefixOther | WordsAny, true, ScoreExactOther, "TEMP.Periscope"},
		{"TEMP.Periscope", ExactOther | PrefixOther | WordsAny, true, ScoreExactOther, "TEMP.Periscope"},
		{"g0065", ExactOther | PrefixOther | WordsAny, true, ScoreExactOther, "G0065"},
		{"levi", PrefixOther | WordsAny, true, ScorePrefixOther, "Leviathan"},
		{"periscope temp", WordsAny, true, ScoreWordsAny, "TEMP.Periscope"},
		{"leviathan apt", WordsAny, true, ScoreWordsAny, "APT40"}, // words from two labels, one each: the name
		{"Leviatan", 0, true, ScoreTypoAny, "Leviathan"},
		{"gadolinum temp", 0, true, ScoreTypoAny, "TEMP.Periscope"},
		{"gadolinum g", 0, true, ScoreTypoAny, "Gadolinium"},
		{"aptx", 0, false, 0, ""},
		{"eriscope", 0, true, ScoreTypoAny, "TEMP.Periscope"}, // a letter missing is a typo
		{"riscope", 0, false, 0, ""},                          // a word's middle is not
	}
	for _, c := range cases {
		q := ParseQuery(c.query)
		bits, ok := Match(q, doc)
		if bits != c.bits || ok != c.ok {
			t.Errorf("%q: bits %b %v, want %b %v", c.query, bits, ok, c.bits, c.ok)
			continue
		}
		if !ok {
			continue
		}
		if s := Tier(bits); s != c.score {
			t.Errorf("%q: score %v, want %v", c.query, s, c.score)
		}
		if m := Matched(q, bits, "APT40", []string{"TEMP.Periscope", "Leviathan", "Gadolinium", "G0065"}); m != c.label {
			t.Errorf("%q: matched %q, want %q", c.query, m, c.label)
		}
	}
	typo := NewDoc("HAFNIUM", nil)
	if bits, ok := Match(ParseQuery("Hafnum"), typo); !ok || Tier(bits) != ScoreTypoName {
		t.Errorf("Hafnum: %b %v", bits, ok)
	}
	// Each bit outweighs all the lower ones, and the name class comes after.
	for i, b := range Bits {
		lower := 0
		for _, l := range Bits[i+1:] {
			lower |= l
		}
		if Key(b, Classes-1) <= Key(lower, 0) {
			t.Errorf("bit %d does not outweigh the lower ones", b)
		}
	}
	if NameClass("apt1") != 0 || NameClass("apt40") != 1 || NameClass(strings.Repeat("a", 30)) != Classes-1 {
		t.Error("NameClass")
	}
	long := NewDoc(strings.Repeat("abcd ", 40), nil)
	if !strings.HasSuffix(long.Name, truncated) {
		t.Errorf("a long name is cut: %q", long.Name)
	}
	if bits, _ := Match(ParseQuery(strings.Repeat("abcd ", 30)), long); bits&PrefixName == 0 || bits&ExactName != 0 {
		t.Errorf("a cut name keeps its prefixes, and equals no query: %b", bits)
	}
}

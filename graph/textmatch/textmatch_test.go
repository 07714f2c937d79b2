package textmatch

import "testing"

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

func TestScores(t *testing.T) {
	cases := []struct {
		query, label string
		want         float64
	}{
		{"zirconium", "Zirconium", Exact},
		{"judgment", "Judgment Panda", Prefix},
		{"panda", "Judgment Panda", WordPrefix},
		{"pan jud", "Judgment Panda", WordPrefix},
		{"panda x", "Judgment Panda", 0},
		{"", "anything", 0},
		{"societe", "Société Hack", Prefix},
	}
	for _, c := range cases {
		if got := Score(Tokens(c.query), c.label); got != c.want {
			t.Errorf("Score(%q, %q) = %v, want %v", c.query, c.label, got, c.want)
		}
	}
	score, matched := Best(Tokens("zirconium"), "APT31", []string{"Zirconium", "Judgment Panda"})
	if score != Exact*AliasFactor || matched != "Zirconium" {
		t.Errorf("Best: %v %q", score, matched)
	}
}

package graph

import (
	"errors"
	"strings"
	"testing"
)

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		in          string
		first, last int
		prec        Precision
	}{
		{"2021", 20210101, 20211231, YearPrecision},
		{"2021-03", 20210301, 20210331, MonthPrecision},
		{"2024-02", 20240201, 20240229, MonthPrecision},
		{"2021-07-19", 20210719, 20210719, DayPrecision},
		{"", 0, 0, NoDate},
	} {
		d, err := ParseDate(c.in)
		if err != nil || d.First() != c.first || d.Last() != c.last || d.Precision() != c.prec || d.String() != c.in {
			t.Errorf("%q: %+v %v (first %d last %d)", c.in, d, err, d.First(), d.Last())
		}
	}
	for _, bad := range []string{"21", "2021-13", "2021-02-30", "2021/03", "July 2021", "2021-7-19", "0000", "2021-03-"} {
		if _, err := ParseDate(bad); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), bad) {
			t.Errorf("%q: want an ErrInvalid error quoting the input, got %v", bad, err)
		}
	}
}

func TestWindowOverlaps(t *testing.T) {
	july := Window{From: MustDate("2021-07"), To: MustDate("2021-07")}
	for _, c := range []struct {
		start, end string
		want       bool
	}{
		{"2021", "", true},            // the year covers July
		{"2021-07-19", "", true},      // inside
		{"2021-06", "", false},        // a month before
		{"2011", "2018", false},       // long before
		{"2020", "2021-07-01", true},  // ends inside
		{"", "", true},                // undated stays
		{"", "2021-06-30", false},     // ended before
		{"2021-08-01", "2022", false}, // after
	} {
		if got := july.Overlaps(MustDate(c.start), MustDate(c.end)); got != c.want {
			t.Errorf("%s..%s overlaps July 2021: got %v", c.start, c.end, got)
		}
	}
}

func TestValidateBatch(t *testing.T) {
	b := Batch{
		Sources:  []Source{{ID: "s", Title: "T", URL: "ftp://x"}},
		Entities: []Entity{{ID: "a", Kind: Person, Name: "A", Sources: []string{"s"}}, {ID: "a", Kind: "ROBOT", Name: ""}},
		Relations: []Relation{
			{ID: "r", Type: "WORKS_FOR", From: "a", To: "ghost", Sources: []string{"s"}},
			{ID: "r2", Type: "CHARGES", From: "a", To: "a", Sources: []string{"nope"}},
		},
	}
	var got []string
	for _, p := range b.Validate(NoneExisting{}) {
		got = append(got, p.Item+"/"+p.Field)
	}
	want := "source/url entity/id entity/kind entity/name entity/sources relation/to relation/type relation/to relation/sources"
	if strings.Join(got, " ") != want {
		t.Errorf("problems:\n got %v\nwant %v", strings.Join(got, " "), want)
	}
}

func TestActKnownFrom(t *testing.T) {
	d := MustDate
	attr := func(kv ...string) []Attribute {
		var out []Attribute
		for i := 0; i < len(kv); i += 2 {
			out = append(out, Attribute{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	for _, c := range []struct {
		name string
		e    Entity
		want int
	}{
		{"an attribution, from its day", Entity{Kind: Event, Start: d("2018-06-08"), Attributes: attr(EventTypeKey, "ATTRIBUTION")}, 20180608},
		{"a month: its last day", Entity{Kind: Event, Start: d("2020-02"), Attributes: attr(EventTypeKey, "STATEMENT")}, 20200229},
		{"a year: 31 December", Entity{Kind: Event, Start: d("2018"), Attributes: attr(EventTypeKey, "POLITICAL_RESPONSE")}, 20181231},
		{"an undated attribution", Entity{Kind: Event, Attributes: attr(EventTypeKey, "ATTRIBUTION")}, 0},
		{"an intrusion is no public act", Entity{Kind: Event, Start: d("2018"), Attributes: attr(EventTypeKey, "INTRUSION")}, 0},
		{"an incident", Entity{Kind: Campaign, Start: d("2018")}, 0},
		{"an indictment, from its unsealing", Entity{Kind: Indictment, Start: d("2021-05"), Attributes: attr(UnsealedKey, "2021-07-16")}, 20210716},
		{"a sanction, from its date", Entity{Kind: Indictment, Start: d("2020-07-30")}, 20200730},
	} {
		if got := ActKnownFrom(&c.e); got != c.want {
			t.Errorf("%s: ActKnownFrom = %d, want %d", c.name, got, c.want)
		}
	}
	published := func(string) PartialDate { return d("2023") }
	att := Entity{Kind: Event, Start: d("2018"), Sources: []string{"ds"}, Attributes: attr(EventTypeKey, "ATTRIBUTION")}
	if got := EntityKnownFrom(&att, published); got != 20181231 {
		t.Errorf("EntityKnownFrom = %d, want the act's 20181231", got)
	}
	for typ, want := range map[string]int{"ISSUED_BY": 20181231, "ACCUSES": 20181231, "TARGETED": 20231231} {
		r := Relation{Type: typ, Sources: []string{"ds"}}
		if got := RelationKnownFrom(&r, ActKnownFrom(&att), published); got != want {
			t.Errorf("RelationKnownFrom(%s) = %d, want %d", typ, got, want)
		}
	}
}

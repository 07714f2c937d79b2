package graph

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// FuzzParseDate checks ParseDate on any pair of strings: it never panics, an
// error is an ErrInvalid that quotes the input and returns the zero date, and
// a date it accepts prints back as its input, parses back to itself, and
// covers a non-empty run of real days. Two accepted dates must also order the
// same way by their text as by (First, Precision), the order of the timeline,
// and their intervals are either disjoint or one holds the other.
func FuzzParseDate(f *testing.F) {
	seeds := []string{
		// valid, from TestParseDate
		"2021", "2021-03", "2024-02", "2021-07-19", "",
		// invalid, from TestParseDate
		"21", "2021-13", "2021-02-30", "2021/03", "July 2021", "2021-7-19", "0000", "2021-03-",
		// edges
		"2021-02-29", "2024-02-29", "1900-02-29", "2000-02-29", "0001", "0001-01-01", "9999", "9999-12",
		"9999-12-31", "0000-01-01", "-1", "-001", "+2021", " 2021", "2021 ", "2021-00", "2021-01-00",
		"2021-12-32", "2021-04-31", "2021-1-019", "2021--1", "2021-+1", "2021-1-", "2021-07-1 ",
		"２０２１", "٢٠٢١", "2021-٠٣", "२०२१-03-19", "2021\x00", "202\xff", "2021-07-19T00:00:00Z",
		strings.Repeat("2021-", 1000), strings.Repeat("9", 10),
	}
	for i, s := range seeds {
		f.Add(s, seeds[(i+7)%len(seeds)])
	}
	f.Fuzz(func(t *testing.T, s, other string) {
		d, ok := checkParse(t, s)
		e, ok2 := checkParse(t, other)
		if ok && ok2 {
			checkPair(t, d, e)
		}
	})
}

// checkParse parses s and checks the invariants of one date.
func checkParse(t *testing.T, s string) (PartialDate, bool) {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("ParseDate(%q): error %v is not ErrInvalid", s, err)
		}
		if q := fmt.Sprintf("%q", s); !strings.Contains(err.Error(), q) {
			t.Fatalf("ParseDate(%q): error %q does not quote the input as %s", s, err, q)
		}
		if d != (PartialDate{}) {
			t.Fatalf("ParseDate(%q): error %v with a date %+v", s, err, d)
		}
		return d, false
	}
	if got := d.String(); got != s {
		t.Fatalf("ParseDate(%q) = %+v, which prints as %q", s, d, got)
	}
	again, err := ParseDate(d.String())
	if err != nil || again != d {
		t.Fatalf("ParseDate(%q) = %+v does not parse back from %q: %+v, %v", s, d, d.String(), again, err)
	}
	if d.IsZero() {
		if s != "" || d != (PartialDate{}) || d.Precision() != NoDate || d.First() != 0 || d.Last() != 0 {
			t.Fatalf("ParseDate(%q) = zero date %+v (precision %v, first %d, last %d)", s, d, d.Precision(), d.First(), d.Last())
		}
		if _, _, ok := Span(d, d); ok {
			t.Fatalf("Span of two zero dates has a span")
		}
		return d, true
	}

	// The fields are in range for the precision, which matches the text.
	wantPrec := map[int]Precision{4: YearPrecision, 7: MonthPrecision, 10: DayPrecision}[len(s)]
	if d.Precision() != wantPrec {
		t.Fatalf("ParseDate(%q) = %+v has precision %v, want %v", s, d, d.Precision(), wantPrec)
	}
	if d.Year < 1 || d.Year > 9999 || d.Month < 0 || d.Month > 12 || d.Day < 0 || d.Day > 31 ||
		(d.Month == 0 && d.Day != 0) {
		t.Fatalf("ParseDate(%q) = %+v: a field is out of range", s, d)
	}

	// [First, Last] is a non-empty run of real days within the open bounds.
	first, last := d.First(), d.Last()
	if !(MinDay < first && first <= last && last <= MaxDay) {
		t.Fatalf("%q covers [%d, %d], not an ordered interval within [%d, %d]", s, first, last, MinDay, MaxDay)
	}
	tf, tl := dayTime(t, s, first), dayTime(t, s, last)
	days := int(tl.Sub(tf).Hours()/24) + 1
	switch d.Precision() {
	case DayPrecision:
		if first != last || tf.Year() != d.Year || int(tf.Month()) != d.Month || tf.Day() != d.Day {
			t.Fatalf("%q covers [%d, %d], want the one day", s, first, last)
		}
	case MonthPrecision:
		next := time.Date(d.Year, time.Month(d.Month)+1, 1, 0, 0, 0, 0, time.UTC)
		if tf.Day() != 1 || int(tf.Month()) != d.Month || tf.Year() != d.Year || !tl.AddDate(0, 0, 1).Equal(next) || days < 28 || days > 31 {
			t.Fatalf("%q covers [%d, %d], want the whole month", s, first, last)
		}
	case YearPrecision:
		if first != d.Year*10000+101 || last != d.Year*10000+1231 || (days != 365 && days != 366) {
			t.Fatalf("%q covers [%d, %d], want the whole year", s, first, last)
		}
	}

	// Every day d covers is a valid date, and a date at day precision:
	// the first and last days parse, and d holds them.
	for _, n := range []int{first, last} {
		day, err := ParseDate(fmt.Sprintf("%04d-%02d-%02d", n/10000, n/100%100, n%100))
		if err != nil || day.First() != n || day.Last() != n {
			t.Fatalf("%q covers day %d, which does not parse as that day: %+v, %v", s, n, day, err)
		}
	}

	// The intervals seen by stores and filters agree with First and Last.
	if lo, hi, ok := Span(d, PartialDate{}); !ok || lo != first || hi != last {
		t.Fatalf("Span(%q, zero) = %d, %d, %v", s, lo, hi, ok)
	}
	if lo, hi, ok := Span(d, d); !ok || lo != first || hi != last {
		t.Fatalf("Span(%q, %q) = %d, %d, %v", s, s, lo, hi, ok)
	}
	if lo, hi, ok := Span(PartialDate{}, d); !ok || lo != MinDay || hi != last {
		t.Fatalf("Span(zero, %q) = %d, %d, %v", s, lo, hi, ok)
	}
	w := Window{From: d, To: d}
	if lo, hi := w.Bounds(); lo != first || hi != last {
		t.Fatalf("Window{%q, %q}.Bounds() = %d, %d", s, s, lo, hi)
	}
	if !w.Overlaps(d, PartialDate{}) || !w.Overlaps(d, d) || !w.Overlaps(PartialDate{}, d) {
		t.Fatalf("the window of %q does not overlap %q", s, s)
	}
	filter := Filter{Window: w}
	if err := filter.Check(); err != nil {
		t.Fatalf("the window %q..%q is rejected: %v", s, s, err)
	}
	if !KnownBy(first, d) || !KnownBy(last, d) || KnownBy(0, d) {
		t.Fatalf("KnownBy is inconsistent with the interval of %q", s)
	}
	return d, true
}

// dayTime turns a day number into a time, failing unless it is a real day.
func dayTime(t *testing.T, s string, n int) time.Time {
	t.Helper()
	y, m, day := n/10000, n/100%100, n%100
	tm := time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC)
	if tm.Year() != y || int(tm.Month()) != m || tm.Day() != day {
		t.Fatalf("%q covers %d, which is not a real day", s, n)
	}
	return tm
}

// checkPair checks that two accepted dates compare consistently.
func checkPair(t *testing.T, a, b PartialDate) {
	t.Helper()
	if a.IsZero() || b.IsZero() {
		return
	}
	as, bs := a.String(), b.String()
	// The timeline orders by first day, coarser first; the text orders the same.
	byDays := a.First() < b.First() || (a.First() == b.First() && a.Precision() < b.Precision())
	if byText := as < bs; byText != byDays && as != bs {
		t.Fatalf("%q < %q is %v by text but %v by (First, Precision)", as, bs, byText, byDays)
	}
	if (as == bs) != (a == b) || (a == b) != (a.First() == b.First() && a.Last() == b.Last()) {
		t.Fatalf("%q and %q: equal text, equal dates and equal intervals disagree", as, bs)
	}
	// Calendar intervals are disjoint or nested, and nested means a prefix.
	disjoint := a.Last() < b.First() || b.Last() < a.First()
	aHoldsB := a.First() <= b.First() && b.Last() <= a.Last()
	bHoldsA := b.First() <= a.First() && a.Last() <= b.Last()
	if !disjoint && !aHoldsB && !bHoldsA {
		t.Fatalf("%q [%d, %d] and %q [%d, %d] overlap without one holding the other", as, a.First(), a.Last(), bs, b.First(), b.Last())
	}
	if aHoldsB != strings.HasPrefix(bs, as) || bHoldsA != strings.HasPrefix(as, bs) {
		t.Fatalf("%q [%d, %d] and %q [%d, %d]: holding one another disagrees with their text", as, a.First(), a.Last(), bs, b.First(), b.Last())
	}
	// A window overlaps a dated thing exactly when their intervals meet, and
	// a start/end pair validates exactly when the end does not come before the start.
	w := Window{From: a, To: a}
	if w.Overlaps(b, PartialDate{}) == disjoint {
		t.Fatalf("the window %q overlaps %q: %v, but disjoint is %v", as, bs, !disjoint, disjoint)
	}
	batch := Batch{
		Sources:  []Source{{ID: "s", Title: "S"}},
		Entities: []Entity{{ID: "e", Kind: Person, Name: "E", Start: a, End: b, Sources: []string{"s"}}},
	}
	valid := len(batch.Validate(NoneExisting{})) == 0
	if valid != (b.Last() >= a.First()) {
		t.Fatalf("start %q, end %q: valid is %v", as, bs, valid)
	}
	f := Filter{Window: Window{From: a, To: b}}
	if (f.Check() == nil) != valid {
		t.Fatalf("window %q..%q: Check says %v, batch validation %v", as, bs, f.Check(), valid)
	}
}

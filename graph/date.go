package graph

import (
	"fmt"
	"strconv"
	"time"
)

// PartialDate is a date known to year, month or day precision: "2021",
// "2021-03" or "2021-07-19". The zero value means "no date". It stands for
// the whole interval it covers: "2021-03" is every day of March 2021.
type PartialDate struct {
	Year  int // 1..9999; 0 means no date
	Month int // 1..12, or 0 when only the year is known
	Day   int // 1..31, or 0 when only the month is known
}

// Precision of a PartialDate.
type Precision int

const (
	NoDate Precision = iota
	YearPrecision
	MonthPrecision
	DayPrecision
)

// ParseDate parses "YYYY", "YYYY-MM" or "YYYY-MM-DD". The empty string is the
// zero date. Anything else is an ErrInvalid error that quotes the input.
func ParseDate(s string) (PartialDate, error) {
	if s == "" {
		return PartialDate{}, nil
	}
	bad := func(why string) (PartialDate, error) {
		return PartialDate{}, Errorf(ErrInvalid, "date %q: %s (want YYYY, YYYY-MM or YYYY-MM-DD)", s, why)
	}
	num := func(part string) (int, bool) {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, false
			}
		}
		n, err := strconv.Atoi(part)
		return n, err == nil
	}
	var d PartialDate
	switch len(s) {
	case 4, 7, 10:
	default:
		return bad("wrong length")
	}
	y, ok := num(s[:4])
	if !ok || y == 0 {
		return bad("year is not a number from 0001 to 9999")
	}
	d.Year = y
	if len(s) >= 7 {
		if s[4] != '-' {
			return bad("missing '-' after the year")
		}
		m, ok := num(s[5:7])
		if !ok || m < 1 || m > 12 {
			return bad("month is not 01 to 12")
		}
		d.Month = m
	}
	if len(s) == 10 {
		if s[7] != '-' {
			return bad("missing '-' after the month")
		}
		day, ok := num(s[8:10])
		if !ok || day < 1 || day > daysIn(d.Year, d.Month) {
			return bad(fmt.Sprintf("day is not 01 to %02d", daysIn(d.Year, d.Month)))
		}
		d.Day = day
	}
	return d, nil
}

// MustDate is ParseDate for literals in code and tests; it panics on error.
func MustDate(s string) PartialDate {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// IsZero reports whether d is "no date".
func (d PartialDate) IsZero() bool { return d.Year == 0 }

// Precision says how much of d is known.
func (d PartialDate) Precision() Precision {
	switch {
	case d.Year == 0:
		return NoDate
	case d.Month == 0:
		return YearPrecision
	case d.Day == 0:
		return MonthPrecision
	}
	return DayPrecision
}

// String writes d as it is parsed: "2021", "2021-03", "2021-07-19", or "".
func (d PartialDate) String() string {
	// Without fmt for the dates of the data (the API writes thousands per
	// answer); fmt for the others.
	if d.Year >= 0 && d.Year <= 9999 && d.Month >= 0 && d.Month <= 99 && d.Day >= 0 && d.Day <= 99 {
		var b [10]byte
		b[0], b[1], b[2], b[3] = byte('0'+d.Year/1000), byte('0'+d.Year/100%10), byte('0'+d.Year/10%10), byte('0'+d.Year%10)
		b[4], b[5], b[6], b[7] = '-', byte('0'+d.Month/10), byte('0'+d.Month%10), '-'
		b[8], b[9] = byte('0'+d.Day/10), byte('0'+d.Day%10)
		switch d.Precision() {
		case YearPrecision:
			return string(b[:4])
		case MonthPrecision:
			return string(b[:7])
		case DayPrecision:
			return string(b[:10])
		}
		return ""
	}
	switch d.Precision() {
	case YearPrecision:
		return fmt.Sprintf("%04d", d.Year)
	case MonthPrecision:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	case DayPrecision:
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	}
	return ""
}

// First is the first day d covers as the number YYYYMMDD (0 for no date).
// Numbers of this form order like the days they stand for, which lets every
// store compare intervals with plain integer comparisons (and index them).
func (d PartialDate) First() int {
	if d.IsZero() {
		return 0
	}
	m, day := d.Month, d.Day
	if m == 0 {
		m = 1
	}
	if day == 0 {
		day = 1
	}
	return d.Year*10000 + m*100 + day
}

// Last is the last day d covers as YYYYMMDD (0 for no date).
func (d PartialDate) Last() int {
	if d.IsZero() {
		return 0
	}
	m, day := d.Month, d.Day
	if m == 0 {
		m = 12
	}
	if day == 0 {
		day = daysIn(d.Year, m)
	}
	return d.Year*10000 + m*100 + day
}

// Bounds of the day numbers used for open intervals.
const (
	MinDay = 0
	MaxDay = 99991231
)

// Span is the interval [Lo, Hi] of day numbers that a start/end pair covers.
// A thing with neither date has no span (ok is false) and is never excluded by
// a time window. With only a start, it covers the start's own interval (a
// point or a period at the start's precision); with only an end, everything
// up to the end.
func Span(start, end PartialDate) (lo, hi int, ok bool) {
	switch {
	case start.IsZero() && end.IsZero():
		return MinDay, MaxDay, false
	case end.IsZero():
		return start.First(), start.Last(), true
	case start.IsZero():
		return MinDay, end.Last(), true
	}
	return start.First(), end.Last(), true
}

// Window is a closed time window; a zero bound is open.
type Window struct {
	From, To PartialDate
}

// Bounds returns the window as day numbers.
func (w Window) Bounds() (lo, hi int) {
	lo, hi = MinDay, MaxDay
	if !w.From.IsZero() {
		lo = w.From.First()
	}
	if !w.To.IsZero() {
		hi = w.To.Last()
	}
	return lo, hi
}

// IsZero reports whether the window is open on both sides.
func (w Window) IsZero() bool { return w.From.IsZero() && w.To.IsZero() }

// Overlaps reports whether the span of start/end overlaps the window.
// Undated things always do.
func (w Window) Overlaps(start, end PartialDate) bool {
	lo, hi, ok := Span(start, end)
	if !ok {
		return true
	}
	wlo, whi := w.Bounds()
	return lo <= whi && hi >= wlo
}

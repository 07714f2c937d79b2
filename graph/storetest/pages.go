package storetest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
)

// testTimelinePages: a timeline read page by page, after the key of the
// last item of the page before (or after an offset), with or without the
// total count, gives the items of the whole timeline, in order, each once;
// the count is of every item the query selects, whatever the page.
func testTimelinePages(t *testing.T, s graph.Store) {
	d := graph.MustDate
	queries := map[string]graph.TimelineQuery{
		"everything": {},
		"a window that long items span (camp, r03, r09 from 2011 to 2018)": {Window: graph.Window{From: d("2014-06"), To: d("2016")}},
		"a window open at its end":   {Window: graph.Window{From: d("2021-07")}},
		"a window open at its start": {Window: graph.Window{To: d("2017-04-13")}},
		"kinds":                      {Kinds: []graph.Kind{graph.Indictment, graph.Country}},
		"entities":                   {Entities: []string{"actor-a", "camp"}},
		"known at":                   {KnownAt: d("2021-07-19"), MinConfidence: conf(0)},
	}
	for name, q := range queries {
		all := q
		all.Limit = graph.MaxPage
		want := itemIDs(t, must(s.Timeline(ctx, all))(t).Items)
		for _, size := range []int{1, 2, 3} {
			for _, keyed := range []bool{true, false} {
				var got []string
				p := q
				p.Limit = size
				for n := 0; ; n++ {
					p.Count = n%2 == 0
					page := must(s.Timeline(ctx, p))(t)
					got = append(got, itemIDs(t, page.Items)...)
					if p.Count && page.Total != len(want) {
						t.Errorf("%s: page %d of %d counts %d items, want %d", name, n, size, page.Total, len(want))
					}
					if !page.HasNext || n > len(want) {
						break
					}
					p.Offset += len(page.Items)
					if keyed {
						key := page.Items[len(page.Items)-1].Key()
						p.After = &key
					}
				}
				same(t, fmt.Sprintf("%s in pages of %d (keyed %v)", name, size, keyed), got, want)
			}
		}
	}

	key := func(first string, prec graph.Precision, id string) *graph.TimelineKey {
		k := graph.TimelineKey{Precision: prec, ID: id}
		if first != "" {
			k.First = d(first).First()
		}
		return &k
	}
	for _, c := range []struct {
		what  string
		q     graph.TimelineQuery
		want  []string
		total int
	}{
		{"after a key before every item", graph.TimelineQuery{After: key("", 0, "")}, []string{"entity:camp@2011", "relation:r03@2011"}, 11},
		{"after a key between two items of one day (ids)", graph.TimelineQuery{After: key("2011", graph.YearPrecision, "entity:d")},
			[]string{"relation:r03@2011", "relation:r09@2011"}, 11},
		{"after a key between two items of one day (precisions)", graph.TimelineQuery{After: key("2017-04-01", graph.DayPrecision, "")},
			[]string{"relation:r15@2017-04-14", "relation:r08@2020"}, 11},
		{"after the key of an item the filter drops", graph.TimelineQuery{Kinds: []graph.Kind{graph.Indictment, graph.Country},
			After: key("2017-04", graph.MonthPrecision, "entity:event-3")}, []string{"relation:r08@2020", "entity:indict@2021-05"}, 3},
		{"after a key past every item", graph.TimelineQuery{After: key("9999-12-31", graph.DayPrecision, "z")}, []string{}, 11},
		{"after a key, in a window", graph.TimelineQuery{Window: graph.Window{From: d("2014-06"), To: d("2016")},
			After: key("2011", graph.YearPrecision, "entity:camp")}, []string{"relation:r03@2011", "relation:r09@2011"}, 4},
		{"after a key, touching entities", graph.TimelineQuery{Entities: []string{"actor-b", "country-f"},
			After: key("2020", graph.YearPrecision, "relation:r08")}, []string{"entity:event-1@2021-07-19"}, 2},
		{"after a key and an offset: the key decides", graph.TimelineQuery{Offset: 5, After: key("2021-07", graph.MonthPrecision, "entity:event-2")},
			[]string{"entity:event-1@2021-07-19"}, 11},
	} {
		c.q.Limit, c.q.Count = 2, true
		p := must(s.Timeline(ctx, c.q))(t)
		same(t, c.what, []any{itemIDs(t, p.Items), p.Total}, []any{c.want, c.total})
	}
	for _, k := range []graph.TimelineKey{{First: -1}, {First: graph.MaxDay + 1}, {Precision: -1}, {Precision: graph.DayPrecision + 1}} {
		_, err := s.Timeline(ctx, graph.TimelineQuery{After: &k, Limit: 2})
		wantMessage(t, fmt.Sprintf("after %+v", k), err, "the cursor is not valid")
	}
}

// testListPages: lists without the count are the same pages, with a total
// of 0; several kinds (repeated or not) merge in id order.
func testListPages(t *testing.T, s graph.Store) {
	for _, kinds := range [][]graph.Kind{nil, {graph.Event}, {graph.Event, graph.Country, graph.Event}, {graph.Vulnerability}} {
		for _, after := range []string{"", "country-f", "event-2", "org-m", "zzz"} {
			q := graph.ListQuery{Kinds: kinds, After: after, Limit: 3, Count: true}
			counted := must(s.List(ctx, q))(t)
			q.Count = false
			p := must(s.List(ctx, q))(t)
			same(t, fmt.Sprintf("%v after %q without the count", kinds, after), []any{entityIDs(p.Entities), p.HasNext, p.Total},
				[]any{entityIDs(counted.Entities), counted.HasNext, 0})
		}
	}
	var all []string
	q := graph.ListQuery{Kinds: []graph.Kind{graph.Event, graph.Country, graph.Event}, Limit: 4}
	for {
		p := must(s.List(ctx, q))(t)
		all = append(all, entityIDs(p.Entities)...)
		if !p.HasNext {
			break
		}
		q.After = p.Entities[len(p.Entities)-1].ID
	}
	same(t, "two kinds in pages", strings.Join(all, ","), "country-f,country-n,event-1,event-2,event-3,event-4")
	p := must(s.List(ctx, graph.ListQuery{Kinds: []graph.Kind{graph.Country, graph.Event}, After: "country-n", Limit: 4, Count: true}))(t)
	same(t, "two kinds after an id", []any{entityIDs(p.Entities), p.HasNext, p.Total},
		[]any{[]string{"event-1", "event-2", "event-3", "event-4"}, false, 6})
}

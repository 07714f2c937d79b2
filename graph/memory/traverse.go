package memory

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/attribution-explorer/attribution/graph"
)

// keptNeighbours calls fn for every relation of id the filter keeps whose
// other end the filter keeps too, in relation id order.
func (s *Store) keptNeighbours(id string, f *graph.Filter, keepEnd func(string) bool, fn func(r *relation, other string)) {
	for _, r := range s.links[id] {
		if !f.KeepsRelation(&r.Relation, r.known) {
			continue
		}
		other := r.Other(id)
		if keepEnd(other) {
			fn(r, other)
		}
	}
}

func (s *Store) keepsEntity(f *graph.Filter) func(string) bool {
	return func(id string) bool {
		e := s.entities[id]
		return f.KeepsEntity(&e.Entity, e.known)
	}
}

func (s *Store) Neighborhood(ctx context.Context, q graph.NeighborhoodQuery) (graph.Subgraph, error) {
	if err := q.Check(); err != nil {
		return graph.Subgraph{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	sub := graph.Subgraph{Entities: []graph.Entity{}, Relations: []graph.Relation{}}
	var seeds []string
	for _, id := range slices.Compact(slices.Sorted(slices.Values(q.IDs))) {
		if _, ok := s.entities[id]; ok {
			seeds = append(seeds, id)
		}
	}
	in := map[string]bool{}
	frontier, truncated := graph.Admit(in, seeds, q.Limit)
	sub.Truncated = truncated
	keep := s.keepsEntity(&q.Filter)
	for level := 0; level < q.Depth && len(frontier) > 0 && !sub.Truncated; level++ {
		next := map[string]bool{}
		for _, id := range frontier {
			s.keptNeighbours(id, &q.Filter, keep, func(_ *relation, other string) {
				if !in[other] {
					next[other] = true
				}
			})
		}
		frontier, sub.Truncated = graph.Admit(in, slices.Sorted(maps.Keys(next)), q.Limit)
	}
	maxEdges := graph.EdgesPerNode * q.Limit
	edges := map[string]bool{}
	for id := range in {
		s.keptNeighbours(id, &q.Filter, func(other string) bool { return in[other] }, func(r *relation, _ string) {
			edges[r.ID] = true
		})
	}
	for _, rid := range slices.Sorted(maps.Keys(edges)) {
		if len(sub.Relations) == maxEdges {
			sub.Truncated = true
			break
		}
		sub.Relations = append(sub.Relations, s.relations[rid].Relation)
	}
	for _, id := range slices.Sorted(maps.Keys(in)) {
		sub.Entities = append(sub.Entities, s.entities[id].Entity)
	}
	return sub, nil
}

func (s *Store) Paths(ctx context.Context, q graph.PathQuery) ([]graph.Path, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	from, ok1 := s.entities[q.From]
	_, ok2 := s.entities[q.To]
	paths := []graph.Path{}
	if !ok1 || !ok2 {
		return paths, nil
	}
	if q.From == q.To {
		return append(paths, graph.Path{Entities: []graph.Entity{from.Entity}, Relations: []graph.Relation{}}), nil
	}
	keepEntity := s.keepsEntity(&q.Filter)
	// Inner entities must pass the filter; the two ends always do.
	keep := func(id string) bool { return id == q.From || id == q.To || keepEntity(id) }
	distFrom := s.distances(q.From, q.MaxLength, &q.Filter, keep)
	length, found := distFrom[q.To]
	if !found {
		return paths, nil
	}
	distTo := s.distances(q.To, length, &q.Filter, keep)

	// Walk the shortest-path DAG depth first, choosing the next hop by
	// (entity id, relation id), which yields paths in graph.ComparePaths order.
	type hop struct {
		rel   *relation
		other string
	}
	var walk func(id string, ents []string, rels []*relation) bool
	walk = func(id string, ents []string, rels []*relation) bool {
		if id == q.To {
			p := graph.Path{}
			for _, e := range ents {
				p.Entities = append(p.Entities, s.entities[e].Entity)
			}
			for _, r := range rels {
				p.Relations = append(p.Relations, r.Relation)
			}
			paths = append(paths, p)
			return len(paths) == q.Limit
		}
		var hops []hop
		s.keptNeighbours(id, &q.Filter, keep, func(r *relation, other string) {
			if d, ok := distTo[other]; ok && d == length-len(rels)-1 && distFrom[other] == len(rels)+1 {
				hops = append(hops, hop{r, other})
			}
		})
		slices.SortFunc(hops, func(a, b hop) int {
			return cmp.Or(strings.Compare(a.other, b.other), strings.Compare(a.rel.ID, b.rel.ID))
		})
		for _, h := range hops {
			if walk(h.other, append(ents, h.other), append(rels, h.rel)) {
				return true
			}
		}
		return false
	}
	walk(q.From, []string{q.From}, nil)
	return paths, nil
}

// distances is a breadth-first search from start over kept relations and entities, up to max hops.
func (s *Store) distances(start string, max int, f *graph.Filter, keep func(string) bool) map[string]int {
	dist := map[string]int{start: 0}
	frontier := []string{start}
	for d := 1; d <= max && len(frontier) > 0; d++ {
		var next []string
		for _, id := range frontier {
			s.keptNeighbours(id, f, keep, func(_ *relation, other string) {
				if _, seen := dist[other]; !seen {
					dist[other] = d
					next = append(next, other)
				}
			})
		}
		frontier = next
	}
	return dist
}

// pageIndex is what reindex derives for pages read by binary search: the
// entity ids of each kind and the timeline items, both sorted.
type pageIndex struct {
	byKind   map[graph.Kind][]string
	timeline []timelineEntry // every timeline item, in SortTimeline order
	long     []int           // positions in timeline of the items with an end, ascending
}

// timelineEntry is one item of the timeline index: an entity of a timeline
// kind with a start, or a relation with a start.
type timelineEntry struct {
	key    graph.TimelineKey
	lo, hi int // graph.Span of its dates; key.First is lo
	e      *entity
	r      *relation
}

// reindexPages rebuilds the page index; reindex calls it after the rest.
func (s *Store) reindexPages() {
	idx := pageIndex{byKind: map[graph.Kind][]string{}}
	for _, id := range s.ids {
		e := s.entities[id]
		idx.byKind[e.Kind] = append(idx.byKind[e.Kind], id)
		if !e.Start.IsZero() && graph.OnTimeline(e.Kind) {
			lo, hi, _ := graph.Span(e.Start, e.End)
			idx.timeline = append(idx.timeline, timelineEntry{key: graph.TimelineKey{First: lo, Precision: e.Start.Precision(),
				ID: "entity:" + id}, lo: lo, hi: hi, e: e})
		}
	}
	for _, r := range s.relations {
		if !r.Start.IsZero() {
			lo, hi, _ := graph.Span(r.Start, r.End)
			idx.timeline = append(idx.timeline, timelineEntry{key: graph.TimelineKey{First: lo, Precision: r.Start.Precision(),
				ID: "relation:" + r.ID}, lo: lo, hi: hi, r: r})
		}
	}
	slices.SortFunc(idx.timeline, func(a, b timelineEntry) int { return a.key.Compare(b.key) })
	for i, t := range idx.timeline {
		if t.long() {
			idx.long = append(idx.long, i)
		}
	}
	s.pages = idx
}

// long reports whether the item has an end. An item without one spans its
// start's own interval, which lies within one calendar year: only items with
// an end can overlap a window and begin in an earlier year than the window.
func (t *timelineEntry) long() bool {
	if t.e != nil {
		return !t.e.End.IsZero()
	}
	return !t.r.End.IsZero()
}

// YearStart is the first day of the year of day number d.
func yearStart(d int) int { return d/10000*10000 + 101 }

// Timeline reads the items of the window in SortTimeline order from the
// index: those with an end that begin in an earlier year than the window
// (few), then every item from the first day of the window's year, by binary
// search, until the page is full. Items that are or touch q.Entities are
// gathered from those entities instead.
func (s *Store) Timeline(ctx context.Context, q graph.TimelineQuery) (graph.TimelinePage, error) {
	if err := q.Check(); err != nil {
		return graph.TimelinePage{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	page := graph.TimelinePage{Items: []graph.TimelineItem{}}
	keep := s.timelineFilter(&q)
	each := func(q *graph.TimelineQuery, add func(*timelineEntry) bool) {
		if len(q.Entities) == 0 {
			s.window(q, keep, add)
			return
		}
		for _, t := range s.touching(q.Entities) {
			if (q.After == nil || t.key.Compare(*q.After) > 0) && keep(t) && !add(t) {
				return
			}
		}
	}
	skip := q.Offset
	if q.After != nil {
		skip = 0
	}
	each(&q, func(t *timelineEntry) bool {
		switch {
		case skip > 0:
			skip--
		case len(page.Items) < q.Limit:
			page.Items = append(page.Items, s.timelineItem(t))
		default:
			page.HasNext = true
			return false
		}
		return true
	})
	if q.Count {
		all := q
		all.After = nil
		each(&all, func(*timelineEntry) bool { page.Total++; return true })
	}
	return page, nil
}

// window calls add, in order, with every item the filter keeps whose span
// overlaps the window and which comes after q.After, until add returns false.
func (s *Store) window(q *graph.TimelineQuery, keep func(*timelineEntry) bool, add func(*timelineEntry) bool) {
	tl := s.pages.timeline
	wlo, whi := q.Window.Bounds()
	ys := yearStart(wlo)
	after := func(t *timelineEntry) bool { return q.After == nil || t.key.Compare(*q.After) > 0 }
	overlaps := func(t *timelineEntry) bool { return t.lo <= whi && t.hi >= wlo }
	// Items with an end that begin before the window's year.
	long := s.pages.long
	if q.StartsInside {
		long, ys = nil, wlo // none of them, and every item from the window's first day
	}
	if q.After != nil {
		long = long[sort.Search(len(long), func(i int) bool { return after(&tl[long[i]]) }):]
	}
	for _, i := range long {
		t := &tl[i]
		if t.lo >= ys {
			break
		}
		if overlaps(t) && keep(t) && !add(t) {
			return
		}
	}
	// Every item from the window's year on.
	start := sort.Search(len(tl), func(i int) bool { return tl[i].lo >= ys })
	if q.After != nil {
		start = max(start, sort.Search(len(tl), func(i int) bool { return after(&tl[i]) }))
	}
	for i := start; i < len(tl) && tl[i].lo <= whi; i++ {
		t := &tl[i]
		if t.hi >= wlo && keep(t) && !add(t) {
			return
		}
	}
}

// touching returns, in order, the timeline items that are or touch one of ids.
func (s *Store) touching(ids []string) []*timelineEntry {
	touch := map[string]bool{}
	for _, id := range ids {
		touch[id] = true
	}
	want := map[string]bool{}
	for id := range touch {
		want["entity:"+id] = true
		for _, r := range s.links[id] {
			want["relation:"+r.ID] = true
			want["entity:"+r.Other(id)] = true
		}
	}
	var out []*timelineEntry
	tl := s.pages.timeline
	for id := range want {
		key, ok := s.timelineKey(id)
		if !ok {
			continue
		}
		if i, found := sort.Find(len(tl), func(i int) int { return key.Compare(tl[i].key) }); found {
			out = append(out, &tl[i])
		}
	}
	slices.SortFunc(out, func(a, b *timelineEntry) int { return a.key.Compare(b.key) })
	return out
}

// timelineKey is the place in the timeline of the item with this id, if it is one.
func (s *Store) timelineKey(itemID string) (graph.TimelineKey, bool) {
	var start graph.PartialDate
	if id, ok := strings.CutPrefix(itemID, "entity:"); ok {
		e, ok := s.entities[id]
		if !ok || !graph.OnTimeline(e.Kind) {
			return graph.TimelineKey{}, false
		}
		start = e.Start
	} else {
		start = s.relations[strings.TrimPrefix(itemID, "relation:")].Start
	}
	if start.IsZero() {
		return graph.TimelineKey{}, false
	}
	return graph.TimelineKey{First: start.First(), Precision: start.Precision(), ID: itemID}, true
}

// timelineFilter is the query's filter on items, but for the window.
func (s *Store) timelineFilter(q *graph.TimelineQuery) func(*timelineEntry) bool {
	wlo, _ := q.Window.Bounds()
	return func(t *timelineEntry) bool {
		if q.StartsInside && t.lo < wlo {
			return false
		}
		if e := t.e; e != nil {
			return (len(q.Kinds) == 0 || slices.Contains(q.Kinds, e.Kind)) &&
				graph.KnownBy(e.known, q.KnownAt) && q.Window.Overlaps(e.Start, e.End)
		}
		r := t.r
		if !graph.KeepsConfidence(r.Confidence, q.MinConfidence) || !graph.KnownBy(r.known, q.KnownAt) {
			return false
		}
		if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, s.entities[r.From].Kind) && !slices.Contains(q.Kinds, s.entities[r.To].Kind) {
			return false
		}
		return q.Window.Overlaps(r.Start, r.End)
	}
}

func (s *Store) timelineItem(t *timelineEntry) graph.TimelineItem {
	if e := t.e; e != nil {
		ent := e.Entity
		return graph.TimelineItem{ID: t.key.ID, Date: e.Start, End: e.End, Title: e.Name, Entity: &ent}
	}
	rel := t.r.Relation
	return graph.TimelineItem{ID: t.key.ID, Date: rel.Start, End: rel.End,
		Title: graph.RelationTitle(s.entities[rel.From].Name, rel.Type, s.entities[rel.To].Name), Relation: &rel}
}

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

// adjacency is the graph as neighbourhoods and paths walk it: entities
// numbered in id order (so that sorting numbers sorts ids), each with its
// relations in relation id order and the number of the other end. Walks
// mark entities in slices, not maps, and hash no string.
type adjacency struct {
	number map[string]int32 // entity id -> its number, its place in Store.ids
	ents   []*entity        // by number
	links  [][]link         // by number
}

type link struct {
	rel   *relation
	other int32
}

// reindexGraph derives the adjacency; reindex calls it after links.
func (s *Store) reindexGraph() {
	g := adjacency{number: make(map[string]int32, len(s.ids)), ents: make([]*entity, len(s.ids)), links: make([][]link, len(s.ids))}
	for i, id := range s.ids {
		g.number[id] = int32(i)
		g.ents[i] = s.entities[id]
	}
	rids := slices.Sorted(maps.Keys(s.relations))
	for i, rid := range rids {
		s.relations[rid].rank = int32(i)
	}
	for i, id := range s.ids {
		rs := s.links[id]
		ls := make([]link, 0, len(rs))
		for _, r := range rs {
			if o, ok := g.number[r.Other(id)]; ok {
				ls = append(ls, link{rel: r, other: o})
			}
		}
		g.links[i] = ls
	}
	s.graph = g
}

// walkFilter is a graph.Filter as walks apply it; an empty filter keeps
// everything and costs nothing.
type walkFilter struct {
	f     *graph.Filter
	empty bool
	ents  []*entity
}

func (s *Store) walkFilter(f *graph.Filter) walkFilter {
	empty := len(f.Kinds) == 0 && len(f.RelationTypes) == 0 && f.MinConfidence == nil && f.Window == (graph.Window{}) && f.KnownAt.IsZero()
	return walkFilter{f: f, empty: empty, ents: s.graph.ents}
}

func (w *walkFilter) relation(r *relation) bool {
	return w.empty || w.f.KeepsRelation(&r.Relation, r.known)
}

func (w *walkFilter) entity(n int32) bool {
	if w.empty {
		return true
	}
	e := w.ents[n]
	return w.f.KeepsEntity(&e.Entity, e.known)
}

func (s *Store) Neighborhood(ctx context.Context, q graph.NeighborhoodQuery) (graph.Subgraph, error) {
	if err := q.Check(); err != nil {
		return graph.Subgraph{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g := &s.graph
	sub := graph.Subgraph{Entities: []graph.Entity{}, Relations: []graph.Relation{}}
	var seeds []int32
	for _, id := range q.IDs {
		if n, ok := g.number[id]; ok {
			seeds = append(seeds, n)
		}
	}
	slices.Sort(seeds)
	seeds = slices.Compact(seeds)
	// in and queued mark entities; members lists those in, as admitted.
	in := make([]bool, len(g.ents))
	queued := make([]bool, len(g.ents))
	var members []int32
	// admit is graph.Admit: the candidates in order until the limit.
	admit := func(candidates []int32) (added []int32, truncated bool) {
		for _, n := range candidates {
			if in[n] {
				continue
			}
			if len(members) == q.Limit {
				return added, true
			}
			in[n] = true
			members = append(members, n)
			added = append(added, n)
		}
		return added, false
	}
	frontier, truncated := admit(seeds)
	sub.Truncated = truncated
	w := s.walkFilter(&q.Filter)
	for level := 0; level < q.Depth && len(frontier) > 0 && !sub.Truncated; level++ {
		var next []int32
		for _, n := range frontier {
			for _, l := range g.links[n] {
				if o := l.other; !in[o] && !queued[o] && w.relation(l.rel) && w.entity(o) {
					queued[o] = true
					next = append(next, o)
				}
			}
		}
		for _, o := range next {
			queued[o] = false
		}
		slices.Sort(next)
		frontier, sub.Truncated = admit(next)
	}
	// The relations between members, each once: from its end with the
	// lower number (a relation to itself has one).
	var rels []*relation
	for _, n := range members {
		for _, l := range g.links[n] {
			if l.other >= n && in[l.other] && w.relation(l.rel) {
				rels = append(rels, l.rel)
			}
		}
	}
	slices.SortFunc(rels, func(a, b *relation) int { return int(a.rank - b.rank) })
	rels = slices.CompactFunc(rels, func(a, b *relation) bool { return a == b })
	if maxEdges := graph.EdgesPerNode * q.Limit; len(rels) > maxEdges {
		rels, sub.Truncated = rels[:maxEdges], true
	}
	sub.Relations = make([]graph.Relation, len(rels))
	for i, r := range rels {
		sub.Relations[i] = r.Relation
	}
	slices.Sort(members)
	sub.Entities = make([]graph.Entity, len(members))
	for i, n := range members {
		sub.Entities[i] = g.ents[n].Entity
	}
	return sub, nil
}

func (s *Store) Paths(ctx context.Context, q graph.PathQuery) ([]graph.Path, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g := &s.graph
	from, ok1 := g.number[q.From]
	to, ok2 := g.number[q.To]
	paths := []graph.Path{}
	if !ok1 || !ok2 {
		return paths, nil
	}
	if from == to {
		return append(paths, graph.Path{Entities: []graph.Entity{g.ents[from].Entity}, Relations: []graph.Relation{}}), nil
	}
	w := s.walkFilter(&q.Filter)
	// Inner entities must pass the filter; the two ends always do.
	keep := func(n int32) bool { return n == from || n == to || w.entity(n) }
	distFrom := s.distances(from, to, q.MaxLength, &w, keep)
	length := int(distFrom[to])
	if length < 0 {
		return paths, nil
	}
	// The walk reads distances to the end of up to length-1.
	distTo := s.distances(to, -1, length-1, &w, keep)

	// Walk the shortest-path DAG depth first, choosing the next hop by
	// (entity id, relation id), which yields paths in graph.ComparePaths order.
	type hop struct {
		rel   *relation
		other int32
	}
	var walk func(n int32, ents []int32, rels []*relation) bool
	walk = func(n int32, ents []int32, rels []*relation) bool {
		if n == to {
			p := graph.Path{Entities: make([]graph.Entity, len(ents)), Relations: make([]graph.Relation, len(rels))}
			for i, e := range ents {
				p.Entities[i] = g.ents[e].Entity
			}
			for i, r := range rels {
				p.Relations[i] = r.Relation
			}
			paths = append(paths, p)
			return len(paths) == q.Limit
		}
		var hops []hop
		k := int32(len(rels) + 1) // the place of the next entity
		for _, l := range g.links[n] {
			o := l.other
			if o == to && k == int32(length) || o != to && k < int32(length) && distFrom[o] == k && distTo[o] == int32(length)-k {
				if w.relation(l.rel) && keep(o) {
					hops = append(hops, hop{l.rel, o})
				}
			}
		}
		slices.SortFunc(hops, func(a, b hop) int { return cmp.Or(cmp.Compare(a.other, b.other), cmp.Compare(a.rel.rank, b.rel.rank)) })
		for _, h := range hops {
			if walk(h.other, append(ents, h.other), append(rels, h.rel)) {
				return true
			}
		}
		return false
	}
	walk(from, []int32{from}, nil)
	return paths, nil
}

// distances is a breadth-first search from start over kept relations and
// entities, up to max hops, by entity number (-1: not reached); it stops
// once it reaches stop.
func (s *Store) distances(start, stop int32, max int, w *walkFilter, keep func(int32) bool) []int32 {
	g := &s.graph
	dist := make([]int32, len(g.ents))
	for i := range dist {
		dist[i] = -1
	}
	dist[start] = 0
	frontier := []int32{start}
	for d := int32(1); int(d) <= max && len(frontier) > 0; d++ {
		var next []int32
		for _, n := range frontier {
			for _, l := range g.links[n] {
				if o := l.other; dist[o] < 0 && w.relation(l.rel) && keep(o) {
					dist[o] = d
					if o == stop {
						return dist
					}
					next = append(next, o)
				}
			}
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

package main

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// snapshot is the graph as GraphQL shows it.
type snapshot struct {
	Entities        int     `json:"entities"`
	Relations       int     `json:"relations"`
	Sources         int     `json:"sources"`
	HashedEntities  int     `json:"hashedEntities"`
	HashedRelations int     `json:"hashedRelations"`
	SHA256          string  `json:"sha256"`
	Pages           int     `json:"pages"`
	Seconds         float64 `json:"seconds"` // to read it
	Error           string  `json:"error,omitempty"`
}

// equal: the same graph (how long it took to read does not matter).
func (s snapshot) equal(o snapshot) bool {
	return s.Error == "" && o.Error == "" && s.SHA256 != "" && s.Entities == o.Entities &&
		s.Relations == o.Relations && s.Sources == o.Sources && s.HashedEntities == o.HashedEntities &&
		s.HashedRelations == o.HashedRelations && s.SHA256 == o.SHA256
}

// snapshotQuery reads a page of entities with their relations, 50 at most
// (snapshotPage): the server refuses a query whose lists multiply out above
// its cost limit (500,000), and 500 entities with up to 1,000 relations each
// would be 3 million.
const snapshotQuery = `query ($first: Int, $after: String) { stats { entities relations sources }
  entities(first: $first, after: $after) { pageInfo { endCursor hasNextPage }
    edges { node { id name kind aliases relations(first: 1000) { id type from { id } to { id } } } } } }`

const (
	snapshotPage = 50
	// maxRelations is the relations(first:) of snapshotQuery: an entity
	// listing that many may have more, which only their other ends list.
	maxRelations = 1000
	// pagePatience is how long one page is asked for again while the server
	// cannot answer it (Neo4j just started, requests shed).
	pagePatience = time.Minute
)

type snapEntity struct {
	ID        string
	Name      string
	Kind      string
	Aliases   []string
	Relations []snapRelation
}

type snapRelation struct {
	ID   string
	Type string
	From struct{ ID string }
	To   struct{ ID string }
}

type stats struct{ Entities, Relations, Sources int }

// snapshot reads stats and every entity with its relations, following the
// cursors, and hashes them sorted by id: each entity, then each relation
// once (an entity with 1,000 relations or more does not list them all; the
// relation's other end does). Every entity and every relation that stats
// counts must have been read, and stats must not change meanwhile. It
// returns the graph read too, for the queries to pick their ids from.
func (s *soak) snapshot() (snap snapshot, g *graphRead) {
	start := time.Now()
	defer func() { snap.Seconds = time.Since(start).Round(time.Millisecond).Seconds() }()
	g = &graphRead{index: map[string]int{}}
	rels := map[string]snapRelation{}
	var first stats
	var after any
	size, maxPages := snapshotPage, -1
	cursors := map[string]bool{}
	for {
		if maxPages >= 0 && snap.Pages >= maxPages {
			snap.Error = fmt.Sprintf("more than %d pages for the %d entities stats counts: the cursors do not end", maxPages, first.Entities)
			return snap, nil
		}
		page, err := s.snapshotPage(size, after)
		if err != nil && strings.Contains(err.Error(), "objects") && size > 1 {
			size /= 2 // the entities of this page have too many relations for one answer
			continue
		}
		if err != nil {
			snap.Error = fmt.Sprintf("page %d: %v", snap.Pages+1, err)
			return snap, nil
		}
		if snap.Pages == 0 {
			first = page.Stats
			// Pages of one entity at worst (see size), and a few more.
			maxPages = first.Entities + 10
		} else if page.Stats != first {
			snap.Error = fmt.Sprintf("stats changed while the graph was read: %+v, then %+v", first, page.Stats)
			return snap, nil
		}
		snap.Pages++
		for _, e := range page.Entities.Edges {
			if _, dup := g.index[e.Node.ID]; dup {
				snap.Error = fmt.Sprintf("%s on two pages", e.Node.ID)
				return snap, nil
			}
			g.index[e.Node.ID] = len(g.entities)
			g.entities = append(g.entities, e.Node)
			for _, r := range e.Node.Relations {
				rels[r.ID] = r
			}
		}
		info := page.Entities.PageInfo
		if !info.HasNextPage {
			break
		}
		if info.EndCursor == "" || cursors[info.EndCursor] {
			snap.Error = fmt.Sprintf("page %d: the cursor %q does not move on", snap.Pages, info.EndCursor)
			return snap, nil
		}
		cursors[info.EndCursor] = true
		after = info.EndCursor
		size = snapshotPage
	}
	snap.Entities, snap.Relations, snap.Sources = first.Entities, first.Relations, first.Sources
	snap.HashedEntities, snap.HashedRelations = len(g.entities), len(rels)
	switch {
	case len(g.entities) != first.Entities:
		snap.Error = fmt.Sprintf("read %d entities, stats counts %d", len(g.entities), first.Entities)
	case len(rels) != first.Relations:
		snap.Error = fmt.Sprintf("read %d relations, stats counts %d (a relation between two entities of %d relations or more is listed by neither)",
			len(rels), first.Relations, maxRelations)
	}
	if snap.Error != "" {
		return snap, nil
	}
	h := sha256.New()
	ents := slices.SortedFunc(slices.Values(g.entities), func(a, b snapEntity) int { return cmp.Compare(a.ID, b.ID) })
	for _, e := range ents {
		fmt.Fprintf(h, "E\t%s\t%s\t%s\t%s\n", e.ID, e.Name, e.Kind, strings.Join(e.Aliases, "\x1f"))
	}
	for _, id := range slices.Sorted(maps.Keys(rels)) {
		r := rels[id]
		fmt.Fprintf(h, "R\t%s\t%s\t%s\t%s\n", r.ID, r.Type, r.From.ID, r.To.ID)
	}
	snap.SHA256 = hex.EncodeToString(h.Sum(nil))
	g.sort()
	return snap, g
}

type snapshotAnswer struct {
	Stats    stats
	Entities struct {
		PageInfo struct {
			EndCursor   string
			HasNextPage bool
		}
		Edges []struct{ Node snapEntity }
	}
}

// snapshotPage reads one page, asking again for pagePatience while the
// server cannot answer it.
func (s *soak) snapshotPage(size int, after any) (*snapshotAnswer, error) {
	body := gqlBody(snapshotQuery, map[string]any{"first": size, "after": after})
	deadline := time.Now().Add(pagePatience)
	for {
		a := s.post(context.Background(), body)
		var res struct {
			Data   snapshotAnswer
			Errors []struct{ Message string }
		}
		var why string
		switch {
		case shedAnswer(a) != "":
			why = shedAnswer(a)
		case a.err != nil:
			why = transportFailure(a.err)
		case a.status != http.StatusOK:
			why = fmt.Sprintf("HTTP %d: %s", a.status, short(string(a.body)))
		case json.Unmarshal(a.body, &res) != nil:
			why = "the answer is not JSON"
		case len(res.Errors) > 0:
			why = "GraphQL error: " + short(res.Errors[0].Message)
			if strings.Contains(why, "objects") {
				return nil, fmt.Errorf("%s", why) // not worth asking again
			}
		default:
			return &res.Data, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s (asked for %s)", why, pagePatience)
		}
		time.Sleep(retryDelay(a))
	}
}

// graphRead is the graph a snapshot read: the entities, each kind's with the
// most relations first.
type graphRead struct {
	entities []snapEntity
	index    map[string]int // by id
}

func (g *graphRead) sort() {
	slices.SortFunc(g.entities, func(a, b snapEntity) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(len(b.Relations), len(a.Relations)), cmp.Compare(a.ID, b.ID))
	})
	for i, e := range g.entities {
		g.index[e.ID] = i
	}
}

// kinds are the kinds of the entities, sorted.
func (g *graphRead) kinds() []string {
	var out []string
	for _, e := range g.entities {
		if len(out) == 0 || out[len(out)-1] != e.Kind {
			out = append(out, e.Kind)
		}
	}
	return out
}

// byKind is the entities of a kind, the most relations first.
func (g *graphRead) byKind(kind string) []snapEntity {
	i, _ := slices.BinarySearchFunc(g.entities, kind, func(e snapEntity, k string) int { return cmp.Compare(e.Kind, k) })
	j := i
	for j < len(g.entities) && g.entities[j].Kind == kind {
		j++
	}
	return g.entities[i:j]
}

// degree is how many relations the entity listed (maxRelations at most).
func (g *graphRead) degree(id string) int {
	if i, ok := g.index[id]; ok {
		return len(g.entities[i].Relations)
	}
	return 0
}

// missing is the ids the graph does not have.
func (g *graphRead) missing(ids []string) []string {
	var out []string
	for _, id := range ids {
		if _, ok := g.index[id]; !ok {
			out = append(out, id)
		}
	}
	return out
}

func (s snapshot) String() string {
	if s.Error != "" {
		return "error: " + s.Error
	}
	if s.SHA256 == "" {
		return "not read"
	}
	return fmt.Sprintf("%d entities, %d relations, %d sources (hashed %d entities, %d relations; %d pages in %.1fs), sha256 %s",
		s.Entities, s.Relations, s.Sources, s.HashedEntities, s.HashedRelations, s.Pages, s.Seconds, s.SHA256[:16])
}

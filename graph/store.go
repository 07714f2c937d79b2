package graph

import (
	"context"
	"strings"
)

// Limits that every store enforces, whatever the caller asks for.
const (
	MaxIDs         = 1000      // ids in one batched call
	MaxSearch      = 100       // hits of one search
	MaxPage        = 500       // entities or timeline items in one page
	MaxOffset      = 1_000_000 // the farthest a timeline cursor reaches
	MaxRelations   = 1000      // relations of one entity in one call
	MaxDepth       = 4         // neighbourhood depth
	MaxNodes       = 5000      // nodes of one neighbourhood
	EdgesPerNode   = 4         // a neighbourhood holds at most EdgesPerNode × its node limit edges
	MaxPathLength  = 6         // hops of one path
	MaxPaths       = 20        // paths of one call
	maxQueryLength = 200       // characters of a search
)

// Direction of relations seen from an entity.
type Direction string

const (
	Out  Direction = "OUT"
	In   Direction = "IN"
	Both Direction = "BOTH"
)

// Filter narrows the relations and entities a graph query walks.
type Filter struct {
	Kinds         []Kind   // entities of these kinds only (the query's own ids are always kept)
	RelationTypes []string // relations of these types only
	Window        Window   // relations and entities whose dates overlap; undated ones stay
	MinConfidence *int     // relations with at least this confidence (relations without one go)
	KnownAt       PartialDate
}

// SearchQuery finds entities by name or alias, ignoring case and accents.
type SearchQuery struct {
	Text  string
	Kinds []Kind
	Limit int
}

// ListQuery pages through entities ordered by id. A page costs what its
// size costs: stores seek to After in an index of ids (by kind).
type ListQuery struct {
	Kinds []Kind
	After string // cursor: the id of the last entity of the previous page
	Limit int
	Count bool // also count every entity of the kinds (EntityPage.Total), which costs a pass over them
}

// EntityPage is one page of a ListQuery.
type EntityPage struct {
	Entities []Entity
	Total    int // the entities of the kinds, when the query asked for Count; else 0
	HasNext  bool
}

// RelationQuery selects the relations of entities.
type RelationQuery struct {
	Direction Direction
	Types     []string
	Limit     int // per entity
}

// NeighborhoodQuery expands from some entities.
type NeighborhoodQuery struct {
	IDs    []string
	Depth  int
	Filter Filter
	Limit  int // nodes
}

// PathQuery asks how two entities are connected.
type PathQuery struct {
	From, To  string
	MaxLength int
	Limit     int
	Filter    Filter
}

// TimelineQuery selects dated items. A page is read in SortTimeline order
// from an index of the items by first day, from the window's start or from
// After, so that it costs what its size costs; Total costs a pass over every
// item the query selects and is computed only when Count asks for it.
type TimelineQuery struct {
	Entities      []string // items that are, or touch, one of these
	Kinds         []Kind
	Window        Window
	MinConfidence *int
	KnownAt       PartialDate
	// StartsInside leaves out the items that only overlap the window: those
	// whose start begins before it (a campaign of "2001" that never ended, a
	// claim dated "2017" in a window of April 2017). The order is the same.
	StartsInside bool
	// The page starts after the first Offset items, or, when After is set,
	// right after the item at After (whether or not it still exists, or
	// passes the filter); Offset is then the position of that item, which
	// only bounds how far a cursor may reach (MaxOffset).
	Offset int
	After  *TimelineKey
	Limit  int
	Count  bool // also count every item the query selects (TimelinePage.Total)
}

// TimelineKey is a place in SortTimeline order: that of an item whose date
// begins on day First (Date.First()) at this precision, of this id
// ("entity:<id>" or "relation:<id>").
type TimelineKey struct {
	First     int
	Precision Precision
	ID        string
}

// Key is the place of the item in SortTimeline order.
func (t *TimelineItem) Key() TimelineKey {
	return TimelineKey{First: t.Date.First(), Precision: t.Date.Precision(), ID: t.ID}
}

// Compare orders keys as SortTimeline orders items.
func (k TimelineKey) Compare(o TimelineKey) int {
	switch {
	case k.First != o.First:
		return cmpInt(k.First, o.First)
	case k.Precision != o.Precision:
		return cmpInt(int(k.Precision), int(o.Precision))
	}
	return strings.Compare(k.ID, o.ID)
}

func cmpInt(a, b int) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

// TimelinePage is one page of a TimelineQuery.
type TimelinePage struct {
	Items   []TimelineItem
	Total   int // the items the query selects, when it asked for Count; else 0
	HasNext bool
}

// Store is the graph as the API reads it and the loaders write it. Every
// method returns ErrInvalid for arguments out of range (a message says which),
// ErrUnavailable when the backend cannot be reached, and is safe for
// concurrent use. All results are deterministic: two stores holding the same
// graph give the same answers (graph/storetest checks it).
type Store interface {
	// Entities returns the entities with these ids, in the order asked, each
	// once; unknown ids are left out (no error).
	Entities(ctx context.Context, ids []string) ([]Entity, error)
	// Sources returns the sources with these ids, like Entities.
	Sources(ctx context.Context, ids []string) ([]Source, error)
	// Search finds the entities whose name, aliases or external ids match
	// the query, best first, by the rules of package textmatch: exact, then
	// prefix, then word, then one-typo matches, ignoring case, accents,
	// spacing and punctuation.
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, error)
	// List returns entities of the given kinds (all when none) by id.
	List(ctx context.Context, q ListQuery) (EntityPage, error)
	// Relations returns, for each id, its relations by relation id (at most
	// q.Limit each). Ids without relations are absent from the map.
	Relations(ctx context.Context, ids []string, q RelationQuery) (map[string][]Relation, error)
	// Neighborhood expands breadth-first from q.IDs, level by level in id
	// order, over relations and entities the filter keeps, until q.Depth or
	// q.Limit nodes; it returns those nodes and every kept relation among them
	// (at most EdgesPerNode × q.Limit). Unknown ids give an empty subgraph.
	Neighborhood(ctx context.Context, q NeighborhoodQuery) (Subgraph, error)
	// Paths returns up to q.Limit shortest paths (all of the same, minimal
	// length, at most q.MaxLength), ignoring direction, in the order of
	// ComparePaths. Intermediate entities must pass the filter. No path or an
	// unknown id gives none.
	Paths(ctx context.Context, q PathQuery) ([]Path, error)
	// Timeline returns dated items in SortTimeline order.
	Timeline(ctx context.Context, q TimelineQuery) (TimelinePage, error)
	// Upsert validates and writes a batch as one: on any error nothing is
	// written. Writing the same batch twice changes nothing.
	Upsert(ctx context.Context, b Batch) error
	// Counts returns the number of entities, relations and sources.
	Counts(ctx context.Context) (Counts, error)
	// Ping returns ErrUnavailable when the backend cannot be reached.
	Ping(ctx context.Context) error
	Close() error
}

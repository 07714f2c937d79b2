package graph

import "context"

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

// ListQuery pages through entities ordered by id.
type ListQuery struct {
	Kinds []Kind
	After string // cursor: the id of the last entity of the previous page
	Limit int
}

// EntityPage is one page of a ListQuery.
type EntityPage struct {
	Entities []Entity
	Total    int
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

// TimelineQuery selects dated items.
type TimelineQuery struct {
	Entities      []string // items that are, or touch, one of these
	Kinds         []Kind
	Window        Window
	MinConfidence *int
	KnownAt       PartialDate
	Offset        int
	Limit         int
}

// TimelinePage is one page of a TimelineQuery.
type TimelinePage struct {
	Items   []TimelineItem
	Total   int
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
	// Search finds entities whose name or an alias matches every word of the
	// query as a word prefix, ignoring case and accents, best first (see Match).
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

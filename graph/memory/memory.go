// Package memory is the embedded graph.Store: maps behind a RWMutex. It is the
// default when no Neo4j is configured, and fast enough for tens of thousands
// of entities.
package memory

import (
	"context"
	"sync"

	"github.com/attribution-explorer/attribution/graph"
)

// Store is an in-memory graph.Store. The zero value is not usable; call New.
type Store struct {
	mu        sync.RWMutex
	sources   map[string]graph.Source
	entities  map[string]*entity
	relations map[string]*relation
	ids       []string               // entity ids, sorted
	adjacent  map[string][]string    // entity id -> ids of its relations, sorted
	links     map[string][]*relation // the same relations, derived on each write: traversals read no map per relation
	graph     adjacency              // the same again by entity number, for neighbourhoods and paths (traverse.go)
	pages     pageIndex              // ids by kind and the timeline, sorted (traverse.go)
	search    searchIndex            // inverted index of names, aliases and external ids (search.go)
}

type entity struct {
	graph.Entity
	known int // graph.EntityKnownFrom (relations: graph.RelationKnownFrom)
}

type relation struct {
	graph.Relation
	known int
	rank  int32 // its place in relation id order
}

// New returns an empty store.
func New() *Store {
	return &Store{
		sources:   map[string]graph.Source{},
		entities:  map[string]*entity{},
		relations: map[string]*relation{},
		adjacent:  map[string][]string{},
	}
}

var _ graph.Store = (*Store)(nil)

func (s *Store) Close() error                   { return nil }
func (s *Store) Ping(ctx context.Context) error { return ctx.Err() }

package schema

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/attribution-explorer/attribution/graph"
)

// MaxObjects bounds the objects in lists of one response, however its query
// nests: graphql-go has no cost analysis of its own.
const MaxObjects = 20000

// thunk is the deferred value graphql-go resolves after a whole level of the
// query, which is what lets a batcher batch the keys of that level.
type thunk = func() (any, error)

// batcher batches and caches the store calls of one request. graphql-go calls
// every resolver of a level, then every thunk; the first thunk to run fetches
// the keys of all of them in one store call.
type batcher struct {
	store graph.Store
	ctx   context.Context

	mu       sync.Mutex
	entities map[string]*graph.Entity // nil: known not to exist
	wantE    []string
	sources  map[string]*graph.Source
	wantS    []string
	batches  map[relationKey]*relationBatch
	objects  int
}

type relationKey struct {
	direction graph.Direction
	types     string // joined with ","
	limit     int
}

type relationBatch struct {
	want []string
	got  map[string][]graph.Relation
}

func newBatcher(ctx context.Context, store graph.Store) *batcher {
	return &batcher{store: store, ctx: ctx, entities: map[string]*graph.Entity{},
		sources: map[string]*graph.Source{}, batches: map[relationKey]*relationBatch{}}
}

type batcherKey struct{}

func batcherFrom(ctx context.Context) *batcher { return ctx.Value(batcherKey{}).(*batcher) }

// count charges n objects of the response to the request's budget.
func (l *batcher) count(n int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.objects += n
	if l.objects > MaxObjects {
		return graph.Errorf(graph.ErrInvalid, "the query asks for more than %d objects; ask for fewer (lower first, limit or depth)", MaxObjects)
	}
	return nil
}

// prime caches entities a root field already returned.
func (l *batcher) prime(es ...graph.Entity) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range es {
		e := es[i]
		l.entities[e.ID] = &e
	}
}

// entity returns a thunk for the entity with the id; nil when there is none.
func (l *batcher) entity(id string) thunk {
	l.mu.Lock()
	if _, done := l.entities[id]; !done {
		l.wantE = append(l.wantE, id)
	}
	l.mu.Unlock()
	return func() (any, error) {
		l.mu.Lock()
		defer l.mu.Unlock()
		e, done := l.entities[id]
		if !done {
			// The first thunk of a level to miss fetches the whole level.
			l.wantE = append(l.wantE, id)
			if err := l.flushEntities(); err != nil {
				return nil, err
			}
			e = l.entities[id]
		}
		if e == nil {
			return nil, nil
		}
		return e, nil // a pointer into the cache: resolvers read it (sourceAs)
	}
}

// entityList returns the entities with the ids that exist, in order, fetching
// every id wanted so far in one call.
func (l *batcher) entityList(ids []string) ([]graph.Entity, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// Fetch only on a miss: the first thunk of a level to miss fetches the
	// whole level, whose keys were all registered before any of its thunks ran.
	missing := false
	for _, id := range ids {
		if _, done := l.entities[id]; !done {
			l.wantE = append(l.wantE, id)
			missing = true
		}
	}
	if missing {
		if err := l.flushEntities(); err != nil {
			return nil, err
		}
	}
	out := make([]graph.Entity, 0, len(ids))
	for _, id := range ids {
		if e := l.entities[id]; e != nil {
			out = append(out, *e)
		}
	}
	return out, nil
}

func (l *batcher) flushEntities() error {
	want := unique(l.wantE, func(id string) bool { _, done := l.entities[id]; return !done })
	l.wantE = nil
	for chunk := range slices.Chunk(want, graph.MaxIDs) {
		es, err := l.store.Entities(l.ctx, chunk)
		if err != nil {
			return err
		}
		for _, id := range chunk {
			l.entities[id] = nil
		}
		for i := range es {
			l.entities[es[i].ID] = &es[i]
		}
	}
	return nil
}

// sourceList returns a thunk for the sources with the ids that exist, in order.
func (l *batcher) sourceList(ids []string) thunk {
	l.mu.Lock()
	l.wantS = append(l.wantS, ids...)
	l.mu.Unlock()
	return func() (any, error) {
		l.mu.Lock()
		defer l.mu.Unlock()
		var want []string
		if slices.ContainsFunc(ids, func(id string) bool { _, done := l.sources[id]; return !done }) {
			want = unique(l.wantS, func(id string) bool { _, done := l.sources[id]; return !done })
			l.wantS = nil
		}
		for chunk := range slices.Chunk(want, graph.MaxIDs) {
			ss, err := l.store.Sources(l.ctx, chunk)
			if err != nil {
				return nil, err
			}
			for _, id := range chunk {
				l.sources[id] = nil
			}
			for i := range ss {
				l.sources[ss[i].ID] = &ss[i]
			}
		}
		out := make([]graph.Source, 0, len(ids))
		for _, id := range ids {
			if s := l.sources[id]; s != nil {
				out = append(out, *s)
			}
		}
		return out, nil
	}
}

// source returns a thunk for one source, nil when there is none.
func (l *batcher) source(id string) thunk {
	list := l.sourceList([]string{id})
	return func() (any, error) {
		v, err := list()
		if err != nil || len(v.([]graph.Source)) == 0 {
			return nil, err
		}
		return v.([]graph.Source)[0], nil
	}
}

// relationsOf returns the relations of the entity for the query, batched with
// every other entity asking the same query at this level.
func (l *batcher) relationsOf(id string, q graph.RelationQuery) ([]graph.Relation, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := relationKey{q.Direction, strings.Join(q.Types, ","), q.Limit}
	b := l.batches[key]
	if got, ok := b.got[id]; ok {
		return got, nil
	}
	want := unique(b.want, func(x string) bool { _, done := b.got[x]; return !done })
	b.want = nil
	for chunk := range slices.Chunk(want, graph.MaxIDs) {
		m, err := l.store.Relations(l.ctx, chunk, q)
		if err != nil {
			return nil, err
		}
		for _, x := range chunk {
			b.got[x] = m[x]
		}
	}
	return b.got[id], nil
}

// relations returns a thunk for the relations of the entity.
func (l *batcher) relations(id string, q graph.RelationQuery) thunk {
	l.mu.Lock()
	key := relationKey{q.Direction, strings.Join(q.Types, ","), q.Limit}
	b := l.batches[key]
	if b == nil {
		b = &relationBatch{got: map[string][]graph.Relation{}}
		l.batches[key] = b
	}
	b.want = append(b.want, id)
	l.mu.Unlock()
	return func() (any, error) { return l.relationsOf(id, q) }
}

// ends returns a thunk for the entities at the other end of the entity's
// relations for the query (an indictment's defendants): two batched calls for
// the whole level.
func (l *batcher) ends(id string, q graph.RelationQuery) thunk {
	l.relations(id, q)
	return func() (any, error) {
		rs, err := l.relationsOf(id, q)
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		key := relationKey{q.Direction, strings.Join(q.Types, ","), q.Limit}
		for _, other := range l.batches[key].got {
			for _, r := range other {
				l.wantE = append(l.wantE, r.From, r.To)
			}
		}
		l.mu.Unlock()
		ids := make([]string, len(rs))
		for i, r := range rs {
			ids[i] = r.Other(id)
		}
		return l.entityList(ids)
	}
}

func unique(ids []string, keep func(string) bool) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if !seen[id] && keep(id) {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

package neo4j

import (
	"context"
	"slices"
	"time"

	"github.com/attribution-explorer/attribution/graph"
	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// existing is what the store already holds of the ids a batch refers to.
type existing struct {
	kinds   map[string]graph.Kind
	sources map[string]bool
}

func (e existing) EntityKind(id string) graph.Kind { return e.kinds[id] }
func (e existing) HasSource(id string) bool        { return e.sources[id] }

// Upsert validates the batch against itself and the store, then writes it in
// one transaction: all of it or nothing (a client killed mid-write leaves an
// open transaction that Neo4j rolls back). Writing the same batch twice
// changes nothing.
//
// A bulk write (graph.WithBulk, or any write of replanAfter rows or more)
// has no transaction timeout, reads what the store holds in chunks without
// one either, and reports its progress, chunk by chunk, to the context's
// graph.Progress.
func (s *Store) Upsert(ctx context.Context, b graph.Batch) error {
	progress, bulk := graph.Bulk(ctx)
	bulk = bulk || len(b.Sources)+len(b.Entities)+len(b.Relations) >= replanAfter
	readWithin, writeWithin := readTimeout, writeTimeout
	if bulk {
		readWithin, writeWithin = 0, 0 // 0: no timeout, whatever the server's default
	}
	ex, err := s.existing(ctx, b, readWithin)
	if err != nil {
		return err
	}
	if err := b.Check(ex); err != nil {
		return err
	}
	var sources, entities, relations []map[string]any
	var sourceIDs, entityIDs, relationIDs []string
	for _, src := range b.Sources {
		sources = append(sources, sourceProps(src))
		sourceIDs = append(sourceIDs, src.ID)
	}
	for _, e := range b.Entities {
		e.Normalize()
		entities = append(entities, entityProps(e))
		entityIDs = append(entityIDs, e.ID)
	}
	for _, r := range b.Relations {
		r.Normalize()
		relations = append(relations, map[string]any{"from": r.From, "to": r.To, "props": relationProps(r)})
		relationIDs = append(relationIDs, r.ID)
	}
	steps := []struct {
		name, query string
		rows        []map[string]any
	}{
		{"sources", `UNWIND $rows AS row MERGE (s:Source {id: row.id}) SET s = row`, sources},
		// SET e = row replaces every property; known is recomputed below.
		{"entities", `UNWIND $rows AS row MERGE (e:Entity {id: row.id}) SET e = row`, entities},
		// A relation whose ends changed is deleted, then created anew.
		{"relations whose ends changed", `UNWIND $rows AS row MATCH (a)-[old:REL {id: row.props.id}]->(b)
		  WHERE a.id <> row.from OR b.id <> row.to DELETE old`, relations},
		{"relations", `UNWIND $rows AS row MATCH (a:Entity {id: row.from}), (b:Entity {id: row.to})
		  MERGE (a)-[r:REL {id: row.props.id}]->(b) SET r = row.props`, relations},
	}
	// known: the first day one of its sources was certainly public
	// (graph.KnownFrom), or a public act's own day (act, and for what the
	// act says: graph.EntityKnownFrom, graph.RelationKnownFrom). A source's
	// new date changes it for every claim that cites the source, an act's
	// new date for the relations out of it.
	known := []struct {
		name, query string
		rows        int
	}{
		{"entities' known days", `MATCH (e:Entity) WHERE e.id IN $entities OR any(x IN e.sources WHERE x IN $sources)
		 OPTIONAL MATCH (s:Source) WHERE s.id IN e.sources
		 WITH e, min(s.public) AS known
		 SET e.known = CASE WHEN e.act IS NOT NULL AND (known IS NULL OR e.act < known) THEN e.act ELSE known END`, len(entities)},
		{"relations' known days", `MATCH (a)-[r:REL]->() WHERE r.id IN $relations OR any(x IN r.sources WHERE x IN $sources)
		   OR (a.id IN $entities AND r.type IN $actRelations)
		 OPTIONAL MATCH (s:Source) WHERE s.id IN r.sources
		 WITH a, r, min(s.public) AS known
		 SET r.known = CASE WHEN a.act IS NOT NULL AND r.type IN $actRelations AND (known IS NULL OR a.act < known)
		   THEN a.act ELSE known END`, len(relations)},
	}
	// Progress counts the rows of every statement, what Neo4j has to do,
	// and the commit as the last (graph.Progress reaches total once
	// committed; the default data's commit took a third of its write).
	total := 1
	for _, step := range steps {
		total += len(step.rows)
	}
	for _, k := range known {
		total += k.rows
	}
	session := s.driver.NewSession(ctx, driver.SessionConfig{DatabaseName: s.db, AccessMode: driver.AccessModeWrite})
	defer session.Close(ctx)
	_, err = session.ExecuteWrite(ctx, func(tx driver.ManagedTransaction) (any, error) {
		done := 0 // from 0 again if the driver retries the transaction
		for _, step := range steps {
			progress(step.name, done, total)
			for chunk := range slices.Chunk(step.rows, rowsPerQuery) {
				if _, err := tx.Run(ctx, step.query, map[string]any{"rows": chunk}); err != nil {
					return nil, err
				}
				done += len(chunk)
				progress(step.name, done, total)
			}
		}
		params := map[string]any{"entities": entityIDs, "relations": relationIDs, "sources": sourceIDs,
			"actRelations": graph.PublicActRelationTypes}
		for _, k := range known {
			progress(k.name, done, total)
			if _, err := tx.Run(ctx, k.query, params); err != nil {
				return nil, err
			}
			done += k.rows
			progress(k.name, done, total)
		}
		progress("commit", done, total)
		return nil, nil
	}, driver.WithTxTimeout(writeWithin))
	if err != nil {
		return s.mapError(err)
	}
	progress("committed", total, total)
	if len(b.Entities)+len(b.Relations) >= replanAfter {
		// Neo4j samples its indexes lazily: right after a large write its
		// statistics still describe the graph before it, and the planner
		// may pick plans that are right for an empty graph. Aggregates on
		// the default data, just loaded, seeked the relation type index for
		// every item instead of expanding from it (over 20 s, against
		// 40 ms). Resample now and drop the cached plans.
		if _, err := session.Run(ctx, "CALL db.prepareForReplanning()", nil); err != nil {
			return s.mapError(err)
		}
	}
	return nil
}

// replanAfter is the size of a write (entities and relations) after which
// Upsert has Neo4j resample its indexes: a load or an import. A write of
// this many rows (sources too) is a bulk write.
const replanAfter = 1000

// existing fetches the kinds of the entities and the sources the batch
// refers to but does not define, rowsPerQuery ids a query, each query
// within timeout (0: none).
func (s *Store) existing(ctx context.Context, b graph.Batch, timeout time.Duration) (existing, error) {
	ex := existing{kinds: map[string]graph.Kind{}, sources: map[string]bool{}}
	entitySeen, sourceSeen := map[string]bool{}, map[string]bool{}
	for _, e := range b.Entities {
		entitySeen[e.ID] = true
	}
	for _, src := range b.Sources {
		sourceSeen[src.ID] = true
	}
	var entityIDs, sourceIDs []string
	refer := func(ids *[]string, seen map[string]bool, id string) {
		if !seen[id] {
			seen[id] = true
			*ids = append(*ids, id)
		}
	}
	for _, e := range b.Entities {
		for _, id := range e.Sources {
			refer(&sourceIDs, sourceSeen, id)
		}
	}
	for _, r := range b.Relations {
		refer(&entityIDs, entitySeen, r.From)
		refer(&entityIDs, entitySeen, r.To)
		for _, id := range r.Sources {
			refer(&sourceIDs, sourceSeen, id)
		}
	}
	for chunk := range slices.Chunk(entityIDs, rowsPerQuery) {
		recs, err := s.readWithin(ctx, timeout, `UNWIND $ids AS id MATCH (e:Entity {id: id}) RETURN e.id AS id, e.kind AS kind`,
			map[string]any{"ids": chunk})
		if err != nil {
			return ex, err
		}
		for _, r := range recs {
			ex.kinds[value[string](r, "id")] = graph.Kind(value[string](r, "kind"))
		}
	}
	for chunk := range slices.Chunk(sourceIDs, rowsPerQuery) {
		recs, err := s.readWithin(ctx, timeout, `UNWIND $ids AS id MATCH (s:Source {id: id}) RETURN s.id AS id`,
			map[string]any{"ids": chunk})
		if err != nil {
			return ex, err
		}
		for _, r := range recs {
			ex.sources[value[string](r, "id")] = true
		}
	}
	return ex, nil
}

func (s *Store) Counts(ctx context.Context) (graph.Counts, error) {
	recs, err := s.read(ctx, `
		CALL () { MATCH (e:Entity) RETURN count(e) AS entities }
		CALL () { MATCH ()-[r:REL]->() RETURN count(r) AS relations }
		CALL () { MATCH (s:Source) RETURN count(s) AS sources }
		RETURN entities, relations, sources`, nil)
	if err != nil {
		return graph.Counts{}, err
	}
	r := recs[0]
	return graph.Counts{Entities: int(value[int64](r, "entities")), Relations: int(value[int64](r, "relations")),
		Sources: int(value[int64](r, "sources"))}, nil
}

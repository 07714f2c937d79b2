package neo4j_test

import (
	"context"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/neo4j"
	"github.com/attribution-explorer/attribution/graph/neo4j/neo4jtest"
	"github.com/attribution-explorer/attribution/graph/storetest"
	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestSearchOlderEntities: entities written by a version without the search
// properties are found once a store opens the database.
func TestSearchOlderEntities(t *testing.T) {
	ctx := context.Background()
	s := neo4jtest.Open(t)
	if err := s.Upsert(ctx, storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	cfg := neo4jtest.Config()
	auth := driver.NoAuth()
	if cfg.User != "" {
		auth = driver.BasicAuth(cfg.User, cfg.Password, "")
	}
	d, err := driver.NewDriverWithContext(cfg.URI, auth)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	if _, err := driver.ExecuteQuery(ctx, d, "MATCH (e:Entity) REMOVE e.search, e.typos SET e.labels = 'old'", nil,
		driver.EagerResultTransformer, driver.ExecuteQueryWithDatabase(database(cfg))); err != nil {
		t.Fatal(err)
	}
	older, err := neo4j.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer older.Close()
	hits, err := older.Search(ctx, graph.SearchQuery{Text: "zircon", Limit: 5})
	if err != nil || len(hits) != 1 || hits[0].Entity.ID != "actor-a" {
		t.Fatalf("search of entities without search properties: %v %v", hits, err)
	}
	if hits, err := older.Search(ctx, graph.SearchQuery{Text: "norwey", Limit: 5}); err != nil || len(hits) != 1 {
		t.Fatalf("a typo: %v %v", hits, err)
	}
}

func database(cfg neo4j.Config) string {
	if cfg.Database == "" {
		return "neo4j"
	}
	return cfg.Database
}

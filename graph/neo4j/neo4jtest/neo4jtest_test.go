package neo4jtest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/attribution-explorer/attribution/graph/neo4j"
	"github.com/attribution-explorer/attribution/graph/neo4j/neo4jtest"
	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestForeignDataIsNeverTouched: pointed at a Neo4j that holds a user's
// data, the test helpers refuse to claim or empty it, and the data stays.
func TestForeignDataIsNeverTouched(t *testing.T) {
	srv := neo4jtest.Start(t)
	ctx := context.Background()
	d, err := driver.NewDriverWithContext(srv.URI, driver.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	if _, err := driver.ExecuteQuery(ctx, d, "CREATE (:Entity {id: 'my-research'}), (:Notes {text: 'a year of work'})", nil,
		driver.EagerResultTransformer); err != nil {
		t.Fatal(err)
	}
	cfg := neo4j.Config{URI: srv.URI}
	for name, f := range map[string]func(context.Context, neo4j.Config) error{"Claim": neo4jtest.Claim, "Empty": neo4jtest.Empty} {
		if err := f(ctx, cfg); err == nil || !strings.Contains(err.Error(), "holds 2 nodes that the tests did not write") {
			t.Errorf("%s: %v", name, err)
		}
	}
	res, err := driver.ExecuteQuery(ctx, d, "MATCH (n) RETURN count(n) AS n", nil, driver.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.Records[0].Get("n"); n.(int64) != 2 {
		t.Fatalf("the user's database holds %d nodes, not 2", n)
	}
	t.Logf("neo4j case: %s against %s", t.Name(), srv.URI)
}

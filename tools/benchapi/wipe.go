package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// wipeMain deletes every node and relationship of a Neo4j, in batches (the
// schema stays), so that a dataset is loaded into an empty database.
func wipeMain(args []string) error {
	fs := flag.NewFlagSet("wipe", flag.ContinueOnError)
	uri := fs.String("neo4j", "", "the Bolt URI of the Neo4j to empty")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *uri == "" {
		return fmt.Errorf("wipe: -neo4j URI is required")
	}
	ctx := context.Background()
	d, err := openDriver(ctx, *uri)
	if err != nil {
		return err
	}
	defer d.Close(ctx)
	start := time.Now()
	// Relationships first, then nodes, each in transactions of 10,000.
	for _, q := range []string{
		"MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
		"MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
	} {
		session := d.NewSession(ctx, driver.SessionConfig{DatabaseName: "neo4j"})
		res, err := session.Run(ctx, q, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		session.Close(ctx)
		if err != nil {
			return fmt.Errorf("wipe: %w", err)
		}
	}
	fmt.Printf("wiped %s in %s\n", *uri, time.Since(start).Round(time.Millisecond))
	return nil
}

// openDriver connects as the store does (no authentication: the benchmark's
// own Neo4j) and checks that Neo4j answers.
func openDriver(ctx context.Context, uri string) (driver.DriverWithContext, error) {
	d, err := driver.NewDriverWithContext(uri, driver.NoAuth())
	if err != nil {
		return nil, err
	}
	if err := d.VerifyConnectivity(ctx); err != nil {
		d.Close(ctx)
		return nil, err
	}
	return d, nil
}

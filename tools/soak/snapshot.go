package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// snapshot is the graph as GraphQL shows it.
type snapshot struct {
	Entities        int    `json:"entities"`
	Relations       int    `json:"relations"`
	Sources         int    `json:"sources"`
	HashedEntities  int    `json:"hashedEntities"`
	HashedRelations int    `json:"hashedRelations"`
	SHA256          string `json:"sha256"`
	Error           string `json:"error,omitempty"`
}

// snapshotQuery reads 50 entities a page: the server refuses a query whose
// lists multiply out above its cost limit (500,000), and 500 entities with
// up to 1,000 relations each would be 3 million.
const snapshotQuery = `query ($after: String) { stats { entities relations sources }
  entities(first: 50, after: $after) { pageInfo { endCursor hasNextPage }
    edges { node { id name kind aliases relations(first: 1000) { id type from { id } to { id } } } } } }`

type snapEntity struct {
	ID        string
	Name      string
	Kind      string
	Aliases   []string
	Relations []struct {
		ID   string
		Type string
		From struct{ ID string }
		To   struct{ ID string }
	}
}

// snapshotPatiently takes a snapshot, trying again for about 30 s if the
// server cannot answer yet.
func (s *soak) snapshotPatiently() snapshot {
	snap := s.snapshot()
	for tries := 0; snap.Error != "" && tries < 15; tries++ {
		time.Sleep(2 * time.Second)
		snap = s.snapshot()
	}
	return snap
}

// snapshot reads stats and every entity with its relations, and hashes them
// sorted by id.
func (s *soak) snapshot() snapshot {
	var snap snapshot
	var ents []snapEntity
	var after any
	for page := 0; ; page++ {
		if page == 1000 {
			snap.Error = "more than 1000 pages of entities"
			return snap
		}
		status, body, err := s.post(context.Background(), gqlBody(snapshotQuery, map[string]any{"after": after}))
		var res struct {
			Data struct {
				Stats    struct{ Entities, Relations, Sources int }
				Entities struct {
					PageInfo struct {
						EndCursor   string
						HasNextPage bool
					}
					Edges []struct{ Node snapEntity }
				}
			}
			Errors []struct{ Message string }
		}
		switch {
		case err != nil:
			snap.Error = transportFailure(err)
		case status != http.StatusOK:
			snap.Error = fmt.Sprintf("HTTP %d: %s", status, short(string(body)))
		case json.Unmarshal(body, &res) != nil:
			snap.Error = "the answer is not JSON"
		case len(res.Errors) > 0:
			snap.Error = "GraphQL error: " + short(res.Errors[0].Message)
		}
		if snap.Error != "" {
			return snap
		}
		if page == 0 {
			snap.Entities, snap.Relations, snap.Sources = res.Data.Stats.Entities, res.Data.Stats.Relations, res.Data.Stats.Sources
		}
		for _, e := range res.Data.Entities.Edges {
			if len(e.Node.Relations) >= 1000 {
				snap.Error = fmt.Sprintf("%s has 1,000 relations or more: the hash would miss some", e.Node.ID)
				return snap
			}
			ents = append(ents, e.Node)
		}
		if !res.Data.Entities.PageInfo.HasNextPage {
			break
		}
		after = res.Data.Entities.PageInfo.EndCursor
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].ID < ents[j].ID })
	h := sha256.New()
	rels := map[string]bool{}
	for _, e := range ents {
		fmt.Fprintf(h, "E\t%s\t%s\t%s\t%s\n", e.ID, e.Name, e.Kind, strings.Join(e.Aliases, "\x1f"))
		sort.Slice(e.Relations, func(i, j int) bool { return e.Relations[i].ID < e.Relations[j].ID })
		for _, r := range e.Relations {
			fmt.Fprintf(h, "R\t%s\t%s\t%s\t%s\n", r.ID, r.Type, r.From.ID, r.To.ID)
			rels[r.ID] = true
		}
	}
	snap.HashedEntities, snap.HashedRelations = len(ents), len(rels)
	snap.SHA256 = hex.EncodeToString(h.Sum(nil))
	return snap
}

func (s snapshot) String() string {
	if s.Error != "" {
		return "error: " + s.Error
	}
	if s.SHA256 == "" {
		return "not read"
	}
	return fmt.Sprintf("%d entities, %d relations, %d sources (hashed %d entities, %d relations), sha256 %s",
		s.Entities, s.Relations, s.Sources, s.HashedEntities, s.HashedRelations, s.SHA256[:16])
}

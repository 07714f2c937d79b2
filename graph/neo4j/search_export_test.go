package neo4j

import "context"

// SearchGroups counts the searches that asked for a group of hits apart.
var SearchGroups = &searchGroups

// SearchWindow is how many hits past the page the first query of a search
// returns.
var SearchWindow = &searchWindow

// Read runs one read as the store's methods do.
func (s *Store) Read(ctx context.Context, query string) error {
	_, err := s.read(ctx, query, nil)
	return err
}

package neo4j

// SearchGroups counts the searches that asked for a group of hits apart.
var SearchGroups = &searchGroups

// SearchWindow is how many hits past the page the first query of a search
// returns.
var SearchWindow = &searchWindow

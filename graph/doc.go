// Package graph is the domain of the attribution explorer: entities, relations,
// sources, partial dates, the relation vocabulary, validation, errors and the
// Store interface that every backend implements.
//
// It depends on the standard library only; every other package depends on it.
package graph

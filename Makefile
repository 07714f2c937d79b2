# The two set-up commands: `make run` and `make test`.
GO ?= go

.PHONY: run build test vet bench neo4j-up neo4j-down

# Serves the explorer: on the embedded store, or on Neo4j when NEO4J_URI is set.
run:
	$(GO) run ./cmd/attribution serve

build:
	$(GO) build -o bin/attribution ./cmd/attribution

vet:
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

# Every test; starts a local Neo4j for them unless NEO4J_URI names one.
test: vet
	scripts/test

# A local Neo4j 5.26 without Docker (needs Java 17 and Maven), for development.
neo4j-up:
	scripts/neo4j-up

neo4j-down:
	scripts/neo4j-down

# Benchmarks of both stores (starts Neo4j unless NEO4J_URI names one); see docs/benchmarks.md.
bench:
	scripts/bench

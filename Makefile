# The two set-up commands: `make run` and `make test`.
GO ?= go

.PHONY: run build frontend test lint bench bench-api bench-frontend neo4j-up neo4j-down soak load fuzz clean

# Builds the web explorer and the binary, then serves on the embedded store
# (or on Neo4j when NEO4J_URI is set). Without npm, serves the API alone.
run: build
	bin/attribution serve

build:
	@if command -v npm >/dev/null; then scripts/frontend; else echo "npm not found: building without the web explorer"; fi
	GO=$(GO) scripts/build

frontend:
	scripts/frontend

# Every linter (gofmt, go vet, staticcheck, go mod tidy, tsc, ESLint, yamllint).
lint:
	scripts/lint

# Every test, after every linter; the Neo4j tests run on a Neo4j started for
# them alone (never the one NEO4J_URI names).
test: lint
	scripts/test

# A local Neo4j 5.26 without Docker (needs Java 17 and Maven), for development.
neo4j-up:
	scripts/neo4j-up

neo4j-down:
	scripts/neo4j-down

# Removes what the builds and tests leave: bin/, test-results/ (about 570 MB
# after make test) and .neo4j/ (about 570 MB after make neo4j-up, the
# development Neo4j's data), each only once the Neo4j running from it is
# stopped. Nothing else: not frontend/node_modules, not neo4j-local/target.
clean:
	scripts/neo4j-test-down && rm -rf test-results
	NEO4J_DIR=.neo4j scripts/neo4j-down && rm -rf .neo4j
	rm -rf bin

# The 5,000-node graph benchmark in headless Chromium; see docs/benchmarks.md.
bench-frontend: build
	cd frontend && npm run --silent bench

# Benchmarks of both stores (starts Neo4j unless NEO4J_URI names one); see docs/benchmarks.md.
bench:
	scripts/bench

# The load benchmark of the API: the binary on both stores and "the limit"
# (hand-written Cypher, plain JSON) under closed-loop load, on the default data
# and a random graph of 50,000 entities; starts its own Neo4j; writes its table
# into docs/benchmarks.md (about 15 minutes; BENCH_API_DURATION, see scripts/bench-api).
bench-api:
	scripts/bench-api

# A bounded soak test on loopback (SOAK_DURATION, default 3m): its own Neo4j,
# stopped and restarted under load; report in test-results/soak.json.
soak:
	scripts/soak

# 32 clients in a closed loop, then 32 hostile readers, against the embedded
# store and a Neo4j of its own (LOAD_DURATION, default 2m; LOAD_HOSTILE_DURATION,
# default 1m); reports in test-results/load-*.json.
load:
	scripts/load

# Every fuzz target for FUZZTIME each (default 20s; make test runs it too).
fuzz:
	scripts/fuzz

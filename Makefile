# The two set-up commands: `make run` and `make test`.
GO ?= go

.PHONY: run build test test-go vet

run:
	$(GO) run ./cmd/attribution serve

build:
	$(GO) build -o bin/attribution ./cmd/attribution

vet:
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

test: vet test-go

test-go:
	$(GO) test ./...

# The two commands: make run, make test. See README.md.
GO      ?= go
BIN     := bin/parley
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
STATICCHECK_VERSION := v0.8.2

.PHONY: run build test lint bench clean

run: build
	./$(BIN) serve

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/parley

test:
	./scripts/test.sh

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

# make bench: W1, W3, W4, W6 and W8 (BENCHMARKS.md). Datasets are made once and kept in
# data-bench/ (100k conversations: ~2 min; 1M conversations, 10M messages: ~15 min).
bench: build
	@test -f data-bench/100000/bench.json || ./$(BIN) bench seed --conversations 100000
	./$(BIN) bench --dir data-bench/100000
	@test -f data-bench/1000000/bench.json || ./$(BIN) bench seed --conversations 1000000
	./$(BIN) bench --dir data-bench/1000000 --workloads W3,W4

clean:
	rm -rf bin

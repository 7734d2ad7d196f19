# The two commands: make run, make test. See README.md.
GO      ?= go
BIN     := bin/parley
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
STATICCHECK_VERSION := v0.8.2
WEB_DEPS := web/node_modules/.package-lock.json
WEB_SRC  := $(shell find web/src web/scripts web/index.html web/widget.html web/vite.config.ts web/vite.loader.config.ts -type f -not -name schema.d.ts 2>/dev/null) docs/openapi.json

.PHONY: run build web test lint bench clean

run: build
	./$(BIN) serve

# The web app is built into web/dist/app and embedded in the binary.
build: web/dist/app/index.html
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/parley

web: web/dist/app/index.html

$(WEB_DEPS): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $@

web/dist/app/index.html: $(WEB_DEPS) $(WEB_SRC)
	cd web && npm run build

test:
	./scripts/test.sh

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

# make bench: W1 to W10 (BENCHMARKS.md). Datasets are made once and kept in
# data-bench/ (100k conversations: ~2 min; 1M conversations, 10M messages: ~15 min).
bench: build
	@test -f data-bench/100000/bench.json || ./$(BIN) bench seed --conversations 100000
	./$(BIN) bench --dir data-bench/100000
	@test -f data-bench/1000000/bench.json || ./$(BIN) bench seed --conversations 1000000 --contacts 1000000 --companies 50000 --tickets 100000
	./$(BIN) bench --dir data-bench/1000000 --workloads W3,W4
	node web/bench/first-paint.mjs --dir data-bench/1000000

clean:
	rm -rf bin web/dist/app

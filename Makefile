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

# make bench: the workloads of BENCHMARKS.md on SQLite, then on PostgreSQL
# (scripts/bench.sh: datasets are made once and kept in data-bench/).
bench: build
	scripts/bench.sh

clean:
	rm -rf bin web/dist/app

#!/usr/bin/env bash
# make test: install what is missing, start a throwaway PostgreSQL cluster in a
# temporary directory, run every test on both engines, and clean up.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/pg.sh
need_postgres

# Browser tests drive Debian's Chromium; a downloaded browser cannot work here.
if [ ! -x /usr/bin/chromium ]; then
	echo "== installing Chromium"
	apt_install chromium
fi
command -v npm >/dev/null || { echo "make test needs Node.js 20 and npm"; exit 1; }

tmp=$(mktemp -d /tmp/parley-pg.XXXXXX)
port=$(( 20000 + RANDOM % 20000 ))
cleanup() {
	pg_stop "$tmp"
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "== starting a throwaway PostgreSQL on 127.0.0.1:$port"
pg_start "$tmp" "$port"
run_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres parley_test
export PARLEY_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/parley_test?sslmode=disable"

echo "== gofmt, go vet, staticcheck"
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt would change: $unformatted"; exit 1; fi
go vet ./...
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
echo "== go test (SQLite and PostgreSQL)"
go test -count=1 -timeout 15m ./...

echo "== web app: dependencies, types, unit tests"
(cd web && npm ci --no-audit --no-fund --loglevel=error)
# The typed API client's types are generated from docs/openapi.json (npm
# run check does it first), which TestOpenAPIDocument keeps equal to what the
# server serves: an API change the app does not follow fails the type check.
(cd web && npm run --silent check && npx vitest run)

echo "== browser tests (Chromium, against parley serve on SQLite, then on PostgreSQL)"
make build
(cd web && npx playwright test)
# On PostgreSQL, the specs whose paths differ by engine: lists, views, search
# and bulk actions (SQL of their own per engine), mail in, contacts (their
# search, merge and import have SQL of their own per engine too), people,
# sign-in links and the realtime stream (LISTEN/NOTIFY). Rendering, language,
# headers and the composer are the same code on both; every Go store test
# runs on both engines anyway.
(cd web && E2E_DATABASE_URL="$PARLEY_TEST_POSTGRES_URL" npx playwright test \
	e2e/inbox.spec.ts e2e/email.spec.ts e2e/views.spec.ts e2e/undo.spec.ts e2e/contact.spec.ts \
	e2e/people.spec.ts e2e/signin.spec.ts e2e/collab.spec.ts e2e/settings.spec.ts e2e/contacts.spec.ts)

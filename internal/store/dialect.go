package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	_ "modernc.org/sqlite/lib" // sqlite3 result codes
)

// dialect is everything that differs between the engines, each in one place:
// connecting, migrations, error mapping and the event log's ordering lock.
type dialect interface {
	name() string
	open(ctx context.Context, dsn string) (w, r *sql.DB, err error)
	gooseDialect() goose.Dialect
	// mapError translates constraint violations into domain errors.
	mapError(err error) error
	// lockEvents serialises event-appending transactions from this point to
	// commit, so sequence numbers become visible in order.
	lockEvents(ctx context.Context, tx *sql.Tx) error
	// search returns the engine's full-text search (search.go).
	search() searchSQL
	// rowLock is the clause that locks rows read in a write transaction.
	rowLock() string
	// claimLock is the clause with which workers claim jobs: rows another
	// worker holds are skipped, not waited for.
	claimLock() string
}

// SQLite result codes for constraint violations (sqlite3.h).
const (
	sqliteConstraintForeignKey = 787
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

type sqliteDialect struct{}

func (sqliteDialect) name() string                { return "sqlite" }
func (sqliteDialect) search() searchSQL           { return sqliteSearch }
func (sqliteDialect) rowLock() string             { return "" }
func (sqliteDialect) claimLock() string           { return "" } // one writer: nothing to skip
func (sqliteDialect) gooseDialect() goose.Dialect { return goose.DialectSQLite3 }

func (sqliteDialect) open(ctx context.Context, path string) (*sql.DB, *sql.DB, error) {
	if path == "" {
		return nil, nil, errors.New("store: no SQLite path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, nil, fmt.Errorf("store: %w", err)
		}
	}
	q := url.Values{}
	// temp_store(MEMORY): statement and savepoint journals stay in memory;
	// on disk, a group commit's savepoints cost a file write per page.
	for _, p := range []string{"journal_mode(WAL)", "synchronous(NORMAL)", "busy_timeout(10000)", "foreign_keys(1)", "temp_store(MEMORY)"} {
		q.Add("_pragma", p)
	}
	q.Set("_time_format", "sqlite")
	wq := url.Values{"_txlock": {"immediate"}}
	for k, v := range q {
		wq[k] = v
	}
	// The writer is one connection: SQLite has one writer anyway, and
	// queueing in Go is cheaper than SQLITE_BUSY retries.
	w, err := sql.Open("sqlite", "file:"+path+"?"+wq.Encode())
	if err != nil {
		return nil, nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	q.Add("_pragma", "query_only(1)")
	// Readers map the file: a page read is a memory access, not a system
	// call (search looks up hundreds of rows by id, BENCHMARKS.md "Issue
	// 19"). SQLite caps the map at 2 GB, past which pages are read again.
	q.Add("_pragma", "mmap_size(1099511627776)")
	r, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		w.Close()
		return nil, nil, fmt.Errorf("store: open sqlite readers: %w", err)
	}
	n := max(4, runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return w, r, nil
}

func (sqliteDialect) mapError(err error) error {
	var e *sqlite.Error
	if errors.As(err, &e) {
		switch e.Code() {
		case sqliteConstraintUnique, sqliteConstraintPrimaryKey:
			return conflict(err)
		case sqliteConstraintForeignKey:
			return invalidReference(err)
		}
	}
	return err
}

// The single writer already orders commits.
func (sqliteDialect) lockEvents(context.Context, *sql.Tx) error { return nil }

type postgresDialect struct{}

func (postgresDialect) name() string                { return "postgres" }
func (postgresDialect) search() searchSQL           { return postgresSearch }
func (postgresDialect) rowLock() string             { return " FOR UPDATE" }
func (postgresDialect) claimLock() string           { return " FOR UPDATE SKIP LOCKED" }
func (postgresDialect) gooseDialect() goose.Dialect { return goose.DialectPostgres }

func (postgresDialect) open(ctx context.Context, dsn string) (*sql.DB, *sql.DB, error) {
	// Every connection is kept: one closed when a burst returns it costs
	// the next burst a new server process, whose first statements parse
	// and plan on cold catalog caches (50–70 ms each; with 8 idle, API
	// ingest from 8 clients ran at 40 messages a second, BENCHMARKS.md W11).
	db, err := openPostgres(ctx, dsn, 32, nil)
	return db, db, err
}

// openPostgresSearch opens the pool of search's candidate queries: the
// server itself ends each at searchBudget (statement_timeout). A query
// cancelled from here instead went on running in its server process, and
// pgx dropped its connection, so the next search paid for a new one: at 1M
// conversations, searches over budget kept dozens of processes busy for
// seconds (docs/benchmarks/issue-19.md).
// It has as many connections as the main pool: a search waiting for one
// waits within its budget's backup deadline only (searchHits).
func openPostgresSearch(ctx context.Context, dsn string) (*sql.DB, error) {
	return openPostgres(ctx, dsn, 32, prepareSearch)
}

// prepareSearch readies a new connection of search's pool. Generic plans:
// the candidate queries' plans do not depend on the words
// (store/search_postgres.go), and planning each execution anew cost
// 0.4–0.8 ms of a probe. Each candidate query is then planned once, with
// nothing to find, before the budget is set: a new server process loads
// the catalog entries of the tables, indexes and functions a statement
// names the first time it plans one, which on a busy machine took longer
// than the budget, and the first search on the connection found nothing
// in that kind. That warming is best effort: a database opened as it is
// (Options.NoMigrate), of an older schema, warms what it has.
func prepareSearch(ctx context.Context, c *pgx.Conn) error {
	if _, err := c.Exec(ctx, "SET plan_cache_mode = force_generic_plan"); err != nil {
		return err
	}
	for _, k := range pgKinds {
		_, _ = c.Exec(ctx, k.probe, []string{}, "x", 0)
		_, _ = c.Exec(ctx, k.exhaustive, "x", 0)
	}
	_, err := c.Exec(ctx, fmt.Sprintf("SET statement_timeout = %d", searchBudget.Milliseconds()))
	return err
}

// openPostgresViews opens the pool of view lists (ListView), whose
// connections use a generic plan from a statement's first run. A view's
// plan does not depend on its values: each branch is a range of the index
// whose prefix is its equalities (docs/views.md). Planned for its values
// instead, a list of six inboxes' branches spent 0.9 ms planning and 0.3 ms
// running at 1M conversations, and the server keeps planning each run when
// a value is rare or a table small, where the plan for the values looks
// cheaper (issue 19). Sixteen connections: a list holds one for a fraction
// of a millisecond.
func openPostgresViews(ctx context.Context, dsn string) (*sql.DB, error) {
	return openPostgres(ctx, dsn, 16, func(ctx context.Context, c *pgx.Conn) error {
		_, err := c.Exec(ctx, "SET plan_cache_mode = force_generic_plan")
		return err
	})
}

// openPostgres opens a pool of up to conns connections, all kept (five idle
// minutes close one: a quiet node does not hold its server processes for
// ever), each readied by prepare, if given, once the settings every
// connection has are made. Settings are SET once connected rather than
// sent as startup parameters, which a connection pooler such as PgBouncer
// refuses unless told to ignore them.
func openPostgres(ctx context.Context, dsn string, conns int, prepare func(context.Context, *pgx.Conn) error) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: postgres URL: %w", err)
	}
	// No JIT compilation: it pays off for long analytical queries, not for
	// ours; at 1M conversations the planner's estimates for a search's
	// GIN lookup passed jit_above_cost and every such query spent ~5 ms
	// compiling what ran in 3 (docs/benchmarks/issue-19.md).
	db := stdlib.OpenDB(*cfg, stdlib.OptionAfterConnect(func(ctx context.Context, c *pgx.Conn) error {
		// pgx scans timestamptz into time.Local; Parley's times are UTC
		// everywhere, so the API prints the same instant the same way on
		// any server.
		c.TypeMap().RegisterType(&pgtype.Type{Name: "timestamptz", OID: pgtype.TimestamptzOID,
			Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC}})
		if _, err := c.Exec(ctx, "SET jit = off"); err != nil {
			return err
		}
		if prepare != nil {
			return prepare(ctx, c)
		}
		return nil
	}))
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	return db, nil
}

// overBudget reports whether err is PostgreSQL ending a statement at its
// statement_timeout.
func overBudget(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "57014" // query_canceled
}

func (postgresDialect) mapError(err error) error {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		switch e.Code {
		case "23505": // unique_violation
			return conflict(err)
		case "23503": // foreign_key_violation
			return invalidReference(err)
		}
	}
	return err
}

// eventLogLock is the advisory lock key that orders event appends.
const eventLogLock = 0x7061726c6579 // "parley"

// Sequence values are handed out at insert but become visible at commit, so
// two writers could commit out of order and a reader could see 12 before 11.
// Taking a transaction-level advisory lock just before inserting the events
// makes "take a seq, commit" atomic with respect to other appenders.
func (postgresDialect) lockEvents(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(eventLogLock))
	if err != nil {
		return fmt.Errorf("store: lock event log: %w", err)
	}
	return nil
}

// constraintError keeps the engine's error for logs while carrying a domain
// error for callers: errors.As finds the *parley.Error, errors.Is the cause.
type constraintError struct {
	domain *parley.Error
	cause  error
}

func (e *constraintError) Error() string   { return e.domain.Message + ": " + e.cause.Error() }
func (e *constraintError) Unwrap() []error { return []error{e.domain, e.cause} }

func conflict(err error) error {
	return &constraintError{parley.Errorf(parley.ECONFLICT, "already exists").Because("exists"), err}
}

func invalidReference(err error) error {
	return &constraintError{parley.Errorf(parley.EINVALID, "refers to something that does not exist"), err}
}

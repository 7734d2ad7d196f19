// Package store holds all of Parley's SQL, for SQLite and PostgreSQL, with one
// SQL text for both engines. Reads go through a pool; writes go through InTx,
// whose events are appended to the log in commit order and whose follow-up
// work runs only after commit.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/parleyhq/parley/internal/parley"
)

// querier is what both a pool and a transaction can do.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Q runs queries. The Store's Q reads from the reader pool; a Tx's Q runs
// inside the transaction, so its reads see its own writes.
type Q struct {
	db querier
	d  dialect
	// secrets seals channel secrets (secrets.go); nil stores them as given.
	secrets *sealer
	// lock is appended to the reads of rows a write transaction will change:
	// " FOR UPDATE" in a PostgreSQL transaction, so two writers never both
	// derive a change (and its count deltas) from the same old row. SQLite's
	// single writer needs none.
	lock string
	// search, on PostgreSQL outside a transaction, is the pool that runs
	// search's candidate queries under the server's own time limit
	// (openPostgresSearch); nil elsewhere.
	search querier
	// views, on PostgreSQL outside a transaction, is the pool whose
	// connections keep one generic plan per view query (openPostgresViews);
	// nil elsewhere.
	views querier
	// held, in a write transaction, is where each conversation it read
	// (locked) or wrote stands in the view counts: an update moves the
	// counts from there without reading the row again, one statement of
	// every message that continues a conversation (W11). Nil elsewhere.
	held map[parley.ID]standing
}

// Store is an open database.
type Store struct {
	Q
	w        *sql.DB // the writer: one connection on SQLite
	r        *sql.DB // the reader pool
	sr       *sql.DB // search's pool on PostgreSQL, nil on SQLite
	vr       *sql.DB // the views' pool on PostgreSQL, nil on SQLite
	url      string
	onEvents func([]parley.Event)
	logger   *slog.Logger
	// wstmts and rstmts cache prepared statements on SQLite (nil on
	// PostgreSQL).
	wstmts, rstmts *stmts
	channelSuffix  string // see notify.go
}

// Options configure Open.
type Options struct {
	// URL is a postgres:// URL, or a path to the SQLite file (optionally
	// prefixed with sqlite:).
	URL string
	// OnEvents, if set, is called after each commit with the events that
	// transaction appended, in order.
	OnEvents func([]parley.Event)
	// Log receives what the store cannot return to a caller (a dropped
	// listener connection); nil discards it.
	Log *slog.Logger
	// Secret is the server's secret key; channel secrets are sealed with
	// a key derived from it (secrets.go). Nil stores them in the clear.
	Secret []byte
	// NoMigrate opens the database as it is: a backup copies what is
	// there, so one taken before an upgrade can bring the old version back.
	NoMigrate bool
	// migrationsOnly applies every migration one by one, even to a new
	// database (for TestSchemaFile).
	migrationsOnly bool
}

// Open connects to the database named by opts.URL and applies migrations
// (unless opts.NoMigrate).
func Open(ctx context.Context, opts Options) (*Store, error) {
	var (
		d   dialect
		err error
		s   = &Store{url: opts.URL, onEvents: opts.OnEvents, logger: opts.Log}
	)
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	switch EngineOf(opts.URL) {
	case "postgres":
		d = postgresDialect{}
	default:
		d = sqliteDialect{}
	}
	s.w, s.r, err = d.open(ctx, SQLitePath(opts.URL))
	if err != nil {
		return nil, err
	}
	secrets, err := newSealer(opts.Secret)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("store: secret key: %w", err)
	}
	s.Q = Q{db: s.r, d: d, secrets: secrets}
	if !opts.NoMigrate {
		if err := s.migrate(ctx, !opts.migrationsOnly); err != nil {
			s.Close()
			return nil, err
		}
	}
	if d.name() == "postgres" {
		// After the migrations: its connections are warmed on the schema.
		if s.sr, err = openPostgresSearch(ctx, opts.URL); err != nil {
			s.Close()
			return nil, err
		}
		s.Q.search = s.sr
		if s.vr, err = openPostgresViews(ctx, opts.URL); err != nil {
			s.Close()
			return nil, err
		}
		s.Q.views = s.vr
	}
	if _, ok := d.(postgresDialect); ok {
		var schema string
		if err := s.w.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
			s.Close()
			return nil, fmt.Errorf("store: %w", err)
		}
		if schema != "public" {
			s.channelSuffix = "_" + schema
		}
	}
	if _, ok := d.(sqliteDialect); ok {
		// Prepared after the migrations, which change the schema.
		s.wstmts, s.rstmts = newStmts(s.w), newStmts(s.r)
		s.Q.db = cachedDB{DB: s.r, c: s.rstmts}
	}
	return s, nil
}

// Close closes the connections.
func (s *Store) Close() error {
	if s.wstmts != nil {
		s.wstmts.close()
		s.rstmts.close()
	}
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	for _, db := range []*sql.DB{s.sr, s.vr} {
		if db != nil {
			err = errors.Join(err, db.Close())
		}
	}
	return err
}

// SetOnEvents replaces the hook called after each commit with its events.
// Call it before the store is used concurrently.
func (s *Store) SetOnEvents(fn func([]parley.Event)) { s.onEvents = fn }

func (s *Store) log(err error) {
	if err != nil {
		s.logger.Warn("store", "err", err)
	}
}

// Analyze refreshes PostgreSQL's statistics of every table, as its
// autovacuum does after enough writes: after a bulk load. SQLite needs
// none.
func (s *Store) Analyze(ctx context.Context) error {
	if s.d.name() != "postgres" {
		return nil
	}
	if _, err := s.w.ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("store: analyze: %w", err)
	}
	return nil
}

// Engine returns "sqlite" or "postgres".
func (s *Store) Engine() string { return s.d.name() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.w.PingContext(ctx) }

// Tx is a write transaction. Events appended to it are written, in order and
// under the log's ordering lock, just before commit.
type Tx struct {
	Q
	tx            *sql.Tx
	channelSuffix string
	events        []parley.Event
	counts        map[countKey]int64
	after         []func()
}

// AfterCommit registers fn to run after the transaction commits. It never runs
// if the transaction rolls back.
func (tx *Tx) AfterCommit(fn func()) { tx.after = append(tx.after, fn) }

// Append records an event to be written with the transaction.
func (tx *Tx) Append(e parley.Event) { tx.events = append(tx.events, e) }

// InTx runs fn in a write transaction. If fn returns an error, the transaction
// rolls back and the error is returned as is. Events appended by fn are written
// last, then the transaction commits, then AfterCommit functions and the
// store's OnEvents hook run.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", s.d.mapError(err))
	}
	tx := &Tx{Q: Q{db: sqlTx, d: s.d, lock: s.d.rowLock(), secrets: s.secrets, held: map[parley.ID]standing{}}, tx: sqlTx, channelSuffix: s.channelSuffix}
	if s.wstmts != nil {
		tx.Q.db = cachedTx{Tx: sqlTx, c: s.wstmts}
		defer s.wstmts.prepareWanted(context.WithoutCancel(ctx))
	}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := tx.flushEvents(ctx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := tx.flushCounts(ctx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", s.d.mapError(err))
	}
	for _, f := range tx.after {
		f()
	}
	if s.onEvents != nil && len(tx.events) > 0 {
		s.onEvents(tx.events)
	}
	return nil
}

// wrap maps engine errors to domain codes and adds a prefix.
func (q *Q) wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("store: "+format+": %w", append(args, q.d.mapError(err))...)
}

// notFound turns sql.ErrNoRows into ENOTFOUND for kind, and wraps other errors.
func (q *Q) notFound(err error, kind string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return parley.NotFound(kind)
	}
	return q.wrap(err, "%s", kind)
}

package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmts prepares each query text once per pool and reuses it. SQLite spends
// longer parsing most of Parley's statements than running them (a fifth of
// an email's ingest went to the parser); PostgreSQL's driver caches
// statements itself, so only SQLite uses this.
//
// The writer pool has one connection, held by the transaction that wants a
// statement, so the writer's statements are prepared after the transaction
// ends (prepareWanted) and reused from the next one on.
type stmts struct {
	db     *sql.DB
	mu     sync.Mutex
	m      map[string]*sql.Stmt
	wanted map[string]bool
}

// maxStmts bounds the cache: texts that vary (IN lists of any length)
// beyond it are run unprepared.
const maxStmts = 1000

func newStmts(db *sql.DB) *stmts {
	return &stmts{db: db, m: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
}

// get returns the prepared statement for query, preparing it now unless
// later is set, or nil to run it unprepared.
func (c *stmts) get(ctx context.Context, query string, later bool) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok || c.m == nil {
		return st
	}
	if len(c.m)+len(c.wanted) >= maxStmts {
		return nil
	}
	if later {
		c.wanted[query] = true
		return nil
	}
	return c.prepare(ctx, query)
}

// prepareWanted prepares the statements transactions asked for; call it
// when no transaction holds the connection.
// The lock is not held while preparing: another transaction may hold the
// connection and be waiting for the lock.
func (c *stmts) prepareWanted(ctx context.Context) {
	c.mu.Lock()
	var qs []string
	for q := range c.wanted {
		qs = append(qs, q)
	}
	clear(c.wanted)
	c.mu.Unlock()
	for _, q := range qs {
		st, err := c.db.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if _, ok := c.m[q]; ok || c.m == nil {
			st.Close()
		} else {
			c.m[q] = st
		}
		c.mu.Unlock()
	}
}

func (c *stmts) prepare(ctx context.Context, query string) *sql.Stmt {
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared run reports the error
	}
	c.m[query] = st
	return st
}

func (c *stmts) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}

// cachedDB runs queries on a pool through prepared statements.
type cachedDB struct {
	*sql.DB
	c *stmts
}

func (d cachedDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := d.c.get(ctx, query, false); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return d.DB.ExecContext(ctx, query, args...)
}

func (d cachedDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := d.c.get(ctx, query, false); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return d.DB.QueryContext(ctx, query, args...)
}

func (d cachedDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := d.c.get(ctx, query, false); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return d.DB.QueryRowContext(ctx, query, args...)
}

// cachedTx runs a transaction's queries through the writer's prepared
// statements.
type cachedTx struct {
	*sql.Tx
	c *stmts
}

func (t cachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.c.get(ctx, query, true); st != nil {
		return t.Tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

func (t cachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.c.get(ctx, query, true); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t cachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.c.get(ctx, query, true); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"
)

// Log consumers (internal/consume) keep a cursor each: the seq up to which
// they have handled the log. The cursor moves in the transaction that holds
// the consumer's effects, so the two commit together or not at all.

// OpenCursor returns the seq consumer name has handled the log up to. A
// consumer without a cursor gets one: at 0 when fromStart, so it handles the
// whole log, otherwise at the log's end, so it handles what comes next.
func (s *Store) OpenCursor(ctx context.Context, name string, fromStart bool, now time.Time) (int64, error) {
	var seq int64
	err := s.InTx(ctx, func(tx *Tx) error {
		err := tx.db.QueryRowContext(ctx, `SELECT seq FROM consumer_cursors WHERE name = $1`, name).Scan(&seq)
		if !errors.Is(err, sql.ErrNoRows) {
			return tx.wrap(err, "consumer %s", name)
		}
		if !fromStart {
			if seq, err = tx.LastSeq(ctx); err != nil {
				return err
			}
		}
		// Two nodes may create it at once: the first one's start stands.
		err = tx.db.QueryRowContext(ctx, `INSERT INTO consumer_cursors (name, seq, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING seq`, name, seq, now).Scan(&seq)
		return tx.wrap(err, "consumer %s", name)
	})
	return seq, err
}

// LockCursor locks consumer name's cursor until the transaction ends and
// returns it: two transactions of one consumer never make effects at once,
// and the later one finds the cursor the earlier one left. No cursor is
// ENOTFOUND.
func (tx *Tx) LockCursor(ctx context.Context, name string) (int64, error) {
	var seq int64
	err := tx.db.QueryRowContext(ctx, `SELECT seq FROM consumer_cursors WHERE name = $1`+tx.lock, name).Scan(&seq)
	return seq, tx.notFound(err, "consumer "+name)
}

// MoveCursor sets consumer name's cursor to seq. No cursor is ENOTFOUND.
func (tx *Tx) MoveCursor(ctx context.Context, name string, seq int64, now time.Time) error {
	return tx.exec1(ctx, "consumer "+name, `UPDATE consumer_cursors SET seq = $2, updated_at = $3 WHERE name = $1`, name, seq, now)
}

// Lock is a named lock across the nodes sharing a database, held until
// Release or until this process loses its connection to the database.
type Lock struct {
	conn *pgx.Conn // nil on SQLite
}

// TryLock takes the lock called name if no other node holds it; it reports
// false if one does. On PostgreSQL the lock is a session advisory lock on a
// connection of its own, so PostgreSQL releases it the moment the holder
// dies and its connection closes. SQLite has one process: the lock is
// always free.
func (s *Store) TryLock(ctx context.Context, name string) (*Lock, bool, error) {
	if s.d.name() != "postgres" {
		return &Lock{}, true, nil
	}
	conn, err := pgx.Connect(ctx, s.url)
	if err != nil {
		return nil, false, fmt.Errorf("store: lock %s: %w", name, err)
	}
	// Advisory locks are per database: the schema is in the key, so two
	// installations (or tests) sharing a database never block each other.
	h := fnv.New64a()
	h.Write([]byte("parley lock" + s.channelSuffix + "\x00" + name))
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, int64(h.Sum64())).Scan(&ok); err != nil || !ok {
		conn.Close(context.WithoutCancel(ctx))
		if err != nil {
			return nil, false, fmt.Errorf("store: lock %s: %w", name, err)
		}
		return nil, false, nil
	}
	return &Lock{conn: conn}, true, nil
}

// Check returns an error if the lock may have been lost: its connection no
// longer answers.
func (l *Lock) Check(ctx context.Context) error {
	if l.conn == nil {
		return nil
	}
	if err := l.conn.Ping(ctx); err != nil {
		return fmt.Errorf("store: lock lost: %w", err)
	}
	return nil
}

// Release gives the lock up.
func (l *Lock) Release() {
	if l.conn != nil {
		// Closing the session releases its advisory locks.
		l.conn.Close(context.Background())
	}
}

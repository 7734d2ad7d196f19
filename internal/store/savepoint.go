package store

import (
	"context"
	"maps"
)

// Savepoint marks a point a transaction can go back to without giving up
// the work before it: a batch of independent items in one transaction,
// where one failing item must not undo the others.
type Savepoint struct {
	events, after int
	counts        map[countKey]int64
}

// Savepoint starts a savepoint. Only one is open at a time.
func (tx *Tx) Savepoint(ctx context.Context) (*Savepoint, error) {
	if _, err := tx.tx.ExecContext(ctx, `SAVEPOINT item`); err != nil {
		return nil, tx.wrap(err, "savepoint")
	}
	return &Savepoint{events: len(tx.events), after: len(tx.after), counts: maps.Clone(tx.counts)}, nil
}

// Release keeps what was done since the savepoint.
func (tx *Tx) Release(ctx context.Context) error {
	_, err := tx.tx.ExecContext(ctx, `RELEASE SAVEPOINT item`)
	return tx.wrap(err, "release savepoint")
}

// RollbackTo undoes what was done since sp, in the database and in the
// events, count changes and after-commit work buffered with the
// transaction.
func (tx *Tx) RollbackTo(ctx context.Context, sp *Savepoint) error {
	if _, err := tx.tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT item`); err != nil {
		return tx.wrap(err, "rollback to savepoint")
	}
	if _, err := tx.tx.ExecContext(ctx, `RELEASE SAVEPOINT item`); err != nil {
		return tx.wrap(err, "release savepoint")
	}
	tx.events, tx.after, tx.counts = tx.events[:sp.events], tx.after[:sp.after], sp.counts
	clear(tx.held) // read again when next updated
	return nil
}

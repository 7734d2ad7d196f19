package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// OrgName returns the organisation's name and whether it has been created.
func (q *Q) OrgName(ctx context.Context) (string, bool, error) {
	var name string
	err := q.db.QueryRowContext(ctx, `SELECT name FROM org WHERE id = 1`).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return name, err == nil, q.wrap(err, "org")
}

// CreateOrg creates the organisation; a second call is ECONFLICT.
func (tx *Tx) CreateOrg(ctx context.Context, name string, at time.Time) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO org (id, name, created_at) VALUES (1, $1, $2)`, name, at)
	return tx.wrap(err, "create org")
}

// RenameOrg changes the organisation's name; before the first start it is
// ENOTFOUND. It holds the organisation's row until the transaction ends.
func (tx *Tx) RenameOrg(ctx context.Context, name string) error {
	return tx.exec1(ctx, "organization", `UPDATE org SET name = $1 WHERE id = 1`, name)
}

// LockOrg holds the organisation's row until the transaction ends, so that
// checks across users (the last active admin) and the writes that follow
// run one after the other on PostgreSQL. Before the first start there is
// nothing to hold, and nothing to race with.
func (tx *Tx) LockOrg(ctx context.Context) error {
	_, err := tx.db.ExecContext(ctx, `UPDATE org SET name = name WHERE id = 1`)
	return tx.wrap(err, "lock org")
}

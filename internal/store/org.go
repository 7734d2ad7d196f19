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

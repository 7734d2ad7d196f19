package store

import (
	"context"
	"database/sql"
)

// eachRow runs query with args and hands every row it returns to row, in
// order, then closes the rows: the one loop over a result set. A failure,
// the query's or row's, is wrapped as what.
func (q *Q) eachRow(ctx context.Context, what, query string, args []any, row func(*sql.Rows) error) error {
	rows, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return q.wrap(err, "%s", what)
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return q.wrap(err, "%s", what)
		}
	}
	return q.wrap(rows.Err(), "%s", what)
}

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

// appendRows is eachRow for a list of one kind: it appends to out every row
// query returns, read by scan, and returns the result, or nil and the
// error. The caller's out decides whether no rows is nil or empty.
func appendRows[T any](ctx context.Context, q *Q, out []T, what, query string, args []any, scan func(interface{ Scan(...any) error }, *T) error) ([]T, error) {
	err := q.eachRow(ctx, what, query, args, func(rows *sql.Rows) error {
		var v T
		if err := scan(rows, &v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scanValue reads a row of one column into v.
func scanValue[T any](sc interface{ Scan(...any) error }, v *T) error { return sc.Scan(v) }

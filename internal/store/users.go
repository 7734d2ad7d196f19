package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/parleyhq/parley/internal/parley"
)

const userColumns = `id, email, name, role, routable, availability, reassign_when_away, password_hash <> '', meeting_link, avatar_blob, avatar_type, locale, deactivated_at, created_at`

func scanUser(sc interface{ Scan(...any) error }, u *parley.User) error { return scanUserAnd(sc, u) }

// scanUserAnd reads userColumns into u, then any more columns into more.
func scanUserAnd(sc interface{ Scan(...any) error }, u *parley.User, more ...any) error {
	return sc.Scan(append([]any{&u.ID, &u.Email, &u.Name, &u.Role, &u.Routable, &u.Availability,
		&u.ReassignWhenAway, &u.HasPassword, &u.MeetingLink, &u.AvatarBlob, &u.AvatarType, &u.Locale, &u.DeactivatedAt, &u.CreatedAt}, more...)...)
}

// CreateUser inserts u (its email lowercased) with a password hash, which may
// be empty, and sets u.ID. A taken email is ECONFLICT.
func (tx *Tx) CreateUser(ctx context.Context, u *parley.User, passwordHash string) error {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	const q = `
		INSERT INTO users (email, name, role, password_hash, routable, availability, reassign_when_away, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		RETURNING id`
	err := tx.db.QueryRowContext(ctx, q, u.Email, u.Name, u.Role, passwordHash, u.Routable,
		u.Availability, u.ReassignWhenAway, u.CreatedAt).Scan(&u.ID)
	u.HasPassword = passwordHash != ""
	return tx.wrap(err, "create user %s", u.Email)
}

// UpdateUser saves u's name, role, routable flag, availability, meeting link,
// avatar, locale and deactivation.
func (tx *Tx) UpdateUser(ctx context.Context, u *parley.User) error {
	const q = `
		UPDATE users SET name = $2, role = $3, routable = $4, availability = $5, reassign_when_away = $6, meeting_link = $7,
			avatar_blob = $8, avatar_type = $9, locale = $10, deactivated_at = $11
		WHERE id = $1`
	return tx.exec1(ctx, "user", q, u.ID, u.Name, u.Role, u.Routable, u.Availability, u.ReassignWhenAway, u.MeetingLink,
		u.AvatarBlob, u.AvatarType, u.Locale, u.DeactivatedAt)
}

// CountActiveAdmins returns how many admins are not deactivated.
func (q *Q) CountActiveAdmins(ctx context.Context) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE role = 'admin' AND deactivated_at IS NULL`).Scan(&n)
	return n, q.wrap(err, "count admins")
}

// SetPassword replaces a user's password hash.
func (tx *Tx) SetPassword(ctx context.Context, id parley.ID, hash string) error {
	return tx.exec1(ctx, "user", `UPDATE users SET password_hash = $2 WHERE id = $1`, id, hash)
}

// User returns a user by id, or ENOTFOUND.
func (q *Q) User(ctx context.Context, id parley.ID) (*parley.User, error) {
	var u parley.User
	err := scanUser(q.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id), &u)
	if err != nil {
		return nil, q.notFound(err, "user")
	}
	return &u, nil
}

// UserByEmail returns a user and their password hash by email, or ENOTFOUND.
func (q *Q) UserByEmail(ctx context.Context, email string) (*parley.User, string, error) {
	var (
		u    parley.User
		hash string
	)
	row := q.db.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE email = $1`,
		strings.ToLower(strings.TrimSpace(email)))
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Routable, &u.Availability,
		&u.ReassignWhenAway, &u.HasPassword, &u.MeetingLink, &u.AvatarBlob, &u.AvatarType, &u.Locale, &u.DeactivatedAt, &u.CreatedAt, &hash)
	if err != nil {
		return nil, "", q.notFound(err, "user")
	}
	return &u, hash, nil
}

// Users returns every user, by name.
func (q *Q) Users(ctx context.Context) ([]parley.User, error) {
	return appendRows(ctx, q, nil, "users", `SELECT `+userColumns+` FROM users ORDER BY name, id`, nil, scanUser)
}

// UserNames returns the names of the users with the given ids, by id; an
// id that names no user is left out. It reads those rows only, so a page
// that mentions a few people never loads everyone, and a rename shows at
// the next read.
func (q *Q) UserNames(ctx context.Context, ids []parley.ID) (map[parley.ID]string, error) {
	users, _, err := q.Names(ctx, ids, nil)
	return users, err
}

// Names returns UserNames and TeamNames together, in one statement: the
// names a page shows.
func (q *Q) Names(ctx context.Context, userIDs, teamIDs []parley.ID) (users, teams map[parley.ID]string, err error) {
	out := [2]map[parley.ID]string{{}, {}}
	var (
		parts []string
		args  []any
	)
	for kind, table := range [2]string{"users", "teams"} {
		ids := parley.Unique([2][]parley.ID{userIDs, teamIDs}[kind])
		if len(ids) == 0 {
			continue
		}
		a, in := inList(ids, len(args))
		parts = append(parts, fmt.Sprintf(`SELECT %d, id, name FROM %s WHERE id IN (%s)`, kind, table, in))
		args = append(args, a...)
	}
	if len(parts) == 0 {
		return out[0], out[1], nil
	}
	if err := q.eachRow(ctx, "names", strings.Join(parts, " UNION ALL "), args, func(rows *sql.Rows) error {
		var (
			kind int
			id   parley.ID
			name string
		)
		if err := rows.Scan(&kind, &id, &name); err != nil {
			return err
		}
		out[kind][id] = name
		return nil
	}); err != nil {
		return nil, nil, err
	}
	return out[0], out[1], nil
}

// CountUsers returns how many users exist.
func (q *Q) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, q.wrap(err, "count users")
}

// exec1 runs a statement that must touch exactly one row of kind, else
// ENOTFOUND.
func (q *Q) exec1(ctx context.Context, kind, query string, args ...any) error {
	res, err := q.db.ExecContext(ctx, query, args...)
	if err != nil {
		return q.wrap(err, "%s", kind)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return q.wrap(err, "%s", kind)
	}
	if n == 0 {
		return parley.NotFound(kind)
	}
	return nil
}

// ids reads a single column of ids.
func (q *Q) ids(ctx context.Context, query string, args ...any) ([]parley.ID, error) {
	return appendRows(ctx, q, []parley.ID{}, "ids", query, args, scanValue[parley.ID])
}

// prefixed qualifies each column of a column list with a table alias.
func prefixed(alias, columns string) string {
	cols := strings.Split(columns, ", ")
	for i, c := range cols {
		cols[i] = alias + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// LockUser holds the user's row until the transaction ends, so that checks
// of what the user holds (their tokens) and the writes that follow are not
// interleaved with another transaction's on PostgreSQL. (SQLite runs one
// writer at a time anyway.)
func (tx *Tx) LockUser(ctx context.Context, id parley.ID) error {
	return tx.exec1(ctx, "user", `UPDATE users SET email = email WHERE id = $1`, id)
}

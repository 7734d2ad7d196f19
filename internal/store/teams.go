package store

import (
	"context"
	"database/sql"

	"github.com/parleyhq/parley/internal/parley"
)

// CreateTeam inserts t and sets t.ID. A taken name is ECONFLICT.
func (tx *Tx) CreateTeam(ctx context.Context, t *parley.Team) error {
	err := tx.db.QueryRowContext(ctx, `INSERT INTO teams (name, created_at) VALUES ($1, $2) RETURNING id`,
		t.Name, t.CreatedAt).Scan(&t.ID)
	if err != nil {
		return tx.wrap(err, "create team %q", t.Name)
	}
	return tx.SetTeamMembers(ctx, t.ID, t.MemberIDs)
}

// SetTeamMembers replaces a team's members. An unknown user is EINVALID.
func (tx *Tx) SetTeamMembers(ctx context.Context, teamID parley.ID, userIDs []parley.ID) error {
	if _, err := tx.db.ExecContext(ctx, `DELETE FROM team_members WHERE team_id = $1`, teamID); err != nil {
		return tx.wrap(err, "team %d members", teamID)
	}
	for _, u := range parley.Unique(userIDs) {
		if _, err := tx.db.ExecContext(ctx, `INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)`, teamID, u); err != nil {
			return tx.wrap(err, "team %d member %d", teamID, u)
		}
	}
	return nil
}

const teamColumns = `id, name, created_at`

func scanTeam(sc interface{ Scan(...any) error }, t *parley.Team) error {
	return sc.Scan(&t.ID, &t.Name, &t.CreatedAt)
}

// Team returns a team with its members, or ENOTFOUND.
func (q *Q) Team(ctx context.Context, id parley.ID) (*parley.Team, error) {
	var t parley.Team
	err := scanTeam(q.db.QueryRowContext(ctx, `SELECT `+teamColumns+` FROM teams WHERE id = $1`, id), &t)
	if err != nil {
		return nil, q.notFound(err, "team")
	}
	t.MemberIDs, err = q.ids(ctx, `SELECT user_id FROM team_members WHERE team_id = $1 ORDER BY user_id`, id)
	return &t, err
}

// Teams returns every team with its members, by name.
func (q *Q) Teams(ctx context.Context) ([]parley.Team, error) {
	out, err := appendRows(ctx, q, nil, "teams", `SELECT `+teamColumns+` FROM teams ORDER BY name, id`, nil, scanTeam)
	if err != nil {
		return nil, err
	}
	members, err := q.pairs(ctx, `SELECT team_id, user_id FROM team_members ORDER BY team_id, user_id`)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].MemberIDs = append([]parley.ID{}, members[out[i].ID]...)
	}
	return out, nil
}

// TeamNames returns the names of the teams with the given ids, by id; an
// id that names no team (one deleted) is left out.
func (q *Q) TeamNames(ctx context.Context, ids []parley.ID) (map[parley.ID]string, error) {
	_, teams, err := q.Names(ctx, nil, ids)
	return teams, err
}

// pairs reads two id columns into a map from the first to the seconds.
func (q *Q) pairs(ctx context.Context, query string, args ...any) (map[parley.ID][]parley.ID, error) {
	out := map[parley.ID][]parley.ID{}
	if err := q.eachRow(ctx, "pairs", query, args, func(rows *sql.Rows) error {
		var a, b parley.ID
		if err := rows.Scan(&a, &b); err != nil {
			return err
		}
		out[a] = append(out[a], b)
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// RenameTeam changes a team's name. A taken name is ECONFLICT, a missing
// team ENOTFOUND.
func (tx *Tx) RenameTeam(ctx context.Context, id parley.ID, name string) error {
	return tx.exec1(ctx, "team", `UPDATE teams SET name = $2 WHERE id = $1`, id, name)
}

// DeleteTeam removes a team: its memberships and inbox accesses go with it,
// and conversations assigned to it are left without a team. A missing team
// is ENOTFOUND.
func (tx *Tx) DeleteTeam(ctx context.Context, id parley.ID) error {
	return tx.exec1(ctx, "team", `DELETE FROM teams WHERE id = $1`, id)
}

package store

import (
	"context"

	"github.com/parleyhq/parley/internal/parley"
)

// CreateInbox inserts in with its members and sets in.ID. A taken slug is
// ECONFLICT.
func (tx *Tx) CreateInbox(ctx context.Context, in *parley.Inbox) error {
	err := tx.db.QueryRowContext(ctx, `INSERT INTO inboxes (name, slug, access, chat_transcripts, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		in.Name, in.Slug, in.Access, in.ChatTranscripts, in.CreatedAt).Scan(&in.ID)
	if err != nil {
		return tx.wrap(err, "create inbox %q", in.Slug)
	}
	return tx.SetInboxMembers(ctx, in.ID, in.UserIDs, in.TeamIDs)
}

// UpdateInbox saves an inbox's name and access.
func (tx *Tx) UpdateInbox(ctx context.Context, in *parley.Inbox) error {
	return tx.exec1(ctx, "inbox", `UPDATE inboxes SET name = $2, access = $3, chat_transcripts = $4 WHERE id = $1`, in.ID, in.Name, in.Access, in.ChatTranscripts)
}

// SetInboxMembers replaces the users and teams named as an inbox's members.
func (tx *Tx) SetInboxMembers(ctx context.Context, id parley.ID, userIDs, teamIDs []parley.ID) error {
	for _, q := range []string{`DELETE FROM inbox_users WHERE inbox_id = $1`, `DELETE FROM inbox_teams WHERE inbox_id = $1`} {
		if _, err := tx.db.ExecContext(ctx, q, id); err != nil {
			return tx.wrap(err, "inbox %d members", id)
		}
	}
	for _, u := range parley.Unique(userIDs) {
		if _, err := tx.db.ExecContext(ctx, `INSERT INTO inbox_users (inbox_id, user_id) VALUES ($1, $2)`, id, u); err != nil {
			return tx.wrap(err, "inbox %d user %d", id, u)
		}
	}
	for _, t := range parley.Unique(teamIDs) {
		if _, err := tx.db.ExecContext(ctx, `INSERT INTO inbox_teams (inbox_id, team_id) VALUES ($1, $2)`, id, t); err != nil {
			return tx.wrap(err, "inbox %d team %d", id, t)
		}
	}
	return nil
}

// DeleteInbox deletes an inbox with its channels and conversations.
func (tx *Tx) DeleteInbox(ctx context.Context, id parley.ID) error {
	return tx.exec1(ctx, "inbox", `DELETE FROM inboxes WHERE id = $1`, id)
}

const inboxColumns = `id, name, slug, access, chat_transcripts, created_at`

func scanInbox(sc interface{ Scan(...any) error }, in *parley.Inbox) error {
	return sc.Scan(&in.ID, &in.Name, &in.Slug, &in.Access, &in.ChatTranscripts, &in.CreatedAt)
}

// Inbox returns an inbox with its named members, or ENOTFOUND.
func (q *Q) Inbox(ctx context.Context, id parley.ID) (*parley.Inbox, error) {
	var in parley.Inbox
	err := scanInbox(q.db.QueryRowContext(ctx, `SELECT `+inboxColumns+` FROM inboxes WHERE id = $1`, id), &in)
	if err != nil {
		return nil, q.notFound(err, "inbox")
	}
	if in.UserIDs, err = q.ids(ctx, `SELECT user_id FROM inbox_users WHERE inbox_id = $1 ORDER BY user_id`, id); err != nil {
		return nil, err
	}
	if in.TeamIDs, err = q.ids(ctx, `SELECT team_id FROM inbox_teams WHERE inbox_id = $1 ORDER BY team_id`, id); err != nil {
		return nil, err
	}
	return &in, nil
}

// Inboxes returns every inbox with its named members, by name.
func (q *Q) Inboxes(ctx context.Context) ([]parley.Inbox, error) {
	out, err := appendRows(ctx, q, nil, "inboxes", `SELECT `+inboxColumns+` FROM inboxes ORDER BY name, id`, nil, scanInbox)
	if err != nil {
		return nil, err
	}
	users, err := q.pairs(ctx, `SELECT inbox_id, user_id FROM inbox_users ORDER BY inbox_id, user_id`)
	if err != nil {
		return nil, err
	}
	teams, err := q.pairs(ctx, `SELECT inbox_id, team_id FROM inbox_teams ORDER BY inbox_id, team_id`)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].UserIDs = append([]parley.ID{}, users[out[i].ID]...)
		out[i].TeamIDs = append([]parley.ID{}, teams[out[i].ID]...)
	}
	return out, nil
}

// memberInboxes selects the inboxes a user ($1) is a member of: open to
// everyone, or naming the user, or naming a team the user is in.
const memberInboxes = `
	SELECT i.id FROM inboxes i WHERE i.access = 'everyone'
	UNION SELECT iu.inbox_id FROM inbox_users iu JOIN inboxes i ON i.id = iu.inbox_id
		WHERE iu.user_id = $1 AND i.access = 'specific'
	UNION SELECT it.inbox_id FROM inbox_teams it JOIN team_members tm ON tm.team_id = it.team_id
		JOIN inboxes i ON i.id = it.inbox_id
		WHERE tm.user_id = $1 AND i.access = 'specific'`

// MemberInboxIDs returns the ids of the inboxes a user is a member of.
func (q *Q) MemberInboxIDs(ctx context.Context, userID parley.ID) ([]parley.ID, error) {
	return q.ids(ctx, `SELECT id FROM (`+memberInboxes+`) m ORDER BY id`, userID)
}

// InboxIDs returns the ids of every inbox.
func (q *Q) InboxIDs(ctx context.Context) ([]parley.ID, error) {
	return q.ids(ctx, `SELECT id FROM inboxes ORDER BY id`)
}

// IsInboxMember reports whether a user is a member of an inbox.
func (q *Q) IsInboxMember(ctx context.Context, inboxID, userID parley.ID) (bool, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+memberInboxes+`) m WHERE id = $2`, userID, inboxID).Scan(&n)
	return n > 0, q.wrap(err, "inbox %d member %d", inboxID, userID)
}

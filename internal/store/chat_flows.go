package store

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// ChatFlow is a chat flow as stored: its place in its inbox's order and
// its settings as JSON (read by chat).
type ChatFlow struct {
	ID        parley.ID
	InboxID   parley.ID
	Position  int
	Settings  string
	CreatedAt time.Time
}

const chatFlowColumns = `id, inbox_id, position, settings, created_at`

func scanChatFlow(sc interface{ Scan(...any) error }, f *ChatFlow) error {
	return sc.Scan(&f.ID, &f.InboxID, &f.Position, &f.Settings, &f.CreatedAt)
}

// ChatFlows returns an inbox's chat flows in their order.
func (q *Q) ChatFlows(ctx context.Context, inboxID parley.ID) ([]ChatFlow, error) {
	return appendRows(ctx, q, nil, "chat flows", `SELECT `+chatFlowColumns+` FROM chat_flows
		WHERE inbox_id = $1 ORDER BY position, id`, []any{inboxID}, scanChatFlow)
}

// EveryChatFlow returns the chat flows of every inbox.
func (q *Q) EveryChatFlow(ctx context.Context) ([]ChatFlow, error) {
	return appendRows(ctx, q, nil, "chat flows", `SELECT `+chatFlowColumns+` FROM chat_flows ORDER BY inbox_id, position, id`, nil, scanChatFlow)
}

// ChatFlow returns a chat flow, or ENOTFOUND; in a transaction the row is
// locked until it ends (a flow's settings are read, changed and written).
func (q *Q) ChatFlow(ctx context.Context, id parley.ID) (*ChatFlow, error) {
	var f ChatFlow
	if err := scanChatFlow(q.db.QueryRowContext(ctx, `SELECT `+chatFlowColumns+` FROM chat_flows WHERE id = $1`+q.lock, id), &f); err != nil {
		return nil, q.notFound(err, "chat flow")
	}
	return &f, nil
}

// CreateChatFlow inserts f last in its inbox's order and sets its id and
// position.
func (tx *Tx) CreateChatFlow(ctx context.Context, f *ChatFlow) error {
	err := tx.db.QueryRowContext(ctx, `INSERT INTO chat_flows (inbox_id, position, settings, created_at)
		VALUES ($1, (SELECT COALESCE(MAX(position), -1) + 1 FROM chat_flows WHERE inbox_id = $1), $2, $3)
		RETURNING id, position`, f.InboxID, f.Settings, f.CreatedAt).Scan(&f.ID, &f.Position)
	return tx.wrap(err, "create chat flow")
}

// UpdateChatFlow saves a flow's settings and position.
func (tx *Tx) UpdateChatFlow(ctx context.Context, f *ChatFlow) error {
	return tx.exec1(ctx, "chat flow", `UPDATE chat_flows SET settings = $2, position = $3 WHERE id = $1`, f.ID, f.Settings, f.Position)
}

// DeleteChatFlow removes a flow.
func (tx *Tx) DeleteChatFlow(ctx context.Context, id parley.ID) error {
	return tx.exec1(ctx, "chat flow", `DELETE FROM chat_flows WHERE id = $1`, id)
}

// AvailableAmong reports whether someone who may be routed a conversation
// of the inbox is available: among users and the members of teams, or,
// with neither, among all the inbox's members (SPEC CHT-7, by team
// status).
func (q *Q) AvailableAmong(ctx context.Context, inboxID parley.ID, users, teams []parley.ID) (bool, error) {
	args := []any{inboxID}
	chosen := ""
	if len(users) > 0 || len(teams) > 0 {
		u, in := inList(append([]parley.ID{0}, users...), 1)
		args = append(args, u...)
		t, tin := inList(append([]parley.ID{0}, teams...), len(args))
		args = append(args, t...)
		chosen = ` AND (u.id IN (` + in + `) OR u.id IN (SELECT user_id FROM team_members WHERE team_id IN (` + tin + `)))`
	}
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u
		WHERE u.availability = 'available' AND u.routable AND u.deactivated_at IS NULL AND u.role <> 'viewer'`+chosen+`
		AND ((SELECT access FROM inboxes WHERE id = $1) = 'everyone'
			OR u.id IN (SELECT user_id FROM inbox_users WHERE inbox_id = $1)
			OR u.id IN (SELECT tm.user_id FROM inbox_teams it JOIN team_members tm ON tm.team_id = it.team_id WHERE it.inbox_id = $1))`,
		args...).Scan(&n)
	return n > 0, q.wrap(err, "available among")
}

package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// BotRun is a chat's bot run (SPEC CHT-14): the bot it follows, copied
// from its flow when it started, and where it stands, both as the chat
// package's JSON; DueAt is when the step it waits on times out.
type BotRun struct {
	ConversationID parley.ID
	FlowID         parley.ID
	Bot            string
	Run            string
	DueAt          *time.Time
	UpdatedAt      time.Time
}

const botRunColumns = `conversation_id, flow_id, bot, run, due_at, updated_at`

func scanBotRun(sc interface{ Scan(...any) error }, r *BotRun) error {
	return sc.Scan(&r.ConversationID, &r.FlowID, &r.Bot, &r.Run, &r.DueAt, &r.UpdatedAt)
}

// BotRun returns a conversation's bot run, or ENOTFOUND; in a transaction
// on PostgreSQL its row stays locked to the end, so two nodes never move
// it both.
func (q *Q) BotRun(ctx context.Context, conversationID parley.ID) (*BotRun, error) {
	var r BotRun
	err := scanBotRun(q.db.QueryRowContext(ctx, `SELECT `+botRunColumns+` FROM bot_runs WHERE conversation_id = $1`+q.lock, conversationID), &r)
	if err != nil {
		return nil, q.notFound(err, "bot run")
	}
	return &r, nil
}

// PutBotRun stores a conversation's bot run, new or moved on.
func (tx *Tx) PutBotRun(ctx context.Context, r *BotRun) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO bot_runs (`+botRunColumns+`) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (conversation_id) DO UPDATE SET run = excluded.run, due_at = excluded.due_at, updated_at = excluded.updated_at`,
		r.ConversationID, r.FlowID, r.Bot, r.Run, r.DueAt, r.UpdatedAt)
	return tx.wrap(err, "put bot run")
}

// DueBotRuns returns up to limit conversations whose bot run's waiting
// step timed out at or before now, the longest due first.
func (q *Q) DueBotRuns(ctx context.Context, now time.Time, limit int) ([]parley.ID, error) {
	return appendRows(ctx, q, nil, "bot runs", `SELECT conversation_id FROM bot_runs WHERE due_at IS NOT NULL AND due_at <= $1
		ORDER BY due_at, conversation_id LIMIT $2`, []any{now, limit}, func(sc interface{ Scan(...any) error }, id *parley.ID) error {
		return sc.Scan(id)
	})
}

// StopBotRun stops a conversation's bot run where it stands, taken over by
// a person: it times out no more. It returns the step the run was on, ""
// when there was no run.
func (tx *Tx) StopBotRun(ctx context.Context, conversationID parley.ID, now time.Time) (string, error) {
	r, err := tx.BotRun(ctx, conversationID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var at struct {
		Step string `json:"step"`
	}
	if err := json.Unmarshal([]byte(r.Run), &at); err != nil {
		return "", fmt.Errorf("store: bot run %d: %w", conversationID, err)
	}
	_, err = tx.db.ExecContext(ctx, `UPDATE bot_runs SET due_at = NULL, updated_at = $2 WHERE conversation_id = $1`, conversationID, now)
	return at.Step, tx.wrap(err, "stop bot run")
}

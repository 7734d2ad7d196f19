package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

const messageColumns = `id, conversation_id, kind, direction, author_id, contact_id, text, html, email, bot, bridge, form, call_log, created_at`

func scanMessage(sc interface{ Scan(...any) error }, m *parley.Message) error {
	var email, bot, bridge, form, call string
	if err := sc.Scan(&m.ID, &m.ConversationID, &m.Kind, &m.Direction, &m.AuthorID, &m.ContactID, &m.Text, &m.HTML, &email, &bot, &bridge, &form, &call, &m.CreatedAt); err != nil {
		return err
	}
	if err := fromJSONColumn(form, &m.Form); err != nil {
		return fmt.Errorf("message %d: form: %w", m.ID, err)
	}
	if err := fromJSONColumn(call, &m.Call); err != nil {
		return fmt.Errorf("message %d: call: %w", m.ID, err)
	}
	if bridge != "" {
		m.Bridge = new(parley.Bridged)
		if err := json.Unmarshal([]byte(bridge), m.Bridge); err != nil {
			return fmt.Errorf("message %d: bridge: %w", m.ID, err)
		}
	}
	if email != "" {
		m.Email = new(parley.Email)
		if err := json.Unmarshal([]byte(email), m.Email); err != nil {
			return fmt.Errorf("message %d: email: %w", m.ID, err)
		}
	}
	if bot != "" {
		m.Bot = new(parley.BotSaid)
		if err := json.Unmarshal([]byte(bot), m.Bot); err != nil {
			return fmt.Errorf("message %d: bot: %w", m.ID, err)
		}
	}
	return nil
}

// jsonColumn is v as JSON in a TEXT column, "" for nil.
func jsonColumn[T any](v *T) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// fromJSONColumn reads a TEXT column of JSON into *v, leaving it nil for "".
func fromJSONColumn[T any](col string, v **T) error {
	if col == "" {
		return nil
	}
	*v = new(T)
	return json.Unmarshal([]byte(col), *v)
}

// CreateMessage inserts m and sets m.ID.
func (tx *Tx) CreateMessage(ctx context.Context, m *parley.Message) error {
	email, err := jsonColumn(m.Email)
	if err != nil {
		return fmt.Errorf("store: create message: %w", err)
	}
	bot, err := jsonColumn(m.Bot)
	if err != nil {
		return fmt.Errorf("store: create message: %w", err)
	}
	form, err := jsonColumn(m.Form)
	if err != nil {
		return fmt.Errorf("store: create message: %w", err)
	}
	call, err := jsonColumn(m.Call)
	if err != nil {
		return fmt.Errorf("store: create message: %w", err)
	}
	err = tx.db.QueryRowContext(ctx, `INSERT INTO messages (conversation_id, kind, direction, author_id, contact_id, text, html, email, bot, form, call_log, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		m.ConversationID, m.Kind, m.Direction, m.AuthorID, m.ContactID, m.Text, m.HTML, email, bot, form, call, m.CreatedAt).Scan(&m.ID)
	return tx.wrap(err, "create message")
}

// Message returns a message, or ENOTFOUND.
func (q *Q) Message(ctx context.Context, id parley.ID) (*parley.Message, error) {
	var m parley.Message
	if err := scanMessage(q.db.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = $1`, id), &m); err != nil {
		return nil, q.notFound(err, "message")
	}
	return &m, nil
}

// ConversationMessages returns the messages of a conversation with ids in
// [from, to], by id.
func (q *Q) ConversationMessages(ctx context.Context, conversationID, from, to parley.ID) (map[parley.ID]*parley.Message, error) {
	out := map[parley.ID]*parley.Message{}
	if err := q.eachRow(ctx, "messages", `SELECT `+messageColumns+` FROM messages
		WHERE conversation_id = $1 AND id BETWEEN $2 AND $3`, []any{conversationID, from, to}, func(rows *sql.Rows) error {
		var m parley.Message
		if err := scanMessage(rows, &m); err != nil {
			return err
		}
		out[m.ID] = &m
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// InboundKey is what a dedupe key points at. A tombstone points at nothing:
// its conversation was deleted.
type InboundKey struct {
	ConversationID *parley.ID
	MessageID      *parley.ID
}

// Tombstone reports whether the item's conversation was deleted.
func (k InboundKey) Tombstone() bool { return k.MessageID == nil }

// InboundKey returns what a channel's dedupe key points at, or ENOTFOUND.
func (q *Q) InboundKey(ctx context.Context, channelID parley.ID, key string) (*InboundKey, error) {
	var k InboundKey
	err := q.db.QueryRowContext(ctx, `SELECT conversation_id, message_id FROM inbound_keys WHERE channel_id = $1 AND dedupe_key = $2`,
		channelID, key).Scan(&k.ConversationID, &k.MessageID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, parley.NotFound("inbound key")
	}
	if err != nil {
		return nil, q.wrap(err, "inbound key")
	}
	return &k, nil
}

// PutInboundKey records a channel's dedupe key for a message. A key already
// recorded is ECONFLICT: the item was received before.
func (tx *Tx) PutInboundKey(ctx context.Context, channelID parley.ID, key string, m *parley.Message, at time.Time) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO inbound_keys (channel_id, dedupe_key, conversation_id, message_id, created_at)
		VALUES ($1, $2, $3, $4, $5)`, channelID, key, m.ConversationID, m.ID, at)
	return tx.wrap(err, "inbound key")
}

// InsertMessages inserts many messages in few statements, without returning
// their ids: for imports and benchmark datasets. FTS5 flushes its index at
// every statement, so one row per statement would cost a flush per row.
func (tx *Tx) InsertMessages(ctx context.Context, ms []*parley.Message) error {
	const (
		cols  = 8
		chunk = 100
	)
	statement := func(n int) string {
		var b strings.Builder
		b.WriteString(`INSERT INTO messages (conversation_id, kind, direction, author_id, contact_id, text, html, created_at) VALUES `)
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", i*cols+1, i*cols+2, i*cols+3, i*cols+4, i*cols+5, i*cols+6, i*cols+7, i*cols+8)
		}
		return b.String()
	}
	var full *sql.Stmt // a long statement costs more to parse than to run: prepare it once
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for len(ms) > 0 {
		n := min(len(ms), chunk)
		args := make([]any, 0, n*cols)
		for _, m := range ms[:n] {
			args = append(args, m.ConversationID, m.Kind, m.Direction, m.AuthorID, m.ContactID, m.Text, m.HTML, m.CreatedAt)
		}
		var err error
		if n == chunk {
			if full == nil {
				if full, err = tx.tx.PrepareContext(ctx, statement(chunk)); err != nil {
					return tx.wrap(err, "insert messages")
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.db.ExecContext(ctx, statement(n), args...)
		}
		if err != nil {
			return tx.wrap(err, "insert messages")
		}
		ms = ms[n:]
	}
	return nil
}

// LastInboundEmail returns the newest email a conversation received from a
// contact, or ENOTFOUND.
func (q *Q) LastInboundEmail(ctx context.Context, conversationID, contactID parley.ID) (*parley.Message, error) {
	var m parley.Message
	err := scanMessage(q.db.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE conversation_id = $1 AND contact_id = $2 AND direction = 'in' AND email <> '' ORDER BY id DESC LIMIT 1`,
		conversationID, contactID), &m)
	if err != nil {
		return nil, q.notFound(err, "email")
	}
	return &m, nil
}

// SetMessageBridge saves where m stands with its channel's bridge.
func (tx *Tx) SetMessageBridge(ctx context.Context, m *parley.Message) error {
	bridge, err := jsonColumn(m.Bridge)
	if err != nil {
		return fmt.Errorf("store: message bridge: %w", err)
	}
	return tx.exec1(ctx, "message", `UPDATE messages SET bridge = $2 WHERE id = $1`, m.ID, bridge)
}

// SetMessageEmail saves a message's email details (an outbound email's
// delivery state).
func (tx *Tx) SetMessageEmail(ctx context.Context, m *parley.Message) error {
	email, err := jsonColumn(m.Email)
	if err != nil {
		return fmt.Errorf("store: message email: %w", err)
	}
	return tx.exec1(ctx, "message", `UPDATE messages SET email = $2 WHERE id = $1`, m.ID, email)
}

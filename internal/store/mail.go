package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// MailThread is a conversation a threading key points at.
type MailThread struct {
	ConversationID parley.ID
	Ours           bool // the key is a Message-ID Parley gave to mail it sent
}

// MailThreads returns which of keys thread into a conversation of the inbox.
func (q *Q) MailThreads(ctx context.Context, inboxID parley.ID, keys []string) (map[string]MailThread, error) {
	out := map[string]MailThread{}
	if len(keys) == 0 {
		return out, nil
	}
	args, in := inList(keys, 1)
	if err := q.eachRow(ctx, "mail threads", `SELECT thread_key, conversation_id, ours FROM mail_threads
		WHERE inbox_id = $1 AND thread_key IN (`+in+`)`, append([]any{inboxID}, args...), func(rows *sql.Rows) error {
		var k string
		var t MailThread
		if err := rows.Scan(&k, &t.ConversationID, &t.Ours); err != nil {
			return err
		}
		out[k] = t
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// PutMailThreads points keys at a conversation. A key that already points
// somewhere keeps its conversation: the first thread to use it owns it.
func (tx *Tx) PutMailThreads(ctx context.Context, inboxID, conversationID parley.ID, ours bool, keys ...string) error {
	for _, k := range keys {
		if k == "" {
			continue
		}
		if _, err := tx.db.ExecContext(ctx, `INSERT INTO mail_threads (inbox_id, thread_key, conversation_id, ours)
			VALUES ($1, $2, $3, $4) ON CONFLICT (inbox_id, thread_key) DO NOTHING`, inboxID, k, conversationID, ours); err != nil {
			return tx.wrap(err, "put mail thread")
		}
	}
	return nil
}

// AddParticipants records addresses a conversation's mail was from or to.
func (tx *Tx) AddParticipants(ctx context.Context, conversationID parley.ID, emails ...string) error {
	for _, e := range emails {
		if _, err := tx.db.ExecContext(ctx, `INSERT INTO mail_participants (conversation_id, email)
			VALUES ($1, $2) ON CONFLICT (conversation_id, email) DO NOTHING`, conversationID, e); err != nil {
			return tx.wrap(err, "add participant")
		}
	}
	return nil
}

// Participants returns the addresses of a conversation's mail, sorted.
func (q *Q) Participants(ctx context.Context, conversationID parley.ID) ([]string, error) {
	return appendRows(ctx, q, nil, "participants",
		`SELECT email FROM mail_participants WHERE conversation_id = $1 ORDER BY email`, []any{conversationID}, scanValue[string])
}

// IsParticipant reports whether email has been on a conversation's mail.
func (q *Q) IsParticipant(ctx context.Context, conversationID parley.ID, email string) (bool, error) {
	var one int
	err := q.db.QueryRowContext(ctx, `SELECT 1 FROM mail_participants WHERE conversation_id = $1 AND email = $2`,
		conversationID, email).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, q.wrap(err, "participant")
}

// SetMailToken gives a conversation its plus-address token.
func (tx *Tx) SetMailToken(ctx context.Context, conversationID parley.ID, token string) error {
	return tx.exec1(ctx, "conversation", `UPDATE conversations SET mail_token = $2 WHERE id = $1`, conversationID, token)
}

// MailToken returns a conversation's plus-address token, "" when it has none.
func (q *Q) MailToken(ctx context.Context, conversationID parley.ID) (string, error) {
	var t sql.NullString
	err := q.db.QueryRowContext(ctx, `SELECT mail_token FROM conversations WHERE id = $1`, conversationID).Scan(&t)
	return t.String, q.notFound(err, "conversation")
}

// ConversationByToken returns the id of the conversation with a
// plus-address token in an inbox, or ENOTFOUND.
func (q *Q) ConversationByToken(ctx context.Context, inboxID parley.ID, token string) (parley.ID, error) {
	var id parley.ID
	err := q.db.QueryRowContext(ctx, `SELECT id FROM conversations WHERE mail_token = $1 AND inbox_id = $2`, token, inboxID).Scan(&id)
	return id, q.notFound(err, "conversation")
}

// PutTombstone records a dedupe key that points at nothing: the item is
// known and must not be taken in again (quarantined, or deleted).
func (tx *Tx) PutTombstone(ctx context.Context, channelID parley.ID, key string, at time.Time) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO inbound_keys (channel_id, dedupe_key, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (channel_id, dedupe_key) DO NOTHING`, channelID, key, at)
	return tx.wrap(err, "tombstone")
}

const attachmentColumns = `id, message_id, name, content_type, size, blob, content_id, inline, created_at`

func scanAttachment(sc interface{ Scan(...any) error }, a *parley.Attachment) error {
	return sc.Scan(&a.ID, &a.MessageID, &a.Name, &a.ContentType, &a.Size, &a.Blob, &a.ContentID, &a.Inline, &a.CreatedAt)
}

// CreateAttachment inserts a and sets a.ID.
func (tx *Tx) CreateAttachment(ctx context.Context, a *parley.Attachment) error {
	err := tx.db.QueryRowContext(ctx, `INSERT INTO attachments (message_id, name, content_type, size, blob, content_id, inline, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		a.MessageID, a.Name, a.ContentType, a.Size, a.Blob, a.ContentID, a.Inline, a.CreatedAt).Scan(&a.ID)
	return tx.wrap(err, "create attachment")
}

// Attachment returns an attachment, or ENOTFOUND.
func (q *Q) Attachment(ctx context.Context, id parley.ID) (*parley.Attachment, error) {
	var a parley.Attachment
	err := scanAttachment(q.db.QueryRowContext(ctx, `SELECT `+attachmentColumns+` FROM attachments WHERE id = $1`, id), &a)
	if err != nil {
		return nil, q.notFound(err, "attachment")
	}
	return &a, nil
}

// MessageAttachments returns the attachments of messages, by message id.
func (q *Q) MessageAttachments(ctx context.Context, messageIDs []parley.ID) (map[parley.ID][]parley.Attachment, error) {
	out := map[parley.ID][]parley.Attachment{}
	if len(messageIDs) == 0 {
		return out, nil
	}
	args, in := inList(messageIDs, 0)
	if err := q.eachRow(ctx, "attachments", `SELECT `+attachmentColumns+` FROM attachments WHERE message_id IN (`+in+`) ORDER BY id`, args, func(rows *sql.Rows) error {
		var a parley.Attachment
		if err := scanAttachment(rows, &a); err != nil {
			return err
		}
		out[a.MessageID] = append(out[a.MessageID], a)
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

const quarantineColumns = `id, channel_id, source, reason, size, blob, created_at`

func scanQuarantined(sc interface{ Scan(...any) error }, m *parley.Quarantined) error {
	return sc.Scan(&m.ID, &m.ChannelID, &m.Source, &m.Reason, &m.Size, &m.Blob, &m.CreatedAt)
}

// Quarantine keeps an unreadable message and sets m.ID.
func (tx *Tx) Quarantine(ctx context.Context, m *parley.Quarantined) error {
	err := tx.db.QueryRowContext(ctx, `INSERT INTO quarantine (channel_id, source, reason, size, blob, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, m.ChannelID, m.Source, m.Reason, m.Size, m.Blob, m.CreatedAt).Scan(&m.ID)
	return tx.wrap(err, "quarantine")
}

// QuarantineList returns up to limit quarantined messages with ids below
// before (0: from the newest), newest first.
func (q *Q) QuarantineList(ctx context.Context, before parley.ID, limit int) ([]parley.Quarantined, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	return appendRows(ctx, q, []parley.Quarantined{}, "quarantine",
		`SELECT `+quarantineColumns+` FROM quarantine WHERE id < $1 ORDER BY id DESC LIMIT $2`, []any{before, limit}, scanQuarantined)
}

// Quarantined returns one quarantined message, or ENOTFOUND.
func (q *Q) Quarantined(ctx context.Context, id parley.ID) (*parley.Quarantined, error) {
	var m parley.Quarantined
	if err := scanQuarantined(q.db.QueryRowContext(ctx, `SELECT `+quarantineColumns+` FROM quarantine WHERE id = $1`, id), &m); err != nil {
		return nil, q.notFound(err, "quarantined message")
	}
	return &m, nil
}

// PutRawMail keeps a received message's raw form with it.
func (tx *Tx) PutRawMail(ctx context.Context, messageID parley.ID, raw []byte) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO raw_mail (message_id, raw) VALUES ($1, $2)`, messageID, raw)
	return tx.wrap(err, "raw mail")
}

// RawMail returns a message's raw form kept in the database, or ENOTFOUND.
func (q *Q) RawMail(ctx context.Context, messageID parley.ID) ([]byte, error) {
	var raw []byte
	err := q.db.QueryRowContext(ctx, `SELECT raw FROM raw_mail WHERE message_id = $1`, messageID).Scan(&raw)
	return raw, q.notFound(err, "raw mail")
}

// CreateUpload records a file a user uploaded and sets u.ID.
func (tx *Tx) CreateUpload(ctx context.Context, userID parley.ID, u *parley.Attachment) error {
	err := tx.db.QueryRowContext(ctx, `INSERT INTO uploads (user_id, name, content_type, size, blob, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, userID, u.Name, u.ContentType, u.Size, u.Blob, u.CreatedAt).Scan(&u.ID)
	return tx.wrap(err, "create upload")
}

// TakeUpload removes one of a user's uploads and returns it, or ENOTFOUND
// (also for another user's).
func (tx *Tx) TakeUpload(ctx context.Context, userID, id parley.ID) (*parley.Attachment, error) {
	var u parley.Attachment
	err := tx.db.QueryRowContext(ctx, `DELETE FROM uploads WHERE id = $1 AND user_id = $2
		RETURNING id, name, content_type, size, blob, created_at`, id, userID).Scan(&u.ID, &u.Name, &u.ContentType, &u.Size, &u.Blob, &u.CreatedAt)
	if err != nil {
		return nil, tx.notFound(err, "upload")
	}
	return &u, nil
}

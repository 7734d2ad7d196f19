package store

import (
	"context"
	"slices"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// Visitor is someone the chat widget speaks for (SPEC CHT-11), stored once
// they first write: their browser's signed identity (UID) on a chat
// channel, and the contact their messages are from.
type Visitor struct {
	ID        parley.ID
	ChannelID parley.ID
	UID       string
	ContactID parley.ID
	// ConversationID is the conversation the widget shows them, nil
	// before their first message or once it is deleted.
	ConversationID *parley.ID
	CreatedAt      time.Time
}

const visitorColumns = `id, channel_id, uid, contact_id, conversation_id, created_at`

func scanVisitor(sc interface{ Scan(...any) error }, v *Visitor) error {
	return sc.Scan(&v.ID, &v.ChannelID, &v.UID, &v.ContactID, &v.ConversationID, &v.CreatedAt)
}

// VisitorByUID returns a visitor by their identity, or ENOTFOUND.
func (q *Q) VisitorByUID(ctx context.Context, uid string) (*Visitor, error) {
	var v Visitor
	if err := scanVisitor(q.db.QueryRowContext(ctx, `SELECT `+visitorColumns+` FROM visitors WHERE uid = $1`, uid), &v); err != nil {
		return nil, q.notFound(err, "visitor")
	}
	return &v, nil
}

// CreateVisitor inserts v and sets v.ID; a taken UID is ECONFLICT.
func (tx *Tx) CreateVisitor(ctx context.Context, v *Visitor) error {
	err := tx.db.QueryRowContext(ctx, `INSERT INTO visitors (channel_id, uid, contact_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		v.ChannelID, v.UID, v.ContactID, v.CreatedAt).Scan(&v.ID)
	return tx.wrap(err, "create visitor")
}

// SetVisitor saves whose messages a visitor's are and which conversation
// the widget shows them.
func (tx *Tx) SetVisitor(ctx context.Context, v *Visitor) error {
	return tx.exec1(ctx, "visitor", `UPDATE visitors SET contact_id = $2, conversation_id = $3 WHERE id = $1`, v.ID, v.ContactID, v.ConversationID)
}

// Consent is what a contact agreed to (SPEC CHT-10).
type Consent struct {
	ID           parley.ID
	ContactID    parley.ID
	Kind         string // processing, subscription
	Subscription string
	Text         string
	ChannelID    *parley.ID
	GivenAt      time.Time
}

// AddConsent records a contact's consent and sets its id.
func (tx *Tx) AddConsent(ctx context.Context, c *Consent) error {
	err := tx.db.QueryRowContext(ctx, `INSERT INTO contact_consents (contact_id, kind, subscription, text, channel_id, given_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, c.ContactID, c.Kind, c.Subscription, c.Text, c.ChannelID, c.GivenAt).Scan(&c.ID)
	return tx.wrap(err, "add consent")
}

// Consents returns what a contact agreed to, oldest first.
func (q *Q) Consents(ctx context.Context, contactID parley.ID) ([]Consent, error) {
	return appendRows(ctx, q, nil, "consents", `SELECT id, contact_id, kind, subscription, text, channel_id, given_at
		FROM contact_consents WHERE contact_id = $1 ORDER BY id`, []any{contactID}, func(sc interface{ Scan(...any) error }, c *Consent) error {
		return sc.Scan(&c.ID, &c.ContactID, &c.Kind, &c.Subscription, &c.Text, &c.ChannelID, &c.GivenAt)
	})
}

// CustomerMessages returns a conversation's messages to and from outside
// the team — never an internal comment — oldest first: those with ids
// after after, up to limit; with after 0, the newest limit.
func (q *Q) CustomerMessages(ctx context.Context, conversationID, after parley.ID, limit int) ([]parley.Message, error) {
	if after > 0 {
		return appendRows(ctx, q, nil, "messages", `SELECT `+messageColumns+` FROM messages
			WHERE conversation_id = $1 AND kind = 'message' AND id > $2 ORDER BY id LIMIT $3`,
			[]any{conversationID, after, limit}, scanMessage)
	}
	ms, err := appendRows(ctx, q, nil, "messages", `SELECT `+messageColumns+` FROM messages
		WHERE conversation_id = $1 AND kind = 'message' ORDER BY id DESC LIMIT $2`,
		[]any{conversationID, limit}, scanMessage)
	slices.Reverse(ms)
	return ms, err
}

// SeeVisitor records that a visitor's widget is open at at (or, with at
// in the past, that it closed then), speaking locale ("": as before).
func (tx *Tx) SeeVisitor(ctx context.Context, uid string, at time.Time, locale string) error {
	_, err := tx.db.ExecContext(ctx, `UPDATE visitors SET seen_at = $2, locale = CASE WHEN $3 = '' THEN locale ELSE $3 END WHERE uid = $1`, uid, at, locale)
	return tx.wrap(err, "see visitor")
}

// VisitorHere reports whether a conversation is a chat visitor's (known)
// and whether one of its visitors had their widget open at or after since
// (here).
func (q *Q) VisitorHere(ctx context.Context, conversationID parley.ID, since time.Time) (known, here bool, err error) {
	var n, seen int
	err = q.db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(CASE WHEN seen_at >= $2 THEN 1 END) FROM visitors WHERE conversation_id = $1`,
		conversationID, since).Scan(&n, &seen)
	return n > 0, seen > 0, q.wrap(err, "visitor here")
}

// VisitorLocale returns the language of a conversation's visitor's widget,
// "" when it has no visitor or none said.
func (q *Q) VisitorLocale(ctx context.Context, conversationID parley.ID) (string, error) {
	var l string
	err := q.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(locale), '') FROM visitors WHERE conversation_id = $1`, conversationID).Scan(&l)
	return l, q.wrap(err, "visitor locale")
}

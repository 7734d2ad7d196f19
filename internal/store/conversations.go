package store

import (
	"context"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

const conversationColumns = `c.id, c.inbox_id, c.channel_id, c.channel_kind, c.bot, c.origin, c.contact_id,
	c.subject, c.preview, c.status, c.placement, c.assignee_id, c.team_id, c.created_at, c.last_activity_at,
	c.last_customer_at, c.last_agent_at, c.last_sent_at, c.closed_at, c.trashed_at`

const conversationFrom = ` FROM conversations c`

func scanConversation(sc interface{ Scan(...any) error }, c *parley.Conversation) error {
	return sc.Scan(&c.ID, &c.InboxID, &c.ChannelID, &c.ChannelKind, &c.Bot, &c.Origin, &c.ContactID,
		&c.Subject, &c.Preview, &c.Status, &c.Placement, &c.AssigneeID, &c.TeamID, &c.CreatedAt, &c.LastActivityAt,
		&c.LastCustomerAt, &c.LastAgentAt, &c.LastSentAt, &c.ClosedAt, &c.TrashedAt)
}

// CreateConversation inserts c and sets c.ID. ChannelKind must be the
// channel's kind; Origin defaults to the customer.
func (tx *Tx) CreateConversation(ctx context.Context, c *parley.Conversation) error {
	if c.Origin == "" {
		c.Origin = parley.OriginCustomer
	}
	const q = `
		INSERT INTO conversations (inbox_id, channel_id, channel_kind, bot, origin, contact_id, subject, preview,
			status, placement, assignee_id, team_id, created_at, last_activity_at, last_customer_at, last_agent_at,
			closed_at, trashed_at, last_sent_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
		RETURNING id`
	err := tx.db.QueryRowContext(ctx, q, c.InboxID, c.ChannelID, c.ChannelKind, c.Bot, c.Origin, c.ContactID,
		c.Subject, c.Preview, c.Status, c.Placement, c.AssigneeID, c.TeamID, c.CreatedAt, c.LastActivityAt,
		c.LastCustomerAt, c.LastAgentAt, c.ClosedAt, c.TrashedAt, c.LastSentAt).Scan(&c.ID)
	if err != nil {
		return tx.wrap(err, "create conversation")
	}
	tx.count(standingOf(c), +1)
	tx.hold(c)
	return nil
}

// UpdateConversation saves every mutable field of c and moves its counts.
func (tx *Tx) UpdateConversation(ctx context.Context, c *parley.Conversation) error {
	old, ok := tx.held[c.ID]
	if !ok {
		if _, err := tx.Conversation(ctx, c.ID); err != nil {
			return err
		}
		old = tx.held[c.ID]
	}
	const q = `
		UPDATE conversations SET contact_id = $2, subject = $3, preview = $4, status = $5, placement = $6,
			assignee_id = $7, team_id = $8, last_activity_at = $9, last_customer_at = $10, last_agent_at = $11,
			closed_at = $12, trashed_at = $13, bot = $14, last_sent_at = $15
		WHERE id = $1`
	if err := tx.exec1(ctx, "conversation", q, c.ID, c.ContactID, c.Subject, c.Preview, c.Status, c.Placement,
		c.AssigneeID, c.TeamID, c.LastActivityAt, c.LastCustomerAt, c.LastAgentAt, c.ClosedAt, c.TrashedAt, c.Bot, c.LastSentAt); err != nil {
		return err
	}
	tx.count(old, -1)
	tx.count(standingOf(c), +1)
	tx.hold(c)
	return nil
}

// DeleteConversation deletes a conversation and its messages for good, and
// turns its inbound dedupe keys into tombstones so a re-delivery of the same
// items is recognised and not imported again.
func (tx *Tx) DeleteConversation(ctx context.Context, id parley.ID) error {
	old, err := tx.Conversation(ctx, id)
	if err != nil {
		return err
	}
	tx.count(standingOf(old), -1)
	delete(tx.held, id)
	if _, err := tx.db.ExecContext(ctx, `UPDATE inbound_keys SET conversation_id = NULL, message_id = NULL WHERE conversation_id = $1`, id); err != nil {
		return tx.wrap(err, "tombstone conversation %d", id)
	}
	return tx.exec1(ctx, "conversation", `DELETE FROM conversations WHERE id = $1`, id)
}

// Conversation returns a conversation, or ENOTFOUND. In a write transaction
// it locks the row until commit.
func (q *Q) Conversation(ctx context.Context, id parley.ID) (*parley.Conversation, error) {
	var c parley.Conversation
	row := q.db.QueryRowContext(ctx, `SELECT `+conversationColumns+conversationFrom+` WHERE c.id = $1`+q.lock, id)
	if err := scanConversation(row, &c); err != nil {
		return nil, q.notFound(err, "conversation")
	}
	q.hold(&c)
	return &c, nil
}

// ContactConversations returns up to limit of a contact's conversations,
// most recently active first.
func (q *Q) ContactConversations(ctx context.Context, contactID parley.ID, limit int) ([]parley.Conversation, error) {
	return appendRows(ctx, q, nil, fmt.Sprintf("contact %d conversations", contactID), `SELECT `+conversationColumns+conversationFrom+`
		WHERE c.contact_id = $1 ORDER BY c.last_activity_at DESC, c.id DESC LIMIT $2`, []any{contactID, limit}, scanConversation)
}

// Cursor is a position in a list ordered by last activity.
type Cursor struct {
	At time.Time
	ID parley.ID
}

// ContactConversationIDs returns the ids of a contact's conversations in
// placement (any placement when empty).
func (q *Q) ContactConversationIDs(ctx context.Context, contactID parley.ID, placement parley.Placement) ([]parley.ID, error) {
	return q.ids(ctx, `SELECT id FROM conversations WHERE contact_id = $1 AND ($2 = '' OR placement = $2) ORDER BY id`,
		contactID, string(placement))
}

// TrashedBefore returns up to limit ids of conversations moved to the trash
// before t.
func (q *Q) TrashedBefore(ctx context.Context, t time.Time, limit int) ([]parley.ID, error) {
	return q.ids(ctx, `SELECT id FROM conversations WHERE placement = 'trash' AND trashed_at < $1 ORDER BY trashed_at, id LIMIT $2`,
		t, limit)
}

// LatestConversation returns a contact's most recently active conversation
// on a channel that is in the inbox or filtered (not spam or trash), or
// ENOTFOUND. In a write transaction it locks the row until commit.
func (q *Q) LatestConversation(ctx context.Context, channelID, contactID parley.ID) (*parley.Conversation, error) {
	var c parley.Conversation
	row := q.db.QueryRowContext(ctx, `SELECT `+conversationColumns+conversationFrom+`
		WHERE c.contact_id = $1 AND c.channel_id = $2 AND c.placement IN ('inbox', 'filtered')
		ORDER BY c.last_activity_at DESC, c.id DESC LIMIT 1`+q.lock, contactID, channelID)
	if err := scanConversation(row, &c); err != nil {
		return nil, q.notFound(err, "conversation")
	}
	q.hold(&c)
	return &c, nil
}

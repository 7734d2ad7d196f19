package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/parleyhq/parley/internal/parley"
)

const ticketColumns = `t.id, t.subject, t.description, t.pipeline_id, t.stage_id, t.status, t.priority, t.owner_id, t.contact_id, t.company_id, t.follows_id, t.inbox_id, t.created_at, t.updated_at`

func scanTicket(sc interface{ Scan(...any) error }, t *parley.Ticket) error {
	return sc.Scan(&t.ID, &t.Subject, &t.Description, &t.PipelineID, &t.StageID, &t.Status, &t.Priority, &t.OwnerID, &t.ContactID, &t.CompanyID, &t.FollowsID, &t.InboxID, &t.CreatedAt, &t.UpdatedAt)
}

// CreateTicket inserts t and links its conversations, and sets its id.
func (tx *Tx) CreateTicket(ctx context.Context, t *parley.Ticket) error {
	err := tx.db.QueryRowContext(ctx, `INSERT INTO tickets (subject, description, pipeline_id, stage_id, status, priority, owner_id, contact_id, company_id, follows_id, inbox_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		t.Subject, t.Description, t.PipelineID, t.StageID, t.Status, t.Priority, t.OwnerID, t.ContactID, t.CompanyID, t.FollowsID, t.InboxID, t.CreatedAt, t.UpdatedAt).Scan(&t.ID)
	if err != nil {
		return tx.wrap(err, "create ticket")
	}
	for _, c := range t.ConversationIDs {
		if err := tx.LinkTicket(ctx, t.ID, c); err != nil {
			return err
		}
	}
	return nil
}

// UpdateTicket saves a ticket's fields (not its conversations).
func (tx *Tx) UpdateTicket(ctx context.Context, t *parley.Ticket) error {
	return tx.exec1(ctx, "ticket", `UPDATE tickets SET subject = $2, description = $3, pipeline_id = $4, stage_id = $5, status = $6, priority = $7,
		owner_id = $8, contact_id = $9, company_id = $10, follows_id = $11, inbox_id = $12, updated_at = $13 WHERE id = $1`,
		t.ID, t.Subject, t.Description, t.PipelineID, t.StageID, t.Status, t.Priority, t.OwnerID, t.ContactID, t.CompanyID, t.FollowsID, t.InboxID, t.UpdatedAt)
}

// DeleteTicket removes a ticket, or is ENOTFOUND.
func (tx *Tx) DeleteTicket(ctx context.Context, id parley.ID) error {
	return tx.exec1(ctx, "ticket", `DELETE FROM tickets WHERE id = $1`, id)
}

// LinkTicket links a ticket to a conversation; linked already is no
// change.
func (tx *Tx) LinkTicket(ctx context.Context, ticketID, conversationID parley.ID) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO ticket_conversations (ticket_id, conversation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
		ticketID, conversationID)
	return tx.wrap(err, "link ticket")
}

// UnlinkTicket unlinks a ticket from a conversation, or is ENOTFOUND.
func (tx *Tx) UnlinkTicket(ctx context.Context, ticketID, conversationID parley.ID) error {
	return tx.exec1(ctx, "link", `DELETE FROM ticket_conversations WHERE ticket_id = $1 AND conversation_id = $2`, ticketID, conversationID)
}

// Ticket returns a ticket with its conversations, or ENOTFOUND; in a
// transaction on PostgreSQL its row stays locked to the end.
func (q *Q) Ticket(ctx context.Context, id parley.ID) (*parley.Ticket, error) {
	var t parley.Ticket
	if err := scanTicket(q.db.QueryRowContext(ctx, `SELECT `+ticketColumns+` FROM tickets t WHERE t.id = $1`+q.lock, id), &t); err != nil {
		return nil, q.notFound(err, "ticket")
	}
	ts := []parley.Ticket{t}
	if err := q.ticketConversations(ctx, ts); err != nil {
		return nil, err
	}
	return &ts[0], nil
}

// ticketConversations fills in each ticket's conversations.
func (q *Q) ticketConversations(ctx context.Context, ts []parley.Ticket) error {
	if len(ts) == 0 {
		return nil
	}
	var b binder
	at := map[parley.ID]int{}
	ids := make([]string, len(ts))
	for i, t := range ts {
		at[t.ID] = i
		ids[i] = b.add(t.ID)
	}
	return q.eachRow(ctx, "ticket conversations", `SELECT ticket_id, conversation_id FROM ticket_conversations
		WHERE ticket_id IN (`+strings.Join(ids, ", ")+`) ORDER BY conversation_id`, b.args, func(rows *sql.Rows) error {
		var t, c parley.ID
		if err := rows.Scan(&t, &c); err != nil {
			return err
		}
		ts[at[t]].ConversationIDs = append(ts[at[t]].ConversationIDs, c)
		return nil
	})
}

// TicketFilter chooses tickets. Readable, when not nil, keeps those a
// reader may see: the tickets linked to no conversation, and those linked
// to a conversation in one of the inboxes it lists.
type TicketFilter struct {
	PipelineID     parley.ID
	StageID        parley.ID
	Status         parley.Status
	OwnerID        *parley.ID // 0: without an owner
	ContactID      parley.ID
	CompanyID      parley.ID
	ConversationID parley.ID
	FollowsID      parley.ID // the tickets whose owner follows this conversation's
	Readable       *[]parley.ID
	After          *Cursor // the page after this (updated_at, id), newest first
	Limit          int
}

// Tickets returns the tickets f chooses, most recently changed first.
func (q *Q) Tickets(ctx context.Context, f TicketFilter) ([]parley.Ticket, error) {
	var b binder
	where := []string{"TRUE"}
	if f.PipelineID != 0 {
		where = append(where, "t.pipeline_id = "+b.add(f.PipelineID))
	}
	if f.StageID != 0 {
		where = append(where, "t.stage_id = "+b.add(f.StageID))
	}
	if f.Status != "" {
		where = append(where, "t.status = "+b.add(f.Status))
	}
	if f.OwnerID != nil {
		where = append(where, b.owner("t.owner_id", *f.OwnerID))
	}
	if f.ContactID != 0 {
		where = append(where, "t.contact_id = "+b.add(f.ContactID))
	}
	if f.CompanyID != 0 {
		where = append(where, "t.company_id = "+b.add(f.CompanyID))
	}
	if f.ConversationID != 0 {
		where = append(where, "t.id IN (SELECT ticket_id FROM ticket_conversations WHERE conversation_id = "+b.add(f.ConversationID)+")")
	}
	if f.FollowsID != 0 {
		where = append(where, "t.follows_id = "+b.add(f.FollowsID))
	}
	if f.Readable != nil {
		// Linked to no conversation: its inbox's readers (everyone when it
		// has none); else those who may read one of its conversations. One
		// aggregate over its links, probed ticket by ticket (as the
		// contacts' list: no hash of every link first).
		linked, own := "0", "CASE WHEN t.inbox_id IS NULL THEN 1 ELSE 0 END"
		if len(*f.Readable) > 0 {
			list := b.list(*f.Readable)
			linked = "CASE WHEN c.inbox_id IN (" + list + ") THEN 1 ELSE 0 END"
			own = "CASE WHEN t.inbox_id IS NULL OR t.inbox_id IN (" + list + ") THEN 1 ELSE 0 END"
		}
		where = append(where, "COALESCE((SELECT MAX("+linked+") FROM ticket_conversations tc JOIN conversations c ON c.id = tc.conversation_id"+
			" WHERE tc.ticket_id = t.id), "+own+") = 1")
	}
	if f.After != nil {
		at, id := b.add(f.After.At), b.add(f.After.ID)
		where = append(where, "(t.updated_at < "+at+" OR t.updated_at = "+at+" AND t.id < "+id+")")
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	ts, err := appendRows(ctx, q, nil, "tickets", `SELECT `+ticketColumns+` FROM tickets t WHERE `+strings.Join(where, " AND ")+
		` ORDER BY t.updated_at DESC, t.id DESC LIMIT `+b.add(limit), b.args, scanTicket)
	if err != nil {
		return nil, err
	}
	return ts, q.ticketConversations(ctx, ts)
}

// InboxOf returns the inbox of a conversation, read without locking it,
// or ENOTFOUND.
func (q *Q) InboxOf(ctx context.Context, conversationID parley.ID) (parley.ID, error) {
	var id parley.ID
	if err := q.db.QueryRowContext(ctx, `SELECT inbox_id FROM conversations WHERE id = $1`, conversationID).Scan(&id); err != nil {
		return 0, q.notFound(err, "conversation")
	}
	return id, nil
}

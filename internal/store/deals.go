package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/parleyhq/parley/internal/parley"
)

const dealColumns = `d.id, d.name, d.amount, d.currency, d.pipeline_id, d.stage_id, d.status, d.owner_id, d.close_date, d.company_id, d.inbox_id, d.created_at, d.updated_at`

func scanDeal(sc interface{ Scan(...any) error }, d *parley.Deal) error {
	return sc.Scan(&d.ID, &d.Name, &d.Amount, &d.Currency, &d.PipelineID, &d.StageID, &d.Status, &d.OwnerID, &d.CloseDate, &d.CompanyID, &d.InboxID, &d.CreatedAt, &d.UpdatedAt)
}

// CreateDeal inserts d with its contacts and conversations, and sets its
// id.
func (tx *Tx) CreateDeal(ctx context.Context, d *parley.Deal) error {
	err := tx.db.QueryRowContext(ctx, `INSERT INTO deals (name, amount, currency, pipeline_id, stage_id, status, owner_id, close_date, company_id, inbox_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		d.Name, d.Amount, d.Currency, d.PipelineID, d.StageID, d.Status, d.OwnerID, d.CloseDate, d.CompanyID, d.InboxID, d.CreatedAt, d.UpdatedAt).Scan(&d.ID)
	if err != nil {
		return tx.wrap(err, "create deal")
	}
	for _, c := range d.ConversationIDs {
		if err := tx.LinkDeal(ctx, d.ID, c); err != nil {
			return err
		}
	}
	return tx.SetDealContacts(ctx, d.ID, d.ContactIDs)
}

// UpdateDeal saves a deal's fields (not its contacts or conversations).
func (tx *Tx) UpdateDeal(ctx context.Context, d *parley.Deal) error {
	return tx.exec1(ctx, "deal", `UPDATE deals SET name = $2, amount = $3, currency = $4, pipeline_id = $5, stage_id = $6, status = $7,
		owner_id = $8, close_date = $9, company_id = $10, inbox_id = $11, updated_at = $12 WHERE id = $1`,
		d.ID, d.Name, d.Amount, d.Currency, d.PipelineID, d.StageID, d.Status, d.OwnerID, d.CloseDate, d.CompanyID, d.InboxID, d.UpdatedAt)
}

// DeleteDeal removes a deal, or is ENOTFOUND.
func (tx *Tx) DeleteDeal(ctx context.Context, id parley.ID) error {
	return tx.exec1(ctx, "deal", `DELETE FROM deals WHERE id = $1`, id)
}

// SetDealContacts makes contacts a deal's contacts.
func (tx *Tx) SetDealContacts(ctx context.Context, dealID parley.ID, contacts []parley.ID) error {
	if _, err := tx.db.ExecContext(ctx, `DELETE FROM deal_contacts WHERE deal_id = $1`, dealID); err != nil {
		return tx.wrap(err, "deal %d contacts", dealID)
	}
	for _, c := range contacts {
		if _, err := tx.db.ExecContext(ctx, `INSERT INTO deal_contacts (deal_id, contact_id) VALUES ($1, $2)`, dealID, c); err != nil {
			return tx.wrap(err, "deal %d contact", dealID)
		}
	}
	return nil
}

// LinkDeal links a deal to a conversation; linked already is no change.
func (tx *Tx) LinkDeal(ctx context.Context, dealID, conversationID parley.ID) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO deal_conversations (deal_id, conversation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
		dealID, conversationID)
	return tx.wrap(err, "link deal")
}

// UnlinkDeal unlinks a deal from a conversation, or is ENOTFOUND.
func (tx *Tx) UnlinkDeal(ctx context.Context, dealID, conversationID parley.ID) error {
	return tx.exec1(ctx, "link", `DELETE FROM deal_conversations WHERE deal_id = $1 AND conversation_id = $2`, dealID, conversationID)
}

// Deal returns a deal with its contacts and conversations, or ENOTFOUND;
// in a transaction on PostgreSQL its row stays locked to the end.
func (q *Q) Deal(ctx context.Context, id parley.ID) (*parley.Deal, error) {
	var d parley.Deal
	if err := scanDeal(q.db.QueryRowContext(ctx, `SELECT `+dealColumns+` FROM deals d WHERE d.id = $1`+q.lock, id), &d); err != nil {
		return nil, q.notFound(err, "deal")
	}
	ds := []parley.Deal{d}
	if err := q.dealLinks(ctx, ds); err != nil {
		return nil, err
	}
	return &ds[0], nil
}

// dealLinks fills in each deal's contacts and conversations.
func (q *Q) dealLinks(ctx context.Context, ds []parley.Deal) error {
	if len(ds) == 0 {
		return nil
	}
	var b binder
	at := map[parley.ID]int{}
	ids := make([]parley.ID, len(ds))
	for i, d := range ds {
		at[d.ID], ids[i] = i, d.ID
	}
	in := b.list(ids)
	for _, link := range []struct {
		what, query string
		add         func(d *parley.Deal, id parley.ID)
	}{
		{"deal contacts", `SELECT deal_id, contact_id FROM deal_contacts WHERE deal_id IN (` + in + `) ORDER BY contact_id`,
			func(d *parley.Deal, id parley.ID) { d.ContactIDs = append(d.ContactIDs, id) }},
		{"deal conversations", `SELECT deal_id, conversation_id FROM deal_conversations WHERE deal_id IN (` + in + `) ORDER BY conversation_id`,
			func(d *parley.Deal, id parley.ID) { d.ConversationIDs = append(d.ConversationIDs, id) }},
	} {
		if err := q.eachRow(ctx, link.what, link.query, b.args, func(rows *sql.Rows) error {
			var d, id parley.ID
			if err := rows.Scan(&d, &id); err != nil {
				return err
			}
			link.add(&ds[at[d]], id)
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// DealFilter chooses deals. Readable, when not nil, keeps those a reader
// may see: the deals linked to no conversation, and those linked to a
// conversation in one of the inboxes it lists.
type DealFilter struct {
	PipelineID     parley.ID
	StageID        parley.ID
	Status         parley.Status
	OwnerID        *parley.ID // 0: without an owner
	ContactID      parley.ID
	CompanyID      parley.ID
	ConversationID parley.ID
	Readable       *[]parley.ID
	After          *Cursor // the page after this (updated_at, id), newest first
	Limit          int
}

// Deals returns the deals f chooses, most recently changed first.
func (q *Q) Deals(ctx context.Context, f DealFilter) ([]parley.Deal, error) {
	var b binder
	where := []string{"1 = 1"}
	for _, eq := range []struct {
		column string
		id     parley.ID
	}{{"d.pipeline_id", f.PipelineID}, {"d.stage_id", f.StageID}, {"d.company_id", f.CompanyID}} {
		if eq.id != 0 {
			where = append(where, eq.column+" = "+b.add(eq.id))
		}
	}
	if f.Status != "" {
		where = append(where, "d.status = "+b.add(f.Status))
	}
	if f.OwnerID != nil {
		where = append(where, b.owner("d.owner_id", *f.OwnerID))
	}
	if f.ContactID != 0 {
		where = append(where, "d.id IN (SELECT deal_id FROM deal_contacts WHERE contact_id = "+b.add(f.ContactID)+")")
	}
	if f.ConversationID != 0 {
		where = append(where, "d.id IN (SELECT deal_id FROM deal_conversations WHERE conversation_id = "+b.add(f.ConversationID)+")")
	}
	if f.Readable != nil {
		// Linked to one in a readable inbox, or to none and of a readable
		// inbox (or of none): one aggregate over its links, probed deal by
		// deal (as the tickets').
		linked, own := "0", "CASE WHEN d.inbox_id IS NULL THEN 1 ELSE 0 END"
		if len(*f.Readable) > 0 {
			list := b.list(*f.Readable)
			linked = "CASE WHEN c.inbox_id IN (" + list + ") THEN 1 ELSE 0 END"
			own = "CASE WHEN d.inbox_id IS NULL OR d.inbox_id IN (" + list + ") THEN 1 ELSE 0 END"
		}
		where = append(where, "COALESCE((SELECT MAX("+linked+") FROM deal_conversations dc JOIN conversations c ON c.id = dc.conversation_id"+
			" WHERE dc.deal_id = d.id), "+own+") = 1")
	}
	if f.After != nil {
		at, id := b.add(f.After.At), b.add(f.After.ID)
		where = append(where, "(d.updated_at < "+at+" OR d.updated_at = "+at+" AND d.id < "+id+")")
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	ds, err := appendRows(ctx, q, []parley.Deal{}, "deals", `SELECT `+dealColumns+` FROM deals d WHERE `+strings.Join(where, " AND ")+
		` ORDER BY d.updated_at DESC, d.id DESC LIMIT `+b.add(limit), b.args, scanDeal)
	if err != nil {
		return nil, err
	}
	return ds, q.dealLinks(ctx, ds)
}

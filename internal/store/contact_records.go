package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/parley"
)

// writeEmails makes emails (lowercased, in order, the first primary) a
// contact's addresses. An address another contact has is ECONFLICT.
func (tx *Tx) writeEmails(ctx context.Context, contactID parley.ID, emails []string) error {
	if _, err := tx.db.ExecContext(ctx, `DELETE FROM contact_emails WHERE contact_id = $1`, contactID); err != nil {
		return tx.wrap(err, "contact %d emails", contactID)
	}
	for i, e := range emails {
		if err := tx.insertEmail(ctx, contactID, strings.ToLower(strings.TrimSpace(e)), i); err != nil {
			return err
		}
	}
	return nil
}

// writePhones makes phones, in order, a contact's phones.
func (tx *Tx) writePhones(ctx context.Context, contactID parley.ID, phones []string) error {
	if _, err := tx.db.ExecContext(ctx, `DELETE FROM contact_phones WHERE contact_id = $1`, contactID); err != nil {
		return tx.wrap(err, "contact %d phones", contactID)
	}
	return tx.insertPhones(ctx, contactID, phones)
}

// insertPhones adds phones, in order, to a contact that has none.
func (tx *Tx) insertPhones(ctx context.Context, contactID parley.ID, phones []string) error {
	for i, p := range phones {
		if _, err := tx.db.ExecContext(ctx, `INSERT INTO contact_phones (contact_id, phone, position) VALUES ($1, $2, $3)`, contactID, p, i); err != nil {
			return tx.wrap(err, "contact %d phone", contactID)
		}
	}
	return nil
}

// ContactFilter chooses a page of the contacts list, newest first.
type ContactFilter struct {
	// Query is words every contact found has in its name, addresses or
	// phones, as the start of a word (one of more than six characters
	// before the last, whole: contactMatch).
	Query []string
	// EmailPrefix finds the contacts with an address that starts so.
	EmailPrefix string
	// All is every contact (an admin); otherwise those with a conversation
	// in one of Inboxes, or with no conversation at all.
	All       bool
	Inboxes   []parley.ID
	OwnerID   *parley.ID // 0: without an owner
	CompanyID parley.ID
	// Domain chooses the contacts with an address at it and no company.
	Domain string
	After  parley.ID // the cursor: ids below it
	Limit  int
}

// contactWindow is how many full-text candidates a page of a search
// reads at a time, newest first, before its other filters.
const contactWindow = 200

// ListContacts returns a page of contacts, newest first, with their
// emails and phones. A search never sorts every match: on SQLite FTS5
// hands them newest first a window at a time (its prefix indexes make the
// last word one doclist, migration 00034); on PostgreSQL the newest
// contacts are tried first, the GIN index after for a rarer word.
func (q *Q) ListContacts(ctx context.Context, f ContactFilter) ([]*parley.Contact, error) {
	var ids []parley.ID
	var err error
	switch {
	case len(f.Query) > 0 && q.d.name() == "sqlite":
		ids, err = q.searchContactsFTS(ctx, f)
	case len(f.Query) > 0:
		match := q.contactMatch(f.Query)
		ids, err = q.contactIDs(ctx, f, `k.id IN (SELECT r.id FROM (SELECT id, search FROM contacts ORDER BY id DESC LIMIT 5000) r
			WHERE r.search @@ to_tsquery('simple', $1))`, match)
		if err == nil && len(ids) < f.Limit {
			ids, err = q.contactIDs(ctx, f, `k.search @@ to_tsquery('simple', $1)`, match)
		}
	case f.Domain != "":
		ids, err = q.contactIDs(ctx, f, `k.company_id IS NULL AND k.id IN (SELECT contact_id FROM contact_emails WHERE domain = $1)`, f.Domain)
	case f.EmailPrefix != "" && q.d.name() == "sqlite":
		// A range of the primary key, in byte order (SQLite's BINARY).
		p := f.EmailPrefix
		ids, err = q.contactIDs(ctx, f, `k.id IN (SELECT contact_id FROM contact_emails WHERE email >= $1 AND email < $2)`,
			p, p[:len(p)-1]+string([]byte{p[len(p)-1] + 1}))
	case f.EmailPrefix != "":
		// text_pattern_ops (migration 00034) serves LIKE with a prefix.
		like := strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(f.EmailPrefix) + "%"
		ids, err = q.contactIDs(ctx, f, `k.id IN (SELECT contact_id FROM contact_emails WHERE email LIKE $1)`, like)
	default:
		ids, err = q.contactIDs(ctx, f, "")
	}
	if err != nil {
		return nil, err
	}
	return q.contactsFull(ctx, ids)
}

// contactMatch renders words as a full-text query: the last, and any of
// up to six characters (those FTS5's prefix indexes serve), as the start
// of a word; a longer one before the last whole, as typed in full.
func (q *Q) contactMatch(words []string) string {
	terms := make([]SearchTerm, len(words))
	for i, w := range words {
		terms[i] = SearchTerm{Words: []string{w}, Prefix: i == len(words)-1 || utf8.RuneCountInString(w) <= 6}
	}
	return q.d.search().render(terms)
}

// searchContactsFTS pages through FTS5's matches newest first, a window
// at a time, keeping those f's other filters let through.
func (q *Q) searchContactsFTS(ctx context.Context, f ContactFilter) ([]parley.ID, error) {
	match := q.contactMatch(f.Query)
	after := f.After
	var out []parley.ID
	for len(out) < f.Limit {
		var window []parley.ID
		var err error
		if after > 0 {
			window, err = q.ids(ctx, `SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH $1 AND rowid < $2 ORDER BY rowid DESC LIMIT $3`, match, after, contactWindow)
		} else {
			window, err = q.ids(ctx, `SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH $1 ORDER BY rowid DESC LIMIT $2`, match, contactWindow)
		}
		if err != nil || len(window) == 0 {
			return out, err
		}
		var b binder
		kept, err := q.contactIDs(ctx, ContactFilter{All: f.All, Inboxes: f.Inboxes, OwnerID: f.OwnerID, CompanyID: f.CompanyID, Limit: f.Limit - len(out)},
			"k.id IN ("+b.list(window)+")", b.args...)
		if err != nil {
			return nil, err
		}
		out = append(out, kept...)
		if len(window) < contactWindow {
			return out, nil
		}
		after = window[len(window)-1]
	}
	return out, nil
}

// contactIDs returns the ids of a page of contacts that cond (its
// arguments numbered from $1) and f's filters choose, newest first.
func (q *Q) contactIDs(ctx context.Context, f ContactFilter, cond string, condArgs ...any) ([]parley.ID, error) {
	b := binder{args: condArgs}
	where, arg := []string{"1 = 1"}, b.add
	if cond != "" {
		where = append(where, cond)
	}
	if f.After > 0 {
		where = append(where, "k.id < "+arg(f.After))
	}
	if f.CompanyID != 0 {
		where = append(where, "k.company_id = "+arg(f.CompanyID))
	}
	if f.OwnerID != nil {
		where = append(where, b.owner("k.owner_id", *f.OwnerID))
	}
	if !f.All {
		// Seen: no conversation, or one in a readable inbox. Written as one
		// aggregate over the contact's conversations, so each candidate is
		// a probe of conversations_contact: as NOT EXISTS … OR EXISTS …,
		// PostgreSQL hashed every conversation's contact first (48 ms at
		// 100k, W3).
		readable := "0"
		if len(f.Inboxes) > 0 {
			readable = "CASE WHEN c.inbox_id IN (" + b.list(f.Inboxes) + ") THEN 1 ELSE 0 END"
		}
		where = append(where, "COALESCE((SELECT MAX("+readable+") FROM conversations c WHERE c.contact_id = k.id), 1) = 1")
	}
	return q.ids(ctx, `SELECT k.id FROM contacts k WHERE `+strings.Join(where, " AND ")+` ORDER BY k.id DESC LIMIT `+arg(f.Limit), b.args...)
}

// contactsFull returns the contacts with ids, in that order, whole: three
// queries whatever their number.
func (q *Q) contactsFull(ctx context.Context, ids []parley.ID) ([]*parley.Contact, error) {
	if len(ids) == 0 {
		return []*parley.Contact{}, nil
	}
	byID := make(map[parley.ID]*parley.Contact, len(ids))
	args, in := inList(ids, 0)
	if err := q.eachRow(ctx, "contacts", `SELECT `+contactColumns+` FROM contacts WHERE id IN (`+in+`)`, args, func(rows *sql.Rows) error {
		var c parley.Contact
		if err := scanContact(rows, &c); err != nil {
			return err
		}
		byID[c.ID] = &c
		return nil
	}); err != nil {
		return nil, err
	}
	if err := q.addresses(ctx, byID); err != nil {
		return nil, err
	}
	out := make([]*parley.Contact, 0, len(ids))
	for _, id := range ids {
		if c := byID[id]; c != nil {
			out = append(out, c)
		}
	}
	return out, nil
}

const contactColumns = `id, name, name_inbox_id, owner_id, company_id, blocked_at, created_at, details`

func scanContact(sc interface{ Scan(...any) error }, c *parley.Contact) error {
	var details string
	if err := sc.Scan(&c.ID, &c.Name, &c.NameInbox, &c.OwnerID, &c.CompanyID, &c.BlockedAt, &c.CreatedAt, &details); err != nil {
		return err
	}
	if details != "" {
		if err := json.Unmarshal([]byte(details), &c.Details); err != nil {
			return fmt.Errorf("contact %d: details: %w", c.ID, err)
		}
	}
	return nil
}

// addresses fills in the emails and phones of the contacts byID holds, in
// order, the first of each the primary: one query for them all.
func (q *Q) addresses(ctx context.Context, byID map[parley.ID]*parley.Contact) error {
	ids := make([]parley.ID, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	args, in := inList(ids, 0)
	err := q.eachRow(ctx, "contact addresses", `SELECT contact_id, 'e', email, position FROM contact_emails WHERE contact_id IN (`+in+`)
		UNION ALL SELECT contact_id, 'p', phone, position FROM contact_phones WHERE contact_id IN (`+in+`)
		ORDER BY 1, 2, 4, 3`, args, func(rows *sql.Rows) error {
		var id parley.ID
		var kind, value string
		var position int
		if err := rows.Scan(&id, &kind, &value, &position); err != nil {
			return err
		}
		if c := byID[id]; kind == "e" {
			c.Emails = append(c.Emails, value)
		} else {
			c.Phones = append(c.Phones, value)
		}
		return nil
	})
	for _, c := range byID {
		if len(c.Emails) > 0 {
			c.Email = c.Emails[0]
		}
		if len(c.Phones) > 0 {
			c.Phone = c.Phones[0]
		}
	}
	return err
}

// ContactMerge is a contact merged into another: who they were.
type ContactMerge struct {
	ContactID parley.ID // the contact kept
	MergedID  parley.ID // the contact merged in, gone since
	Name      string
	NameInbox *parley.ID // where the name was learnt, as Contact.NameInbox
	Emails    []string
	UserID    *parley.ID
	MergedAt  time.Time
}

// MergeContact moves everything of the contact gone to the contact kept —
// conversations, the messages they wrote, tickets, deals, chat visitors,
// consents, list memberships, addresses and phones — records the merge and
// deletes gone. Kept's fields, details and block are written as the
// caller folded them.
func (tx *Tx) MergeContact(ctx context.Context, kept *parley.Contact, gone *parley.Contact, m ContactMerge) error {
	for _, table := range []string{"conversations", "messages", "tickets", "visitors", "contact_consents"} {
		if _, err := tx.db.ExecContext(ctx, `UPDATE `+table+` SET contact_id = $1 WHERE contact_id = $2`, kept.ID, gone.ID); err != nil {
			return tx.wrap(err, "merge contact %d: %s", gone.ID, table)
		}
	}
	if _, err := tx.db.ExecContext(ctx, `INSERT INTO contact_list_members (list_id, contact_id, added_at)
		SELECT g.list_id, $1, g.added_at FROM contact_list_members g WHERE g.contact_id = $2
		AND NOT EXISTS (SELECT 1 FROM contact_list_members k WHERE k.list_id = g.list_id AND k.contact_id = $1)`, kept.ID, gone.ID); err != nil {
		return tx.wrap(err, "merge contact %d: lists", gone.ID)
	}
	if _, err := tx.db.ExecContext(ctx, `INSERT INTO deal_contacts (deal_id, contact_id)
		SELECT g.deal_id, $1 FROM deal_contacts g WHERE g.contact_id = $2
		AND NOT EXISTS (SELECT 1 FROM deal_contacts k WHERE k.deal_id = g.deal_id AND k.contact_id = $1)`, kept.ID, gone.ID); err != nil {
		return tx.wrap(err, "merge contact %d: deals", gone.ID)
	}
	if _, err := tx.db.ExecContext(ctx, `UPDATE contact_merges SET contact_id = $1 WHERE contact_id = $2`, kept.ID, gone.ID); err != nil {
		return tx.wrap(err, "merge contact %d: merges", gone.ID)
	}
	// Its addresses go with it: deleted first, they are free for kept.
	if err := tx.exec1(ctx, "contact", `DELETE FROM contacts WHERE id = $1`, gone.ID); err != nil {
		return err
	}
	if err := tx.UpdateContact(ctx, kept); err != nil {
		return err
	}
	if _, err := tx.db.ExecContext(ctx, `UPDATE contacts SET details = $2, blocked_at = $3 WHERE id = $1`, kept.ID, detailsText(kept.Details), kept.BlockedAt); err != nil {
		return tx.wrap(err, "merge contact %d: details", gone.ID)
	}
	emails, _ := json.Marshal(m.Emails)
	_, err := tx.db.ExecContext(ctx, `INSERT INTO contact_merges (contact_id, merged_id, name, name_inbox_id, emails, user_id, merged_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		kept.ID, gone.ID, m.Name, m.NameInbox, string(emails), m.UserID, m.MergedAt)
	return tx.wrap(err, "merge contact %d: record", gone.ID)
}

// ContactMerges returns the contacts merged into a contact, oldest first.
func (q *Q) ContactMerges(ctx context.Context, contactID parley.ID) ([]ContactMerge, error) {
	return appendRows(ctx, q, []ContactMerge{}, "contact merges", `SELECT contact_id, merged_id, name, name_inbox_id, emails, user_id, merged_at
		FROM contact_merges WHERE contact_id = $1 ORDER BY id`, []any{contactID}, func(sc interface{ Scan(...any) error }, m *ContactMerge) error {
		var emails string
		if err := sc.Scan(&m.ContactID, &m.MergedID, &m.Name, &m.NameInbox, &emails, &m.UserID, &m.MergedAt); err != nil {
			return err
		}
		return json.Unmarshal([]byte(emails), &m.Emails)
	})
}

// MergedInto returns the contact a contact merged away now is (following
// merges of merges), or ENOTFOUND.
func (q *Q) MergedInto(ctx context.Context, goneID parley.ID) (parley.ID, error) {
	var id parley.ID
	err := q.db.QueryRowContext(ctx, `SELECT contact_id FROM contact_merges WHERE merged_id = $1`, goneID).Scan(&id)
	return id, q.notFound(err, "contact")
}

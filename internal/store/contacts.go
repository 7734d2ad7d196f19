package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/parleyhq/parley/internal/parley"
)

// CreateContact inserts c with its emails (lowercased, primary first) and sets
// c.ID. An email that belongs to another contact is ECONFLICT.
func (tx *Tx) CreateContact(ctx context.Context, c *parley.Contact) error {
	normalizeContact(c)
	err := tx.db.QueryRowContext(ctx, `INSERT INTO contacts (name, name_inbox_id, owner_id, company_id, search_text, details, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		c.Name, c.NameInbox, c.OwnerID, c.CompanyID, contactSearchText(c), detailsText(c.Details), c.CreatedAt).Scan(&c.ID)
	if err != nil {
		return tx.wrap(err, "create contact")
	}
	for i, e := range c.Emails {
		if err := tx.insertEmail(ctx, c.ID, e, i); err != nil {
			return err
		}
	}
	return tx.insertPhones(ctx, c.ID, c.Phones)
}

// normalizeContact lowercases a new contact's emails and puts the primary
// email and phone first in Emails and Phones.
func normalizeContact(c *parley.Contact) {
	emails := c.Emails
	if c.Email != "" && (len(emails) == 0 || !strings.EqualFold(emails[0], c.Email)) {
		emails = append([]string{c.Email}, emails...)
	}
	c.Email, c.Emails = "", nil
	for _, e := range emails {
		c.Emails = append(c.Emails, strings.ToLower(strings.TrimSpace(e)))
	}
	if len(c.Emails) > 0 {
		c.Email = c.Emails[0]
	}
	c.Phones = phonesOf(c)
}

// phonesOf is a contact's phones with the primary first, as Emails.
func phonesOf(c *parley.Contact) []string {
	phones := c.Phones
	if c.Phone != "" && (len(phones) == 0 || phones[0] != c.Phone) {
		phones = append([]string{c.Phone}, phones...)
	}
	if len(phones) > 0 {
		c.Phone = phones[0]
	}
	return phones
}

// detailsText is how details are kept: JSON, or empty for none.
func detailsText(d map[string]string) string {
	if len(d) == 0 {
		return ""
	}
	b, _ := json.Marshal(d) // a map of strings always marshals
	return string(b)
}

// contactSearchText is the text search finds a contact by: the name and
// every address, whole and in parts ("jo.lima@example.org" is found by "jo",
// "lima" and "example").
func contactSearchText(c *parley.Contact) string {
	parts := []string{c.Name}
	parts = append(parts, c.Phones...)
	for _, e := range c.Emails {
		parts = append(parts, e, strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return r
			}
			return ' '
		}, e))
	}
	return strings.Join(parts, " ")
}

// indexContact refreshes a contact's search text.
func (tx *Tx) indexContact(ctx context.Context, c *parley.Contact) error {
	return tx.exec1(ctx, "contact", `UPDATE contacts SET search_text = $2 WHERE id = $1`, c.ID, contactSearchText(c))
}

func (tx *Tx) insertEmail(ctx context.Context, contactID parley.ID, email string, position int) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO contact_emails (email, contact_id, position, domain) VALUES ($1, $2, $3, $4)`,
		email, contactID, position, email[strings.LastIndex(email, "@")+1:])
	return tx.wrap(err, "contact %d email", contactID)
}

// FillContact sets a contact's name or phone (field) to value as a chat
// visitor gave it in inbox, unless a person set it: a name only replaces
// one learnt from a message (or none), a phone only an empty one. Nothing
// else of the contact is written.
func (tx *Tx) FillContact(ctx context.Context, id parley.ID, field, value string, inbox parley.ID) error {
	var name string
	var nameInbox *parley.ID
	var phones int
	if err := tx.db.QueryRowContext(ctx, `SELECT name, name_inbox_id, (SELECT COUNT(*) FROM contact_phones p WHERE p.contact_id = contacts.id) FROM contacts WHERE id = $1`+tx.lock, id).Scan(&name, &nameInbox, &phones); err != nil {
		return tx.notFound(err, "contact")
	}
	switch {
	case field == "name" && (name == "" || nameInbox != nil):
		c, err := tx.Contact(ctx, id)
		if err != nil {
			return err
		}
		c.Name, c.NameInbox = value, &inbox
		return tx.NameContact(ctx, c)
	case field == "phone" && phones == 0:
		if err := tx.writePhones(ctx, id, []string{value}); err != nil {
			return err
		}
		c, err := tx.Contact(ctx, id)
		if err != nil {
			return err
		}
		return tx.indexContact(ctx, c)
	}
	return nil
}

// NameContact saves a contact's name, where it was learnt, and its search
// text; nothing else of it is written (UpdateContact writes it all).
func (tx *Tx) NameContact(ctx context.Context, c *parley.Contact) error {
	if err := tx.exec1(ctx, "contact", `UPDATE contacts SET name = $2, name_inbox_id = $3 WHERE id = $1`, c.ID, c.Name, c.NameInbox); err != nil {
		return err
	}
	return tx.indexContact(ctx, c)
}

// SetContactDetail saves one detail of a contact that has no column of
// its own (a company, a custom field a chat bot asked), or removes it when
// value is empty. Only this writes details: saving a contact's other
// fields never loses them.
func (tx *Tx) SetContactDetail(ctx context.Context, id parley.ID, key, value string) error {
	var raw string
	if err := tx.db.QueryRowContext(ctx, `SELECT details FROM contacts WHERE id = $1`+tx.lock, id).Scan(&raw); err != nil {
		return tx.notFound(err, "contact")
	}
	details := map[string]string{}
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &details); err != nil {
			return fmt.Errorf("store: contact %d: details: %w", id, err)
		}
	}
	if value == "" {
		delete(details, key)
	} else {
		details[key] = value
	}
	b, err := json.Marshal(details)
	if err != nil {
		return err
	}
	return tx.exec1(ctx, "contact", `UPDATE contacts SET details = $2 WHERE id = $1`, id, string(b))
}

// UpdateContact saves a contact's name (and where it came from), emails,
// phones and owner. An email another contact has is ECONFLICT.
func (tx *Tx) UpdateContact(ctx context.Context, c *parley.Contact) error {
	if err := tx.exec1(ctx, "contact", `UPDATE contacts SET name = $2, name_inbox_id = $3, owner_id = $4, company_id = $5 WHERE id = $1`,
		c.ID, c.Name, c.NameInbox, c.OwnerID, c.CompanyID); err != nil {
		return err
	}
	if err := tx.writeEmails(ctx, c.ID, c.Emails); err != nil {
		return err
	}
	c.Phones = phonesOf(c)
	if err := tx.writePhones(ctx, c.ID, c.Phones); err != nil {
		return err
	}
	c.Email = ""
	if len(c.Emails) > 0 {
		c.Email = c.Emails[0]
	}
	return tx.indexContact(ctx, c)
}

// SetContactBlocked blocks a contact from at, or unblocks it when at is nil.
func (tx *Tx) SetContactBlocked(ctx context.Context, id parley.ID, at *time.Time) error {
	return tx.exec1(ctx, "contact", `UPDATE contacts SET blocked_at = $2 WHERE id = $1`, id, at)
}

// Contact returns a contact with its emails, or ENOTFOUND.
func (q *Q) Contact(ctx context.Context, id parley.ID) (*parley.Contact, error) {
	return q.contactWhere(ctx, `id = $1`, id)
}

// contactWhere returns the contact the condition finds, with its addresses,
// or ENOTFOUND. In a transaction on PostgreSQL the row stays locked to the
// end: what reads a contact to write it back loses no one else's change.
func (q *Q) contactWhere(ctx context.Context, where string, arg any) (*parley.Contact, error) {
	var c parley.Contact
	if err := scanContact(q.db.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts WHERE `+where+q.lock, arg), &c); err != nil {
		return nil, q.notFound(err, "contact")
	}
	return &c, q.addresses(ctx, map[parley.ID]*parley.Contact{c.ID: &c})
}

// ContactByEmail returns the contact with an address, or ENOTFOUND.
func (q *Q) ContactByEmail(ctx context.Context, email string) (*parley.Contact, error) {
	// One statement, not the address's then the contact's: every message
	// pushed by email looks its sender up (W11).
	return q.contactWhere(ctx, `id = (SELECT contact_id FROM contact_emails WHERE email = $1)`,
		strings.ToLower(strings.TrimSpace(email)))
}

// ContactByPhone returns the first contact (the oldest) with the phone
// number as written, or ENOTFOUND.
func (q *Q) ContactByPhone(ctx context.Context, phone string) (*parley.Contact, error) {
	var id parley.ID
	err := q.db.QueryRowContext(ctx, `SELECT contact_id FROM contact_phones WHERE phone = $1 ORDER BY contact_id LIMIT 1`, strings.TrimSpace(phone)).Scan(&id)
	if err != nil {
		return nil, q.notFound(err, "contact")
	}
	return q.Contact(ctx, id)
}

// ContactsByID returns the contacts with the given ids (name, its inbox
// and the primary email only), by id.
func (q *Q) ContactsByID(ctx context.Context, ids []parley.ID) (map[parley.ID]*parley.Contact, error) {
	out := map[parley.ID]*parley.Contact{}
	ids = parley.Unique(ids)
	if len(ids) == 0 {
		return out, nil
	}
	args, in := inList(ids, 0)
	if err := q.eachRow(ctx, "contacts", `SELECT c.id, c.name, c.name_inbox_id, c.blocked_at, c.created_at,
		COALESCE((SELECT e.email FROM contact_emails e WHERE e.contact_id = c.id ORDER BY e.position, e.email LIMIT 1), '')
		FROM contacts c WHERE c.id IN (`+in+`)`, args, func(rows *sql.Rows) error {
		var c parley.Contact
		if err := rows.Scan(&c.ID, &c.Name, &c.NameInbox, &c.BlockedAt, &c.CreatedAt, &c.Email); err != nil {
			return err
		}
		out[c.ID] = &c
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// SearchContacts returns up to limit contacts whose name or an address
// contains query (case-insensitive), newest first: those with a
// conversation in one of inboxes, or any contact when all is set (an
// admin). It serves the picker that attaches a contact to a conversation,
// so a plain substring match over a bounded result is enough.
func (q *Q) SearchContacts(ctx context.Context, query string, inboxes []parley.ID, all bool, limit int) ([]parley.ID, error) {
	pattern := "%" + likeEscape(strings.ToLower(strings.TrimSpace(query))) + "%"
	if all {
		return q.ids(ctx, `SELECT id FROM contacts WHERE LOWER(search_text) LIKE $1 ESCAPE '\' ORDER BY id DESC LIMIT $2`, pattern, limit)
	}
	if len(inboxes) == 0 {
		return nil, nil
	}
	args, in := inList(inboxes, 2)
	return q.ids(ctx, `SELECT k.id FROM contacts k WHERE LOWER(k.search_text) LIKE $1 ESCAPE '\'
		AND EXISTS (SELECT 1 FROM conversations c WHERE c.contact_id = k.id AND c.inbox_id IN (`+in+`))
		ORDER BY k.id DESC LIMIT $2`, append([]any{pattern, limit}, args...)...)
}

// AddContactEmail gives a contact one more address, after those it has; an
// address another contact has is ECONFLICT.
func (tx *Tx) AddContactEmail(ctx context.Context, contactID parley.ID, email string) error {
	var n int
	if err := tx.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM contact_emails WHERE contact_id = $1`, contactID).Scan(&n); err != nil {
		return tx.wrap(err, "contact %d emails", contactID)
	}
	if err := tx.insertEmail(ctx, contactID, strings.ToLower(email), n); err != nil {
		return err
	}
	c, err := tx.Contact(ctx, contactID)
	if err != nil {
		return err
	}
	return tx.indexContact(ctx, c)
}

package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// Erasure (issue 18, GDPR): a contact erased leaves no row of theirs, only
// hashes in erased_keys (migration 00051) — of their addresses and of the
// dedupe keys of every item of theirs — so that what was erased is not
// taken in again by a re-delivery or a mailbox re-sync.

// Erased kinds.
const (
	ErasedEmail = "email" // a normalised address
	ErasedKey   = "key"   // an inbound dedupe key (mid:…, imap:…, a client id)
)

// ErasedHash is what erased_keys keeps of a value: its SHA-256, never the
// value.
func ErasedHash(kind, value string) string {
	if kind == ErasedEmail {
		value = strings.ToLower(strings.TrimSpace(value))
	}
	sum := sha256.Sum256([]byte("parley-erased\x00" + kind + "\x00" + value))
	return hex.EncodeToString(sum[:])
}

// PutErased records that a value of kind was erased.
func (tx *Tx) PutErased(ctx context.Context, kind, value string, at time.Time) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO erased_keys (hash, kind, erased_at) VALUES ($1, $2, $3)
		ON CONFLICT (hash) DO NOTHING`, ErasedHash(kind, value), kind, at)
	return tx.wrap(err, "erased key")
}

// AnyErased reports whether any of the values of kind was erased.
func (q *Q) AnyErased(ctx context.Context, kind string, values []string) (bool, error) {
	if len(values) == 0 {
		return false, nil
	}
	hashes := make([]string, len(values))
	for i, v := range values {
		hashes[i] = ErasedHash(kind, v)
	}
	args, in := inList(hashes, 0)
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM erased_keys WHERE hash IN (`+in+`)`, args...).Scan(&n)
	return n > 0, q.wrap(err, "erased keys")
}

// ErasedAt returns when a value of kind was erased, or nil.
func (q *Q) ErasedAt(ctx context.Context, kind, value string) (*time.Time, error) {
	var at time.Time
	err := q.db.QueryRowContext(ctx, `SELECT erased_at FROM erased_keys WHERE hash = $1`, ErasedHash(kind, value)).Scan(&at)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, q.wrap(err, "erased key")
	}
	return &at, nil
}

// Erasure is what erasing a contact deleted.
type Erasure struct {
	Conversations []parley.Conversation // theirs, as they were
	MessageIDs    []parley.ID           // in them, and theirs in others' conversations
	Attachments   int
	Touched       []parley.ID // others' conversations that lost a message of theirs: their previews are to be made again
	Blobs         []string    // the blob keys the deleted rows named: remove those no row names any more
}

// EraseContact deletes a contact and everything of theirs, everywhere:
// their conversations (messages, attachments, raw mail, search entries,
// threads, participants, notifications, mentions, ticket and deal links),
// the messages they wrote in others' conversations, their addresses,
// phones, visitors, consents, list and deal memberships, what was merged
// into them; the data of the events of what was deleted (the log keeps
// their type and time) and the webhook deliveries made of them. It keeps
// hashes of their addresses and of the dedupe keys of their items
// (erased_keys). The caller appends its events and removes the blobs
// UnreferencedBlobs names after commit.
func (tx *Tx) EraseContact(ctx context.Context, c *parley.Contact, at time.Time) (*Erasure, error) {
	out := &Erasure{}
	var err error
	if out.Conversations, err = appendRows(ctx, &tx.Q, nil, "contact conversations", `SELECT `+conversationColumns+conversationFrom+`
		WHERE c.contact_id = $1 ORDER BY c.id`, []any{c.ID}, scanConversation); err != nil {
		return nil, err
	}
	convs := make([]parley.ID, len(out.Conversations))
	for i := range out.Conversations {
		convs[i] = out.Conversations[i].ID
	}
	// Their messages elsewhere: written by them in a conversation that is
	// now another contact's.
	others, err := tx.ids(ctx, `SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE m.contact_id = $1 AND (c.contact_id IS NULL OR c.contact_id <> $1) ORDER BY m.id`, c.ID)
	if err != nil {
		return nil, err
	}
	// What the deleted rows name, counted and gathered before they go.
	if out.Blobs, err = tx.ConversationBlobs(ctx, convs); err != nil {
		return nil, err
	}
	more, err := tx.MessageBlobs(ctx, others)
	if err != nil {
		return nil, err
	}
	out.Blobs = append(out.Blobs, more...)
	out.MessageIDs = others
	if len(convs) > 0 {
		args, in := inList(convs, 0)
		ids, err := tx.ids(ctx, `SELECT id FROM messages WHERE conversation_id IN (`+in+`) ORDER BY id`, args...)
		if err != nil {
			return nil, err
		}
		out.MessageIDs = append(ids, others...)
	}
	if len(out.MessageIDs) > 0 {
		args, in := inList(out.MessageIDs, 0)
		if err := tx.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachments WHERE message_id IN (`+in+`)`, args...).Scan(&out.Attachments); err != nil {
			return nil, tx.wrap(err, "erase contact %d: attachments", c.ID)
		}
	}
	// Their items' dedupe keys become hashes: recognised, not readable.
	var keys []string
	keyQuery := func(ids []parley.ID, col string) error {
		if len(ids) == 0 {
			return nil
		}
		args, in := inList(ids, 0)
		return tx.eachRow(ctx, "erase contact: keys", `SELECT dedupe_key FROM inbound_keys WHERE `+col+` IN (`+in+`)`, args,
			func(rows *sql.Rows) error {
				var k string
				if err := rows.Scan(&k); err != nil {
					return err
				}
				keys = append(keys, k)
				return nil
			})
	}
	if err := keyQuery(convs, "conversation_id"); err != nil {
		return nil, err
	}
	if err := keyQuery(others, "message_id"); err != nil {
		return nil, err
	}
	for _, k := range keys {
		if err := tx.PutErased(ctx, ErasedKey, k, at); err != nil {
			return nil, err
		}
	}
	for _, e := range c.Emails {
		if err := tx.PutErased(ctx, ErasedEmail, e, at); err != nil {
			return nil, err
		}
	}
	exec := func(what, query string, args ...any) error {
		_, err := tx.db.ExecContext(ctx, query, args...)
		return tx.wrap(err, "erase contact %d: %s", c.ID, what)
	}
	for _, part := range []struct {
		ids []parley.ID
		col string
	}{{convs, "conversation_id"}, {others, "message_id"}} {
		if len(part.ids) == 0 {
			continue
		}
		args, in := inList(part.ids, 0)
		if err := exec("inbound keys", `DELETE FROM inbound_keys WHERE `+part.col+` IN (`+in+`)`, args...); err != nil {
			return nil, err
		}
		// The log keeps that something happened, not what it said.
		if err := exec("webhook deliveries", `DELETE FROM webhook_deliveries WHERE seq IN (SELECT seq FROM events WHERE `+part.col+` IN (`+in+`))`, args...); err != nil {
			return nil, err
		}
		if err := exec("events", `UPDATE events SET data = '{}' WHERE `+part.col+` IN (`+in+`)`, args...); err != nil {
			return nil, err
		}
	}
	// Events about the contact elsewhere — created, updated, put in a
	// list, merged, associated with or claimed in another's conversation —
	// name it by id in their data.
	var about []int64
	if err := tx.eachRow(ctx, "erase contact: events", `SELECT seq, data FROM events
		WHERE type LIKE 'contact%' OR type LIKE 'conversation.contact%'`, nil, func(rows *sql.Rows) error {
		var seq int64
		var data []byte
		if err := rows.Scan(&seq, &data); err != nil {
			return err
		}
		var d struct {
			ContactID     *parley.ID `json:"contact_id"`
			FromContactID *parley.ID `json:"from_contact_id"`
		}
		if json.Unmarshal(data, &d) == nil && ((d.ContactID != nil && *d.ContactID == c.ID) || (d.FromContactID != nil && *d.FromContactID == c.ID)) {
			about = append(about, seq)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if len(about) > 0 {
		args, in := inList(about, 0)
		if err := exec("webhook deliveries", `DELETE FROM webhook_deliveries WHERE seq IN (`+in+`)`, args...); err != nil {
			return nil, err
		}
		if err := exec("events", `UPDATE events SET data = '{}' WHERE seq IN (`+in+`)`, args...); err != nil {
			return nil, err
		}
	}
	if len(others) > 0 {
		args, in := inList(others, 0)
		if out.Touched, err = tx.ids(ctx, `SELECT DISTINCT conversation_id FROM messages WHERE id IN (`+in+`) ORDER BY conversation_id`, args...); err != nil {
			return nil, err
		}
		if err := exec("messages", `DELETE FROM messages WHERE id IN (`+in+`)`, args...); err != nil {
			return nil, err
		}
	}
	for _, id := range convs {
		if err := tx.DeleteConversation(ctx, id); err != nil {
			return nil, err
		}
	}
	if len(c.Emails) > 0 {
		emails := make([]string, len(c.Emails))
		for i, e := range c.Emails {
			emails[i] = strings.ToLower(strings.TrimSpace(e))
		}
		args, in := inList(emails, 0)
		if err := exec("participants", `DELETE FROM mail_participants WHERE email IN (`+in+`)`, args...); err != nil {
			return nil, err
		}
	}
	if err := exec("merges", `DELETE FROM contact_merges WHERE contact_id = $1`, c.ID); err != nil {
		return nil, err
	}
	// Addresses, phones, visitors, consents, list and deal memberships go
	// with the row (ON DELETE CASCADE); tickets keep going without it.
	if err := tx.exec1(ctx, "contact", `DELETE FROM contacts WHERE id = $1`, c.ID); err != nil {
		return nil, err
	}
	return out, nil
}

// Remnants lists what still names an erased contact, its conversations or
// its messages: for each table of the schema with a contact_id,
// conversation_id, follows_id or message_id column, the rows that hold one
// of those ids (events only while their data still says something), as
// "table.column: n". The schema is read, not listed here, so a table added
// later is checked too. EraseContact's caller checks it is empty before
// commit.
func (q *Q) Remnants(ctx context.Context, contactID parley.ID, conversationIDs, messageIDs []parley.ID) ([]string, error) {
	type column struct{ table, name string }
	var cols []column
	query := `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND p.name IN ('contact_id', 'conversation_id', 'follows_id', 'message_id') ORDER BY m.name, p.name`
	if q.d.name() == "postgres" {
		query = `SELECT c.table_name, c.column_name FROM information_schema.columns c
			JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
			WHERE c.table_schema = current_schema() AND c.column_name IN ('contact_id', 'conversation_id', 'follows_id', 'message_id')
			ORDER BY c.table_name, c.column_name`
	}
	if err := q.eachRow(ctx, "remnants: schema", query, nil, func(rows *sql.Rows) error {
		var c column
		if err := rows.Scan(&c.table, &c.name); err != nil {
			return err
		}
		switch c.table {
		case "webhook_deliveries": // its message_id is the webhook's own id, text
		case "audit_entries": // append-only by design (docs/security.md)
		default:
			cols = append(cols, c)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	cols = append(cols, column{"contacts", "id"}, column{"conversations", "id"}, column{"messages", "id"})
	var out []string
	for _, c := range cols {
		var ids []parley.ID
		switch {
		case c.name == "contact_id" || c.table == "contacts":
			ids = []parley.ID{contactID}
		case c.name == "conversation_id" || c.name == "follows_id" || c.table == "conversations":
			ids = conversationIDs
		default:
			ids = messageIDs
		}
		if len(ids) == 0 {
			continue
		}
		args, in := inList(ids, 0)
		where := c.name + ` IN (` + in + `)`
		if c.table == "events" {
			where += ` AND data <> '{}'`
		}
		var n int
		if err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+c.table+` WHERE `+where, args...).Scan(&n); err != nil {
			return nil, q.wrap(err, "remnants: %s.%s", c.table, c.name)
		}
		if n > 0 {
			out = append(out, fmt.Sprintf("%s.%s: %d", c.table, c.name, n))
		}
	}
	return out, nil
}

// LastMessage returns a conversation's newest message, or ENOTFOUND.
func (q *Q) LastMessage(ctx context.Context, conversationID parley.ID) (*parley.Message, error) {
	var m parley.Message
	err := scanMessage(q.db.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE conversation_id = $1 ORDER BY id DESC LIMIT 1`, conversationID), &m)
	if err != nil {
		return nil, q.notFound(err, "message")
	}
	return &m, nil
}

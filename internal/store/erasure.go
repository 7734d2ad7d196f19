package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// Erasure (issue 18, GDPR): a contact erased leaves no row of theirs, only
// hashes in erased_keys (migration 00051) of the dedupe keys of every item
// of theirs, so that what was erased is not taken in again by a
// re-delivery or a mailbox re-sync. Their addresses are not kept, not even
// hashed: a hash of an address is found again by hashing guesses.

// ErasedKey is the kind of an inbound dedupe key (mid:…, imap:…, a client
// id) in erased_keys.
const ErasedKey = "key"

// eraseChunk is how many ids one statement names (a variable for tests):
// PostgreSQL takes at most 65,535 parameters, SQLite 32,766, and a
// contact may have written more messages than that.
var eraseChunk = 500

// inChunks calls fn with the placeholders and args of ids, eraseChunk at a
// time, and stops at its first error.
func inChunks[T any](ids []T, fn func(args []any, in string) error) error {
	for len(ids) > 0 {
		n := min(len(ids), eraseChunk)
		args, in := inList(ids[:n], 0)
		if err := fn(args, in); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// idsIn is ids for a query with one IN list, run a chunk at a time.
func (q *Q) idsIn(ctx context.Context, query string, ids []parley.ID) ([]parley.ID, error) {
	var out []parley.ID
	err := inChunks(ids, func(args []any, in string) error {
		got, err := q.ids(ctx, strings.ReplaceAll(query, "(IN)", "("+in+")"), args...)
		out = append(out, got...)
		return err
	})
	return out, err
}

// ErasedHash is what erased_keys keeps of a value: its SHA-256, never the
// value.
func ErasedHash(kind, value string) string {
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
	hashes := make([]string, len(values))
	for i, v := range values {
		hashes[i] = ErasedHash(kind, v)
	}
	found := false
	err := inChunks(hashes, func(args []any, in string) error {
		var n int
		err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM erased_keys WHERE hash IN (`+in+`)`, args...).Scan(&n)
		found = found || n > 0
		return q.wrap(err, "erased keys")
	})
	return found, err
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

// ForgetEvents empties the data of the events whose col (conversation_id,
// message_id or seq) is one of ids and deletes the webhook deliveries made
// of them, a chunk at a time: the log keeps that something happened, not
// what it said (a forward's or a transcript's recipients, a chat's page…).
// Erasure and retention call it before they delete what the events are of.
func (tx *Tx) ForgetEvents(ctx context.Context, col string, ids []parley.ID) error {
	switch col {
	case "conversation_id", "message_id", "seq":
	default:
		return fmt.Errorf("store: forget events by %q", col)
	}
	return inChunks(ids, func(args []any, in string) error {
		if _, err := tx.db.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE seq IN (SELECT seq FROM events WHERE `+col+` IN (`+in+`))`, args...); err != nil {
			return tx.wrap(err, "forget events: webhook deliveries")
		}
		_, err := tx.db.ExecContext(ctx, `UPDATE events SET data = '{}' WHERE `+col+` IN (`+in+`) AND data <> '{}'`, args...)
		return tx.wrap(err, "forget events")
	})
}

// Erasure is what erasing a contact deleted.
type Erasure struct {
	Conversations []parley.Conversation // theirs, as they were
	MessageIDs    []parley.ID           // in them, and theirs in others' conversations
	Attachments   int
	Touched       []parley.ID // others' conversations that lost a message of theirs: their previews are to be made again
	Blobs         []string    // the blob keys the deleted rows named, noted in blob_orphans
	Jobs          int         // queued jobs deleted (mail to them or about their conversations)
}

// EraseContact deletes a contact and everything of theirs, everywhere:
// their conversations (messages, attachments, raw mail, search entries,
// threads, participants, notifications, mentions, ticket and deal links),
// the messages they wrote in others' conversations, their addresses,
// phones, visitors, consents, list and deal memberships, what was merged
// into them; the data of the events of what was deleted and of the events
// about them (the log keeps their type and time), the webhook deliveries
// made of those, and the queued jobs that mail one of their addresses or
// name one of their conversations or messages. It keeps hashes of the
// dedupe keys of their items (erased_keys), and notes the blobs the deleted
// rows named in blob_orphans for RemoveBlobOrphans' caller. Every list of
// ids is named eraseChunk at a time. The caller appends its events.
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
	if out.MessageIDs, err = tx.idsIn(ctx, `SELECT id FROM messages WHERE conversation_id IN (IN) ORDER BY id`, convs); err != nil {
		return nil, err
	}
	out.MessageIDs = append(out.MessageIDs, others...)
	if err := inChunks(out.MessageIDs, func(args []any, in string) error {
		var n int
		err := tx.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachments WHERE message_id IN (`+in+`)`, args...).Scan(&n)
		out.Attachments += n
		return tx.wrap(err, "erase contact %d: attachments", c.ID)
	}); err != nil {
		return nil, err
	}
	// Their items' dedupe keys become hashes: recognised, not readable.
	var keys []string
	for _, part := range []struct {
		ids []parley.ID
		col string
	}{{convs, "conversation_id"}, {others, "message_id"}} {
		if err := inChunks(part.ids, func(args []any, in string) error {
			return tx.eachRow(ctx, "erase contact: keys", `SELECT dedupe_key FROM inbound_keys WHERE `+part.col+` IN (`+in+`)`, args,
				func(rows *sql.Rows) error {
					var k string
					if err := rows.Scan(&k); err != nil {
						return err
					}
					keys = append(keys, k)
					return nil
				})
		}); err != nil {
			return nil, err
		}
	}
	for _, k := range keys {
		if err := tx.PutErased(ctx, ErasedKey, k, at); err != nil {
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
		if err := inChunks(part.ids, func(args []any, in string) error {
			return exec("inbound keys", `DELETE FROM inbound_keys WHERE `+part.col+` IN (`+in+`)`, args...)
		}); err != nil {
			return nil, err
		}
		if err := tx.ForgetEvents(ctx, part.col, part.ids); err != nil {
			return nil, err
		}
	}
	// Events about the contact elsewhere — created, updated, put in a
	// list, merged, associated with or claimed in another's conversation —
	// name it by id in their data: found in SQL, by type and by the id.
	where := `(json_extract(data, '$.contact_id') = CAST($1 AS INTEGER) OR json_extract(data, '$.from_contact_id') = CAST($1 AS INTEGER))`
	if tx.d.name() == "postgres" {
		where = `(data->>'contact_id' = $1 OR data->>'from_contact_id' = $1)`
	}
	about, err := tx.ids(ctx, `SELECT seq FROM events WHERE (type LIKE 'contact%' OR type LIKE 'conversation.contact%') AND data <> '{}' AND `+where,
		strconv.FormatInt(int64(c.ID), 10))
	if err != nil {
		return nil, err
	}
	if err := tx.ForgetEvents(ctx, "seq", about); err != nil {
		return nil, err
	}
	if out.Jobs, err = tx.deleteContactJobs(ctx, c.Emails, convs, out.MessageIDs); err != nil {
		return nil, err
	}
	if out.Touched, err = tx.idsIn(ctx, `SELECT DISTINCT conversation_id FROM messages WHERE id IN (IN)`, others); err != nil {
		return nil, err
	}
	slices.Sort(out.Touched)
	out.Touched = slices.Compact(out.Touched)
	if err := inChunks(others, func(args []any, in string) error {
		return exec("messages", `DELETE FROM messages WHERE id IN (`+in+`)`, args...)
	}); err != nil {
		return nil, err
	}
	for _, id := range convs {
		if err := tx.DeleteConversation(ctx, id); err != nil {
			return nil, err
		}
	}
	emails := make([]string, len(c.Emails))
	for i, e := range c.Emails {
		emails[i] = strings.ToLower(strings.TrimSpace(e))
	}
	if err := inChunks(emails, func(args []any, in string) error {
		return exec("participants", `DELETE FROM mail_participants WHERE email IN (`+in+`)`, args...)
	}); err != nil {
		return nil, err
	}
	if err := exec("merges", `DELETE FROM contact_merges WHERE contact_id = $1`, c.ID); err != nil {
		return nil, err
	}
	// Addresses, phones, visitors, consents, list and deal memberships go
	// with the row (ON DELETE CASCADE); tickets keep going without it.
	if err := tx.exec1(ctx, "contact", `DELETE FROM contacts WHERE id = $1`, c.ID); err != nil {
		return nil, err
	}
	if err := tx.NoteBlobOrphans(ctx, out.Blobs, at); err != nil {
		return nil, err
	}
	return out, nil
}

// deleteContactJobs deletes the jobs not yet done whose payload mails one
// of emails (a chat transcript, a system mail) or names one of the
// conversations (a notification mail, a digest's link) or messages (a
// reply to send): their payloads hold the customer's words. Queued jobs are
// few, so they are read and matched here.
func (tx *Tx) deleteContactJobs(ctx context.Context, emails []string, convs, msgs []parley.ID) (int, error) {
	to := map[string]bool{}
	for _, e := range emails {
		to[strings.ToLower(strings.TrimSpace(e))] = true
	}
	inConv := map[parley.ID]bool{}
	for _, id := range convs {
		inConv[id] = true
	}
	inMsg := map[parley.ID]bool{}
	for _, id := range msgs {
		inMsg[id] = true
	}
	links := regexp.MustCompile(`/c/([0-9]+)`)
	var doomed []parley.ID
	err := tx.eachRow(ctx, "erase contact: jobs", `SELECT id, payload FROM jobs WHERE state = 'queued'`, nil, func(rows *sql.Rows) error {
		var id parley.ID
		var payload string
		if err := rows.Scan(&id, &payload); err != nil {
			return err
		}
		var p struct {
			To             string          `json:"to"`
			ConversationID parley.ID       `json:"conversation_id"`
			MessageID      json.RawMessage `json:"message_id"` // a number (send_mail) or a Message-ID (system mail)
			Text           string          `json:"text"`
		}
		if json.Unmarshal([]byte(payload), &p) != nil {
			return nil
		}
		hit := (p.To != "" && to[strings.ToLower(strings.TrimSpace(p.To))]) || inConv[p.ConversationID]
		if mid, err := strconv.ParseInt(string(p.MessageID), 10, 64); err == nil && inMsg[parley.ID(mid)] {
			hit = true
		}
		for _, m := range links.FindAllStringSubmatch(p.Text, -1) {
			if cid, err := strconv.ParseInt(m[1], 10, 64); err == nil && inConv[parley.ID(cid)] {
				hit = true
			}
		}
		if hit {
			doomed = append(doomed, id)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(doomed), inChunks(doomed, func(args []any, in string) error {
		_, err := tx.db.ExecContext(ctx, `DELETE FROM jobs WHERE state = 'queued' AND id IN (`+in+`)`, args...)
		return tx.wrap(err, "erase contact: jobs")
	})
}

// PurgeFinishedJobs deletes the jobs that ended (done or failed) before t
// and returns how many: their payloads may hold a customer's words.
func (s *Store) PurgeFinishedJobs(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.InTx(ctx, func(tx *Tx) error {
		r, err := tx.db.ExecContext(ctx, `DELETE FROM jobs WHERE state <> 'queued' AND finished_at < $1`, before)
		if err != nil {
			return tx.wrap(err, "purge jobs")
		}
		n, err = r.RowsAffected()
		return err
	})
	return int(n), err
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
		n := 0
		if err := inChunks(ids, func(args []any, in string) error {
			where := c.name + ` IN (` + in + `)`
			if c.table == "events" {
				where += ` AND data <> '{}'`
			}
			var k int
			err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+c.table+` WHERE `+where, args...).Scan(&k)
			n += k
			return q.wrap(err, "remnants: %s.%s", c.table, c.name)
		}); err != nil {
			return nil, err
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

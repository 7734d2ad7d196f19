package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// What an export needs from the database (package export, SPEC PLT-3):
// the exports admins asked for (table exports, migration 00050), and the
// data itself, read a page at a time by id, each row already as the JSON
// object its line in the archive is — so nothing is held but a page.

// Export states.
const (
	ExportQueued  = "queued"
	ExportRunning = "running"
	ExportReady   = "ready"
	ExportFailed  = "failed"
)

// Export is an archive an admin asked for.
type Export struct {
	ID          parley.ID
	InboxID     *parley.ID // nil: everything, or an inbox since deleted
	InboxName   string     // the inbox's name when it was asked for
	Everything  bool
	State       string
	CreatedBy   *parley.ID
	CreatedAt   time.Time
	StartedAt   *time.Time
	HeartbeatAt *time.Time
	FinishedAt  *time.Time
	Attempts    int
	Done        int64 // conversations written
	Total       int64 // conversations to write
	Size        int64 // the archive's bytes, once ready
	File        string
	Error       string
}

const exportCols = `id, inbox_id, inbox_name, everything, state, created_by, created_at, started_at, heartbeat_at,
	finished_at, attempts, done, total, size, file, error`

func scanExport(sc interface{ Scan(...any) error }, e *Export) error {
	return sc.Scan(&e.ID, &e.InboxID, &e.InboxName, &e.Everything, &e.State, &e.CreatedBy, &e.CreatedAt, &e.StartedAt,
		&e.HeartbeatAt, &e.FinishedAt, &e.Attempts, &e.Done, &e.Total, &e.Size, &e.File, &e.Error)
}

// CreateExport records a queued export and sets e.ID.
func (tx *Tx) CreateExport(ctx context.Context, e *Export) error {
	e.State = ExportQueued
	err := tx.db.QueryRowContext(ctx, `INSERT INTO exports (inbox_id, inbox_name, everything, state, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		e.InboxID, e.InboxName, e.Everything, e.State, e.CreatedBy, e.CreatedAt).Scan(&e.ID)
	return tx.wrap(err, "create export")
}

// Export returns one export, or ENOTFOUND.
func (q *Q) Export(ctx context.Context, id parley.ID) (*Export, error) {
	var e Export
	err := scanExport(q.db.QueryRowContext(ctx, `SELECT `+exportCols+` FROM exports WHERE id = $1`+q.lock, id), &e)
	if err != nil {
		return nil, q.notFound(err, "export")
	}
	return &e, nil
}

// Exports lists the exports, newest first.
func (q *Q) Exports(ctx context.Context) ([]Export, error) {
	return appendRows(ctx, q, []Export{}, "exports", `SELECT `+exportCols+` FROM exports ORDER BY id DESC LIMIT 200`, nil, scanExport)
}

// ExportsFinishedBefore lists the exports that finished (ready or failed)
// before t: the ones to delete.
func (q *Q) ExportsFinishedBefore(ctx context.Context, t time.Time) ([]Export, error) {
	return appendRows(ctx, q, []Export{}, "expired exports", `SELECT `+exportCols+` FROM exports
		WHERE state IN ('ready', 'failed') AND finished_at < $1 ORDER BY id LIMIT 100`, []any{t}, scanExport)
}

// DeleteExport deletes an export's row.
func (tx *Tx) DeleteExport(ctx context.Context, id parley.ID) error {
	res, err := tx.db.ExecContext(ctx, `DELETE FROM exports WHERE id = $1`, id)
	if err != nil {
		return tx.wrap(err, "delete export")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return parley.NotFound("export")
	}
	return nil
}

// ClaimExport takes the oldest queued export for this node and marks it
// running. First, an export running whose heartbeat is older than stale
// (its node stopped mid-way) is queued again, or failed as interrupted
// once it has had maxAttempts. It returns nil when there is nothing to do.
func (s *Store) ClaimExport(ctx context.Context, now, stale time.Time, maxAttempts int) (*Export, error) {
	var claimed *Export
	err := s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.db.ExecContext(ctx, `UPDATE exports SET state = 'failed', error = 'interrupted', finished_at = $1
			WHERE state = 'running' AND heartbeat_at < $2 AND attempts >= $3`, now, stale, maxAttempts); err != nil {
			return tx.wrap(err, "fail interrupted exports")
		}
		if _, err := tx.db.ExecContext(ctx, `UPDATE exports SET state = 'queued', done = 0
			WHERE state = 'running' AND heartbeat_at < $1`, stale); err != nil {
			return tx.wrap(err, "requeue interrupted exports")
		}
		var id parley.ID
		err := tx.db.QueryRowContext(ctx, `SELECT id FROM exports WHERE state = 'queued' ORDER BY id LIMIT 1`+tx.d.claimLock()).Scan(&id)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return tx.wrap(err, "claim export")
		}
		res, err := tx.db.ExecContext(ctx, `UPDATE exports SET state = 'running', started_at = $1, heartbeat_at = $1,
			attempts = attempts + 1, done = 0 WHERE id = $2 AND state = 'queued'`, now, id)
		if err != nil {
			return tx.wrap(err, "claim export")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // another node took it
		}
		claimed, err = tx.Export(ctx, id)
		return err
	})
	return claimed, err
}

// ExportProgress records how far a running export is and moves its
// heartbeat. It is ENOTFOUND when the export is no longer running here
// (deleted, or given up as interrupted): the writer stops.
func (s *Store) ExportProgress(ctx context.Context, id parley.ID, done, total int64, now time.Time) error {
	res, err := s.w.ExecContext(ctx, `UPDATE exports SET done = $1, total = $2, heartbeat_at = $3
		WHERE id = $4 AND state = 'running'`, done, total, now, id)
	if err != nil {
		return s.wrap(err, "export progress")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return parley.NotFound("export")
	}
	return nil
}

// FinishExport records the end of a running export: ready with its file
// and size, or failed with why. It is ENOTFOUND if it was deleted meanwhile.
func (s *Store) FinishExport(ctx context.Context, id parley.ID, state, file string, size int64, why string, now time.Time) error {
	res, err := s.w.ExecContext(ctx, `UPDATE exports SET state = $1, file = $2, size = $3, error = $4, finished_at = $5,
		heartbeat_at = $5 WHERE id = $6 AND state = 'running'`, state, file, size, why, now, id)
	if err != nil {
		return s.wrap(err, "finish export")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return parley.NotFound("export")
	}
	return nil
}

// ExportRow is one line of an export's JSON lines file: a row as a JSON
// object, and the id the next page starts after.
type ExportRow struct {
	ID   int64
	JSON []byte
}

// ExportFilter says which rows of a set a page reads: those of one inbox
// (nil: everything), or for a set read by conversation (messages, events)
// those of the conversations listed.
type ExportFilter struct {
	Inbox         *parley.ID
	Conversations []int64
}

// The kinds of an exported column, which say how it is read and written.
const (
	colInt    = 'i' // a number, or null
	colString = 's'
	colTime   = 't' // RFC 3339 in UTC, or null
	colBool   = 'b'
	colJSON   = 'j' // text holding JSON, written as the JSON it holds; "" is null
)

type exportCol struct {
	name string
	expr string // the SQL; the name when empty
	kind byte
}

// cols parses "name:kind" specs, with an optional "=expr".
func cols(specs ...string) []exportCol {
	out := make([]exportCol, len(specs))
	for i, s := range specs {
		name, rest, _ := strings.Cut(s, ":")
		kind, expr, _ := strings.Cut(rest, "=")
		out[i] = exportCol{name: name, expr: expr, kind: kind[0]}
		if expr == "" {
			out[i].expr = "t." + name
		}
	}
	return out
}

// exportChild is a list each row of a set carries, read for a page of rows
// at once: query selects the parent's id, then cols, for the parents in %s.
type exportChild struct {
	key   string
	query string
	cols  []exportCol
}

// exportSet is one JSON lines file: its table (aliased t), its columns,
// and which rows an inbox's export holds ($3 is the inbox's id).
type exportSet struct {
	table string
	id    string // the cursor column
	cols  []exportCol
	inbox string // the WHERE of an inbox's rows
	// team: the same rows in an inbox's export as in everything's;
	// byConversation: read for a page of conversations.
	team, byConversation bool
	children             []exportChild
}

// exportSets are the files of an export, by name. An inbox's holds its
// conversations, their messages and timelines, their contacts and those
// contacts' companies, the tickets and deals of the inbox or linked to
// its conversations; the team (users, teams) and pipelines are in either.
// Nothing secret: no password hashes, tokens or channel configuration.
var exportSets = map[string]exportSet{
	"inboxes": {table: "inboxes", id: "id",
		cols:  cols("id:i", "name:s", "slug:s", "access:s", "chat_transcripts:b", "created_at:t"),
		inbox: "t.id = $3",
		children: []exportChild{
			{key: "user_ids", query: `SELECT inbox_id, user_id FROM inbox_users WHERE inbox_id IN (%s) ORDER BY inbox_id, user_id`, cols: bare("user_id:i")},
			{key: "team_ids", query: `SELECT inbox_id, team_id FROM inbox_teams WHERE inbox_id IN (%s) ORDER BY inbox_id, team_id`, cols: bare("team_id:i")},
		}},
	"channels": {table: "channels", id: "id",
		cols:  cols("id:i", "inbox_id:i", "kind:s", "name:s", "enabled:b", "mailbox:s", "created_at:t"),
		inbox: "t.inbox_id = $3"},
	"users": {table: "users", id: "id",
		cols: cols("id:i", "email:s", "name:s", "role:s", "availability:s", "locale:s", "created_at:t", "deactivated_at:t"),
		// An inbox's messages may be by anyone: the team is in either.
		team: true},
	"teams": {table: "teams", id: "id", cols: cols("id:i", "name:s", "created_at:t"), team: true,
		children: []exportChild{
			{key: "member_ids", query: `SELECT team_id, user_id FROM team_members WHERE team_id IN (%s) ORDER BY team_id, user_id`, cols: bare("user_id:i")},
		}},
	"pipelines": {table: "pipelines", id: "id", cols: cols("id:i", "kind:s", "name:s", "position:i", "created_at:t"), team: true,
		children: []exportChild{
			{key: "stages", query: `SELECT pipeline_id, id, name, position, closed FROM pipeline_stages WHERE pipeline_id IN (%s) ORDER BY pipeline_id, position, id`,
				cols: bare("id:i", "name:s", "position:i", "closed:b")},
		}},
	"companies": {table: "companies", id: "id",
		cols:  cols("id:i", "name:s", "domain:s", "owner_id:i", "details:j", "created_at:t"),
		inbox: `EXISTS (SELECT 1 FROM contacts k JOIN conversations v ON v.contact_id = k.id WHERE k.company_id = t.id AND v.inbox_id = $3)`},
	"contacts": {table: "contacts", id: "id",
		cols:  cols("id:i", "name:s", "owner_id:i", "company_id:i", "details:j", "blocked_at:t", "created_at:t"),
		inbox: `EXISTS (SELECT 1 FROM conversations v WHERE v.contact_id = t.id AND v.inbox_id = $3)`,
		children: []exportChild{
			{key: "emails", query: `SELECT contact_id, email FROM contact_emails WHERE contact_id IN (%s) ORDER BY contact_id, position, email`, cols: bare("email:s")},
			{key: "phones", query: `SELECT contact_id, phone FROM contact_phones WHERE contact_id IN (%s) ORDER BY contact_id, position`, cols: bare("phone:s")},
		}},
	"conversations": {table: "conversations", id: "id",
		cols: cols("id:i", "inbox_id:i", "channel_id:i", "channel_kind:s", "contact_id:i", "subject:s", "status:s", "placement:s",
			"origin:s", "bot:b", "assignee_id:i", "team_id:i", "created_at:t", "last_activity_at:t", "last_customer_at:t",
			"last_agent_at:t", "last_sent_at:t", "closed_at:t", "trashed_at:t"),
		inbox: "t.inbox_id = $3"},
	"messages": {table: "messages", id: "id", byConversation: true,
		cols: cols("id:i", "conversation_id:i", "kind:s", "direction:s", "author_id:i", "contact_id:i", "text:s", "html:s",
			"email:j", "bot:j", "bridge:j", "form:j", "call_log:j", "created_at:t",
			"raw_mail:b=EXISTS (SELECT 1 FROM raw_mail r WHERE r.message_id = t.id)"),
		children: []exportChild{
			{key: "attachments", query: `SELECT message_id, id, name, content_type, size, blob, content_id, inline FROM attachments
				WHERE message_id IN (%s) ORDER BY message_id, id`,
				cols: bare("id:i", "name:s", "content_type:s", "size:i", "key:s", "content_id:s", "inline:b")},
		}},
	"events": {table: "events", id: "seq", byConversation: true,
		cols: cols("seq:i", "type:s", "conversation_id:i", "message_id:i", "actor_kind:s", "actor_id:i", "at:t", "data:j")},
	"tickets": {table: "tickets", id: "id",
		cols: cols("id:i", "subject:s", "description:s", "pipeline_id:i", "stage_id:i", "status:s", "priority:s", "owner_id:i",
			"contact_id:i", "company_id:i", "inbox_id:i", "follows_id:i", "created_at:t", "updated_at:t"),
		inbox: `(t.inbox_id = $3 OR EXISTS (SELECT 1 FROM ticket_conversations l JOIN conversations v ON v.id = l.conversation_id
			WHERE l.ticket_id = t.id AND v.inbox_id = $3))`,
		children: []exportChild{
			{key: "conversation_ids", query: `SELECT ticket_id, conversation_id FROM ticket_conversations WHERE ticket_id IN (%s) ORDER BY ticket_id, conversation_id`,
				cols: bare("conversation_id:i")},
		}},
	"deals": {table: "deals", id: "id",
		cols: cols("id:i", "name:s", "amount:s", "currency:s", "pipeline_id:i", "stage_id:i", "status:s", "owner_id:i",
			"close_date:s", "company_id:i", "inbox_id:i", "created_at:t", "updated_at:t"),
		inbox: `(t.inbox_id = $3 OR EXISTS (SELECT 1 FROM deal_conversations l JOIN conversations v ON v.id = l.conversation_id
			WHERE l.deal_id = t.id AND v.inbox_id = $3))`,
		children: []exportChild{
			{key: "conversation_ids", query: `SELECT deal_id, conversation_id FROM deal_conversations WHERE deal_id IN (%s) ORDER BY deal_id, conversation_id`,
				cols: bare("conversation_id:i")},
			{key: "contact_ids", query: `SELECT deal_id, contact_id FROM deal_contacts WHERE deal_id IN (%s) ORDER BY deal_id, contact_id`,
				cols: bare("contact_id:i")},
		}},
}

// bare is cols for a child query's own columns, named as they are.
func bare(specs ...string) []exportCol {
	cs := cols(specs...)
	for i := range cs {
		cs[i].expr = cs[i].name
	}
	return cs
}

// ExportPage reads up to limit rows of the set name after the id after,
// in id order, each as a JSON object. A set read by conversation
// (messages, events) needs f.Conversations; the others read the whole
// table, or f.Inbox's rows.
func (q *Q) ExportPage(ctx context.Context, name string, f ExportFilter, after int64, limit int) ([]ExportRow, error) {
	set, ok := exportSets[name]
	if !ok {
		return nil, fmt.Errorf("store: no export set %q", name)
	}
	exprs := make([]string, len(set.cols))
	for i, c := range set.cols {
		exprs[i] = c.expr
	}
	args := []any{after, limit}
	where := "t." + set.id + " > $1"
	switch {
	case set.byConversation:
		if len(f.Conversations) == 0 {
			return nil, nil
		}
		where += " AND t.conversation_id IN (" + placeholders(len(args)+1, len(f.Conversations)) + ")"
		for _, id := range f.Conversations {
			args = append(args, id)
		}
	case f.Inbox != nil && !set.team:
		where += " AND " + set.inbox
		args = append(args, *f.Inbox)
	}
	query := `SELECT t.` + set.id + `, ` + strings.Join(exprs, ", ") + ` FROM ` + set.table + ` t WHERE ` + where +
		` ORDER BY t.` + set.id + ` LIMIT $2`
	var rows []ExportRow
	dest := scanDest(set.cols)
	var id int64
	err := q.eachRow(ctx, "export "+name, query, args, func(r *sql.Rows) error {
		if err := r.Scan(append([]any{&id}, dest...)...); err != nil {
			return err
		}
		b := writeObject(nil, set.cols, dest)
		rows = append(rows, ExportRow{ID: id, JSON: b})
		return nil
	})
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	for _, ch := range set.children {
		if err := q.exportChildren(ctx, name, ch, rows); err != nil {
			return nil, err
		}
	}
	for i := range rows {
		rows[i].JSON = append(rows[i].JSON, '}')
	}
	return rows, nil
}

// exportChildren adds the list ch to every row of a page: the rows' JSON
// is an object not closed yet.
func (q *Q) exportChildren(ctx context.Context, name string, ch exportChild, rows []ExportRow) error {
	args := make([]any, len(rows))
	at := make(map[int64]int, len(rows))
	for i, r := range rows {
		args[i] = r.ID
		at[r.ID] = i
	}
	lists := make([][]byte, len(rows))
	dest := scanDest(ch.cols)
	var parent int64
	err := q.eachRow(ctx, "export "+name+" "+ch.key, fmt.Sprintf(ch.query, placeholders(1, len(rows))), args, func(r *sql.Rows) error {
		if err := r.Scan(append([]any{&parent}, dest...)...); err != nil {
			return err
		}
		i, ok := at[parent]
		if !ok {
			return nil
		}
		if lists[i] == nil {
			lists[i] = []byte{'['}
		} else {
			lists[i] = append(lists[i], ',')
		}
		if len(ch.cols) == 1 {
			lists[i] = writeValue(lists[i], ch.cols[0].kind, dest[0])
		} else {
			lists[i] = append(writeObject(lists[i], ch.cols, dest), '}')
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := range rows {
		rows[i].JSON = append(rows[i].JSON, ',')
		rows[i].JSON = appendString(rows[i].JSON, ch.key)
		rows[i].JSON = append(rows[i].JSON, ':')
		if lists[i] == nil {
			rows[i].JSON = append(rows[i].JSON, '[', ']')
		} else {
			rows[i].JSON = append(append(rows[i].JSON, lists[i]...), ']')
		}
	}
	return nil
}

// placeholders returns "$from, $from+1, …", n of them.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(from + i))
	}
	return b.String()
}

// scanDest returns a Scan destination for each column: a sql.Null* that
// writeValue writes.
func scanDest(cs []exportCol) []any {
	dest := make([]any, len(cs))
	for i, c := range cs {
		switch c.kind {
		case colInt:
			dest[i] = new(sql.NullInt64)
		case colTime:
			dest[i] = new(sql.NullTime)
		case colBool:
			dest[i] = new(sql.NullBool)
		default:
			dest[i] = new(sql.NullString)
		}
	}
	return dest
}

// writeObject appends to b an object of the columns' values, left open.
func writeObject(b []byte, cs []exportCol, vals []any) []byte {
	b = append(b, '{')
	for i, c := range cs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, c.name)
		b = append(b, ':')
		b = writeValue(b, c.kind, vals[i])
	}
	return b
}

func writeValue(b []byte, kind byte, v any) []byte {
	switch v := v.(type) {
	case *sql.NullInt64:
		if !v.Valid {
			return append(b, "null"...)
		}
		return strconv.AppendInt(b, v.Int64, 10)
	case *sql.NullTime:
		if !v.Valid {
			return append(b, "null"...)
		}
		return strconv.AppendQuote(b, v.Time.UTC().Format(time.RFC3339Nano))
	case *sql.NullBool:
		return strconv.AppendBool(b, v.Valid && v.Bool)
	case *sql.NullString:
		switch {
		case !v.Valid:
			return append(b, "null"...)
		case kind == colJSON && v.String == "":
			return append(b, "null"...)
		case kind == colJSON && json.Valid([]byte(v.String)):
			var c bytes.Buffer
			if json.Compact(&c, []byte(v.String)) == nil {
				return append(b, c.Bytes()...)
			}
		}
		return appendString(b, v.String)
	}
	return append(b, "null"...)
}

// appendString appends s as a JSON string, without escaping HTML.
func appendString(b []byte, s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return append(b, bytes.TrimRight(buf.Bytes(), "\n")...)
}

// ExportCount counts the conversations an export writes: its progress's
// total.
func (q *Q) ExportCount(ctx context.Context, inbox *parley.ID) (int64, error) {
	var n int64
	var err error
	if inbox == nil {
		err = q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM conversations`).Scan(&n)
	} else {
		err = q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM conversations WHERE inbox_id = $1`, *inbox).Scan(&n)
	}
	return n, q.wrap(err, "export count")
}

// attachmentScope is the FROM and WHERE of the attachments of an export's
// messages: those of f.Inbox's conversations (or all) up to the message
// upTo, the last one the export wrote.
func attachmentScope(table, msgCol string, inbox *parley.ID, upTo int64, args []any) (string, []any) {
	from := table + ` a`
	where := `a.` + msgCol + ` <= $` + strconv.Itoa(len(args)+1)
	args = append(args, upTo)
	if inbox != nil {
		from += ` JOIN messages m ON m.id = a.` + msgCol + ` JOIN conversations c ON c.id = m.conversation_id`
		where += ` AND c.inbox_id = $` + strconv.Itoa(len(args)+1)
		args = append(args, *inbox)
	}
	return from + ` WHERE ` + where, args
}

// ExportBlobCount counts the distinct attachment blobs of an export.
func (q *Q) ExportBlobCount(ctx context.Context, inbox *parley.ID, upTo int64) (int64, error) {
	scope, args := attachmentScope("attachments", "message_id", inbox, upTo, nil)
	var n int64
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(DISTINCT a.blob) FROM `+scope, args...).Scan(&n)
	return n, q.wrap(err, "export blob count")
}

// ExportBlobs returns up to limit distinct blob keys of an export's
// attachments after the key after, in key order.
func (q *Q) ExportBlobs(ctx context.Context, inbox *parley.ID, upTo int64, after string, limit int) ([]string, error) {
	scope, args := attachmentScope("attachments", "message_id", inbox, upTo, []any{after, limit})
	return appendRows(ctx, q, []string{}, "export blobs", `SELECT DISTINCT a.blob FROM `+scope+
		` AND a.blob > $1 ORDER BY a.blob LIMIT $2`, args, scanValue[string])
}

// ExportRawCount counts the raw mails of an export's messages.
func (q *Q) ExportRawCount(ctx context.Context, inbox *parley.ID, upTo int64) (int64, error) {
	scope, args := attachmentScope("raw_mail", "message_id", inbox, upTo, nil)
	var n int64
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+scope, args...).Scan(&n)
	return n, q.wrap(err, "export raw count")
}

// ExportRawIDs returns up to limit ids of an export's messages with raw
// mail after the id after.
func (q *Q) ExportRawIDs(ctx context.Context, inbox *parley.ID, upTo, after int64, limit int) ([]int64, error) {
	scope, args := attachmentScope("raw_mail", "message_id", inbox, upTo, []any{after, limit})
	return appendRows(ctx, q, []int64{}, "export raw mail", `SELECT a.message_id FROM `+scope+
		` AND a.message_id > $1 ORDER BY a.message_id LIMIT $2`, args, scanValue[int64])
}

// ExportRaw returns one message's raw mail, or ENOTFOUND (erased since).
func (q *Q) ExportRaw(ctx context.Context, messageID int64) ([]byte, error) {
	var raw []byte
	err := q.db.QueryRowContext(ctx, `SELECT raw FROM raw_mail WHERE message_id = $1`, messageID).Scan(&raw)
	if err != nil {
		return nil, q.notFound(err, "raw mail")
	}
	return raw, nil
}

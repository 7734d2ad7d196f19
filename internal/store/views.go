package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// ViewQuery selects a page of conversations for a view with filters. The
// use-case layer turns view names and filters into it.
type ViewQuery struct {
	InboxIDs   []parley.ID        // the inboxes to list: the reader may see them all
	Placements []parley.Placement // at least one
	Statuses   []parley.Status    // empty: open and closed
	Origin     string             // "" or parley.OriginAgent / OriginCustomer
	// Sent keeps the conversations an agent sent an email in, ordered (and
	// paged) by the latest one sent rather than by last activity.
	Sent bool
	// MentionOf keeps the conversations with a comment mentioning this user.
	MentionOf  *parley.ID
	AssigneeID *parley.ID
	Unassigned bool
	TeamID     *parley.ID
	Channel    parley.ChannelKind
	Bot        *bool
	// Date ranges, inclusive from, exclusive to.
	CreatedFrom, CreatedTo *time.Time
	ActiveFrom, ActiveTo   *time.Time
	Oldest                 bool // oldest activity first
	After                  *Cursor
	Limit                  int
}

// ListView returns a page of conversations, most recently active first (or
// oldest first). Each (inbox, placement, status) is its own branch, ordered
// and limited on an index whose prefix is the branch's equalities, so every
// view and filter is a bounded index range scan however large the table;
// the branches are merged by UNION ALL.
func (q *Q) ListView(ctx context.Context, v ViewQuery) ([]parley.Conversation, error) {
	if len(v.InboxIDs) == 0 || len(v.Placements) == 0 {
		return nil, nil
	}
	query, args := viewSQL(v, q.d)
	on := q
	if q.views != nil {
		on = &Q{db: q.views, d: q.d}
	}
	return appendRows(ctx, on, nil, "list view", query, args, scanConversation)
}

// ExplainView returns the engine's query plan for a view query, one line per
// step, for tests and the docs that show every view is an index range scan.
// On PostgreSQL it disables sequential scans first, so the plan shows
// whether an index can serve the query rather than what a tiny table costs,
// and it explains the statement prepared on a connection of the pool that
// lists views, as the driver prepares it: the last line says whether the
// server used a "generic plan", made once for any values, or a "custom
// plan", made again on each run (openPostgresViews).
func (s *Store) ExplainView(ctx context.Context, v ViewQuery) ([]string, error) {
	query, args := viewSQL(v, s.d)
	pool := s.r
	if s.vr != nil {
		pool = s.vr
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		return nil, s.wrap(err, "explain")
	}
	defer conn.Close()
	// A prepared statement lives as long as its session, not its
	// transaction: it is dropped once the transaction is over, before the
	// connection goes back to the pool.
	if s.d.name() == "postgres" {
		defer func() {
			// It fails only when PREPARE did: nothing to drop.
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "DEALLOCATE parley_view")
		}()
	}
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, s.wrap(err, "explain")
	}
	defer tx.Rollback()
	q := &Q{db: tx, d: s.d}
	if s.d.name() != "postgres" {
		return explainRows(ctx, q, "EXPLAIN QUERY PLAN "+query, args)
	}
	if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
		return nil, s.wrap(err, "explain")
	}
	if _, err := tx.ExecContext(ctx, "PREPARE parley_view AS "+query); err != nil {
		return nil, s.wrap(err, "explain")
	}
	// EXECUTE's arguments are written as quoted literals, which take the
	// statement's parameter types: the server does not describe a utility
	// statement's parameters, so the driver cannot bind them.
	params := make([]string, len(args))
	for i, a := range args {
		text := fmt.Sprint(a)
		if t, ok := a.(time.Time); ok {
			text = t.Format(time.RFC3339Nano)
		}
		params[i] = "'" + strings.ReplaceAll(text, "'", "''") + "'"
	}
	out, err := explainRows(ctx, q, "EXPLAIN EXECUTE parley_view("+strings.Join(params, ", ")+")", nil)
	if err != nil {
		return nil, err
	}
	var generic int64
	if err := tx.QueryRowContext(ctx, "SELECT generic_plans FROM pg_prepared_statements WHERE name = 'parley_view'").Scan(&generic); err != nil {
		return nil, s.wrap(err, "explain")
	}
	if generic > 0 {
		return append(out, "generic plan"), nil
	}
	return append(out, "custom plan"), nil
}

// explainRows runs an EXPLAIN and returns the last column of each row: the
// step (SQLite's EXPLAIN QUERY PLAN returns ids before it).
func explainRows(ctx context.Context, q *Q, query string, args []any) ([]string, error) {
	var out []string
	err := q.eachRow(ctx, "explain", query, args, func(rows *sql.Rows) error {
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		out = append(out, fmt.Sprint(vals[len(vals)-1]))
		return nil
	})
	return out, err
}

// viewSQL writes a view query's SQL and arguments for d.
func viewSQL(v ViewQuery, d dialect) (string, []any) {
	limit := v.Limit
	if limit <= 0 {
		limit = 50
	}
	var args []any
	arg := func(x any) string {
		args = append(args, x)
		return fmt.Sprintf("$%d", len(args))
	}
	// The shared conditions, bound once and reused by every branch.
	var common []string
	if v.Origin != "" {
		common = append(common, "c.origin = "+arg(v.Origin))
	}
	if v.MentionOf != nil {
		common = append(common, "c.id IN (SELECT conversation_id FROM mentions WHERE user_id = "+arg(*v.MentionOf)+")")
	}
	// The order column: every branch is a range scan on an index ending in
	// (order column, id).
	col := "last_activity_at"
	if v.Sent {
		col = "last_sent_at"
		common = append(common, "c.last_sent_at IS NOT NULL")
	}
	switch {
	case v.Unassigned:
		common = append(common, "c.assignee_id IS NULL")
	case v.AssigneeID != nil:
		common = append(common, "c.assignee_id = "+arg(*v.AssigneeID))
	}
	if v.TeamID != nil {
		common = append(common, "c.team_id = "+arg(*v.TeamID))
	}
	if v.Channel != "" {
		common = append(common, "c.channel_kind = "+arg(v.Channel))
	}
	if v.Bot != nil {
		common = append(common, "c.bot = "+arg(*v.Bot))
	}
	if v.CreatedFrom != nil {
		common = append(common, "c.created_at >= "+arg(*v.CreatedFrom))
	}
	if v.CreatedTo != nil {
		common = append(common, "c.created_at < "+arg(*v.CreatedTo))
	}
	if v.ActiveFrom != nil {
		common = append(common, "c.last_activity_at >= "+arg(*v.ActiveFrom))
	}
	if v.ActiveTo != nil {
		common = append(common, "c.last_activity_at < "+arg(*v.ActiveTo))
	}
	dir, cmp := "DESC", "<"
	if v.Oldest {
		dir, cmp = "ASC", ">"
	}
	if v.After != nil {
		common = append(common, "(c."+col+", c.id) "+cmp+" ("+arg(v.After.At)+", "+arg(v.After.ID)+")")
	}
	// On PostgreSQL the limit is written into the text, not bound: a
	// generic plan (openPostgresViews) would have to guess a bound limit,
	// and PostgreSQL guesses a tenth of the rows. SQLite binds it: its
	// statement cache keeps each text, and a limit of 1 to 200 would make
	// as many texts of each view.
	var lim string
	if d.name() == "postgres" {
		lim = strconv.Itoa(limit)
	} else {
		lim = arg(limit)
	}
	branchOrder := " ORDER BY c." + col + " " + dir + ", c.id " + dir + " LIMIT " + lim
	mergeOrder := " ORDER BY sort_at " + dir + ", id " + dir + " LIMIT " + lim

	// With an origin the index is (inbox, placement, origin, activity), and
	// for Sent (inbox, placement, sent): status is a residual filter, not a
	// branch.
	statuses := v.Statuses
	if len(statuses) == 0 {
		statuses = []parley.Status{parley.StatusOpen, parley.StatusClosed}
	}
	branchStatuses := statuses
	if v.Origin != "" || v.Sent {
		if len(statuses) == 1 {
			common = append(common, "c.status = "+arg(statuses[0]))
		}
		branchStatuses = []parley.Status{""}
	}
	placements := map[parley.Placement]string{}
	for _, p := range v.Placements {
		placements[p] = arg(p)
	}
	statusArgs := map[parley.Status]string{}
	for _, s := range branchStatuses {
		if s != "" {
			statusArgs[s] = arg(s)
		}
	}
	var branches []string
	for _, inbox := range v.InboxIDs {
		in := arg(inbox)
		for _, p := range v.Placements {
			for _, s := range branchStatuses {
				where := []string{"c.inbox_id = " + in, "c.placement = " + placements[p]}
				if s != "" {
					where = append(where, "c.status = "+statusArgs[s])
				}
				where = append(where, common...)
				branches = append(branches, `SELECT c.id, c.`+col+` AS sort_at FROM conversations c`+
					` WHERE `+strings.Join(where, " AND ")+branchOrder)
			}
		}
	}
	// Branches read (order column, id) only, from the index itself; just
	// the page's ids are joined back to their rows.
	merged := branches[0]
	if len(branches) > 1 {
		parts := make([]string, len(branches))
		for i, b := range branches {
			parts[i] = fmt.Sprintf("SELECT id, sort_at FROM (%s) b%d", b, i)
		}
		merged = strings.Join(parts, " UNION ALL ") + mergeOrder
	}
	query := `SELECT ` + conversationColumns + conversationFrom + ` JOIN (` + merged + `) m ON m.id = c.id` +
		` ORDER BY m.sort_at ` + dir + `, m.id ` + dir
	return query, args
}

// MarkRead records that a user has read a conversation up to at.
func (tx *Tx) MarkRead(ctx context.Context, userID, conversationID parley.ID, at time.Time) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO conversation_reads (user_id, conversation_id, read_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, conversation_id) DO UPDATE SET read_at = excluded.read_at`, userID, conversationID, at)
	return tx.wrap(err, "mark read")
}

// MarkUnread forgets that a user read a conversation.
func (tx *Tx) MarkUnread(ctx context.Context, userID, conversationID parley.ID) error {
	_, err := tx.db.ExecContext(ctx, `DELETE FROM conversation_reads WHERE user_id = $1 AND conversation_id = $2`, userID, conversationID)
	return tx.wrap(err, "mark unread")
}

// ReadTimes returns when a user last read each of the conversations, for
// those they have read.
func (q *Q) ReadTimes(ctx context.Context, userID parley.ID, ids []parley.ID) (map[parley.ID]time.Time, error) {
	reads, _, err := q.userTimes(ctx, userID, ids, true, false)
	return reads, err
}

// ReadAndMentionTimes returns ReadTimes and MentionTimes together, in one
// statement: what a page of conversations shows as unread.
func (q *Q) ReadAndMentionTimes(ctx context.Context, userID parley.ID, ids []parley.ID) (reads, mentions map[parley.ID]time.Time, err error) {
	return q.userTimes(ctx, userID, ids, true, true)
}

// userTimes reads a user's ($1) reads and mentions of the conversations
// listed, as asked, and keeps the latest time of each conversation in
// each. The latest is kept here: SQLite's max() of a time is text, not a
// time.
func (q *Q) userTimes(ctx context.Context, userID parley.ID, ids []parley.ID, reads, mentions bool) (map[parley.ID]time.Time, map[parley.ID]time.Time, error) {
	out := [2]map[parley.ID]time.Time{{}, {}}
	if len(ids) == 0 {
		return out[0], out[1], nil
	}
	args, in := inList(ids, 1)
	var parts []string
	if reads {
		parts = append(parts, `SELECT 0, conversation_id, read_at FROM conversation_reads WHERE user_id = $1 AND conversation_id IN (`+in+`)`)
	}
	if mentions {
		parts = append(parts, `SELECT 1, conversation_id, created_at FROM mentions WHERE user_id = $1 AND conversation_id IN (`+in+`)`)
	}
	if err := q.eachRow(ctx, "read and mention times", strings.Join(parts, " UNION ALL "), append([]any{userID}, args...), func(rows *sql.Rows) error {
		var (
			kind int
			id   parley.ID
			at   time.Time
		)
		if err := rows.Scan(&kind, &id, &at); err != nil {
			return err
		}
		if m := out[kind]; at.After(m[id]) {
			m[id] = at
		}
		return nil
	}); err != nil {
		return nil, nil, err
	}
	return out[0], out[1], nil
}

// Matches reports whether c satisfies v's conditions other than the
// mentions, the cursor and the limit: the same conditions ListView writes
// in SQL, for candidates found another way (search). Search keeps to the
// inboxes already, from a row it may have read before this one; the inbox
// is checked again on the conversation as loaded.
func (v ViewQuery) Matches(c *parley.Conversation) bool {
	if !slices.Contains(v.InboxIDs, c.InboxID) {
		return false
	}
	statusOK := len(v.Statuses) == 0
	for _, s := range v.Statuses {
		statusOK = statusOK || c.Status == s
	}
	placementOK := false
	for _, p := range v.Placements {
		placementOK = placementOK || c.Placement == p
	}
	switch {
	case !statusOK, !placementOK:
		return false
	case v.Origin != "" && c.Origin != v.Origin:
		return false
	case v.Sent && c.LastSentAt == nil:
		return false
	case v.Unassigned && c.AssigneeID != nil:
		return false
	case v.AssigneeID != nil && (c.AssigneeID == nil || *c.AssigneeID != *v.AssigneeID):
		return false
	case v.TeamID != nil && (c.TeamID == nil || *c.TeamID != *v.TeamID):
		return false
	case v.Channel != "" && c.ChannelKind != v.Channel:
		return false
	case v.Bot != nil && c.Bot != *v.Bot:
		return false
	case v.CreatedFrom != nil && c.CreatedAt.Before(*v.CreatedFrom):
		return false
	case v.CreatedTo != nil && !c.CreatedAt.Before(*v.CreatedTo):
		return false
	case v.ActiveFrom != nil && c.LastActivityAt.Before(*v.ActiveFrom):
		return false
	case v.ActiveTo != nil && !c.LastActivityAt.Before(*v.ActiveTo):
		return false
	}
	return true
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/parleyhq/parley/internal/parley"
)

type countKey struct {
	inbox parley.ID
	view  string
}

// standing is where a conversation stands in the view counts: its inbox and
// the counts it is in.
type standing struct {
	inbox parley.ID
	keys  []string
}

func standingOf(c *parley.Conversation) standing { return standing{c.InboxID, c.CountKeys()} }

// count adds d to every count of st. Deltas are applied at commit, under
// the event log's lock, so concurrent writers never lose an update and the
// counts never disagree with the rows.
func (tx *Tx) count(st standing, d int64) {
	if tx.counts == nil {
		tx.counts = map[countKey]int64{}
	}
	for _, k := range st.keys {
		tx.counts[countKey{st.inbox, k}] += d
	}
}

// hold records where conversation c stands as this transaction last read
// (and locked) or wrote it; a no-op outside a write transaction.
func (q *Q) hold(c *parley.Conversation) {
	if q.held != nil {
		q.held[c.ID] = standingOf(c)
	}
}

func (tx *Tx) flushCounts(ctx context.Context) error {
	return applyCounts(tx.counts, func(what, query string, args ...any) error {
		_, err := tx.tx.ExecContext(ctx, query, args...)
		return tx.wrap(err, "%s", what)
	})
}

// applyCounts adds count deltas to view_counts and each person's open
// count through exec (a transaction's, under the event log's lock).
func applyCounts(counts map[countKey]int64, exec func(what, query string, args ...any) error) error {
	const q = `
		INSERT INTO view_counts (inbox_id, view, count) VALUES ($1, $2, $3)
		ON CONFLICT (inbox_id, view) DO UPDATE SET count = view_counts.count + excluded.count`
	for k, d := range counts {
		if d == 0 {
			continue
		}
		if err := exec("view count "+k.view, q, int64(k.inbox), k.view, d); err != nil {
			return err
		}
	}
	// Each person's open count, in all inboxes, moves with theirs.
	for id, d := range ownerDeltas(counts) {
		if d == 0 {
			continue
		}
		if err := exec(fmt.Sprintf("open count of user %d", id), `INSERT INTO user_open_counts (user_id, count) VALUES ($1, $2)
			ON CONFLICT (user_id) DO UPDATE SET count = user_open_counts.count + excluded.count`, int64(id), d); err != nil {
			return err
		}
	}
	return nil
}

// ownerDeltas sums count changes to each person's open conversations,
// over inboxes.
func ownerDeltas(counts map[countKey]int64) map[parley.ID]int64 {
	out := map[parley.ID]int64{}
	for k, d := range counts {
		if id, ok := parley.AssigneeOfCountKey(k.view); ok {
			out[id] += d
		}
	}
	return out
}

// ViewCounts returns the counts of the given inboxes, summed, by key (view
// ids and parley.AssigneeCountKey keys). Missing keys are zero.
func (q *Q) ViewCounts(ctx context.Context, inboxIDs []parley.ID) (map[string]int64, error) {
	out := map[string]int64{}
	if len(inboxIDs) == 0 {
		return out, nil
	}
	args, in := inList(inboxIDs, 0)
	if err := q.eachRow(ctx, "view counts", `SELECT view, SUM(count) FROM view_counts
		WHERE inbox_id IN (`+in+`) GROUP BY view`, args, func(rows *sql.Rows) error {
		var (
			k string
			n int64
		)
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		if n != 0 {
			out[k] = n
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// RecountViews computes every inbox's counts from the conversations
// themselves: what view_counts must equal. It scans the table; tests and
// repairs use it, never a request.
func (q *Q) RecountViews(ctx context.Context) (map[parley.ID]map[string]int64, error) {
	out := map[parley.ID]map[string]int64{}
	if err := q.eachRow(ctx, "recount", `SELECT `+conversationColumns+conversationFrom, nil, func(rows *sql.Rows) error {
		var c parley.Conversation
		if err := scanConversation(rows, &c); err != nil {
			return err
		}
		if out[c.InboxID] == nil {
			out[c.InboxID] = map[string]int64{}
		}
		for _, k := range c.CountKeys() {
			out[c.InboxID][k]++
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// StoredViewCounts returns view_counts as stored, without zero rows.
func (q *Q) StoredViewCounts(ctx context.Context) (map[parley.ID]map[string]int64, error) {
	out := map[parley.ID]map[string]int64{}
	if err := q.eachRow(ctx, "view counts", `SELECT inbox_id, view, count FROM view_counts WHERE count <> 0`, nil, func(rows *sql.Rows) error {
		var (
			id parley.ID
			k  string
			n  int64
		)
		if err := rows.Scan(&id, &k, &n); err != nil {
			return err
		}
		if out[id] == nil {
			out[id] = map[string]int64{}
		}
		out[id][k] = n
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// inList returns placeholders $from+1.. for ids and the matching args.
func inList[T any](ids []T, from int) ([]any, string) {
	args := make([]any, len(ids))
	ph := make([]string, len(ids))
	for i, id := range ids {
		args[i], ph[i] = id, fmt.Sprintf("$%d", from+i+1)
	}
	return args, strings.Join(ph, ", ")
}

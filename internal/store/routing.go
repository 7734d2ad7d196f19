package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// routingLock is the advisory lock key that serialises routing decisions.
const routingLock = 0x726f757465 // "route"

// LockRouting holds routing decisions of other transactions back until this
// one ends, so the open counts a decision reads stay true until it is
// written: no two arrivals fill one last place (SPEC RTE-1 capacity), on
// any node. SQLite's one writer already serialises them.
func (tx *Tx) LockRouting(ctx context.Context) error {
	if tx.d.name() != "postgres" {
		return nil
	}
	_, err := tx.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(routingLock))
	return tx.wrap(err, "lock routing")
}

// RoutingCandidate is a user as routing sees them for one inbox.
type RoutingCandidate struct {
	ID               parley.ID
	Role             parley.Role
	Routable         bool
	Active           bool
	Availability     parley.Availability
	ReassignWhenAway bool
	// Member is whether they are a member of the inbox (the inbox is open
	// to everyone, or to them or one of their teams).
	Member bool
	// Open is how many open conversations they own, in all inboxes.
	Open int
	// LastRouted is when routing last gave them a conversation, in
	// microseconds since 1970; 0 for never.
	LastRouted int64
}

// RoutingCandidates returns the users among ids, as routing sees them for
// an inbox, by id; ids that name no user are left out.
func (tx *Tx) RoutingCandidates(ctx context.Context, inboxID parley.ID, ids []parley.ID) (map[parley.ID]RoutingCandidate, error) {
	return tx.routingCandidates(ctx, inboxID, ids, false)
}

// RoutingPool returns, by id, the users among ids routing may give a
// conversation of the inbox to: routable, active, not viewers, members.
// Only their availability, open count and last routing are read. Open
// counts are the kept ones (user_open_counts) plus this transaction's own
// changes not yet flushed — not a count of each person's conversations,
// which would cost as much as they own.
func (tx *Tx) RoutingPool(ctx context.Context, inboxID parley.ID, ids []parley.ID) (map[parley.ID]RoutingCandidate, error) {
	return tx.routingCandidates(ctx, inboxID, ids, true)
}

func (tx *Tx) routingCandidates(ctx context.Context, inboxID parley.ID, ids []parley.ID, pool bool) (map[parley.ID]RoutingCandidate, error) {
	out := make(map[parley.ID]RoutingCandidate, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	ids = parley.Unique(ids)
	var access parley.InboxAccess
	if err := tx.db.QueryRowContext(ctx, `SELECT access FROM inboxes WHERE id = $1`, inboxID).Scan(&access); err != nil {
		return nil, tx.notFound(err, "inbox")
	}
	args, in := inList(ids, 0)
	pending := ownerDeltas(tx.counts)
	everyone := access == parley.AccessEveryone
	query := `SELECT u.id, u.role, u.routable, u.deactivated_at IS NULL, u.availability, u.reassign_when_away, u.routed_us, COALESCE(o.count, 0)
		FROM users u LEFT JOIN user_open_counts o ON o.user_id = u.id WHERE u.id IN (` + in + `)`
	if pool {
		query = `SELECT u.id, u.availability, u.routed_us, COALESCE(o.count, 0)
			FROM users u LEFT JOIN user_open_counts o ON o.user_id = u.id
			WHERE u.id IN (` + in + `) AND u.routable AND u.deactivated_at IS NULL AND u.role <> 'viewer'`
	}
	err := tx.eachRow(ctx, "routing candidates", query, args, func(rows *sql.Rows) error {
		c := RoutingCandidate{Routable: true, Active: true, Role: parley.RoleAgent}
		var err error
		if pool {
			err = rows.Scan(&c.ID, &c.Availability, &c.LastRouted, &c.Open)
		} else {
			err = rows.Scan(&c.ID, &c.Role, &c.Routable, &c.Active, &c.Availability, &c.ReassignWhenAway, &c.LastRouted, &c.Open)
		}
		if err != nil {
			return err
		}
		c.Open += int(pending[c.ID])
		c.Member = everyone
		out[c.ID] = c
		return nil
	})
	if err != nil || everyone {
		return out, err
	}
	// A restricted inbox: its members, directly or through a team.
	args, in = inList(ids, 1)
	members, err := tx.ids(ctx, `SELECT user_id FROM inbox_users WHERE inbox_id = $1 AND user_id IN (`+in+`)
		UNION SELECT tm.user_id FROM inbox_teams it JOIN team_members tm ON tm.team_id = it.team_id
		WHERE it.inbox_id = $1 AND tm.user_id IN (`+in+`)`, append([]any{inboxID}, args...)...)
	for _, id := range members {
		if c, ok := out[id]; ok {
			c.Member = true
			out[id] = c
		}
	}
	if pool {
		for id, c := range out {
			if !c.Member {
				delete(out, id)
			}
		}
	}
	return out, err
}

// SetLastRouted records when routing last gave a user a conversation: the
// round-robin order.
func (tx *Tx) SetLastRouted(ctx context.Context, userID parley.ID, at time.Time) error {
	return tx.exec1(ctx, "user", `UPDATE users SET routed_us = $2 WHERE id = $1`, userID, at.UnixMicro())
}

// SetChannelRouting stores a channel's routing rule (JSON; "" for none).
func (tx *Tx) SetChannelRouting(ctx context.Context, channelID parley.ID, rule string) error {
	return tx.exec1(ctx, "channel", `UPDATE channels SET routing = $2 WHERE id = $1`, channelID, rule)
}

// ChannelRouting returns a channel's routing rule as stored ("" for none).
func (q *Q) ChannelRouting(ctx context.Context, channelID parley.ID) (string, error) {
	var rule string
	err := q.db.QueryRowContext(ctx, `SELECT routing FROM channels WHERE id = $1`, channelID).Scan(&rule)
	if err != nil {
		return "", q.notFound(err, "channel")
	}
	return rule, nil
}

// QueueForRouting puts a conversation nobody could take in the routing queue.
func (tx *Tx) QueueForRouting(ctx context.Context, conversationID parley.ID, at time.Time) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO routing_queue (conversation_id, queued_at) VALUES ($1, $2)
		ON CONFLICT (conversation_id) DO NOTHING`, conversationID, at)
	return tx.wrap(err, "enqueue conversation %d", conversationID)
}

// Unqueue takes a conversation out of the routing queue, if it is there.
func (tx *Tx) Unqueue(ctx context.Context, conversationID parley.ID) error {
	_, err := tx.db.ExecContext(ctx, `DELETE FROM routing_queue WHERE conversation_id = $1`, conversationID)
	return tx.wrap(err, "dequeue conversation %d", conversationID)
}

// Queued returns up to limit conversations of the routing queue after
// (queued_at, id) = after, oldest first.
func (q *Q) Queued(ctx context.Context, after Cursor, limit int) ([]parley.ID, Cursor, error) {
	var last Cursor
	ids, err := appendRows(ctx, q, nil, "routing queue", `SELECT conversation_id, queued_at FROM routing_queue
		WHERE queued_at > $1 OR (queued_at = $1 AND conversation_id > $2)
		ORDER BY queued_at, conversation_id LIMIT $3`, []any{after.At, after.ID, limit},
		func(sc interface{ Scan(...any) error }, id *parley.ID) error {
			if err := sc.Scan(id, &last.At); err != nil {
				return err
			}
			last.ID = *id
			return nil
		})
	return ids, last, err
}

// OpenOwned returns how many open conversations each person owns, in all
// inboxes, by user id; people who own none are left out.
func (q *Q) OpenOwned(ctx context.Context) (map[parley.ID]int, error) {
	out := map[parley.ID]int{}
	err := q.eachRow(ctx, "open owned", `SELECT user_id, count FROM user_open_counts WHERE count <> 0`, nil,
		func(rows *sql.Rows) error {
			var id parley.ID
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				return err
			}
			out[id] = n
			return nil
		})
	return out, err
}

// SetConversationRouting keeps the rule a conversation opened with when it
// is not its channel's (JSON).
func (tx *Tx) SetConversationRouting(ctx context.Context, conversationID parley.ID, rule string) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO conversation_routing (conversation_id, rule) VALUES ($1, $2)
		ON CONFLICT (conversation_id) DO UPDATE SET rule = excluded.rule`, conversationID, rule)
	return tx.wrap(err, "conversation %d routing", conversationID)
}

// ConversationRouting returns the rule a conversation opened with, "" when
// it follows its channel's.
func (q *Q) ConversationRouting(ctx context.Context, conversationID parley.ID) (string, error) {
	var rule string
	err := q.db.QueryRowContext(ctx, `SELECT rule FROM conversation_routing WHERE conversation_id = $1`, conversationID).Scan(&rule)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return rule, q.wrap(err, "conversation %d routing", conversationID)
}

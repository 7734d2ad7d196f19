package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/parleyhq/parley/internal/parley"
)

// flushEvents writes the transaction's events under the log's ordering lock,
// as late as possible so the lock is held only until commit.
func (tx *Tx) flushEvents(ctx context.Context) error {
	if len(tx.events) == 0 && len(tx.counts) == 0 {
		return nil
	}
	// Counts are applied under the same lock: they are per inbox and
	// contended, and the lock already serialises the writers that touch them.
	if err := tx.d.lockEvents(ctx, tx.tx); err != nil {
		return err
	}
	const q = `
		INSERT INTO events (type, inbox_id, conversation_id, message_id, actor_kind, actor_id, at, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		RETURNING seq`
	for i := range tx.events {
		e := &tx.events[i]
		if len(e.Data) == 0 {
			e.Data = json.RawMessage("{}")
		}
		err := tx.tx.QueryRowContext(ctx, q, e.Type, e.InboxID, e.ConversationID, e.MessageID,
			e.ActorKind, e.ActorID, e.At, string(e.Data)).Scan(&e.Seq)
		if err != nil {
			return tx.wrap(err, "append event %s", e.Type)
		}
	}
	if err := tx.auditEvents(ctx); err != nil {
		return err
	}
	if n := len(tx.events); n > 0 {
		return tx.notifyEvents(ctx, tx.events[n-1].Seq)
	}
	return nil
}

const eventColumns = `seq, type, inbox_id, conversation_id, message_id, actor_kind, actor_id, at, data`

func scanEvent(sc interface{ Scan(...any) error }, e *parley.Event) error {
	var data []byte
	if err := sc.Scan(&e.Seq, &e.Type, &e.InboxID, &e.ConversationID, &e.MessageID,
		&e.ActorKind, &e.ActorID, &e.At, &data); err != nil {
		return err
	}
	e.Data = json.RawMessage(data)
	return nil
}

// EventsAfter returns up to limit events with seq greater than after, in order.
func (q *Q) EventsAfter(ctx context.Context, after int64, limit int) ([]parley.Event, error) {
	const query = `SELECT ` + eventColumns + ` FROM events WHERE seq > $1 ORDER BY seq LIMIT $2`
	return q.events(ctx, query, after, limit)
}

// ConversationEvents returns up to limit events of a conversation with seq
// greater than after, in order: the conversation's timeline. It starts at
// the conversation's creation: SQLite gives the id of the newest
// conversation deleted for good to the next one, and the log keeps the old
// one's events under it, which may belong to another inbox.
func (q *Q) ConversationEvents(ctx context.Context, id parley.ID, after int64, limit int) ([]parley.Event, error) {
	const query = `SELECT ` + eventColumns + ` FROM events
		WHERE conversation_id = $1 AND seq > $2
		AND seq >= COALESCE((SELECT MAX(seq) FROM events WHERE conversation_id = $1 AND type = $4), 0)
		ORDER BY seq LIMIT $3`
	return q.events(ctx, query, id, after, limit, parley.EventConversationCreated)
}

// LastConversationEvent returns the newest event of type typ in a
// conversation's timeline; none is ENOTFOUND.
func (q *Q) LastConversationEvent(ctx context.Context, id parley.ID, typ string) (*parley.Event, error) {
	const query = `SELECT ` + eventColumns + ` FROM events
		WHERE conversation_id = $1 AND type = $2
		AND seq >= COALESCE((SELECT MAX(seq) FROM events WHERE conversation_id = $1 AND type = $3), 0)
		ORDER BY seq DESC LIMIT 1`
	evs, err := q.events(ctx, query, id, typ, parley.EventConversationCreated)
	if err != nil {
		return nil, err
	}
	if len(evs) == 0 {
		return nil, parley.Errorf(parley.ENOTFOUND, "conversation %d has no %s event", id, typ)
	}
	return &evs[0], nil
}

// LastSeq returns the highest sequence number written, or 0.
func (q *Q) LastSeq(ctx context.Context) (int64, error) {
	var seq sql.NullInt64
	if err := q.db.QueryRowContext(ctx, `SELECT MAX(seq) FROM events`).Scan(&seq); err != nil {
		return 0, q.wrap(err, "last seq")
	}
	return seq.Int64, nil
}

func (q *Q) events(ctx context.Context, query string, args ...any) ([]parley.Event, error) {
	return appendRows(ctx, q, nil, "events", query, args, scanEvent)
}

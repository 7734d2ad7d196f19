package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// Retention (issue 18): an inbox may have its closed conversations deleted
// for good once they have been closed for a number of days
// (inbox_retention, migration 00051). No row means they are kept.

// retentionLock is the advisory lock key one node holds while it deletes
// expired conversations (PostgreSQL): the others skip that round.
const retentionLock = 0x726574656e74 // "retent"

// InboxRetention returns how many days an inbox keeps its closed
// conversations, 0 when it keeps them for good.
func (q *Q) InboxRetention(ctx context.Context, inboxID parley.ID) (int, error) {
	var days int
	err := q.db.QueryRowContext(ctx, `SELECT days FROM inbox_retention WHERE inbox_id = $1`, inboxID).Scan(&days)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return days, q.wrap(err, "inbox %d retention", inboxID)
}

// InboxRetentions returns the days of every inbox that has a retention.
func (q *Q) InboxRetentions(ctx context.Context) (map[parley.ID]int, error) {
	out := map[parley.ID]int{}
	err := q.eachRow(ctx, "inbox retentions", `SELECT inbox_id, days FROM inbox_retention ORDER BY inbox_id`, nil,
		func(rows *sql.Rows) error {
			var id parley.ID
			var days int
			if err := rows.Scan(&id, &days); err != nil {
				return err
			}
			out[id] = days
			return nil
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SetInboxRetention sets an inbox's retention in days; 0 turns it off.
func (tx *Tx) SetInboxRetention(ctx context.Context, inboxID parley.ID, days int, at time.Time) error {
	if days == 0 {
		_, err := tx.db.ExecContext(ctx, `DELETE FROM inbox_retention WHERE inbox_id = $1`, inboxID)
		return tx.wrap(err, "inbox %d retention", inboxID)
	}
	_, err := tx.db.ExecContext(ctx, `INSERT INTO inbox_retention (inbox_id, days, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (inbox_id) DO UPDATE SET days = excluded.days, updated_at = excluded.updated_at`, inboxID, days, at)
	return tx.wrap(err, "inbox %d retention", inboxID)
}

// ClosedBefore returns up to limit ids of an inbox's conversations closed
// before t, the longest closed first.
func (q *Q) ClosedBefore(ctx context.Context, inboxID parley.ID, t time.Time, limit int) ([]parley.ID, error) {
	return q.ids(ctx, `SELECT id FROM conversations WHERE inbox_id = $1 AND status = 'closed' AND closed_at < $2
		ORDER BY closed_at, id LIMIT $3`, inboxID, t, limit)
}

// CountClosedBefore returns how many of an inbox's conversations were
// closed before t.
func (q *Q) CountClosedBefore(ctx context.Context, inboxID parley.ID, t time.Time) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM conversations WHERE inbox_id = $1 AND status = 'closed' AND closed_at < $2`,
		inboxID, t).Scan(&n)
	return n, q.wrap(err, "count closed conversations")
}

// TryLockRetention takes, on PostgreSQL, the lock one node holds while it
// deletes expired conversations, until the transaction ends; false when
// another node holds it. SQLite's one writer needs none.
func (tx *Tx) TryLockRetention(ctx context.Context) (bool, error) {
	if tx.d.name() != "postgres" {
		return true, nil
	}
	var ok bool
	err := tx.tx.QueryRowContext(ctx, `SELECT pg_try_advisory_xact_lock($1)`, int64(retentionLock)).Scan(&ok)
	return ok, tx.wrap(err, "lock retention")
}

// ConversationBlobs returns the blob keys the messages of conversations
// name (attachments, raw mail kept as a blob), each once.
func (q *Q) ConversationBlobs(ctx context.Context, conversationIDs []parley.ID) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	err := inChunks(conversationIDs, func(args []any, in string) error {
		return q.blobsOf(ctx, `SELECT a.blob, '' FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.conversation_id IN (`+in+`)
		UNION ALL SELECT '', m.email FROM messages m WHERE m.conversation_id IN (`+in+`) AND m.email LIKE '%"raw":"%'`, args, seen, &out)
	})
	return out, err
}

// MessageBlobs is ConversationBlobs for single messages.
func (q *Q) MessageBlobs(ctx context.Context, messageIDs []parley.ID) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	err := inChunks(messageIDs, func(args []any, in string) error {
		return q.blobsOf(ctx, `SELECT a.blob, '' FROM attachments a WHERE a.message_id IN (`+in+`)
		UNION ALL SELECT '', m.email FROM messages m WHERE m.id IN (`+in+`) AND m.email LIKE '%"raw":"%'`, args, seen, &out)
	})
	return out, err
}

func (q *Q) blobsOf(ctx context.Context, query string, args []any, seen map[string]bool, out *[]string) error {
	return q.eachRow(ctx, "message blobs", query, args, func(rows *sql.Rows) error {
		var key, email string
		if err := rows.Scan(&key, &email); err != nil {
			return err
		}
		if email != "" {
			var e struct {
				Raw string `json:"raw"`
			}
			if json.Unmarshal([]byte(email), &e) == nil {
				key = e.Raw
			}
		}
		if key != "" && !seen[key] {
			seen[key] = true
			*out = append(*out, key)
		}
		return nil
	})
}

// UnreferencedBlobs returns those of keys that no row names any more:
// no attachment, upload, document, quarantined mail, picture, chat flow or
// message's raw mail. Blobs are content-addressed, so the same file may be
// another message's too: only these may be removed.
func (q *Q) UnreferencedBlobs(ctx context.Context, keys []string) ([]string, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	used := map[string]bool{}
	err := inChunks(keys, func(args []any, in string) error {
		return q.eachRow(ctx, "blob references", `SELECT blob FROM attachments WHERE blob IN (`+in+`)
		UNION SELECT blob FROM uploads WHERE blob IN (`+in+`)
		UNION SELECT blob FROM documents WHERE blob IN (`+in+`)
		UNION SELECT blob FROM quarantine WHERE blob IN (`+in+`)
		UNION SELECT avatar_blob FROM users WHERE avatar_blob IN (`+in+`)`, args, func(rows *sql.Rows) error {
			var k string
			if err := rows.Scan(&k); err != nil {
				return err
			}
			used[k] = true
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	// Raw mail and chat flows' pictures are named inside JSON: one pass
	// over the rows that name a blob at all.
	err = q.eachRow(ctx, "blob references", `SELECT email FROM messages WHERE email LIKE '%"raw":"%'
		UNION ALL SELECT settings FROM chat_flows`, nil, func(rows *sql.Rows) error {
		var text string
		if err := rows.Scan(&text); err != nil {
			return err
		}
		for _, k := range keys {
			if !used[k] && strings.Contains(text, k) {
				used[k] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range keys {
		if !used[k] {
			out = append(out, k)
		}
	}
	return out, nil
}

// NoteBlobOrphans records keys as blobs that the rows being deleted named:
// RemoveBlobOrphans' caller removes those no row names any more. Noted in
// the transaction that deletes the rows, so a crash after commit forgets
// none.
func (tx *Tx) NoteBlobOrphans(ctx context.Context, keys []string, at time.Time) error {
	for _, k := range keys {
		if _, err := tx.db.ExecContext(ctx, `INSERT INTO blob_orphans (blob, noted_at) VALUES ($1, $2)
			ON CONFLICT (blob) DO NOTHING`, k, at); err != nil {
			return tx.wrap(err, "note blob orphan")
		}
	}
	return nil
}

// BlobOrphans returns up to limit noted blob keys after the key after, in
// key order.
func (q *Q) BlobOrphans(ctx context.Context, after string, limit int) ([]string, error) {
	return appendRows(ctx, q, nil, "blob orphans", `SELECT blob FROM blob_orphans WHERE blob > $1 ORDER BY blob LIMIT $2`,
		[]any{after, limit}, scanValue[string])
}

// DropBlobOrphans forgets noted keys: removed, or named by a row again.
func (s *Store) DropBlobOrphans(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	return s.InTx(ctx, func(tx *Tx) error {
		return inChunks(keys, func(args []any, in string) error {
			_, err := tx.db.ExecContext(ctx, `DELETE FROM blob_orphans WHERE blob IN (`+in+`)`, args...)
			return tx.wrap(err, "drop blob orphans")
		})
	})
}

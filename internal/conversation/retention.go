package conversation

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Retention (issue 18, GDPR): an inbox may delete its closed conversations
// for good once they have been closed for a number of days. Off by default.

// MaxRetentionDays is the longest retention an inbox may have (ten years).
const MaxRetentionDays = 3650

// RetentionEvery is how often serve deletes what has expired.
const RetentionEvery = time.Hour

// retentionBatch is how many conversations one transaction deletes (a
// variable for tests).
var retentionBatch = 500

// Retention returns how many days an inbox keeps its closed conversations,
// 0 for good (admins only).
func (s *Service) Retention(ctx context.Context, a parley.Actor, inboxID parley.ID) (int, error) {
	if err := auth.Admin(a); err != nil {
		return 0, err
	}
	if _, err := s.store.Inbox(ctx, inboxID); err != nil {
		return 0, err
	}
	return s.store.InboxRetention(ctx, inboxID)
}

// SetRetention sets how many days an inbox keeps its closed conversations
// (1 to MaxRetentionDays; 0 keeps them for good), admins only. What is
// already older is deleted at the next round of ExpireClosed.
func (s *Service) SetRetention(ctx context.Context, a parley.Actor, inboxID parley.ID, days int) error {
	if err := auth.Admin(a); err != nil {
		return err
	}
	if days < 0 || days > MaxRetentionDays {
		return parley.Invalid("days", "must be from 1 to %d, or 0 to keep closed conversations", MaxRetentionDays).Because("retention_days")
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Inbox(ctx, inboxID); err != nil {
			return err
		}
		was, err := tx.InboxRetention(ctx, inboxID)
		if err != nil || was == days {
			return err
		}
		now := s.clock()
		if err := tx.SetInboxRetention(ctx, inboxID, days, now); err != nil {
			return err
		}
		e := parley.NewEvent(parley.EventRetentionChanged, a, now, map[string]any{"inbox_id": inboxID, "days": days, "from_days": was}).
			Was(map[string]any{"days": was})
		e.InboxID = &inboxID
		tx.Append(e)
		return nil
	})
}

// RetentionPreview returns how many closed conversations of an inbox a
// retention of days would delete now (admins only): what the screen says
// before it is turned on or shortened.
func (s *Service) RetentionPreview(ctx context.Context, a parley.Actor, inboxID parley.ID, days int) (int, error) {
	if err := auth.Admin(a); err != nil {
		return 0, err
	}
	if days < 1 || days > MaxRetentionDays {
		return 0, parley.Invalid("days", "must be from 1 to %d", MaxRetentionDays).Because("retention_days")
	}
	if _, err := s.store.Inbox(ctx, inboxID); err != nil {
		return 0, err
	}
	return s.store.CountClosedBefore(ctx, inboxID, retentionCutoff(s.clock(), days))
}

func retentionCutoff(now time.Time, days int) time.Time {
	return parley.Normalize(now.Add(-time.Duration(days) * 24 * time.Hour))
}

// ExpireClosed deletes for good, as the system, the conversations of each
// inbox with a retention that have been closed for longer than it, by the
// service's clock, in transactions of up to 500, and returns how many. Each
// transaction appends one conversations.expired event (inbox, count) for the
// audit log. A conversation reopened meanwhile is kept: each is checked
// again under its row lock. On PostgreSQL one node at a time does a batch
// (an advisory lock; the others skip it), so nodes never fight. Unreferenced
// blobs the deleted messages named are removed after commit.
func (s *Service) ExpireClosed(ctx context.Context) (int, error) {
	inboxes, err := s.store.InboxRetentions(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for inboxID, days := range inboxes {
		for {
			n, more, err := s.expireBatch(ctx, inboxID, days)
			total += n
			if err != nil {
				return total, err
			}
			if !more {
				break
			}
		}
	}
	return total, nil
}

// expireBatch deletes one batch of an inbox's expired conversations; more
// says whether there may be others.
func (s *Service) expireBatch(ctx context.Context, inboxID parley.ID, days int) (n int, more bool, err error) {
	now := s.clock()
	cutoff := retentionCutoff(now, days)
	var blobs []string
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if ok, err := tx.TryLockRetention(ctx); err != nil || !ok {
			return err // another node is at it
		}
		if d, err := tx.InboxRetention(ctx, inboxID); err != nil || d != days {
			return err // changed meanwhile: the next round reads it again
		}
		ids, err := tx.ClosedBefore(ctx, inboxID, cutoff, retentionBatch)
		if err != nil || len(ids) == 0 {
			return err
		}
		more = len(ids) == retentionBatch
		if blobs, err = tx.ConversationBlobs(ctx, ids); err != nil {
			return err
		}
		for _, id := range ids {
			c, err := tx.Conversation(ctx, id)
			if parley.ErrorCode(err) == parley.ENOTFOUND {
				continue
			}
			if err != nil {
				return err
			}
			if c.Status != parley.StatusClosed || c.ClosedAt == nil || !c.ClosedAt.Before(cutoff) {
				continue // reopened meanwhile
			}
			if err := tx.DeleteConversation(ctx, id); err != nil {
				return err
			}
			n++
		}
		if n == 0 {
			return nil
		}
		e := parley.NewEvent(parley.EventConversationsExpired, parley.System, now, map[string]any{
			"inbox_id": inboxID, "count": n, "days": days, "closed_before": cutoff})
		e.InboxID = &inboxID
		tx.Append(e)
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	if n > 0 {
		s.removeBlobs(ctx, blobs)
	}
	return n, more && n > 0, nil
}

// blobRemover is a blob store that deletes (blob.Dir).
type blobRemover interface{ Remove(key string) error }

// removeBlobs removes, after the rows that named them are gone, those of
// keys no row names any more, and returns how many it removed. A file it
// fails to remove is only a file no row names: nothing reads it again.
func (s *Service) removeBlobs(ctx context.Context, keys []string) int {
	r, ok := s.blobs.(blobRemover)
	if !ok || len(keys) == 0 {
		return 0
	}
	gone, err := s.store.UnreferencedBlobs(ctx, keys)
	if err != nil {
		return 0
	}
	n := 0
	for _, k := range gone {
		if r.Remove(k) == nil {
			n++
		}
	}
	return n
}

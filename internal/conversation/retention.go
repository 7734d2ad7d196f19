package conversation

import (
	"context"
	"errors"
	"fmt"
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

// JobsKeep is how long a finished job (done or failed) is kept: its
// payload may hold a customer's words (a transcript, a subject, an
// address).
const JobsKeep = 7 * 24 * time.Hour

// ExpireClosed deletes for good, as the system, the conversations of each
// inbox with a retention that have been closed for longer than it, by the
// service's clock, in transactions of up to 500, and returns how many. Each
// transaction appends one conversations.expired event (inbox, count) for the
// audit log, and empties the data of the deleted conversations' events and
// deletes their webhook deliveries, as erasure does. A conversation
// reopened meanwhile is kept: each is checked again under its row lock. On
// PostgreSQL one node at a time does a batch (an advisory lock; the others
// skip it), so nodes never fight. An inbox that fails does not stop the
// others: the errors are returned joined. Then, each round, it removes the
// blobs that erasure or retention left unnamed and that no Put touched for
// an hour (blob.Grace; the others wait for the next round), and deletes
// the jobs that finished more than JobsKeep ago.
func (s *Service) ExpireClosed(ctx context.Context) (int, error) {
	inboxes, err := s.store.InboxRetentions(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	var errs []error
	for inboxID, days := range inboxes {
		for {
			n, more, err := s.expireBatch(ctx, inboxID, days)
			total += n
			if err != nil {
				errs = append(errs, fmt.Errorf("inbox %d: %w", inboxID, err))
				break
			}
			if !more {
				break
			}
		}
	}
	s.removeBlobs(ctx)
	if _, err := s.store.PurgeFinishedJobs(ctx, s.clock().Add(-JobsKeep)); err != nil {
		errs = append(errs, err)
	}
	return total, errors.Join(errs...)
}

// expireBatch deletes one batch of an inbox's expired conversations; more
// says whether there may be others.
func (s *Service) expireBatch(ctx context.Context, inboxID parley.ID, days int) (n int, more bool, err error) {
	now := s.clock()
	cutoff := retentionCutoff(now, days)
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
		var gone []parley.ID
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
			gone = append(gone, id)
		}
		if len(gone) == 0 {
			return nil
		}
		// What the deleted rows name: the blobs, and their events' data
		// (a forward's or a transcript's recipients, a chat's page).
		blobs, err := tx.ConversationBlobs(ctx, gone)
		if err != nil {
			return err
		}
		if err := tx.NoteBlobOrphans(ctx, blobs, now); err != nil {
			return err
		}
		if err := tx.ForgetEvents(ctx, "conversation_id", gone); err != nil {
			return err
		}
		for _, id := range gone {
			if err := tx.DeleteConversation(ctx, id); err != nil {
				return err
			}
			n++
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
	return n, more && n > 0, nil
}

// blobRemover is a blob store that deletes (blob.Dir).
type blobRemover interface {
	RemoveIdle(key string) (bool, error)
}

// orphansPage is how many noted blobs removeBlobs reads at a time.
const orphansPage = 500

// removeBlobs removes, after the rows that named them are gone, the noted
// blobs (store.NoteBlobOrphans) that no row names any more and that no Put
// touched within blob.Grace, and returns how many. A blob named again is
// forgotten; one touched lately waits for the next round. A file it fails
// to remove is only a file no row names: it is tried again next round.
func (s *Service) removeBlobs(ctx context.Context) int {
	r, ok := s.blobs.(blobRemover)
	if !ok {
		return 0
	}
	n, after := 0, ""
	for {
		keys, err := s.store.BlobOrphans(ctx, after, orphansPage)
		if err != nil || len(keys) == 0 {
			return n
		}
		after = keys[len(keys)-1]
		unused, err := s.store.UnreferencedBlobs(ctx, keys)
		if err != nil {
			return n
		}
		free := map[string]bool{}
		for _, k := range unused {
			free[k] = true
		}
		var done []string
		for _, k := range keys {
			if !free[k] {
				done = append(done, k) // a row names it again
				continue
			}
			if gone, err := r.RemoveIdle(k); err == nil && gone {
				done = append(done, k)
				n++
			}
		}
		if err := s.store.DropBlobOrphans(ctx, done); err != nil || len(keys) < orphansPage {
			return n
		}
	}
}

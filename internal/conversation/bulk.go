package conversation

import (
	"context"

	"github.com/parleyhq/parley/internal/parley"
)

// Bulk actions (SPEC CNV-10).
const (
	BulkClose   = "close"
	BulkReopen  = "reopen"
	BulkTrash   = "trash"
	BulkSpam    = "spam"
	BulkRestore = "restore"
	BulkAssign  = "assign"
)

// MaxBulk caps the conversations of one bulk action.
const MaxBulk = 500

// BulkResult is the outcome for one conversation: Err is nil on success.
type BulkResult struct {
	ID  parley.ID
	Err error
}

// Bulk applies an action to each conversation, each in its own transaction,
// and reports per item: one failure does not stop the others. An unknown
// action or an empty or oversized selection is EINVALID.
func (s *Service) Bulk(ctx context.Context, a parley.Actor, ids []parley.ID, action string, to Assignment) ([]BulkResult, error) {
	var op func(context.Context, parley.Actor, parley.ID) (*parley.Conversation, error)
	switch action {
	case BulkClose:
		op = s.Close
	case BulkReopen:
		op = s.Reopen
	case BulkTrash:
		op = s.Trash
	case BulkSpam:
		op = s.Spam
	case BulkRestore:
		op = s.Restore
	case BulkAssign:
		op = func(ctx context.Context, a parley.Actor, id parley.ID) (*parley.Conversation, error) {
			return s.Assign(ctx, a, id, to)
		}
	default:
		return nil, parley.Invalid("action", "must be one of close, reopen, trash, spam, restore, assign")
	}
	if len(ids) == 0 {
		return nil, parley.Invalid("ids", "select at least one conversation")
	}
	if len(ids) > MaxBulk {
		return nil, parley.Invalid("ids", "at most %d conversations at once", MaxBulk)
	}
	out := make([]BulkResult, len(ids))
	for i, id := range ids {
		_, err := op(ctx, a, id)
		out[i] = BulkResult{ID: id, Err: err}
	}
	return out, nil
}

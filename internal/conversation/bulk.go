package conversation

import (
	"context"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
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

// BulkPage is how many conversations of a view one BulkView call acts on:
// a whole view goes a page at a time, so a long run shows its progress and
// no request holds the server for minutes.
const BulkPage = 100

// BulkResult is the outcome for one conversation: Err is nil on success.
// Before is the conversation as it was, and Changed says whether the action
// changed it, so that a client can undo exactly what the action did.
type BulkResult struct {
	ID      parley.ID
	Err     error
	Before  parley.Conversation
	Changed bool
}

// Bulk applies an action to each conversation, each in its own transaction,
// and reports per item: one failure does not stop the others. An unknown
// action or an empty or oversized selection is EINVALID.
func (s *Service) Bulk(ctx context.Context, a parley.Actor, ids []parley.ID, action string, to Assignment) ([]BulkResult, error) {
	op, err := bulkOp(ctx, a, action, to)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, parley.Invalid("ids", "select at least one conversation")
	}
	if len(ids) > MaxBulk {
		return nil, parley.Invalid("ids", "at most %d conversations at once", MaxBulk)
	}
	return s.bulk(ctx, a, ids, op), nil
}

// BulkView applies an action to the conversations of a view, the page of up
// to BulkPage that f selects after f.After, and returns the results and the
// cursor of the next page, nil after the last. Access is checked per item as
// in Bulk: a conversation the actor may read but not act on is reported
// EFORBIDDEN and left as it is. A search acts on all its results (at most
// SearchCap) at once. A bad filter is EINVALID, an inbox the actor cannot
// read ENOTFOUND.
func (s *Service) BulkView(ctx context.Context, a parley.Actor, f ListFilter, action string, to Assignment) ([]BulkResult, *store.Cursor, error) {
	op, err := bulkOp(ctx, a, action, to)
	if err != nil {
		return nil, nil, err
	}
	f.Limit = BulkPage + 1
	if f.Query != "" {
		f.After, f.Limit = nil, SearchCap
	}
	convs, err := s.List(ctx, a, f)
	if err != nil {
		return nil, nil, err
	}
	var next *store.Cursor
	if f.Query == "" && len(convs) > BulkPage {
		convs = convs[:BulkPage]
		last := convs[BulkPage-1]
		next = &store.Cursor{At: last.LastActivityAt, ID: last.ID}
	}
	ids := make([]parley.ID, len(convs))
	for i, c := range convs {
		ids[i] = c.ID
	}
	return s.bulk(ctx, a, ids, op), next, nil
}

func (s *Service) bulk(ctx context.Context, a parley.Actor, ids []parley.ID, op mutation) []BulkResult {
	out := make([]BulkResult, len(ids))
	for i, id := range ids {
		before, after, err := s.change(ctx, a, id, op)
		out[i] = BulkResult{ID: id, Err: err}
		if err == nil {
			out[i].Before = before
			out[i].Changed = before.Status != after.Status || before.Placement != after.Placement ||
				!sameID(before.AssigneeID, after.AssigneeID) || !sameID(before.TeamID, after.TeamID)
		}
	}
	return out
}

func bulkOp(ctx context.Context, a parley.Actor, action string, to Assignment) (mutation, error) {
	switch action {
	case BulkClose:
		return closing(a), nil
	case BulkReopen:
		return reopening(ctx, a), nil
	case BulkTrash:
		return moving(a, parley.PlacementTrash, ""), nil
	case BulkSpam:
		return moving(a, parley.PlacementSpam, ""), nil
	case BulkRestore:
		return restoring(ctx, a), nil
	case BulkAssign:
		return assigning(ctx, a, to), nil
	}
	return nil, parley.Invalid("action", "must be one of close, reopen, trash, spam, restore, assign")
}

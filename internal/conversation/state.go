package conversation

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Assignment names a conversation's new owner: a user, a team, both, or
// neither (unassign).
type Assignment struct {
	UserID *parley.ID
	TeamID *parley.ID
}

// Assign gives a conversation to a user who can act in its inbox, and/or a
// team, or takes it away (SPEC CNV-4). It records assigned, reassigned or
// unassigned with who it went from and to. An assignee who is not a member,
// or a viewer, is EINVALID.
func (s *Service) Assign(ctx context.Context, a parley.Actor, id parley.ID, to Assignment) (*parley.Conversation, error) {
	return s.mutate(ctx, a, id, assigning(ctx, a, to))
}

func assigning(ctx context.Context, a parley.Actor, to Assignment) mutation {
	return func(tx *store.Tx, c *parley.Conversation, now time.Time) ([]parley.Event, error) {
		if to.UserID != nil {
			u, err := tx.User(ctx, *to.UserID)
			if err != nil {
				return nil, parley.Invalid("user_id", "no such user")
			}
			if !u.Active() {
				return nil, parley.Invalid("user_id", "%s is deactivated: assign to an active teammate", u.Name)
			}
			if auth.Inbox(ctx, tx, parley.UserActor(u), c.InboxID, auth.Act) != nil {
				return nil, parley.Invalid("user_id", "%s cannot act in this inbox: assign to a member who is not a viewer", u.Name).Because("assignee_viewer")
			}
		}
		if to.TeamID != nil {
			if _, err := tx.Team(ctx, *to.TeamID); err != nil {
				return nil, parley.Invalid("team_id", "no such team")
			}
		}
		var evs []parley.Event
		if c.Bot && to.UserID != nil {
			// Giving a chat its bot is in to someone takes it from the bot
			// (SPEC CHT-14): people answer it now.
			step, err := tx.StopBotRun(ctx, c.ID, now)
			if err != nil {
				return nil, err
			}
			c.Bot = false
			evs = append(evs, parley.NewEvent(parley.EventBotTakenOver, a, now, map[string]any{"step": step, "to_user_id": *to.UserID}))
		}
		if sameID(c.AssigneeID, to.UserID) && sameID(c.TeamID, to.TeamID) {
			return evs, nil
		}
		typ := parley.EventReassigned
		switch {
		case to.UserID == nil && to.TeamID == nil:
			typ = parley.EventUnassigned
		case c.AssigneeID == nil && c.TeamID == nil:
			typ = parley.EventAssigned
		}
		e := parley.NewEvent(typ, a, now, map[string]any{
			"from_user_id": c.AssigneeID, "to_user_id": to.UserID,
			"from_team_id": c.TeamID, "to_team_id": to.TeamID,
		})
		c.AssigneeID, c.TeamID = to.UserID, to.TeamID
		if to.UserID != nil {
			// Taken by hand: it no longer waits for routing.
			if err := tx.Unqueue(ctx, c.ID); err != nil {
				return nil, err
			}
		}
		return append(evs, e), nil
	}
}

func sameID(a, b *parley.ID) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// Close marks a conversation resolved (SPEC CNV-5). Closing a closed one
// changes nothing.
func (s *Service) Close(ctx context.Context, a parley.Actor, id parley.ID) (*parley.Conversation, error) {
	return s.mutate(ctx, a, id, closing(a))
}

// BotInactive is how long the visitor of a chat still with its bot must
// have been quiet before someone closes it (SPEC CNV-6).
const BotInactive = 30 * time.Minute

func closing(a parley.Actor) mutation {
	return func(_ *store.Tx, c *parley.Conversation, now time.Time) ([]parley.Event, error) {
		if c.Status == parley.StatusClosed {
			return nil, nil
		}
		if err := botClosable(c, now); err != nil {
			return nil, err
		}
		c.Status, c.ClosedAt = parley.StatusClosed, &now
		return []parley.Event{parley.NewEvent(parley.EventClosed, a, now, nil)}, nil
	}
}

// botClosable refuses to close a chat still with its bot — one whose
// visitor never reached a hand-off — until the visitor has been quiet
// BotInactive (SPEC CNV-6): ECONFLICT saying how long is left.
func botClosable(c *parley.Conversation, now time.Time) error {
	if !c.Bot {
		return nil
	}
	last := c.CreatedAt
	if c.LastCustomerAt != nil {
		last = *c.LastCustomerAt
	}
	left := last.Add(BotInactive).Sub(now)
	if left <= 0 {
		return nil
	}
	e := &parley.Error{Code: parley.ECONFLICT, Wait: left,
		Message: fmt.Sprintf("the visitor is still with the bot: this chat can be closed in %d minutes", max(1, int(left.Round(time.Minute)/time.Minute)))}
	return e.Because("bot_visitor_active")
}

// Reopen opens a closed conversation again. Reopening an open one changes
// nothing.
func (s *Service) Reopen(ctx context.Context, a parley.Actor, id parley.ID) (*parley.Conversation, error) {
	return s.mutate(ctx, a, id, reopening(ctx, a))
}

func reopening(ctx context.Context, a parley.Actor) mutation {
	return func(tx *store.Tx, c *parley.Conversation, now time.Time) ([]parley.Event, error) {
		if c.Status == parley.StatusOpen {
			return nil, nil
		}
		if c.Bot {
			// Reopened by a person, a chat the bot closed is theirs to
			// answer: it leaves bots.
			if _, err := tx.StopBotRun(ctx, c.ID, now); err != nil {
				return nil, err
			}
			c.Bot = false
		}
		c.Status, c.ClosedAt = parley.StatusOpen, nil
		return []parley.Event{parley.NewEvent(parley.EventReopened, a, now, map[string]string{"reason": "agent"})}, nil
	}
}

// Spam moves a conversation, and only it, to spam (SPEC CNV-8).
func (s *Service) Spam(ctx context.Context, a parley.Actor, id parley.ID) (*parley.Conversation, error) {
	return s.mutate(ctx, a, id, moving(a, parley.PlacementSpam, ""))
}

// Trash moves a conversation to the trash, from which it is deleted for good
// after parley.TrashRetention (SPEC CNV-9).
func (s *Service) Trash(ctx context.Context, a parley.Actor, id parley.ID) (*parley.Conversation, error) {
	return s.mutate(ctx, a, id, moving(a, parley.PlacementTrash, ""))
}

// Restore moves a conversation in spam or the trash back to where it was
// before it went there, the inbox or filtered, so that restoring undoes the
// move; a filtered conversation, or one whose past is unknown, goes to the
// inbox.
func (s *Service) Restore(ctx context.Context, a parley.Actor, id parley.ID) (*parley.Conversation, error) {
	return s.mutate(ctx, a, id, restoring(ctx, a))
}

func restoring(ctx context.Context, a parley.Actor) mutation {
	return func(tx *store.Tx, c *parley.Conversation, now time.Time) ([]parley.Event, error) {
		to, err := wasIn(ctx, tx, c)
		if err != nil {
			return nil, err
		}
		return moveTo(a, c, to, "", now), nil
	}
}

// wasIn returns the placement c was moved to spam or trash from, or the inbox.
func wasIn(ctx context.Context, tx *store.Tx, c *parley.Conversation) (parley.Placement, error) {
	if c.Placement != parley.PlacementSpam && c.Placement != parley.PlacementTrash {
		return parley.PlacementInbox, nil
	}
	last, err := tx.LastConversationEvent(ctx, c.ID, parley.EventMoved)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return parley.PlacementInbox, nil
	} else if err != nil {
		return "", err
	}
	var move struct{ From, To parley.Placement }
	if json.Unmarshal(last.Data, &move) == nil && move.To == c.Placement && move.From == parley.PlacementFiltered {
		return parley.PlacementFiltered, nil
	}
	return parley.PlacementInbox, nil
}

func moving(a parley.Actor, to parley.Placement, reason string) mutation {
	return func(_ *store.Tx, c *parley.Conversation, now time.Time) ([]parley.Event, error) {
		return moveTo(a, c, to, reason, now), nil
	}
}

// moveTo changes c's placement and returns the event, or nothing when c is
// already there.
func moveTo(a parley.Actor, c *parley.Conversation, to parley.Placement, reason string, now time.Time) []parley.Event {
	if c.Placement == to {
		return nil
	}
	e := parley.NewEvent(parley.EventMoved, a, now, map[string]string{"from": string(c.Placement), "to": string(to), "reason": reason})
	c.Placement = to
	c.TrashedAt = nil
	if to == parley.PlacementTrash {
		c.TrashedAt = &now
	}
	return []parley.Event{e}
}

// Delete deletes a conversation in the trash for good, with its messages; its
// inbound items stay known, so a re-delivery is not imported again (SPEC
// CNV-9). A conversation elsewhere is ECONFLICT.
func (s *Service) Delete(ctx context.Context, a parley.Actor, id parley.ID) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := auth.Conversation(ctx, tx, a, id, auth.Act)
		if err != nil {
			return err
		}
		if c.Placement != parley.PlacementTrash {
			return parley.Errorf(parley.ECONFLICT, "only a conversation in the trash can be deleted permanently")
		}
		return deleteConversation(ctx, tx, a, c, s.clock())
	})
}

func deleteConversation(ctx context.Context, tx *store.Tx, a parley.Actor, c *parley.Conversation, now time.Time) error {
	if err := tx.DeleteConversation(ctx, c.ID); err != nil {
		return err
	}
	tx.Append(parley.NewEvent(parley.EventConversationDeleted, a, now, map[string]any{"trashed_at": c.TrashedAt}).In(c))
	return nil
}

// PurgeTrash deletes for good every conversation that has been in the trash
// longer than parley.TrashRetention, as the system, and returns how many.
func (s *Service) PurgeTrash(ctx context.Context) (int, error) {
	now := s.clock()
	n := 0
	for {
		ids, err := s.store.TrashedBefore(ctx, now.Add(-parley.TrashRetention), 200)
		if err != nil {
			return n, err
		}
		for _, id := range ids {
			deleted := false
			err := s.store.InTx(ctx, func(tx *store.Tx) error {
				c, err := tx.Conversation(ctx, id)
				if err != nil {
					return err
				}
				if c.Placement != parley.PlacementTrash || c.TrashedAt == nil || !c.TrashedAt.Before(now.Add(-parley.TrashRetention)) {
					return nil // restored meanwhile
				}
				deleted = true
				return deleteConversation(ctx, tx, parley.System, c, now)
			})
			if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
				return n, err
			}
			if err == nil && deleted {
				n++
			}
		}
		if len(ids) < 200 {
			return n, nil
		}
	}
}

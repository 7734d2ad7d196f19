package conversation

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// TakeOver is an agent taking a chat from its bot (SPEC CHT-14): the bot
// stops, the agent becomes the assignee and the chat moves from bots to
// the views people work from. A chat with no bot is ECONFLICT. Replying
// to a chat its bot is in takes it over too (Reply).
func (s *Service) TakeOver(ctx context.Context, a parley.Actor, id parley.ID) (*parley.Conversation, error) {
	if a.Kind != parley.ActorUser {
		return nil, parley.Errorf(parley.EFORBIDDEN, "only a person takes a chat over")
	}
	return s.mutate(ctx, a, id, func(tx *store.Tx, c *parley.Conversation, now time.Time) ([]parley.Event, error) {
		if !c.Bot {
			return nil, (&parley.Error{Code: parley.ECONFLICT, Message: "this conversation is not with a bot"}).Because("not_with_bot")
		}
		return takeFromBot(ctx, tx, a, c, now, true)
	})
}

// takeFromBot stops c's bot for a, in tx: the run times out no more, the
// chat leaves bots, and a becomes its assignee — always when taking it
// over, when it has none when answering it.
func takeFromBot(ctx context.Context, tx *store.Tx, a parley.Actor, c *parley.Conversation, now time.Time, assign bool) ([]parley.Event, error) {
	step, err := tx.StopBotRun(ctx, c.ID, now)
	if err != nil {
		return nil, err
	}
	c.Bot = false
	evs := []parley.Event{parley.NewEvent(parley.EventBotTakenOver, a, now, map[string]any{"step": step})}
	if !assign && c.AssigneeID != nil {
		return evs, nil
	}
	me := a.UserID
	assigned, err := assigning(ctx, a, Assignment{UserID: &me, TeamID: c.TeamID})(tx, c, now)
	return append(evs, assigned...), err
}

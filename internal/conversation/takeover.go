package conversation

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// TakeOver is an agent taking a chat from its bot (SPEC CHT-14): the bot
// stops, the agent becomes the assignee and the chat moves from bots to
// the views people work from. A chat with no bot is ECONFLICT.
func (s *Service) TakeOver(ctx context.Context, a parley.Actor, id parley.ID) (*parley.Conversation, error) {
	if a.Kind != parley.ActorUser {
		return nil, parley.Errorf(parley.EFORBIDDEN, "only a person takes a chat over")
	}
	return s.mutate(ctx, a, id, func(tx *store.Tx, c *parley.Conversation, now time.Time) ([]parley.Event, error) {
		if !c.Bot {
			return nil, (&parley.Error{Code: parley.ECONFLICT, Message: "this conversation is not with a bot"}).Because("not_with_bot")
		}
		step, err := tx.StopBotRun(ctx, c.ID, now)
		if err != nil {
			return nil, err
		}
		c.Bot = false
		me := a.UserID
		evs, err := assigning(ctx, a, Assignment{UserID: &me, TeamID: c.TeamID})(tx, c, now)
		if err != nil {
			return nil, err
		}
		return append([]parley.Event{parley.NewEvent(parley.EventBotTakenOver, a, now, map[string]any{"step": step})}, evs...), nil
	})
}

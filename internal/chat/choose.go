package chat

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/parleyhq/parley/internal/parley"
)

// Choice is a visitor's answer to what a bot offered: one of a step's
// buttons, or, to suggested articles, answered (one answered their
// question) or talk (they want someone).
type Choice struct {
	Kind   string // button, answered, talk
	Step   string // the step that offered it
	Button int    // for button: which one
}

// Choose answers the chat's bot with a choice. It is written in the chat
// as the visitor's message, in their words (the button's label), so the
// team reads the whole exchange, and acknowledged and deduplicated by
// clientID as any message. A choice the bot has moved past (a button of an
// earlier step, a second click) counts as those words typed.
func (v *Visitor) Choose(ctx context.Context, clientID, pageURL string, ch Choice) (*Message, bool, error) {
	current, err := v.Conversation(ctx)
	if err != nil {
		return nil, false, err
	}
	if current == 0 {
		return nil, false, parley.Invalid("step", "there is no bot in this chat")
	}
	var bot Bot
	row, err := v.s.store.BotRun(ctx, current)
	if err != nil {
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			return nil, false, parley.Invalid("step", "there is no bot in this chat")
		}
		return nil, false, err
	}
	if err := json.Unmarshal([]byte(row.Bot), &bot); err != nil {
		return nil, false, fmt.Errorf("chat: bot run %d: %w", current, err)
	}
	// The words are the step's own (the bot a run follows never changes);
	// whether the run is still at that step is the runner's to say, in
	// the message's transaction.
	move := Input{Kind: ch.Kind, Step: ch.Step}
	s := bot.step(ch.Step)
	switch {
	case s == nil:
		return nil, false, parley.Invalid("step", "names no step of this bot")
	case ch.Kind == "button":
		if s.Kind != StepButtons || ch.Button < 0 || ch.Button >= len(s.Buttons) {
			return nil, false, parley.Invalid("index", "names no button of this step")
		}
		move.Text, move.Button = s.Buttons[ch.Button].Label, ch.Button
	case ch.Kind == "answered" || ch.Kind == "talk":
		if s.Kind != StepArticles {
			return nil, false, parley.Invalid("step", "suggests no articles")
		}
		move.Text = botWord(v.Locale, ch.Kind)
	default:
		return nil, false, parley.Invalid("type", "must be button, answered or talk")
	}
	return v.send(ctx, clientID, move.Text, pageURL, nil, move)
}

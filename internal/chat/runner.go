package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/store"
)

// The runner moves a chat's bot (SPEC CHT-14) inside the transaction of
// what moved it — the visitor's message, or the time passing — so the
// move and its cause commit together: a crash leaves the run as it was
// stored, a retried message is a duplicate that never reaches it. The bot
// a run follows is copied into its row when it starts, so editing the
// flow never breaks a chat in the middle.

// storedRun is a run as its row keeps it, with the language the bot
// speaks in.
type storedRun struct {
	Run
	Locale string `json:"locale,omitempty"`
}

// botWords are what a bot says by itself, in the visitor's language; the
// admin's texts are said as written.
var botWords = map[string]map[string]string{
	"en": {
		"retry":         "Sorry, I did not get that. Could you answer again?",
		"retry_email":   "That does not look like an email address. Could you type it again?",
		"retry_phone":   "That does not look like a phone number. Could you type it again?",
		"retry_buttons": "Please choose one of the options.",
		"suggest":       "Here is what I found. Did it answer your question?",
		"answered":      "This answered my question",
		"talk":          "Talk to someone",
	},
	"fr": {
		"retry":         "Désolé, je n’ai pas compris. Pouvez-vous répondre à nouveau ?",
		"retry_email":   "Cela ne ressemble pas à une adresse e-mail. Pouvez-vous la saisir à nouveau ?",
		"retry_phone":   "Cela ne ressemble pas à un numéro de téléphone. Pouvez-vous le saisir à nouveau ?",
		"retry_buttons": "Choisissez l’une des options, s’il vous plaît.",
		"suggest":       "Voici ce que j’ai trouvé. Cela répond-il à votre question ?",
		"answered":      "Cela a répondu à ma question",
		"talk":          "Parler à quelqu’un",
	},
}

func botWord(locale, key string) string {
	words, ok := botWords[locale]
	if !ok {
		words = botWords["en"]
	}
	return words[key]
}

// turn is one move of one chat's bot, in tx.
type turn struct {
	tx     *store.Tx
	c      *parley.Conversation
	bot    *Bot
	run    Run
	locale string
	now    time.Time
	// from is the step the run left because the visitor asked for
	// someone or did not answer in time, for the hand-off's record.
	from string
	// found are the articles ranked for the visitor's question before the
	// transaction, if it was asked at the step the run is still at.
	found *suggested
}

// suggested are the articles ranked for a question at a step.
type suggested struct {
	step, question string
	articles       []parley.BotArticle
}

// answer moves the bot of c with in: starts it on the chat's first
// message (the flow's bot), moves it on after, and hands the chat to the
// team when a visitor writes after the bot finished. A chat no longer
// with its bot is left to people.
func answer(ctx context.Context, tx *store.Tx, c *parley.Conversation, flow *Flow, in Input, locale string, now time.Time, found *suggested) error {
	if !c.Bot {
		return nil
	}
	if locale != "fr" {
		locale = "en"
	}
	t := &turn{tx: tx, c: c, locale: locale, now: now}
	var flowID parley.ID
	row, err := tx.BotRun(ctx, c.ID)
	var acts []Action
	switch {
	case parley.ErrorCode(err) == parley.ENOTFOUND:
		if flow == nil || flow.Bot == nil {
			return t.finish(ctx, t.handoff(ctx, "", "no_bot"), 0)
		}
		bot := *flow.Bot
		t.bot, flowID = &bot, flow.ID
		t.run, acts = t.bot.Advance(Run{}, Input{Kind: "start"}, now)
	case err != nil:
		return err
	default:
		var stored storedRun
		if err := t.load(row, &stored); err != nil {
			// A run that cannot be read must not keep the visitor from
			// writing: the team takes the chat (its run stays as it was).
			t.bot = nil
			return t.finish(ctx, t.handoff(ctx, "", "error"), 0)
		}
		t.locale, flowID, t.found = stored.Locale, row.FlowID, found
		if stored.Ended != "" {
			// The bot said all it had; the visitor is still writing.
			t.run = stored.Run
			return t.finish(ctx, t.handoff(ctx, stored.Step, "visitor_wrote"), flowID)
		}
		if in.Kind != "text" && in.Step != stored.Step {
			// A choice the run has moved past (an older button, a second
			// click): the visitor's words, as if typed.
			in = Input{Kind: "text", Text: in.Text}
		}
		t.run, acts = t.bot.Advance(stored.Run, in, now)
	}
	return t.finish(ctx, t.apply(ctx, acts), flowID)
}

// tick moves the bot of conversation id on when the step it waits on has
// timed out, in tx, and reports whether it did; a chat no longer with its
// bot, or closed, only stops timing out.
func tick(ctx context.Context, tx *store.Tx, id parley.ID, now time.Time) (bool, error) {
	// The conversation first, then its run: the order a visitor's message
	// and a take over lock them in, so two of them never wait on each
	// other.
	c, err := tx.Conversation(ctx, id)
	if err != nil {
		return false, err
	}
	row, err := tx.BotRun(ctx, id)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return false, nil
	}
	if err != nil || row.DueAt == nil || row.DueAt.After(now) {
		return false, err // moved on, or stopped, since it was found due
	}
	if !c.Bot || c.Status != parley.StatusOpen || c.Placement != parley.PlacementInbox {
		_, err := tx.StopBotRun(ctx, id, now)
		return false, err
	}
	t := &turn{tx: tx, c: c, now: now}
	var stored storedRun
	if err := t.load(row, &stored); err != nil {
		return false, err
	}
	t.locale = stored.Locale
	var acts []Action
	t.run, acts = t.bot.Advance(stored.Run, Input{Kind: "tick"}, now)
	return true, t.finish(ctx, t.apply(ctx, acts), row.FlowID)
}

// BotTimeoutEvery is how often bots whose step waited too long move on.
const BotTimeoutEvery = time.Minute

// BotTimeouts moves on the bots whose waiting step timed out at now, each
// in its own transaction with its run locked, so two nodes never move one
// twice; it returns how many moved.
func (s *Service) BotTimeouts(ctx context.Context, now time.Time) (int, error) {
	ids, err := s.store.DueBotRuns(ctx, now, 500)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, id := range ids {
		moved := false
		if err := s.store.InTx(ctx, func(tx *store.Tx) (err error) {
			moved, err = tick(ctx, tx, id, now)
			return err
		}); err != nil {
			// One chat that fails must not hold up the others' timeouts.
			errs = append(errs, fmt.Errorf("chat: bot of conversation %d: %w", id, err))
			continue
		}
		if moved {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// rankAhead ranks the articles for text before the message's
// transaction when the visitor's chat waits at an articles step for its
// question, so the ingest's shared transaction does not read the library.
// Any doubt (no run, another step) leaves it to the runner.
func (v *Visitor) rankAhead(ctx context.Context, text string) *suggested {
	current, err := v.Conversation(ctx)
	if err != nil || current == 0 {
		return nil
	}
	row, err := v.s.store.BotRun(ctx, current)
	if err != nil {
		return nil
	}
	var bot Bot
	var stored storedRun
	if json.Unmarshal([]byte(row.Bot), &bot) != nil || json.Unmarshal([]byte(row.Run), &stored) != nil {
		return nil
	}
	step := bot.step(stored.Step)
	if stored.Ended != "" || step == nil || step.Kind != StepArticles || stored.Question != "" {
		return nil
	}
	question := strings.TrimSpace(text)
	found, err := suggest(ctx, &v.s.store.Q, question, stored.Locale)
	if err != nil {
		return nil
	}
	return &suggested{step: step.ID, question: question, articles: found}
}

func (t *turn) load(row *store.BotRun, stored *storedRun) error {
	t.bot = new(Bot)
	if err := json.Unmarshal([]byte(row.Bot), t.bot); err != nil {
		return fmt.Errorf("chat: bot run %d: bot: %w", row.ConversationID, err)
	}
	if err := json.Unmarshal([]byte(row.Run), stored); err != nil {
		return fmt.Errorf("chat: bot run %d: run: %w", row.ConversationID, err)
	}
	return nil
}

// finish stores the run and the conversation as the turn left them.
func (t *turn) finish(ctx context.Context, err error, flowID parley.ID) error {
	if err != nil {
		return err
	}
	if t.bot != nil {
		bot, err := json.Marshal(t.bot)
		if err != nil {
			return err
		}
		run, err := json.Marshal(storedRun{Run: t.run, Locale: t.locale})
		if err != nil {
			return err
		}
		row := &store.BotRun{ConversationID: t.c.ID, FlowID: flowID, Bot: string(bot), Run: string(run), UpdatedAt: t.now}
		if s := t.bot.step(t.run.Step); t.c.Bot && t.run.Ended == "" && s != nil && s.Timeout > 0 {
			due := t.run.Since.Add(time.Duration(s.Timeout) * time.Minute)
			row.DueAt = &due
		}
		if err := t.tx.PutBotRun(ctx, row); err != nil {
			return err
		}
	}
	return t.tx.UpdateConversation(ctx, t.c)
}

// apply does what the machine said, in order.
func (t *turn) apply(ctx context.Context, acts []Action) error {
	for _, a := range acts {
		var err error
		switch a.Kind {
		case "say":
			err = t.say(ctx, a)
		case "save":
			err = t.save(ctx, a)
		case "suggest":
			err = t.suggest(ctx, a)
		case "talk", "timeout":
			t.from = a.Step
		case "handoff":
			err = t.handoff(ctx, a.Step, a.Reason)
		case "resolve":
			err = t.resolve(a)
		case "end":
			t.event(parley.EventBotEnded, map[string]any{"step": a.Step, "reason": or(a.Reason, StepEnd)})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (t *turn) event(typ string, data any) {
	t.tx.Append(parley.NewEvent(typ, parley.BotActor, t.now, data).In(t.c))
}

// say writes the bot's message to the visitor.
func (t *turn) say(ctx context.Context, a Action) error {
	text := a.Text
	if text == "" && a.Retry {
		key := "retry"
		if s := t.bot.step(a.Step); s != nil {
			switch {
			case s.Kind == StepButtons:
				key = "retry_buttons"
			case s.Field == "email" || s.Field == "phone":
				key = "retry_" + s.Field
			}
		}
		text = botWord(t.locale, key)
	}
	return t.message(ctx, text, &parley.BotSaid{Step: a.Step, Buttons: a.Buttons, Retry: a.Retry})
}

func (t *turn) message(ctx context.Context, text string, said *parley.BotSaid) error {
	m := &parley.Message{ConversationID: t.c.ID, Kind: parley.KindMessage, Direction: parley.Outbound, Text: text, Bot: said, CreatedAt: t.now}
	if err := t.tx.CreateMessage(ctx, m); err != nil {
		return err
	}
	e := parley.NewEvent(parley.EventMessageSent, parley.BotActor, t.now, map[string]any{"channel_id": t.c.ChannelID, "delivery": t.c.ChannelKind, "bot_step": said.Step})
	e.MessageID = &m.ID
	t.tx.Append(e.In(t.c))
	if t.now.After(t.c.LastActivityAt) {
		t.c.LastActivityAt = t.now
	}
	return nil
}

// save puts an answer on the visitor's contact: name, email (never taking
// another contact's address: conversation.GiveEmail), phone, or a detail.
func (t *turn) save(ctx context.Context, a Action) error {
	if t.c.ContactID == nil {
		return nil
	}
	id := *t.c.ContactID
	switch {
	case a.Field == "email":
		if err := conversation.GiveEmail(ctx, t.tx, id, t.c, a.Value, parley.BotActor, t.now); err != nil {
			return err
		}
	case a.Field == "name" || a.Field == "phone":
		// What the visitor says never replaces what a person set: a name
		// only fills one that came from a message, a phone an empty one.
		if err := t.tx.FillContact(ctx, id, a.Field, a.Value, t.c.InboxID); err != nil {
			return err
		}
	default:
		if err := t.tx.SetContactDetail(ctx, id, strings.TrimPrefix(a.Field, "custom:"), a.Value); err != nil {
			return err
		}
	}
	t.tx.Append(parley.NewEvent(parley.EventContactUpdated, parley.BotActor, t.now, map[string]any{"contact_id": id, "field": a.Field}))
	return nil
}

// suggest offers the articles that answer the visitor's question, or goes
// on as the step says when none does.
func (t *turn) suggest(ctx context.Context, a Action) error {
	var found []parley.BotArticle
	if f := t.found; f != nil && f.step == a.Step && f.question == a.Question {
		found = f.articles
	} else {
		var err error
		if found, err = suggest(ctx, &t.tx.Q, a.Question, t.locale); err != nil {
			return err
		}
	}
	if len(found) == 0 {
		var acts []Action
		t.run, acts = t.bot.NoArticles(t.run, t.now)
		return t.apply(ctx, acts)
	}
	return t.message(ctx, botWord(t.locale, "suggest"), &parley.BotSaid{Step: a.Step, Articles: found})
}

// handoff gives the chat to the team by the rule it opened with, whether
// or not the chat shows as open (SPEC CHT-14), and says which step handed
// off and why.
func (t *turn) handoff(ctx context.Context, step, reason string) error {
	t.c.Bot = false
	data := map[string]any{"step": step, "reason": reason}
	if t.from != "" {
		data["from"] = t.from
	}
	t.event(parley.EventBotHandedOff, data)
	routed, err := routing.Handoff(ctx, t.tx, t.c, t.now)
	if err != nil || routed == nil {
		return err
	}
	t.tx.Append(routed.In(t.c))
	return nil
}

// resolve closes a chat the visitor said an article answered: resolved
// by the bot (reports count it), with no transcript (the chat never
// reached a person).
func (t *turn) resolve(a Action) error {
	t.event(parley.EventBotEnded, map[string]any{"step": a.Step, "reason": a.Reason})
	now := t.now
	t.c.Status, t.c.ClosedAt = parley.StatusClosed, &now
	t.event(parley.EventClosed, map[string]any{"resolved_by": "bot"})
	return nil
}

package chat

import (
	"fmt"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// A bot (SPEC CHT-14) runs before a person answers: it greets, asks and
// saves the answers on the contact, offers buttons that branch, suggests
// the team's own articles, and hands off. Bot is its steps, Advance the
// pure machine that moves a run from one step to the next; the runner
// stores the run's state with the visitor's message that moved it, so a
// retried message never runs a step twice.

// Step kinds.
const (
	StepMessage  = "message"  // says Text, goes on to Next
	StepAsk      = "ask"      // says Text, waits for an answer for Field, saves it, goes on to Next
	StepButtons  = "buttons"  // says Text with Buttons, goes on to the chosen one's Next
	StepArticles = "articles" // suggests articles for the visitor's question: answered ends the chat, else Next
	StepHandoff  = "handoff"  // hands off to the team, as the flow routes
	StepEnd      = "end"      // says Text and stops, without a hand-off
)

// Bot is a chat flow's bot: its steps, run from the first.
type Bot struct {
	Steps []Step `json:"steps" maxItems:"50"`
}

// Step is one step of a bot.
type Step struct {
	ID   string `json:"id" maxLength:"40" doc:"Its name, unique in the bot; other steps name it to go to it."`
	Kind string `json:"kind" enum:"message,ask,buttons,articles,handoff,end"`
	Text string `json:"text,omitempty" maxLength:"1000" doc:"What the bot says (for articles: how it asks for the question)."`
	Next string `json:"next,omitempty" maxLength:"40" doc:"The step after (message, ask; articles: after talk to someone or when none matches)."`
	// Field is what an ask step saves its answer as: name, email, phone,
	// company, or custom:<key>.
	Field   string   `json:"field,omitempty" maxLength:"60"`
	Retry   string   `json:"retry,omitempty" maxLength:"500" doc:"Said when an answer is not valid (default: a sentence in the visitor's language)."`
	Buttons []Button `json:"buttons,omitempty" maxItems:"10"`
	// Timeout moves a step that waits on to TimeoutNext when the visitor
	// has not answered for that many minutes.
	Timeout     int    `json:"timeout_minutes,omitempty" minimum:"0" maximum:"1440"`
	TimeoutNext string `json:"timeout_next,omitempty" maxLength:"40"`
}

// Button is one choice of a buttons step.
type Button struct {
	Label string `json:"label" maxLength:"60"`
	Next  string `json:"next" maxLength:"40"`
}

// waits reports whether a step waits for the visitor.
func (s *Step) waits() bool {
	return s.Kind == StepAsk || s.Kind == StepButtons || s.Kind == StepArticles
}

// Check refuses a bot that cannot run, naming the field at fault under
// prefix: unknown kinds and fields, steps that name no step, and a step
// from which no path leads to a hand-off or an end.
func (b *Bot) Check(prefix string) error {
	if len(b.Steps) == 0 || len(b.Steps) > 50 {
		return parley.Invalid(prefix+"steps", "must have 1 to 50 steps")
	}
	at := map[string]int{}
	for i, s := range b.Steps {
		field := fmt.Sprintf("%ssteps[%d]", prefix, i)
		if s.ID == "" || strings.ContainsAny(s.ID, " \t\n") {
			return parley.Invalid(field+".id", "is required, without spaces")
		}
		if _, dup := at[s.ID]; dup {
			return parley.Invalid(field+".id", "%q names two steps", s.ID).Because("bot_step_twice")
		}
		at[s.ID] = i
	}
	for i := range b.Steps {
		s := &b.Steps[i]
		field := fmt.Sprintf("%ssteps[%d]", prefix, i)
		names := func(name, to string, required bool) error {
			if to == "" && !required {
				return nil
			}
			if _, ok := at[to]; !ok {
				return parley.Invalid(field+"."+name, "names no step of this bot: %q", to).Because("bot_no_step")
			}
			return nil
		}
		if (s.Kind == StepAsk || s.Kind == StepArticles) && strings.TrimSpace(s.Text) == "" {
			return parley.Invalid(field+".text", "says what the bot asks: a step that waits in silence leaves the visitor waiting").Because("bot_step_silent")
		}
		var err error
		switch s.Kind {
		case StepMessage, StepArticles:
			err = names("next", s.Next, true)
		case StepAsk:
			if !askable(s.Field) {
				return parley.Invalid(field+".field", "must be name, email, phone, company or custom:<key>")
			}
			err = names("next", s.Next, true)
		case StepButtons:
			if len(s.Buttons) == 0 {
				return parley.Invalid(field+".buttons", "offers no button")
			}
			for j, bt := range s.Buttons {
				if strings.TrimSpace(bt.Label) == "" {
					return parley.Invalid(fmt.Sprintf("%s.buttons[%d].label", field, j), "is required")
				}
				if err = names(fmt.Sprintf("buttons[%d].next", j), bt.Next, true); err != nil {
					return err
				}
			}
		case StepHandoff, StepEnd:
		default:
			return parley.Invalid(field+".kind", "must be message, ask, buttons, articles, handoff or end")
		}
		if err != nil {
			return err
		}
		if s.Timeout > 0 {
			if !s.waits() {
				return parley.Invalid(field+".timeout_minutes", "only a step that waits for the visitor times out")
			}
			if err := names("timeout_next", s.TimeoutNext, true); err != nil {
				return err
			}
		}
	}
	// Every step must lead somewhere a run stops: walk back from the
	// hand-offs and ends.
	exits := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, s := range b.Steps {
			if exits[s.ID] {
				continue
			}
			if leadsOut(&s, exits) {
				exits[s.ID] = true
				changed = true
			}
		}
	}
	for i, s := range b.Steps {
		if !exits[s.ID] {
			return parley.Invalid(fmt.Sprintf("%ssteps[%d]", prefix, i), "step %q never leads to a hand-off or an end", s.ID).Because("bot_no_exit")
		}
	}
	// A visitor who has gone must not be asked again and again: the time
	// passing alone must never bring a run back to where it timed out.
	for i, s := range b.Steps {
		if s.Timeout > 0 && b.timesOutInCircles(s.ID) {
			return parley.Invalid(fmt.Sprintf("%ssteps[%d].timeout_next", prefix, i), "step %q times out back to itself", s.ID).Because("bot_timeout_loop")
		}
	}
	return nil
}

// timesOutInCircles reports whether a run left waiting at step id, with
// nobody answering, comes back to a step it already waited at: following
// timeouts, and the steps that go on by themselves between them.
func (b *Bot) timesOutInCircles(id string) bool {
	seen := map[string]bool{}
	for cur := b.step(id); cur != nil; {
		if seen[cur.ID] {
			return true
		}
		seen[cur.ID] = true
		switch {
		case cur.Kind == StepMessage:
			cur = b.step(cur.Next)
		case cur.waits() && cur.Timeout > 0:
			cur = b.step(cur.TimeoutNext)
		default:
			return false // it waits for good, hands off or ends
		}
	}
	return false
}

// leadsOut reports whether a step stops a run or goes on to a step in
// exits, by the ways the step really goes on: an articles step's visitor
// who wants someone must reach them too, whatever the articles answer.
func leadsOut(s *Step, exits map[string]bool) bool {
	if s.Timeout > 0 && exits[s.TimeoutNext] {
		return true
	}
	switch s.Kind {
	case StepHandoff, StepEnd:
		return true
	case StepButtons:
		for _, b := range s.Buttons {
			if exits[b.Next] {
				return true
			}
		}
		return false
	}
	return exits[s.Next]
}

// askable reports whether an ask step may save its answer as field.
func askable(field string) bool {
	switch field {
	case "name", "email", "phone", "company":
		return true
	}
	key, ok := strings.CutPrefix(field, "custom:")
	return ok && key != "" && len(key) <= 50 && !strings.ContainsAny(key, " \t\n")
}

// Run is where a bot's run stands: the step it waits on (none before it
// starts), since when, and how it ended.
type Run struct {
	Step  string    `json:"step,omitempty"`
	Since time.Time `json:"since"`
	// Ended is handoff, end or answered (the visitor said an article
	// answered them) once the run is over.
	Ended string `json:"ended,omitempty"`
	// Question is what the visitor asked, for an articles step.
	Question string `json:"question,omitempty"`
	// Retries counts the answers the step waiting refused.
	Retries int `json:"retries,omitempty"`
}

// MaxRetries is how many answers a step refuses before the bot gives up
// on it and hands the chat to the team: a visitor who will not give an
// email, or keeps asking for a person, is never stuck with the bot.
const MaxRetries = 2

// Input is what moves a run: the start, a visitor's message or button,
// their verdict on suggested articles, or the time passing.
type Input struct {
	Kind   string // start, text, button, answered, talk, tick
	Text   string
	Button int
	// Step is the step a choice (button, answered, talk) was offered at;
	// the runner takes a choice the run has moved past as Text typed.
	Step string
}

// Action is what the runner does for a step: say something (with
// buttons), save an answer, suggest articles for a question, hand off, or
// close the conversation as answered by the bot. talk and timeout only
// say why the run moved on (the visitor asked for someone; no answer in
// time).
type Action struct {
	Kind     string // say, save, suggest, talk, timeout, handoff, resolve, end
	Step     string // the step it comes from
	Text     string
	Buttons  []string
	Field    string // save: the contact field
	Value    string // save: the answer
	Question string // suggest: what to search the articles for
	Reason   string // handoff, end: why (the step's kind, timeout, talk, no_articles)
	// Retry says the answer was not valid (the text is the retry message,
	// empty for the default one in the visitor's language).
	Retry bool
}

// Advance moves run by in, at now, and returns where it stands next and
// what to do. It is pure: the runner commits the new run with the message
// that moved it.
func (b *Bot) Advance(run Run, in Input, now time.Time) (Run, []Action) {
	if run.Ended != "" {
		return run, nil
	}
	var acts []Action
	step := b.step(run.Step)
	switch {
	case in.Kind == "start" && run.Step == "":
		return b.enter(b.Steps[0].ID, now, acts)
	case step == nil:
		return run, nil
	case in.Kind == "tick":
		if step.Timeout > 0 && now.Sub(run.Since) >= time.Duration(step.Timeout)*time.Minute {
			return b.enter(step.TimeoutNext, now, []Action{{Kind: "timeout", Step: step.ID, Reason: "timeout"}})
		}
		return run, nil
	}
	switch step.Kind {
	case StepAsk:
		if in.Kind != "text" {
			return run, nil
		}
		value, ok := valid(step.Field, in.Text)
		if !ok {
			return retry(run, step, now, Action{Kind: "say", Step: step.ID, Text: step.Retry, Retry: true})
		}
		acts = append(acts, Action{Kind: "save", Step: step.ID, Field: step.Field, Value: value})
		return b.enter(step.Next, now, acts)
	case StepButtons:
		if in.Kind == "button" && in.Button >= 0 && in.Button < len(step.Buttons) {
			return b.enter(step.Buttons[in.Button].Next, now, acts)
		}
		if in.Kind == "text" {
			// A typed answer that is a button's label counts as it.
			for _, bt := range step.Buttons {
				if strings.EqualFold(strings.TrimSpace(in.Text), strings.TrimSpace(bt.Label)) {
					return b.enter(bt.Next, now, acts)
				}
			}
			return retry(run, step, now, Action{Kind: "say", Step: step.ID, Text: step.Retry, Buttons: labels(step.Buttons), Retry: true})
		}
	case StepArticles:
		switch {
		case in.Kind == "text" && run.Question == "":
			run.Question, run.Since = strings.TrimSpace(in.Text), now
			return run, []Action{{Kind: "suggest", Step: step.ID, Question: run.Question}}
		case in.Kind == "answered" && run.Question != "":
			run.Ended = "answered"
			return run, []Action{{Kind: "resolve", Step: step.ID, Reason: "answered"}}
		case in.Kind == "talk", in.Kind == "text":
			return b.enter(step.Next, now, []Action{{Kind: "talk", Step: step.ID, Reason: "talk"}})
		}
	}
	return run, nil
}

// retry says a step's retry message, or, the visitor's answer refused
// MaxRetries times already, hands the chat off.
func retry(run Run, step *Step, now time.Time, say Action) (Run, []Action) {
	if run.Retries >= MaxRetries {
		return Run{Step: step.ID, Since: now, Ended: StepHandoff}, []Action{{Kind: "handoff", Step: step.ID, Reason: "retries"}}
	}
	run.Since, run.Retries = now, run.Retries+1 // the visitor is there: the step's time starts again
	return run, []Action{say}
}

// NoArticles goes on from an articles step that found nothing for the
// visitor's question.
func (b *Bot) NoArticles(run Run, now time.Time) (Run, []Action) {
	step := b.step(run.Step)
	if run.Ended != "" || step == nil || step.Kind != StepArticles {
		return run, nil
	}
	return b.enter(step.Next, now, []Action{{Kind: "talk", Step: step.ID, Reason: "no_articles"}})
}

// enter runs steps from id until one waits or the run ends.
func (b *Bot) enter(id string, now time.Time, acts []Action) (Run, []Action) {
	for range len(b.Steps) + 1 { // a message loop without a wait is refused by Check; bound it anyway
		step := b.step(id)
		if step == nil {
			return Run{Ended: StepEnd, Since: now}, append(acts, Action{Kind: "end", Reason: "no_step"})
		}
		switch step.Kind {
		case StepHandoff:
			if step.Text != "" {
				acts = append(acts, Action{Kind: "say", Step: step.ID, Text: step.Text})
			}
			return Run{Step: step.ID, Since: now, Ended: StepHandoff}, append(acts, Action{Kind: "handoff", Step: step.ID, Reason: reason(acts, StepHandoff)})
		case StepEnd:
			if step.Text != "" {
				acts = append(acts, Action{Kind: "say", Step: step.ID, Text: step.Text})
			}
			return Run{Step: step.ID, Since: now, Ended: StepEnd}, append(acts, Action{Kind: "end", Step: step.ID, Reason: StepEnd})
		}
		say := Action{Kind: "say", Step: step.ID, Text: step.Text}
		if step.Kind == StepButtons {
			say.Buttons = labels(step.Buttons)
		}
		if step.Text != "" || step.Kind == StepButtons {
			acts = append(acts, say)
		}
		if step.waits() {
			return Run{Step: step.ID, Since: now}, acts
		}
		id = step.Next
	}
	return Run{Ended: StepEnd, Since: now}, append(acts, Action{Kind: "end", Reason: "loop"})
}

// reason says why a hand-off happened: after a timeout, the visitor
// asking for someone, or the bot reaching its hand-off step.
func reason(acts []Action, def string) string {
	for i := len(acts) - 1; i >= 0; i-- {
		if acts[i].Kind == "timeout" || acts[i].Kind == "talk" {
			return acts[i].Reason
		}
	}
	return def
}

func (b *Bot) step(id string) *Step {
	for i := range b.Steps {
		if b.Steps[i].ID == id {
			return &b.Steps[i]
		}
	}
	return nil
}

func labels(bs []Button) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.Label
	}
	return out
}

// valid checks an answer for field and returns it as saved.
func valid(field, answer string) (string, bool) {
	answer = strings.Join(strings.Fields(answer), " ")
	switch field {
	case "email":
		addr, err := parley.EmailAddress("email", answer)
		return addr, err == nil
	case "phone":
		digits := 0
		for _, r := range answer {
			switch {
			case r >= '0' && r <= '9':
				digits++
			case strings.ContainsRune("+ ()-.", r):
			default:
				return "", false
			}
		}
		return answer, digits >= 6 && len(answer) <= 50
	}
	return answer, answer != "" && len([]rune(answer)) <= 200
}

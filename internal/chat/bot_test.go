package chat

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// sales is the bot of the story: it greets, asks the email (and
// asks again until it is one), offers two buttons, answers a question
// from the articles or hands off.
var sales = Bot{Steps: []Step{
	{ID: "hello", Kind: StepMessage, Text: "Hi! I am the shop's bot.", Next: "email"},
	{ID: "email", Kind: StepAsk, Text: "Your email?", Field: "email", Retry: "That is not an email.", Next: "topic", Timeout: 10, TimeoutNext: "people"},
	{ID: "topic", Kind: StepButtons, Text: "What about?", Buttons: []Button{{Label: "An order", Next: "kb"}, {Label: "Sales", Next: "people"}}},
	{ID: "kb", Kind: StepArticles, Text: "What is your question?", Next: "people"},
	{ID: "people", Kind: StepHandoff, Text: "Someone will be with you."},
}}

func kinds(acts []Action) []string {
	out := make([]string, len(acts))
	for i, a := range acts {
		out[i] = a.Kind
	}
	return out
}

// TestBotAdvance walks the machine through each branch: validation and
// retries, buttons by click or by their words, articles that answer or
// not, timeouts, and a run restored from its stored state (a restart in
// the middle) going on as if nothing happened.
func TestBotAdvance(t *testing.T) {
	if err := sales.Check(""); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	type move struct {
		in    Input
		step  string   // where the run stands after
		ended string   // how it ended, if it did
		acts  []string // the kinds of actions
	}
	cases := []struct {
		name  string
		moves []move
	}{
		{"email, button to articles, answered", []move{
			{Input{Kind: "start"}, "email", "", []string{"say", "say"}},
			{Input{Kind: "text", Text: "not an email"}, "email", "", []string{"say"}},
			{Input{Kind: "text", Text: " ana@shop.example "}, "topic", "", []string{"save", "say"}},
			{Input{Kind: "button", Button: 0}, "kb", "", []string{"say"}},
			{Input{Kind: "text", Text: "Where is my parcel?"}, "kb", "", []string{"suggest"}},
			{Input{Kind: "answered"}, "kb", "answered", []string{"resolve"}},
			{Input{Kind: "text", Text: "thanks"}, "kb", "answered", nil}, // over: nothing more runs
		}},
		{"a button's words, then talk to someone", []move{
			{Input{Kind: "start"}, "email", "", []string{"say", "say"}},
			{Input{Kind: "text", Text: "jo@shop.example"}, "topic", "", []string{"save", "say"}},
			{Input{Kind: "text", Text: "neither"}, "topic", "", []string{"say"}},
			{Input{Kind: "text", Text: "an ORDER"}, "kb", "", []string{"say"}},
			{Input{Kind: "text", Text: "Refund?"}, "kb", "", []string{"suggest"}},
			{Input{Kind: "talk"}, "people", "handoff", []string{"talk", "say", "handoff"}},
		}},
		{"sales hands off at once", []move{
			{Input{Kind: "start"}, "email", "", []string{"say", "say"}},
			{Input{Kind: "text", Text: "li@shop.example"}, "topic", "", []string{"save", "say"}},
			{Input{Kind: "button", Button: 1}, "people", "handoff", []string{"say", "handoff"}},
		}},
		{"a wrong answer restarts the clock", []move{
			{Input{Kind: "start"}, "email", "", []string{"say", "say"}},
			{Input{Kind: "tick"}, "email", "", nil},                          // too soon
			{Input{Kind: "text", Text: "+9m"}, "email", "", []string{"say"}}, // a wrong answer at nine minutes…
			{Input{Kind: "tick", Text: "+9m"}, "email", "", nil},             // …starts the ten again
			{Input{Kind: "tick", Text: "+1m"}, "people", "handoff", []string{"timeout", "say", "handoff"}},
		}},
		{"no answer at all", []move{
			{Input{Kind: "start"}, "email", "", []string{"say", "say"}},
			{Input{Kind: "tick", Text: "+10m"}, "people", "handoff", []string{"timeout", "say", "handoff"}},
		}},
		{"three wrong answers: the team takes over", []move{
			{Input{Kind: "start"}, "email", "", []string{"say", "say"}},
			{Input{Kind: "text", Text: "no"}, "email", "", []string{"say"}},
			{Input{Kind: "text", Text: "I want a human"}, "email", "", []string{"say"}},
			{Input{Kind: "text", Text: "a human!"}, "email", "handoff", []string{"handoff"}},
		}},
		{"answered before any question is nothing", []move{
			{Input{Kind: "start"}, "email", "", []string{"say", "say"}},
			{Input{Kind: "text", Text: "al@shop.example"}, "topic", "", []string{"save", "say"}},
			{Input{Kind: "button", Button: 0}, "kb", "", []string{"say"}},
			{Input{Kind: "answered"}, "kb", "", nil},
		}},
		{"a button that is not there", []move{
			{Input{Kind: "start"}, "email", "", []string{"say", "say"}},
			{Input{Kind: "text", Text: "mo@shop.example"}, "topic", "", []string{"save", "say"}},
			{Input{Kind: "button", Button: 7}, "topic", "", nil},
		}},
	}
	for _, tc := range cases {
		var run Run
		now := t0
		for i, m := range tc.moves {
			if d, err := time.ParseDuration(strings.TrimPrefix(m.in.Text, "+")); err == nil && strings.HasPrefix(m.in.Text, "+") {
				now = now.Add(d)
				m.in.Text = ""
				if m.in.Kind == "text" {
					m.in.Text = "not an email"
				}
			}
			// Each move starts from the run as stored: a restart between
			// two messages changes nothing.
			stored := run
			var acts []Action
			run, acts = sales.Advance(stored, m.in, now)
			if run.Step != m.step || run.Ended != m.ended || !slices.Equal(kinds(acts), m.acts) {
				t.Errorf("%s, move %d (%+v): at %q ended %q doing %v; want %q %q %v", tc.name, i, m.in, run.Step, run.Ended, kinds(acts), m.step, m.ended, m.acts)
			}
			for _, a := range acts {
				if a.Kind == "save" && (a.Field != "email" || a.Value != "ana@shop.example" && a.Value != "jo@shop.example" && a.Value != "li@shop.example" && a.Value != "mo@shop.example" && a.Value != "al@shop.example") {
					t.Errorf("%s: saved %s = %q", tc.name, a.Field, a.Value)
				}
				if a.Kind == "handoff" && (tc.name == "a wrong answer restarts the clock" || tc.name == "no answer at all") && a.Reason != "timeout" {
					t.Errorf("%s: handed off because %q, want timeout", tc.name, a.Reason)
				}
			}
		}
	}

	// The same message twice: the runner stores the run with the message,
	// so a retry finds the run it left and is answered without moving.
	start, _ := sales.Advance(Run{}, Input{Kind: "start"}, t0)
	once, _ := sales.Advance(start, Input{Kind: "text", Text: "ana@shop.example"}, t0)
	if again, acts := sales.Advance(once, Input{Kind: "text", Text: "ana@shop.example"}, t0); again.Step != "topic" || len(acts) != 1 || acts[0].Kind != "say" {
		t.Errorf("the answer again, at the buttons: %+v %v; want the buttons asked again, nothing saved", again, kinds(acts))
	}
	if r, acts := sales.NoArticles(Run{Step: "kb", Question: "x"}, t0); r.Ended != "handoff" || acts[0].Reason != "no_articles" {
		t.Errorf("no article for the question: %+v %v", r, acts)
	}
}

// TestBotValidation: answers are checked for their field.
func TestBotValidation(t *testing.T) {
	for _, tc := range []struct {
		field, answer, want string
		ok                  bool
	}{
		{"email", "Ana@Shop.example", "ana@shop.example", true},
		{"email", "ana at shop", "", false},
		{"phone", "+33 (0)6 12-34.56 78", "+33 (0)6 12-34.56 78", true},
		{"phone", "call me", "", false},
		{"phone", "12345", "", false},
		{"name", "  Ana   Lopez ", "Ana Lopez", true},
		{"name", "   ", "", false},
		{"custom:plan", "Pro", "Pro", true},
	} {
		got, ok := valid(tc.field, tc.answer)
		if ok != tc.ok || ok && got != tc.want {
			t.Errorf("%s %q: %q %v, want %q %v", tc.field, tc.answer, got, ok, tc.want, tc.ok)
		}
	}
}

// TestBotCheck: a bot that cannot run is refused naming the step.
func TestBotCheck(t *testing.T) {
	msg := func(id, next string) Step { return Step{ID: id, Kind: StepMessage, Text: "x", Next: next} }
	end := Step{ID: "end", Kind: StepEnd}
	for _, tc := range []struct {
		name   string
		bot    Bot
		field  string
		reason string
	}{
		{"no steps", Bot{}, "bot.steps", ""},
		{"a step named twice", Bot{Steps: []Step{msg("a", "end"), msg("a", "end"), end}}, "bot.steps[1].id", "bot_step_twice"},
		{"next names nothing", Bot{Steps: []Step{msg("a", "nowhere"), end}}, "bot.steps[0].next", "bot_no_step"},
		{"a loop with no way out", Bot{Steps: []Step{msg("a", "b"), msg("b", "a"), end}}, "bot.steps[0]", "bot_no_exit"},
		{"buttons that all loop", Bot{Steps: []Step{{ID: "q", Kind: StepButtons, Text: "?", Buttons: []Button{{Label: "again", Next: "q"}}}, end}}, "bot.steps[0]", "bot_no_exit"},
		{"a bad field", Bot{Steps: []Step{{ID: "q", Kind: StepAsk, Text: "?", Field: "shoe size", Next: "end"}, end}}, "bot.steps[0].field", ""},
		{"a timeout to nowhere", Bot{Steps: []Step{{ID: "q", Kind: StepAsk, Text: "?", Field: "name", Next: "end", Timeout: 5}, end}}, "bot.steps[0].timeout_next", "bot_no_step"},
		{"an unknown kind", Bot{Steps: []Step{{ID: "q", Kind: "dance"}}}, "bot.steps[0].kind", ""},
		{"a timeout on a step that does not wait", Bot{Steps: []Step{{ID: "a", Kind: StepMessage, Text: "x", Next: "b"}, {ID: "b", Kind: StepMessage, Text: "y", Next: "a", Timeout: 5, TimeoutNext: "end"}, end}}, "bot.steps[1].timeout_minutes", ""},
		{"buttons that loop, with a stray next", Bot{Steps: []Step{{ID: "q", Kind: StepButtons, Text: "?", Next: "end", Buttons: []Button{{Label: "again", Next: "q"}}}, end}}, "bot.steps[0]", "bot_no_exit"},
		{"articles whose visitor never reaches anyone", Bot{Steps: []Step{{ID: "kb", Kind: StepArticles, Text: "?", Next: "kb"}, end}}, "bot.steps[0]", "bot_no_exit"},
		{"a question asked in silence", Bot{Steps: []Step{{ID: "q", Kind: StepAsk, Field: "name", Next: "end"}, end}}, "bot.steps[0].text", "bot_step_silent"},
		{"a timeout back to itself", Bot{Steps: []Step{{ID: "q", Kind: StepAsk, Text: "?", Field: "name", Next: "end", Timeout: 5, TimeoutNext: "q"}, end}}, "bot.steps[0].timeout_next", "bot_timeout_loop"},
		{"timeouts in a circle through a message", Bot{Steps: []Step{
			{ID: "a", Kind: StepAsk, Text: "?", Field: "name", Next: "end", Timeout: 5, TimeoutNext: "m"},
			msg("m", "b"),
			{ID: "b", Kind: StepButtons, Text: "?", Buttons: []Button{{Label: "x", Next: "end"}}, Timeout: 5, TimeoutNext: "a"},
			end}}, "bot.steps[0].timeout_next", "bot_timeout_loop"},
		{"a timeout to a step that waits for good", Bot{Steps: []Step{
			{ID: "a", Kind: StepAsk, Text: "?", Field: "name", Next: "end", Timeout: 5, TimeoutNext: "b"},
			{ID: "b", Kind: StepButtons, Text: "?", Buttons: []Button{{Label: "x", Next: "a"}, {Label: "y", Next: "end"}}},
			end}}, "", ""},
		{"a loop with a way out", Bot{Steps: []Step{{ID: "q", Kind: StepButtons, Text: "?", Buttons: []Button{{Label: "again", Next: "q"}, {Label: "done", Next: "end"}}}, end}}, "", ""},
	} {
		err := tc.bot.Check("bot.")
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if parley.ErrorField(err) != tc.field || tc.reason != "" && parley.ErrorReason(err) != tc.reason {
			t.Errorf("%s: %v (field %q, reason %q), want field %q reason %q", tc.name, err, parley.ErrorField(err), parley.ErrorReason(err), tc.field, tc.reason)
		}
	}
}

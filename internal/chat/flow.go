package chat

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/routing"
)

// A chat flow (SPEC CHT-2..8, CHT-10) is one way the chat shows itself: to
// whom, on which pages, with what welcome, heading, look, availability,
// email capture and consent. An inbox has several, in order; the first
// enabled one that matches the visitor and the page shows. An inbox with
// none shows the chat everywhere, always open.

// Flow is a chat flow's settings.
type Flow struct {
	ID       parley.ID `json:"id" readOnly:"true"`
	Name     string    `json:"name" minLength:"1" maxLength:"100"`
	Enabled  bool      `json:"enabled" required:"false" doc:"Whether it shows at all (default off)."`
	Audience string    `json:"audience,omitempty" enum:"everyone,anonymous,known,in_list,not_in_list" doc:"Who sees it: everyone (default), anonymous visitors, known contacts (visitors whose email Parley knows), the contacts in a list, or everyone but them."`
	// AudienceList is the contact list of audience in_list and not_in_list.
	AudienceList parley.ID `json:"audience_list,omitempty" doc:"The contact list, for audience in_list and not_in_list."`
	// Targeting is OR-groups of AND-rules on the page; none: every page.
	Targeting    [][]Target   `json:"targeting,omitempty" maxItems:"20" doc:"Groups of rules: the flow shows on a page that passes every rule of at least one group; none: every page. Case-sensitive."`
	Welcome      string       `json:"welcome,omitempty" maxLength:"1000" doc:"The first message the visitor sees."`
	Popup        bool         `json:"popup,omitempty" doc:"Pop the welcome up beside the launcher on large screens."`
	SmallScreens string       `json:"small_screens,omitempty" enum:"prompt,hidden" doc:"On small screens: the welcome as a prompt (default), or no launcher at all."`
	Heading      Heading      `json:"heading" required:"false"`
	Availability Availability `json:"availability" required:"false"`
	EmailCapture EmailCapture `json:"email_capture" required:"false"`
	Consent      Consent      `json:"consent" required:"false"`
	Appearance   Appearance   `json:"appearance" required:"false"`
	Language     string       `json:"language,omitempty" enum:"en,fr" doc:"The widget's language; empty: the visitor's browser's."`
	// Picture is set with SetPicture only.
	Picture *Picture `json:"picture,omitempty" readOnly:"true" doc:"The flow's own picture, beside a heading of its own name and on the launcher: set with PUT …/chat-flows/{flow}/picture; saving the flow keeps it."`
	// Routing routes the conversations this flow opens; nil: the chat
	// channel's rule.
	Routing *routing.Rule `json:"routing,omitempty" doc:"Who gets the conversations this flow opens (the routing rule's shape); absent: the chat channel's rule."`
	// Bot, when set, answers the chats this flow opens until it hands
	// off (SPEC CHT-14).
	Bot *Bot `json:"bot,omitempty" doc:"A bot that answers first: its steps, run from the first; until it hands off, the chat is in the bots view. Absent: people answer from the start."`
}

// Target is one rule on the page: on its address (field url, with an
// operator) or on one of its query parameters (field param: name = value).
type Target struct {
	Field string `json:"field" enum:"url,param"`
	Op    string `json:"op,omitempty" enum:"is,is_not,contains,not_contains,starts_with,not_starts_with" doc:"For url. A value ending in /* matches every address under it."`
	Name  string `json:"name,omitempty" maxLength:"100" doc:"For param: the parameter's name."`
	Value string `json:"value" maxLength:"2000"`
}

// Heading is who the visitor sees they are talking to (SPEC CHT-5).
type Heading struct {
	Kind    string      `json:"kind,omitempty" enum:"team,owner,custom" doc:"team: the chosen people and teams (up to three shown, at random when more); owner: the contact's owner, else the fallback person; custom: a name of your own. Default: the chat's name."`
	UserIDs []parley.ID `json:"user_ids,omitempty" maxItems:"50"`
	TeamIDs []parley.ID `json:"team_ids,omitempty" maxItems:"20"`
	// FallbackUserID is shown, for kind owner, to visitors without an owner.
	FallbackUserID *parley.ID `json:"fallback_user_id,omitempty"`
	Name           string     `json:"name,omitempty" maxLength:"100" doc:"For custom: the name shown."`
}

// Availability is when the chat is open (SPEC CHT-7).
type Availability struct {
	Mode      string `json:"mode,omitempty" enum:"always,team,hours" doc:"always (default); team: open while someone the chat routes to is available; hours: open inside the schedule."`
	ReplyTime string `json:"reply_time,omitempty" enum:"minutes,hours,day" doc:"The typical reply time shown to visitors."`
	// Away is what the chat does when it is closed.
	Away     string        `json:"away,omitempty" enum:"message,hidden" doc:"When closed: show the away message (default), or hide the launcher."`
	AwayText string        `json:"away_text,omitempty" maxLength:"1000"`
	Schedule *org.Schedule `json:"schedule,omitempty" doc:"For hours: the weekly hours the chat is open, in a time zone."`
}

// EmailCapture says when the widget asks for the visitor's email (SPEC
// CHT-6).
type EmailCapture struct {
	When         string `json:"when,omitempty" enum:"never,first,unanswered" doc:"never (default); first: before the first message; unanswered: after the first message when no one has answered within after_minutes."`
	AfterMinutes int    `json:"after_minutes,omitempty" minimum:"0" maximum:"1440"`
	Text         string `json:"text,omitempty" maxLength:"500" doc:"The request; empty: the widget's own words."`
}

// Consent is what the visitor agrees to (SPEC CHT-10).
type Consent struct {
	Processing string `json:"processing,omitempty" enum:"none,explicit,legitimate" doc:"none (default); explicit: the visitor must agree before sending; legitimate: a notice is shown."`
	Text       string `json:"text,omitempty" maxLength:"1000" doc:"The notice, or what they agree to."`
	// Subscription, when set, asks consent to be contacted about it.
	Subscription     string `json:"subscription,omitempty" maxLength:"100" doc:"A subscription type the visitor may agree to be contacted about (e.g. Newsletter); empty: not asked."`
	SubscriptionText string `json:"subscription_text,omitempty" maxLength:"500"`
}

// Appearance is the widget's look (SPEC CHT-8).
type Appearance struct {
	Accent       string `json:"accent,omitempty" doc:"A colour, #rrggbb; default #3b5bdb."`
	Position     string `json:"position,omitempty" enum:"right,left" doc:"The corner of the launcher; default right."`
	LauncherText string `json:"launcher_text,omitempty" maxLength:"40" doc:"Words beside the launcher's icon; empty: the icon alone."`
}

var colour = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Normalize checks f, naming the field at fault, and fills its defaults.
func (f Flow) Normalize() (Flow, error) {
	f.Name = strings.TrimSpace(f.Name)
	if f.Name == "" || len([]rune(f.Name)) > 100 {
		return f, parley.Invalid("name", "is required, up to 100 characters")
	}
	f.Audience = or(f.Audience, "everyone")
	switch f.Audience {
	case "in_list", "not_in_list":
		if f.AudienceList == 0 {
			return f, parley.Invalid("audience_list", "is required for this audience").Because("audience_list")
		}
	default:
		f.AudienceList = 0
	}
	f.SmallScreens = or(f.SmallScreens, "prompt")
	for i, group := range f.Targeting {
		if len(group) == 0 || len(group) > 20 {
			return f, parley.Invalid(fmt.Sprintf("targeting[%d]", i), "must have 1 to 20 rules")
		}
		for j, t := range group {
			field := fmt.Sprintf("targeting[%d][%d]", i, j)
			switch t.Field {
			case "url":
				switch t.Op {
				case "is", "is_not", "contains", "not_contains", "starts_with", "not_starts_with":
				default:
					return f, parley.Invalid(field+".op", "must be is, is_not, contains, not_contains, starts_with or not_starts_with")
				}
			case "param":
				if t.Name == "" {
					return f, parley.Invalid(field+".name", "names the query parameter").Because("target_param_name")
				}
			default:
				return f, parley.Invalid(field+".field", "must be url or param")
			}
			if t.Value == "" && t.Field == "url" {
				return f, parley.Invalid(field+".value", "is required").Because("target_value")
			}
		}
	}
	h := &f.Heading
	switch h.Kind {
	case "", "team", "custom":
	case "owner":
		if h.FallbackUserID == nil {
			return f, parley.Invalid("heading.fallback_user_id", "is shown to visitors without an owner: choose someone")
		}
	default:
		return f, parley.Invalid("heading.kind", "must be team, owner or custom")
	}
	if h.Kind == "custom" && strings.TrimSpace(h.Name) == "" {
		return f, parley.Invalid("heading.name", "is required for a heading of your own")
	}
	a := &f.Availability
	a.Mode, a.Away = or(a.Mode, "always"), or(a.Away, "message")
	if a.Mode == "hours" {
		if a.Schedule == nil {
			return f, parley.Invalid("availability.schedule", "is required: the hours the chat is open")
		}
		s, err := a.Schedule.Normalize()
		if err != nil {
			if pe, ok := err.(*parley.Error); ok {
				c := *pe
				c.Field = "availability.schedule." + pe.Field
				return f, &c
			}
			return f, err
		}
		a.Schedule = &s
	} else {
		a.Schedule = nil
	}
	e := &f.EmailCapture
	e.When = or(e.When, "never")
	if e.When != "unanswered" {
		e.AfterMinutes = 0
	}
	f.Consent.Processing = or(f.Consent.Processing, "none")
	if f.Consent.Processing == "explicit" && strings.TrimSpace(f.Consent.Text) == "" {
		return f, parley.Invalid("consent.text", "says what the visitor agrees to").Because("consent_text")
	}
	ap := &f.Appearance
	ap.Accent, ap.Position = or(ap.Accent, "#3b5bdb"), or(ap.Position, "right")
	if !colour.MatchString(ap.Accent) {
		return f, parley.Invalid("appearance.accent", "must be a colour as #rrggbb").Because("colour_invalid")
	}
	ap.Accent = strings.ToLower(ap.Accent)
	if f.Bot != nil {
		if err := f.Bot.Check("bot."); err != nil {
			return f, err
		}
	}
	return f, nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Who is what a flow's audience is checked against: whether the visitor
// is known (their email, or a signed-in user of the site) and the contact
// lists their contact is in.
type Who struct {
	Known bool
	Lists []parley.ID
}

// Matches reports whether the flow shows on page to who: enabled, for
// them, and passing one group of its targeting.
func (f *Flow) Matches(page string, who Who) bool {
	if !f.Enabled {
		return false
	}
	switch f.Audience {
	case "anonymous":
		if who.Known {
			return false
		}
	case "known":
		if !who.Known {
			return false
		}
	case "in_list", "not_in_list":
		if slices.Contains(who.Lists, f.AudienceList) != (f.Audience == "in_list") {
			return false
		}
	}
	if len(f.Targeting) == 0 {
		return true
	}
	params := url.Values{}
	if u, err := url.Parse(page); err == nil {
		params = u.Query()
	}
	for _, group := range f.Targeting {
		all := true
		for _, t := range group {
			if !t.passes(page, params) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// passes reports whether a page passes one rule. A url value ending in /*
// matches the address before it and every address under it.
func (t Target) passes(page string, params url.Values) bool {
	if t.Field == "param" {
		for _, v := range params[t.Name] {
			if v == t.Value {
				return true
			}
		}
		return false
	}
	value, under := strings.CutSuffix(t.Value, "/*")
	match := func() bool {
		switch t.Op {
		case "is", "is_not":
			if under {
				return page == value || strings.HasPrefix(page, value+"/") || strings.HasPrefix(page, value+"?") || strings.HasPrefix(page, value+"#")
			}
			return page == t.Value
		case "contains", "not_contains":
			return strings.Contains(page, t.Value)
		default: // starts_with, not_starts_with
			if under {
				return strings.HasPrefix(page, value)
			}
			return strings.HasPrefix(page, t.Value)
		}
	}()
	if strings.HasPrefix(t.Op, "not_") || t.Op == "is_not" {
		return !match
	}
	return match
}

// Open reports whether the chat is open at now: always, while someone it
// routes to is available (team), or inside its hours, in their time zone
// (hours).
func (a Availability) Open(now time.Time, someoneAvailable bool) bool {
	switch a.Mode {
	case "team":
		return someoneAvailable
	case "hours":
		return a.Schedule != nil && a.Schedule.At(now) == parley.Available
	}
	return true
}

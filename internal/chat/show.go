package chat

import (
	"context"
	"slices"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/routing"
)

// Shown is what the widget shows a visitor on a page: whether it shows at
// all, and the matching flow's settings as they apply now.
type Shown struct {
	Show bool      `json:"show" doc:"Whether the launcher shows on this page."`
	Flow parley.ID `json:"flow,omitempty" doc:"The flow that matched; 0 for the default of an inbox with none."`
	// Online is whether the chat takes messages (its channel is on).
	Online  bool     `json:"online"`
	Title   string   `json:"title" doc:"The heading: the chat's name, people's names, or a name of the flow's own."`
	People  []Person `json:"people,omitempty" doc:"Up to three people the visitor may talk to, with their pictures."`
	Welcome string   `json:"welcome,omitempty"`
	Popup   bool     `json:"popup,omitempty"`
	// SmallScreens is what small screens show: the welcome as a prompt, or
	// no launcher.
	SmallScreens string       `json:"small_screens,omitempty" enum:"prompt,hidden"`
	Open         bool         `json:"open" doc:"Whether someone is there now (availability); when not, the away message shows."`
	AwayText     string       `json:"away_text,omitempty"`
	ReplyTime    string       `json:"reply_time,omitempty" enum:"minutes,hours,day"`
	EmailCapture EmailCapture `json:"email_capture"`
	Consent      Consent      `json:"consent"`
	Appearance   Appearance   `json:"appearance"`
	Language     string       `json:"language,omitempty" enum:"en,fr"`
	Picture      string       `json:"picture,omitempty" doc:"The flow's own picture: on the launcher, and beside a heading of the flow's own name."`
}

// defaultFlow is the flow of an inbox with none: everyone, every page,
// always open.
func defaultFlow() Flow {
	f, _ := Flow{Name: "default", Enabled: true}.Normalize()
	return f
}

// Show returns what the widget of ch shows the visitor token names (any,
// even none) on page, at now.
func (s *Service) Show(ctx context.Context, ch *parley.Channel, token, identity, page string, now time.Time) (*Shown, error) {
	visitor := s.Visitor(ch, token, identity, now)
	f, contact, err := visitor.flow(ctx, page)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return &Shown{Show: false, Online: ch.Enabled}, nil
	}
	out := &Shown{Show: true, Flow: f.ID, Online: ch.Enabled, Title: ch.Name, Welcome: f.Welcome, Popup: f.Popup,
		SmallScreens: f.SmallScreens, EmailCapture: f.EmailCapture, Consent: f.Consent, Appearance: f.Appearance,
		Language: f.Language, ReplyTime: f.Availability.ReplyTime, AwayText: f.Availability.AwayText}
	if f.Picture != nil {
		out.Picture = f.Picture.URL
	}
	if visitor.User != nil || contact != nil && contact.Email != "" {
		out.EmailCapture.When = "never" // their email is known
	}
	someone := false
	if f.Availability.Mode == "team" {
		if someone, err = s.someoneAvailable(ctx, ch, f.Routing); err != nil {
			return nil, err
		}
	}
	out.Open = ch.Enabled && f.Availability.Open(now, someone)
	if !out.Open && f.Availability.Away == "hidden" {
		out.Show = false
	}
	if err := s.heading(ctx, f.Heading, contact, out); err != nil {
		return nil, err
	}
	return out, nil
}

// someoneAvailable reports whether someone the chat's conversations are
// routed to is available: the flow's rule's people, else the channel's (a contact-owner
// rule's fallback), or, for a rule that leaves them unassigned, anyone in
// the inbox.
func (s *Service) someoneAvailable(ctx context.Context, ch *parley.Channel, own *routing.Rule) (bool, error) {
	var rule routing.Rule
	if own != nil {
		rule = *own
	} else {
		raw, err := s.store.ChannelRouting(ctx, ch.ID)
		if err != nil {
			return false, err
		}
		if rule, err = routing.Parse([]byte(raw)); err != nil {
			return false, err
		}
	}
	users, teams := rule.UserIDs, rule.TeamIDs
	if rule.Rule == routing.ContactOwner {
		users, teams = nil, nil
		if fb := rule.Fallback; fb != nil && fb.Rule == routing.Specific {
			users, teams = fb.UserIDs, fb.TeamIDs
		}
	}
	return s.store.AvailableAmong(ctx, ch.InboxID, users, teams)
}

// heading fills who the visitor talks to (SPEC CHT-5).
func (s *Service) heading(ctx context.Context, h Heading, contact *parley.Contact, out *Shown) error {
	var ids []parley.ID
	switch h.Kind {
	case "custom":
		out.Title = h.Name
		return nil
	case "owner":
		if contact != nil && contact.OwnerID != nil {
			ids = []parley.ID{*contact.OwnerID}
		} else if h.FallbackUserID != nil {
			ids = []parley.ID{*h.FallbackUserID}
		}
	case "team":
		ids = h.UserIDs
		for _, id := range h.TeamIDs {
			if t, err := s.store.Team(ctx, id); err == nil {
				ids = append(ids, t.MemberIDs...)
			}
		}
	default:
		return nil
	}
	ids = shuffle(parley.Unique(ids), 3)
	people, err := s.people(ctx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if p, ok := people[id]; ok {
			out.People = append(out.People, p)
		}
	}
	return nil
}

// flow returns the flow the visitor sees on page — the first enabled one
// that matches them and it, the default of an inbox with none, or nil —
// and their contact, if they have one. The server works it out for every
// message too: a visitor never chooses their flow, its routing or its
// consent.
func (v *Visitor) flow(ctx context.Context, page string) (*Flow, *parley.Contact, error) {
	flows, err := v.s.flows(ctx, v.s.store.Q, v.ch.InboxID)
	if err != nil {
		return nil, nil, err
	}
	var contact *parley.Contact
	if stored, err := v.s.store.VisitorByUID(ctx, v.UID); err == nil && stored.ChannelID == v.ch.ID {
		if contact, err = v.s.store.Contact(ctx, stored.ContactID); err != nil {
			return nil, nil, err
		}
	}
	if len(flows) == 0 {
		d := defaultFlow()
		return &d, contact, nil
	}
	who := Who{Known: v.User != nil || contact != nil && contact.Email != ""}
	if contact != nil && slices.ContainsFunc(flows, func(f Flow) bool { return f.AudienceList != 0 }) {
		if who.Lists, err = v.s.store.ContactListsOf(ctx, contact.ID); err != nil {
			return nil, nil, err
		}
	}
	for i := range flows {
		if flows[i].Matches(page, who) {
			return &flows[i], contact, nil
		}
	}
	return nil, contact, nil
}

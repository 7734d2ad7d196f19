package routing

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Open decides the owner of an inbound conversation as it opens, inside
// the transaction that opens it (c is not yet stored): it sets
// c.AssigneeID and returns the decision, or nil when the channel's rule
// leaves new conversations unassigned (SPEC RTE-3) — the unassigned view
// says so already. Once c is stored, Opened records it.
func Open(ctx context.Context, tx *store.Tx, c *parley.Conversation, now time.Time) (*Opening, error) {
	return OpenBy(ctx, tx, c, nil, now)
}

// OpenBy is Open by a rule of the conversation's own instead of its
// channel's (a chat flow's, SPEC CHT-2), nil for the channel's. The rule is
// kept with the conversation for its later decisions.
func OpenBy(ctx context.Context, tx *store.Tx, c *parley.Conversation, own *Rule, now time.Time) (*Opening, error) {
	var rule Rule
	var kept []byte
	if own != nil {
		rule = *own
		var err error
		if kept, err = json.Marshal(rule); err != nil {
			return nil, err
		}
	} else {
		var err error
		if rule, err = channelRule(ctx, tx, c.ChannelID); err != nil {
			return nil, err
		}
	}
	if rule.Rule == Unassigned {
		return &Opening{kept: kept}, nil
	}
	d, err := decide(ctx, tx, rule, c)
	if err != nil {
		return nil, err
	}
	if d.To != nil {
		if err := tx.SetLastRouted(ctx, *d.To, now); err != nil {
			return nil, err
		}
	}
	e := decided(c, d, now)
	return &Opening{Event: &e, queued: d.Reason.Queued, at: now, kept: kept}, nil
}

// Hold is the opening of a chat that a bot answers first (SPEC CHT-14):
// nobody is chosen yet, its own rule, if any, is kept for Handoff.
func Hold(own *Rule) (*Opening, error) {
	if own == nil {
		return &Opening{}, nil
	}
	kept, err := json.Marshal(*own)
	if err != nil {
		return nil, err
	}
	return &Opening{kept: kept}, nil
}

// Handoff routes a chat its bot hands to the team, by the rule it opened
// with (its flow's, else its channel's), whether or not the chat shows as
// open to visitors (SPEC CHT-14). It returns the decision's event, nil
// when the rule leaves it unassigned or someone already has it.
func Handoff(ctx context.Context, tx *store.Tx, c *parley.Conversation, now time.Time) (*parley.Event, error) {
	if c.AssigneeID != nil {
		return nil, nil // someone was given it meanwhile: it stays theirs
	}
	rule, err := ruleOf(ctx, tx, c)
	if err != nil || rule.Rule == Unassigned {
		return nil, err
	}
	d, err := decide(ctx, tx, rule, c)
	if err != nil {
		return nil, err
	}
	return assign(ctx, tx, c, d, now)
}

// Opening is the decision on a conversation that is opening.
type Opening struct {
	Event  *parley.Event // conversation.routed, for the conversation once stored; nil when left unassigned by rule
	queued bool
	at     time.Time
	kept   []byte // the conversation's own rule, to keep
}

// Opened records the decision once the conversation is stored: one that
// nobody could take waits in the queue.
func (o *Opening) Opened(ctx context.Context, tx *store.Tx, c *parley.Conversation) error {
	if len(o.kept) > 0 {
		if err := tx.SetConversationRouting(ctx, c.ID, string(o.kept)); err != nil {
			return err
		}
	}
	if !o.queued {
		return nil
	}
	return tx.QueueForRouting(ctx, c.ID, o.at)
}

// Again decides, when a customer writes to a conversation again, whether
// it stays with its owner (SPEC RTE-5, ORG-4): an owner who has left, no
// longer acts in the inbox, or is away with reassign replies on loses it,
// and the channel's rule routes it again; a closed conversation that had
// no owner is routed as a new one. It returns the decision's event, or nil
// when the owner stays.
func Again(ctx context.Context, tx *store.Tx, c *parley.Conversation, reopened bool, now time.Time) (*parley.Event, error) {
	var previous *parley.ID
	var why string
	switch {
	case c.AssigneeID != nil:
		found, err := tx.RoutingCandidates(ctx, c.InboxID, []parley.ID{*c.AssigneeID})
		if err != nil {
			return nil, err
		}
		o, ok := found[*c.AssigneeID]
		keep, reason := Keeps(Owner{Active: ok && o.Active, Member: ok && o.Member && o.Role != parley.RoleViewer,
			Away: o.Availability == parley.Away, ReassignWhenAway: o.ReassignWhenAway})
		if keep {
			return nil, nil
		}
		previous, why = c.AssigneeID, reason
	case !reopened:
		return nil, nil // an open conversation with no owner waits where it is
	}
	rule, err := ruleOf(ctx, tx, c)
	if err != nil {
		return nil, err
	}
	if previous == nil && rule.Rule == Unassigned {
		return nil, nil
	}
	d := Decision{Reason: Reason{Code: ReasonUnassigned}}
	if rule.Rule != Unassigned {
		if d, err = decide(ctx, tx, rule, c); err != nil {
			return nil, err
		}
	}
	if d.To != nil && previous != nil && *d.To == *previous {
		return nil, nil // the rule gives it back to them (a contact owner keeps theirs, away or not)
	}
	d.Reason.Previous, d.Reason.Why = previous, why
	return assign(ctx, tx, c, d, now)
}

// ruleOf returns the rule a conversation is routed by: its own, kept when
// it opened (a chat flow's), else its channel's.
func ruleOf(ctx context.Context, tx *store.Tx, c *parley.Conversation) (Rule, error) {
	raw, err := tx.ConversationRouting(ctx, c.ID)
	if err != nil {
		return Rule{}, err
	}
	if raw != "" {
		return Parse([]byte(raw))
	}
	return channelRule(ctx, tx, c.ChannelID)
}

func channelRule(ctx context.Context, tx *store.Tx, channelID parley.ID) (Rule, error) {
	raw, err := tx.ChannelRouting(ctx, channelID)
	if err != nil {
		return Rule{}, err
	}
	return Parse([]byte(raw))
}

// decide takes the snapshot a rule needs, under the routing lock held to
// the end of the transaction, and decides.
func decide(ctx context.Context, tx *store.Tx, r Rule, c *parley.Conversation) (Decision, error) {
	if err := tx.LockRouting(ctx); err != nil {
		return Decision{}, err
	}
	s := Snapshot{Rule: r}
	var err error
	switch r.Rule {
	case Specific:
		s.Pool, err = pool(ctx, tx, c.InboxID, r.UserIDs, r.TeamIDs)
	case ContactOwner:
		if c.ContactID != nil {
			contact, err := tx.Contact(ctx, *c.ContactID)
			if err != nil {
				return Decision{}, err
			}
			if contact.OwnerID != nil {
				owner, err := pool(ctx, tx, c.InboxID, []parley.ID{*contact.OwnerID}, nil)
				if err != nil {
					return Decision{}, err
				}
				if len(owner) == 1 {
					s.Owner = &owner[0]
				}
			}
		}
		if f := r.Fallback; s.Owner == nil && f != nil && f.Rule == Specific {
			s.FallbackPool, err = pool(ctx, tx, c.InboxID, f.UserIDs, f.TeamIDs)
		}
	}
	if err != nil {
		return Decision{}, err
	}
	return Decide(s), nil
}

// pool returns the people among users and the members of teams, in that
// order and each once, who may be routed to in an inbox: routable, active,
// members who may act in it (SPEC ORG-3).
func pool(ctx context.Context, tx *store.Tx, inbox parley.ID, users, teams []parley.ID) ([]Candidate, error) {
	ids := append([]parley.ID(nil), users...)
	for _, id := range teams {
		t, err := tx.Team(ctx, id)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			continue // deleted since the rule was set
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, t.MemberIDs...)
	}
	found, err := tx.RoutingPool(ctx, inbox, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Candidate, 0, len(found))
	seen := make(map[parley.ID]bool, len(ids))
	for _, id := range ids {
		u, ok := found[id]
		if !ok || seen[id] {
			continue
		}
		seen[id] = true
		c := Candidate{ID: id, Available: u.Availability == parley.Available, Open: u.Open}
		if u.LastRouted != 0 {
			c.LastRouted = time.UnixMicro(u.LastRouted)
		}
		out = append(out, c)
	}
	return out, nil
}

// routed is a decision's event data.
type routed struct {
	Reason
	From *parley.ID `json:"from_user_id,omitempty"`
	To   *parley.ID `json:"to_user_id"`
}

// assign writes a decision on a stored conversation: the owner (c is
// updated by the caller), when routing last gave them one, its place in the
// queue, and the event that says why.
func assign(ctx context.Context, tx *store.Tx, c *parley.Conversation, d Decision, now time.Time) (*parley.Event, error) {
	var err error
	switch {
	case d.To != nil:
		if err = tx.SetLastRouted(ctx, *d.To, now); err == nil {
			err = tx.Unqueue(ctx, c.ID)
		}
	case d.Reason.Queued:
		err = tx.QueueForRouting(ctx, c.ID, now)
	default:
		err = tx.Unqueue(ctx, c.ID)
	}
	if err != nil {
		return nil, err
	}
	e := decided(c, d, now)
	return &e, nil
}

// decided sets c's owner by d and returns the event that says why.
func decided(c *parley.Conversation, d Decision, now time.Time) parley.Event {
	e := parley.NewEvent(parley.EventRouted, parley.System, now, routed{Reason: d.Reason, From: c.AssigneeID, To: d.To})
	c.AssigneeID = d.To
	return e
}

// Service is the routing settings: each channel's rule, which admins set.
type Service struct {
	store *store.Store
	now   func() time.Time
}

// New returns the routing settings service on s; now nil is the real clock.
func New(s *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, now: now}
}

// Rule returns a channel's routing rule (admins).
func (s *Service) Rule(ctx context.Context, a parley.Actor, channelID parley.ID) (*Rule, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	raw, err := s.store.ChannelRouting(ctx, channelID)
	if err != nil {
		return nil, err
	}
	r, err := Parse([]byte(raw))
	if err != nil {
		return nil, err
	}
	return &r, r.Normalize()
}

// SetRule sets a channel's routing rule (admins). A rule may only name
// people who exist and are routable and active (SPEC ORG-3), and teams that
// exist: the error names the first that is not.
func (s *Service) SetRule(ctx context.Context, a parley.Actor, channelID parley.ID, r Rule) (*Rule, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	if err := r.Normalize(); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		ch, err := tx.Channel(ctx, channelID)
		if err != nil {
			return err
		}
		if err := checkPeople(ctx, tx, "", r.UserIDs, r.TeamIDs); err != nil {
			return err
		}
		if f := r.Fallback; f != nil {
			if err := checkPeople(ctx, tx, "fallback.", f.UserIDs, f.TeamIDs); err != nil {
				return err
			}
		}
		if err := tx.SetChannelRouting(ctx, ch.ID, string(raw)); err != nil {
			return err
		}
		e := parley.NewEvent(parley.EventChannelUpdated, a, parley.Normalize(s.now()), map[string]any{"channel_id": ch.ID, "routing": true})
		e.InboxID = &ch.InboxID
		tx.Append(e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// Check normalises r and checks that the people it names may be routed
// to, naming a field at fault under prefix ("routing." for a chat flow's).
func (r *Rule) Check(ctx context.Context, tx *store.Tx, prefix string) error {
	if err := r.Normalize(); err != nil {
		if pe, ok := err.(*parley.Error); ok && prefix != "" {
			c := *pe
			c.Field = prefix + pe.Field
			return &c
		}
		return err
	}
	if err := checkPeople(ctx, tx, prefix, r.UserIDs, r.TeamIDs); err != nil {
		return err
	}
	if f := r.Fallback; f != nil {
		return checkPeople(ctx, tx, prefix+"fallback.", f.UserIDs, f.TeamIDs)
	}
	return nil
}

func checkPeople(ctx context.Context, tx *store.Tx, prefix string, users, teams []parley.ID) error {
	for i, id := range users {
		field := fmt.Sprintf("%suser_ids[%d]", prefix, i)
		u, err := tx.User(ctx, id)
		switch {
		case parley.ErrorCode(err) == parley.ENOTFOUND:
			return parley.Invalid(field, "no such user")
		case err != nil:
			return err
		case !u.Active():
			return parley.Invalid(field, "%s is deactivated: choose an active teammate", u.Name).Because("routing_deactivated")
		case !u.Routable:
			return parley.Invalid(field, "%s is not routable: only routable people receive routed conversations", u.Name).Because("routing_not_routable")
		case u.Role == parley.RoleViewer:
			return parley.Invalid(field, "%s is a viewer: viewers cannot answer conversations", u.Name).Because("routing_viewer")
		}
	}
	for i, id := range teams {
		if _, err := tx.Team(ctx, id); parley.ErrorCode(err) == parley.ENOTFOUND {
			return parley.Invalid(fmt.Sprintf("%steam_ids[%d]", prefix, i), "no such team")
		} else if err != nil {
			return err
		}
	}
	return nil
}

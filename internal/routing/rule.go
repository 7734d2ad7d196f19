// Package routing decides who gets a conversation (SPEC RTE-1..6, ORG-3,
// ORG-4): each channel's rule, and a decision that is a pure function of a
// snapshot the conversation service takes inside its transaction
// (DESIGN.md "Routing").
package routing

import (
	"encoding/json"
	"fmt"

	"github.com/parleyhq/parley/internal/parley"
)

// Kind is what a rule does with a new conversation.
type Kind string

// Rule kinds.
const (
	Specific     Kind = "specific"      // among chosen users and teams (RTE-1)
	ContactOwner Kind = "contact_owner" // to the contact's owner (RTE-2)
	Unassigned   Kind = "unassigned"    // left for someone to take (RTE-3)
)

// Strategy chooses among the people a rule names.
type Strategy string

// Strategies.
const (
	RoundRobin     Strategy = "round_robin"     // who has waited longest since their last routed conversation
	LeastOpen      Strategy = "least_open"      // who owns the fewest open conversations
	FirstAvailable Strategy = "first_available" // the first in the list who may take it
)

// MaxCapacity bounds a rule's capacity.
const MaxCapacity = 1000

// Rule is a channel's routing rule.
type Rule struct {
	Rule     Kind        `json:"rule" enum:"specific,contact_owner,unassigned" doc:"specific: among the chosen users and teams; contact_owner: the contact's owner, else the fallback; unassigned: left for someone to take."`
	UserIDs  []parley.ID `json:"user_ids,omitempty" maxItems:"500" doc:"The people to route to (rule specific); each must be routable."`
	TeamIDs  []parley.ID `json:"team_ids,omitempty" maxItems:"100" doc:"Teams whose routable members are routed to (rule specific)."`
	Strategy Strategy    `json:"strategy,omitempty" enum:"round_robin,least_open,first_available" doc:"How one person is chosen: round_robin (default), least_open, first_available (list order)."`
	Capacity int         `json:"capacity,omitempty" minimum:"0" maximum:"1000" doc:"The most open conversations one person may own; 0 for no limit."`
	// OnlyAvailable routes only to people who are available (RTE-4); on
	// by default.
	OnlyAvailable *bool     `json:"only_available,omitempty" doc:"Route only to people who are available (default true)."`
	Fallback      *Fallback `json:"fallback,omitempty" doc:"For contact_owner: where a conversation goes when its contact has no owner (a new visitor)."`
}

// Fallback is where a contact-owner rule sends a contact with no owner.
type Fallback struct {
	Rule    Kind        `json:"rule" enum:"specific,unassigned"`
	UserIDs []parley.ID `json:"user_ids,omitempty" maxItems:"500"`
	TeamIDs []parley.ID `json:"team_ids,omitempty" maxItems:"100"`
}

// Default is the rule of a channel that has none: leave unassigned.
func Default() Rule { return Rule{Rule: Unassigned} }

// Available reports whether the rule routes only to available people.
func (r Rule) Available() bool { return r.OnlyAvailable == nil || *r.OnlyAvailable }

// Parse reads a stored rule; nothing stored is the default.
func Parse(raw []byte) (Rule, error) {
	if len(raw) == 0 {
		return Default(), nil
	}
	var r Rule
	if err := json.Unmarshal(raw, &r); err != nil {
		return Rule{}, fmt.Errorf("routing rule: %w", err)
	}
	return r, nil
}

// Normalize fills the rule's defaults and checks its shape, naming the
// field that is wrong. Whether the people it names may be routed to needs
// the store: the service checks that.
func (r *Rule) Normalize() error {
	switch r.Rule {
	case Specific, ContactOwner, Unassigned:
	default:
		return parley.Invalid("rule", "must be specific, contact_owner or unassigned")
	}
	switch r.Strategy {
	case "":
		r.Strategy = RoundRobin
	case RoundRobin, LeastOpen, FirstAvailable:
	default:
		return parley.Invalid("strategy", "must be round_robin, least_open or first_available")
	}
	if r.OnlyAvailable == nil {
		on := true
		r.OnlyAvailable = &on
	}
	if r.Capacity < 0 || r.Capacity > MaxCapacity {
		return parley.Invalid("capacity", "must be between 0 (no limit) and %d", MaxCapacity)
	}
	r.UserIDs, r.TeamIDs = parley.Unique(r.UserIDs), parley.Unique(r.TeamIDs)
	if r.Rule == Specific && len(r.UserIDs) == 0 && len(r.TeamIDs) == 0 {
		return parley.Invalid("user_ids", "choose at least one person or team to route to").Because("routing_nobody")
	}
	if r.Rule != Specific {
		r.UserIDs, r.TeamIDs = nil, nil
	}
	if r.Rule != ContactOwner {
		r.Fallback = nil
	}
	if f := r.Fallback; f != nil {
		switch f.Rule {
		case Specific:
			f.UserIDs, f.TeamIDs = parley.Unique(f.UserIDs), parley.Unique(f.TeamIDs)
			if len(f.UserIDs) == 0 && len(f.TeamIDs) == 0 {
				return parley.Invalid("fallback.user_ids", "choose at least one person or team to route to").Because("routing_nobody")
			}
		case Unassigned:
			f.UserIDs, f.TeamIDs = nil, nil
		default:
			return parley.Invalid("fallback.rule", "must be specific or unassigned")
		}
	}
	return nil
}

package routing

import (
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// A Candidate is a person a rule may route to, as the snapshot saw them:
// routable, active, a member of the inbox who may act in it.
type Candidate struct {
	ID         parley.ID
	Available  bool
	Open       int       // open conversations they own
	LastRouted time.Time // when routing last gave them one; zero for never
}

// Snapshot is what a decision needs, read in the transaction that writes
// it.
type Snapshot struct {
	Rule Rule
	// Pool is the rule's candidates: its chosen people, then its teams'
	// members, in that order, each once.
	Pool []Candidate
	// Owner is the contact's owner when the rule is contact_owner and they
	// may be routed to; nil otherwise.
	Owner *Candidate
	// FallbackPool is the fallback's candidates, as Pool.
	FallbackPool []Candidate
}

// Reason codes: why a decision went the way it did (SPEC RTE-6). The app
// says each in words.
const (
	ReasonStrategy    = "strategy"         // chosen by the rule's strategy among its people
	ReasonOwner       = "contact_owner"    // the contact's owner
	ReasonNewVisitor  = "new_visitor"      // no owner: chosen among the fallback's people
	ReasonNoOwner     = "no_owner"         // no owner, and the fallback leaves it unassigned
	ReasonNobody      = "no_candidates"    // none of the rule's people may be routed to
	ReasonUnavailable = "no_one_available" // everyone is away
	ReasonFull        = "at_capacity"      // everyone available is at capacity
	ReasonUnassigned  = "unassigned"       // the rule leaves conversations unassigned
)

// Why the previous owner of a conversation does not keep it.
const (
	PreviousAway        = "away"        // away, with reassign replies on (SPEC ORG-4)
	PreviousDeactivated = "deactivated" // has left
	PreviousNotMember   = "not_member"  // no longer acts in the inbox
)

// Reason is why a conversation went where it did, as its timeline shows.
type Reason struct {
	Code     string      `json:"reason"`
	Strategy Strategy    `json:"strategy,omitempty"`
	UserIDs  []parley.ID `json:"user_ids,omitempty"` // the people the rule names
	TeamIDs  []parley.ID `json:"team_ids,omitempty"` // the teams the rule names
	// Away is a contact owner who is away: they get it all the same, and
	// are told by email.
	Away bool `json:"away,omitempty"`
	// Queued is a conversation left unassigned until someone may take it.
	Queued bool `json:"queued,omitempty"`
	// Previous is the owner a customer's message took it from, and Why
	// (Previous*).
	Previous *parley.ID `json:"previous_user_id,omitempty"`
	Why      string     `json:"previous,omitempty"`
}

// Decision is who gets a conversation, nobody when To is nil, and why.
type Decision struct {
	To     *parley.ID
	Reason Reason
}

// Decide applies a rule to a snapshot (SPEC RTE-1..4).
func Decide(s Snapshot) Decision {
	r := s.Rule
	switch r.Rule {
	case Specific:
		return pick(r, s.Pool, ReasonStrategy, r.UserIDs, r.TeamIDs)
	case ContactOwner:
		if o := s.Owner; o != nil {
			id := o.ID
			return Decision{To: &id, Reason: Reason{Code: ReasonOwner, Away: !o.Available}}
		}
		if f := r.Fallback; f != nil && f.Rule == Specific {
			return pick(r, s.FallbackPool, ReasonNewVisitor, f.UserIDs, f.TeamIDs)
		}
		return Decision{Reason: Reason{Code: ReasonNoOwner}}
	}
	return Decision{Reason: Reason{Code: ReasonUnassigned}}
}

// pick chooses one of pool by the rule's strategy, among those available
// (unless the rule ignores availability) and under its capacity; when none
// may take it, it stays unassigned and waits in the queue.
func pick(r Rule, pool []Candidate, code string, users, teams []parley.ID) Decision {
	best, available := -1, false
	for i, c := range pool {
		if r.Available() && !c.Available {
			continue
		}
		available = true
		if r.Capacity > 0 && c.Open >= r.Capacity {
			continue
		}
		if best < 0 || before(r.Strategy, c, pool[best]) {
			best = i
		}
	}
	reason := Reason{Code: code, Strategy: r.Strategy, UserIDs: users, TeamIDs: teams}
	switch {
	case best >= 0:
		id := pool[best].ID
		return Decision{To: &id, Reason: reason}
	case len(pool) == 0:
		reason.Code = ReasonNobody
	case !available:
		reason.Code = ReasonUnavailable
	default:
		reason.Code = ReasonFull
	}
	reason.Strategy, reason.Queued = "", true
	return Decision{Reason: reason}
}

// before reports whether a comes before b by the strategy; ties keep the
// list order.
func before(s Strategy, a, b Candidate) bool {
	switch s {
	case FirstAvailable:
		return false
	case LeastOpen:
		if a.Open != b.Open {
			return a.Open < b.Open
		}
	}
	return a.LastRouted.Before(b.LastRouted)
}

// Owner is a conversation's owner as a snapshot saw them.
type Owner struct {
	Active, Member, Away, ReassignWhenAway bool
}

// Keeps says whether a conversation a customer writes to again stays with
// its owner (SPEC RTE-5, ORG-4), and if not, why (Previous*).
func Keeps(o Owner) (bool, string) {
	switch {
	case !o.Active:
		return false, PreviousDeactivated
	case !o.Member:
		return false, PreviousNotMember
	case o.Away && o.ReassignWhenAway:
		return false, PreviousAway
	}
	return true, ""
}

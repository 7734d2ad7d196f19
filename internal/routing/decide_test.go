package routing_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/routing"
)

func TestDecide(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	off := false
	// ana was routed to last, bob first, cy never.
	ana := routing.Candidate{ID: 1, Available: true, Open: 1, LastRouted: t0.Add(2 * time.Minute)}
	bob := routing.Candidate{ID: 2, Available: true, Open: 3, LastRouted: t0.Add(time.Minute)}
	cy := routing.Candidate{ID: 3, Available: true, Open: 2}
	away := func(c routing.Candidate) routing.Candidate { c.Available = false; return c }
	specific := func(s routing.Strategy) routing.Rule {
		return routing.Rule{Rule: routing.Specific, TeamIDs: []parley.ID{7}, Strategy: s}
	}
	withCap := func(r routing.Rule, n int) routing.Rule { r.Capacity = n; return r }
	anyone := func(r routing.Rule) routing.Rule { r.OnlyAvailable = &off; return r }
	id := func(n parley.ID) *parley.ID { return &n }
	routed := func(to parley.ID, s routing.Strategy) routing.Decision {
		return routing.Decision{To: id(to), Reason: routing.Reason{Code: routing.ReasonStrategy, Strategy: s, TeamIDs: []parley.ID{7}}}
	}
	queued := func(code string) routing.Decision {
		return routing.Decision{Reason: routing.Reason{Code: code, TeamIDs: []parley.ID{7}, Queued: true}}
	}
	owner := routing.Rule{Rule: routing.ContactOwner, Strategy: routing.RoundRobin}
	fallback := owner
	fallback.Fallback = &routing.Fallback{Rule: routing.Specific, UserIDs: []parley.ID{2, 3}}
	tests := []struct {
		name string
		s    routing.Snapshot
		want routing.Decision
	}{
		{"round-robin: who waited longest, never routed first",
			routing.Snapshot{Rule: specific(routing.RoundRobin), Pool: []routing.Candidate{ana, bob, cy}}, routed(3, routing.RoundRobin)},
		{"round-robin: then the earliest last routed",
			routing.Snapshot{Rule: specific(routing.RoundRobin), Pool: []routing.Candidate{ana, bob}}, routed(2, routing.RoundRobin)},
		{"round-robin: a tie keeps the list order",
			routing.Snapshot{Rule: specific(routing.RoundRobin), Pool: []routing.Candidate{{ID: 5, Available: true}, {ID: 4, Available: true}}}, routed(5, routing.RoundRobin)},
		{"least open",
			routing.Snapshot{Rule: specific(routing.LeastOpen), Pool: []routing.Candidate{bob, cy, ana}}, routed(1, routing.LeastOpen)},
		{"least open: a tie goes to who waited longest",
			routing.Snapshot{Rule: specific(routing.LeastOpen), Pool: []routing.Candidate{{ID: 1, Available: true, Open: 1, LastRouted: t0}, {ID: 2, Available: true, Open: 1}}}, routed(2, routing.LeastOpen)},
		{"first available: list order",
			routing.Snapshot{Rule: specific(routing.FirstAvailable), Pool: []routing.Candidate{away(ana), bob, cy}}, routed(2, routing.FirstAvailable)},
		{"only available: the away are skipped",
			routing.Snapshot{Rule: specific(routing.RoundRobin), Pool: []routing.Candidate{ana, away(bob), away(cy)}}, routed(1, routing.RoundRobin)},
		{"availability ignored when the rule says so",
			routing.Snapshot{Rule: anyone(specific(routing.RoundRobin)), Pool: []routing.Candidate{ana, away(cy)}}, routed(3, routing.RoundRobin)},
		{"no one available: queued",
			routing.Snapshot{Rule: specific(routing.RoundRobin), Pool: []routing.Candidate{away(ana), away(bob)}}, queued(routing.ReasonUnavailable)},
		{"capacity: the full are skipped",
			routing.Snapshot{Rule: withCap(specific(routing.RoundRobin), 2), Pool: []routing.Candidate{ana, bob, cy}}, routed(1, routing.RoundRobin)},
		{"capacity: everyone full, queued",
			routing.Snapshot{Rule: withCap(specific(routing.RoundRobin), 1), Pool: []routing.Candidate{ana, bob, cy}}, queued(routing.ReasonFull)},
		{"capacity: the available are full and the rest away, queued as full",
			routing.Snapshot{Rule: withCap(specific(routing.RoundRobin), 1), Pool: []routing.Candidate{ana, away(cy)}}, queued(routing.ReasonFull)},
		{"nobody routable among the chosen",
			routing.Snapshot{Rule: specific(routing.RoundRobin)}, queued(routing.ReasonNobody)},
		{"contact owner",
			routing.Snapshot{Rule: owner, Owner: &bob}, routing.Decision{To: id(2), Reason: routing.Reason{Code: routing.ReasonOwner}}},
		{"contact owner away still gets it, and is emailed",
			routing.Snapshot{Rule: owner, Owner: &routing.Candidate{ID: 2}}, routing.Decision{To: id(2), Reason: routing.Reason{Code: routing.ReasonOwner, Away: true}}},
		{"no owner, no fallback: unassigned",
			routing.Snapshot{Rule: owner}, routing.Decision{Reason: routing.Reason{Code: routing.ReasonNoOwner}}},
		{"no owner: the new visitor fallback",
			routing.Snapshot{Rule: fallback, FallbackPool: []routing.Candidate{bob, cy}},
			routing.Decision{To: id(3), Reason: routing.Reason{Code: routing.ReasonNewVisitor, Strategy: routing.RoundRobin, UserIDs: []parley.ID{2, 3}}}},
		{"no owner, fallback people all away: queued",
			routing.Snapshot{Rule: fallback, FallbackPool: []routing.Candidate{away(bob)}},
			routing.Decision{Reason: routing.Reason{Code: routing.ReasonUnavailable, UserIDs: []parley.ID{2, 3}, Queued: true}}},
		{"unassigned",
			routing.Snapshot{Rule: routing.Default(), Pool: []routing.Candidate{ana}}, routing.Decision{Reason: routing.Reason{Code: routing.ReasonUnassigned}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, routing.Decide(tt.s)); diff != "" {
				t.Errorf("decision (-want +got):\n%s", diff)
			}
		})
	}
}

func TestKeeps(t *testing.T) {
	tests := []struct {
		name string
		o    routing.Owner
		keep bool
		why  string
	}{
		{"available", routing.Owner{Active: true, Member: true}, true, ""},
		{"away, reassign off: keeps it", routing.Owner{Active: true, Member: true, Away: true}, true, ""},
		{"available, reassign on: keeps it", routing.Owner{Active: true, Member: true, ReassignWhenAway: true}, true, ""},
		{"away with reassign on", routing.Owner{Active: true, Member: true, Away: true, ReassignWhenAway: true}, false, routing.PreviousAway},
		{"deactivated", routing.Owner{Member: true}, false, routing.PreviousDeactivated},
		{"no longer a member", routing.Owner{Active: true}, false, routing.PreviousNotMember},
	}
	for _, tt := range tests {
		if keep, why := routing.Keeps(tt.o); keep != tt.keep || why != tt.why {
			t.Errorf("%s: Keeps = %v, %q; want %v, %q", tt.name, keep, why, tt.keep, tt.why)
		}
	}
}

func TestRuleNormalize(t *testing.T) {
	tests := []struct {
		name  string
		rule  routing.Rule
		field string
	}{
		{"unknown rule", routing.Rule{Rule: "everyone"}, "rule"},
		{"unknown strategy", routing.Rule{Rule: routing.Specific, UserIDs: []parley.ID{1}, Strategy: "random"}, "strategy"},
		{"specific with nobody", routing.Rule{Rule: routing.Specific}, "user_ids"},
		{"negative capacity", routing.Rule{Rule: routing.Specific, UserIDs: []parley.ID{1}, Capacity: -1}, "capacity"},
		{"capacity too high", routing.Rule{Rule: routing.Specific, UserIDs: []parley.ID{1}, Capacity: routing.MaxCapacity + 1}, "capacity"},
		{"fallback to nobody", routing.Rule{Rule: routing.ContactOwner, Fallback: &routing.Fallback{Rule: routing.Specific}}, "fallback.user_ids"},
		{"fallback to the owner", routing.Rule{Rule: routing.ContactOwner, Fallback: &routing.Fallback{Rule: routing.ContactOwner}}, "fallback.rule"},
		{"fine", routing.Rule{Rule: routing.Specific, UserIDs: []parley.ID{1, 1}}, ""},
	}
	for _, tt := range tests {
		err := tt.rule.Normalize()
		if got := parley.ErrorField(err); got != tt.field || (tt.field == "") != (err == nil) {
			t.Errorf("%s: %v (field %q), want field %q", tt.name, err, got, tt.field)
		}
	}
	r := routing.Rule{Rule: routing.Specific, UserIDs: []parley.ID{4, 4, 2}, Fallback: &routing.Fallback{Rule: routing.Unassigned}}
	if err := r.Normalize(); err != nil {
		t.Fatal(err)
	}
	if r.Strategy != routing.RoundRobin || !cmp.Equal(r.UserIDs, []parley.ID{4, 2}) || r.Fallback != nil || !r.Available() {
		t.Errorf("normalized: %+v, want round-robin, users [4 2], no fallback, only available", r)
	}
}

package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/store"
)

// Targets of W7 (BENCHMARKS.md).
const (
	targetDecisions = 50_000 // routing decisions per second, one core
	targetRouteAdds = time.Millisecond
	w7Decisions     = 1_000_000
	w7Agents        = 500
	w7Rules         = 200
	w7Arrivals      = 2_000
)

// w7Routing measures routing (SPEC RTE-1..4): decisions per second on one
// core with 200 rules over 500 agents, a million of them under capacity
// with none exceeded, and what routing adds to an arrival in the database
// (the snapshot of a 50-person team and the decision, inside the
// transaction, on the dataset).
func w7Routing(ctx context.Context, o RunOptions, t *table) error {
	n, over, elapsed := decideMillion()
	rate := float64(n) / elapsed.Seconds()
	ok := rate >= targetDecisions
	t.figure("W7", fmt.Sprintf("decisions, %d rules over %d agents, one core", w7Rules, w7Agents),
		fmt.Sprintf("%.0f /s", rate), fmt.Sprintf("≥ %d /s", targetDecisions), &ok)
	none := over == 0
	t.figure("W7", fmt.Sprintf("%d decisions under capacity", n), fmt.Sprintf("%d over capacity", over), "0", &none)

	db, sqlite := o.DatabaseURL, o.DatabaseURL == ""
	if sqlite {
		// A copy of the dataset, so the agents and rule measured with
		// leave nothing behind, while each arrival has a transaction of its
		// own, as in ingest (SQLite's statements are prepared between
		// transactions).
		dir, err := os.MkdirTemp("", "parley-w7-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if db, err = copyDataset(ctx, o.Dir+"/parley.db", dir); err != nil {
			return err
		}
	}
	s, err := store.Open(ctx, store.Options{URL: db})
	if err != nil {
		return err
	}
	defer s.Close()
	adds, err := routeArrivals(ctx, s, sqlite)
	if err != nil {
		return err
	}
	t.latency("W7", "routing an arrival in the database (team of 50, 500 agents)", adds, targetRouteAdds)
	return nil
}

// decideMillion runs a million decisions over 200 rules and 500 agents,
// applying each (the chosen person owns one more; conversations close at
// about the rate they open; people come and go) and counting any that puts
// someone over the rule's capacity. It returns the count, the violations
// and the time spent deciding.
func decideMillion() (n, over int, elapsed time.Duration) {
	rng := rand.New(rand.NewPCG(7, 7))
	open := make([]int, w7Agents)
	last := make([]time.Time, w7Agents)
	available := make([]bool, w7Agents)
	for i := range available {
		available[i] = rng.IntN(10) < 8
	}
	type rule struct {
		r      routing.Rule
		agents []int
	}
	strategies := []routing.Strategy{routing.RoundRobin, routing.LeastOpen, routing.FirstAvailable}
	rules := make([]rule, w7Rules)
	for i := range rules {
		r := routing.Rule{Rule: routing.Specific, Strategy: strategies[i%3], UserIDs: []parley.ID{1}}
		if i%4 != 0 {
			r.Capacity = 3 + rng.IntN(8)
		}
		rules[i] = rule{r: r, agents: rng.Perm(w7Agents)[:10+rng.IntN(90)]}
	}
	t0 := time.Unix(0, 0)
	pool := make([]routing.Candidate, 0, 100)
	var decideTime time.Duration
	for i := range w7Decisions {
		ru := &rules[i%w7Rules]
		start := time.Now()
		pool = pool[:0]
		for _, a := range ru.agents {
			pool = append(pool, routing.Candidate{ID: parley.ID(a + 1), Available: available[a], Open: open[a], LastRouted: last[a]})
		}
		d := routing.Decide(routing.Snapshot{Rule: ru.r, Pool: pool})
		decideTime += time.Since(start)
		n++
		if d.To != nil {
			a := int(*d.To) - 1
			open[a]++
			last[a] = t0.Add(time.Duration(i))
			if ru.r.Capacity > 0 && open[a] > ru.r.Capacity {
				over++
			}
		}
		if a := rng.IntN(w7Agents); open[a] > 0 {
			open[a]--
		}
		if i%1000 == 0 {
			a := rng.IntN(w7Agents)
			available[a] = !available[a]
		}
	}
	return n, over, decideTime
}

// errRollBack undoes the measurement's changes to the dataset.
var errRollBack = errors.New("roll back")

// copyDataset copies a SQLite dataset into dir once its store has been
// opened and closed (migrated, its log checkpointed), and returns the copy.
func copyDataset(ctx context.Context, src, dir string) (string, error) {
	s, err := store.Open(ctx, store.Options{URL: src})
	if err != nil {
		return "", err
	}
	if err := s.Close(); err != nil {
		return "", err
	}
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	dst := filepath.Join(dir, "parley.db")
	out, err := os.Create(dst)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return "", err
	}
	return dst, out.Close()
}

// routeArrivals times routing.Open for arrivals on the dataset's first
// inbox, routed round-robin with capacity among a team of 50 of 500 new
// agents. On a copy (own) the agents are stored and each arrival is routed
// in a transaction of its own; otherwise everything happens inside one
// transaction that is rolled back.
func routeArrivals(ctx context.Context, s *store.Store, own bool) (sample, error) {
	var out sample
	var ch *parley.Channel
	at := parley.Now()
	arrive := func(tx *store.Tx) error {
		c := &parley.Conversation{InboxID: ch.InboxID, ChannelID: ch.ID, ChannelKind: ch.Kind, Status: parley.StatusOpen,
			Placement: parley.PlacementInbox, CreatedAt: at, LastActivityAt: at}
		start := time.Now()
		if _, err := routing.Open(ctx, tx, c, at); err != nil {
			return err
		}
		out = append(out, time.Since(start))
		if c.AssigneeID == nil {
			return fmt.Errorf("bench: W7: an arrival was not routed")
		}
		return nil
	}
	err := s.InTx(ctx, func(tx *store.Tx) error {
		inboxes, err := tx.Inboxes(ctx)
		if err != nil || len(inboxes) == 0 {
			return fmt.Errorf("bench: W7: the dataset has no inbox: %v", err)
		}
		if ch, err = tx.BuiltinChannelOf(ctx, inboxes[0].ID); err != nil {
			return err
		}
		team := &parley.Team{Name: fmt.Sprintf("W7 team %d", at.UnixNano()), CreatedAt: at}
		if err := tx.CreateTeam(ctx, team); err != nil {
			return err
		}
		var members []parley.ID
		for i := range w7Agents {
			u := &parley.User{Email: fmt.Sprintf("w7-%d-%d@bench.example", at.UnixNano(), i), Name: fmt.Sprintf("Agent %d", i),
				Role: parley.RoleAgent, Routable: true, Availability: parley.Available, CreatedAt: at}
			if err := tx.CreateUser(ctx, u, ""); err != nil {
				return err
			}
			if i%10 == 0 {
				members = append(members, u.ID)
			}
		}
		if err := tx.SetTeamMembers(ctx, team.ID, members); err != nil {
			return err
		}
		if err := tx.SetChannelRouting(ctx, ch.ID, fmt.Sprintf(`{"rule":"specific","team_ids":[%d],"strategy":"round_robin","capacity":20}`, team.ID)); err != nil {
			return err
		}
		if own {
			return nil
		}
		for range w7Arrivals {
			if err := arrive(tx); err != nil {
				return err
			}
		}
		return errRollBack
	})
	if !own {
		if !errors.Is(err, errRollBack) {
			return nil, err
		}
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	for range w7Arrivals {
		if err := s.InTx(ctx, arrive); err != nil {
			return nil, err
		}
	}
	return out, nil
}

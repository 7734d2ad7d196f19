package org_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestFollowSchedules: a schedule sets its person's availability when it
// is saved and at each boundary after, once, whichever node reads it; a
// change by hand between boundaries stands until the next one; removing
// the schedule leaves availability alone; a deactivated person is not
// switched. Each switch is an availability change in the log, the event
// routing drains its queue on.
func TestFollowSchedules(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		// Monday 30 March 2026, 08:00 in Paris (06:00 UTC, summer time).
		clock := storetest.NewClock(time.Date(2026, 3, 30, 6, 0, 0, 0, time.UTC))
		o := org.New(s, org.Options{Now: clock.Now})
		f := storetest.NewFixtures(t, s)
		ana, ben := f.User("Ana", parley.RoleAgent), f.User("Ben", parley.RoleAgent)
		availability := func(u *parley.User) parley.Availability {
			t.Helper()
			got, err := s.User(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.Availability
		}
		follow := func(want int) {
			t.Helper()
			n, err := o.FollowSchedules(ctx)
			if err != nil || n != want {
				t.Fatalf("FollowSchedules at %s = %d, %v; want %d", clock.Now().Format(time.RFC3339), n, err, want)
			}
		}
		office := org.Schedule{TimeZone: "Europe/Paris", Hours: []org.Hours{{Day: "monday", From: "09:00", To: "17:00"}}}

		if _, err := o.Schedule(ctx, parley.UserActor(ana)); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Fatalf("no schedule yet: %v, want ENOTFOUND", err)
		}
		if _, _, err := o.SetSchedule(ctx, parley.System, office); parley.ErrorCode(err) != parley.EUNAUTHORIZED {
			t.Errorf("a schedule for no one: %v", err)
		}
		sch, u, err := o.SetSchedule(ctx, parley.UserActor(ana), office)
		if err != nil || u.Availability != parley.Away || len(sch.Hours) != 1 {
			t.Fatalf("saved at 08:00: %+v %+v %v; want away", sch, u, err)
		}
		if _, _, err := o.SetSchedule(ctx, parley.UserActor(ben), office); err != nil {
			t.Fatal(err)
		}
		follow(0)

		seq := lastSeq(t, s)
		clock.Advance(time.Hour) // 09:00
		follow(2)
		if availability(ana) != parley.Available || availability(ben) != parley.Available {
			t.Fatal("09:00: both should be available")
		}
		evs, _ := s.EventsAfter(ctx, seq, 10)
		if len(evs) != 2 || evs[0].Type != parley.EventAvailabilityChanged || evs[0].ActorKind != parley.ActorSystem {
			t.Fatalf("events of the switch: %+v", evs)
		}
		follow(0) // once per boundary

		// Ana goes away by hand at 11:00: it stands until the next boundary.
		clock.Advance(2 * time.Hour)
		if _, err := o.SetAvailability(ctx, parley.UserActor(ana), parley.Away, true); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour)
		follow(0)
		if availability(ana) != parley.Away {
			t.Fatal("a change by hand was undone before the next boundary")
		}
		// Ben is deactivated; Ana comes back by hand; at 17:00 the schedule
		// makes Ana away, and leaves Ben alone.
		if _, err := o.UpdateUser(ctx, parley.UserActor(f.User("Boss", parley.RoleAdmin)), ben.ID, org.UserPatch{Active: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		if _, err := o.SetAvailability(ctx, parley.UserActor(ana), parley.Available, true); err != nil {
			t.Fatal(err)
		}
		clock.Advance(5 * time.Hour) // 17:00
		follow(1)
		if availability(ana) != parley.Away || availability(ben) != parley.Available {
			t.Fatalf("17:00: Ana %s (want away), Ben %s (deactivated, untouched)", availability(ana), availability(ben))
		}

		// Two nodes reading the same boundary switch it once.
		clock.Advance(7*24*time.Hour - 8*time.Hour) // next Monday 09:00
		other := org.New(s, org.Options{Now: clock.Now})
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i, node := range []*org.Service{o, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := node.FollowSchedules(ctx)
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			}()
		}
		wg.Wait()
		if counts[0]+counts[1] != 1 || availability(ana) != parley.Available {
			t.Fatalf("two nodes switched %v times; Ana %s", counts, availability(ana))
		}

		// Removing the schedule leaves availability as it is.
		if err := o.DeleteSchedule(ctx, parley.UserActor(ana)); err != nil {
			t.Fatal(err)
		}
		clock.Advance(8 * time.Hour)
		follow(0)
		if availability(ana) != parley.Available {
			t.Fatal("a removed schedule still switched")
		}
	})
}

func lastSeq(t *testing.T, s *store.Store) int64 {
	t.Helper()
	evs, err := s.EventsAfter(context.Background(), 0, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) == 0 {
		return 0
	}
	return evs[len(evs)-1].Seq
}

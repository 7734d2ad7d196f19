package org

import (
	"cmp"
	"context"
	"encoding/json"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// ScheduleEvery is how often the schedules are read for a boundary: a
// person's availability switches within this of their hours.
const ScheduleEvery = 15 * time.Second

// SetAvailability sets the actor's own availability and their "reassign
// replies when away" option (SPEC ORG-4).
func (s *Service) SetAvailability(ctx context.Context, a parley.Actor, status parley.Availability, reassign bool) (*parley.User, error) {
	if a.Kind != parley.ActorUser {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "sign in first")
	}
	if !status.Valid() {
		return nil, parley.Invalid("status", "must be available or away")
	}
	return s.updateUser(ctx, a, a.UserID, func(u *parley.User) {
		u.Availability, u.ReassignWhenAway = status, reassign
	}, parley.EventAvailabilityChanged)
}

// Schedule returns the actor's working week, or ENOTFOUND when they have
// none.
func (s *Service) Schedule(ctx context.Context, a parley.Actor) (*Schedule, error) {
	if a.Kind != parley.ActorUser {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "sign in first")
	}
	stored, err := s.store.Schedule(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	return scheduleOf(stored)
}

func scheduleOf(stored *store.Schedule) (*Schedule, error) {
	sch := Schedule{TimeZone: stored.TimeZone}
	if err := json.Unmarshal([]byte(stored.Hours), &sch.Hours); err != nil {
		return nil, parley.Errorf(parley.EINTERNAL, "schedule of user %d: %v", stored.UserID, err)
	}
	return &sch, nil
}

// SetSchedule gives the actor a working week, and makes them what it says
// now: available inside its hours, away outside. It returns the schedule
// and the actor as they now are.
func (s *Service) SetSchedule(ctx context.Context, a parley.Actor, in Schedule) (*Schedule, *parley.User, error) {
	if a.Kind != parley.ActorUser {
		return nil, nil, parley.Errorf(parley.EUNAUTHORIZED, "sign in first")
	}
	sch, err := in.Normalize()
	if err != nil {
		return nil, nil, err
	}
	hours, err := json.Marshal(sch.Hours)
	if err != nil {
		return nil, nil, err
	}
	var u *parley.User
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		state := sch.At(s.clock())
		if err := tx.SetSchedule(ctx, store.Schedule{UserID: a.UserID, TimeZone: sch.TimeZone, Hours: string(hours), State: state}); err != nil {
			return err
		}
		u, err = s.follow(ctx, tx, a, a.UserID, state)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return &sch, u, nil
}

// DeleteSchedule removes the actor's working week; their availability
// stays as it is, theirs to change.
func (s *Service) DeleteSchedule(ctx context.Context, a parley.Actor) error {
	if a.Kind != parley.ActorUser {
		return parley.Errorf(parley.EUNAUTHORIZED, "sign in first")
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteSchedule(ctx, a.UserID) })
}

// FollowSchedules switches the availability of each person whose schedule
// has crossed a boundary since it was last read, and returns how many it
// switched. Run it every ScheduleEvery, on every node: a boundary is
// switched once, by whichever node reads it first. The switch is an
// availability change in the log, so routing drains its queue on it.
func (s *Service) FollowSchedules(ctx context.Context) (int, error) {
	all, err := s.store.Schedules(ctx)
	if err != nil {
		return 0, err
	}
	switched := 0
	now := s.clock()
	var first error // one person's trouble stops nobody else's switch
	for _, stored := range all {
		sch, err := scheduleOf(&stored)
		if err != nil {
			first = cmp.Or(first, err)
			continue
		}
		state := sch.At(now)
		if state == stored.State {
			continue
		}
		ours := false
		err = s.store.InTx(ctx, func(tx *store.Tx) error {
			ok, err := tx.SwitchSchedule(ctx, stored.UserID, stored.State, state)
			if err != nil || !ok {
				return err
			}
			ours = true
			_, err = s.follow(ctx, tx, parley.System, stored.UserID, state)
			return err
		})
		if err != nil {
			first = cmp.Or(first, err)
			continue
		}
		if ours {
			switched++
		}
	}
	return switched, first
}

// follow makes a user what their schedule says, if they are not already.
func (s *Service) follow(ctx context.Context, tx *store.Tx, a parley.Actor, userID parley.ID, state parley.Availability) (*parley.User, error) {
	u, err := tx.User(ctx, userID)
	if err != nil || u.Availability == state {
		return u, err
	}
	return s.updateUserTx(ctx, tx, a, userID, func(u *parley.User) { u.Availability = state }, parley.EventAvailabilityChanged)
}

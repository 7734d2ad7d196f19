package org

import (
	"context"
	"strings"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// CreateTeam adds a team with members (admins only). A taken name is
// ECONFLICT.
func (s *Service) CreateTeam(ctx context.Context, a parley.Actor, name string, userIDs []parley.ID) (*parley.Team, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 100 {
		return nil, parley.Invalid("name", "is required, up to 100 characters")
	}
	t := &parley.Team{Name: name, MemberIDs: userIDs, CreatedAt: s.clock()}
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateTeam(ctx, t); err != nil {
			return teamError(err)
		}
		tx.Append(parley.NewEvent(parley.EventTeamCreated, a, t.CreatedAt, map[string]any{"team_id": t.ID, "name": t.Name, "user_ids": t.MemberIDs}))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.store.Team(ctx, t.ID)
}

// SetTeamMembers replaces a team's members (admins only).
func (s *Service) SetTeamMembers(ctx context.Context, a parley.Actor, id parley.ID, userIDs []parley.ID) (*parley.Team, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Team(ctx, id); err != nil {
			return err
		}
		if err := tx.SetTeamMembers(ctx, id, userIDs); err != nil {
			return teamError(err)
		}
		tx.Append(parley.NewEvent(parley.EventTeamMembersChanged, a, s.clock(), map[string]any{"team_id": id, "user_ids": userIDs}))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.store.Team(ctx, id)
}

// Teams lists every team with its members.
func (s *Service) Teams(ctx context.Context, a parley.Actor) ([]parley.Team, error) {
	if a.Kind != parley.ActorUser && a.Kind != parley.ActorSystem {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "sign in first")
	}
	return s.store.Teams(ctx)
}

func teamError(err error) error {
	switch parley.ErrorCode(err) {
	case parley.ECONFLICT:
		return &parley.Error{Code: parley.ECONFLICT, Field: "name", Message: "a team with this name exists", Reason: "name_taken"}
	case parley.EINVALID:
		return parley.Invalid("user_ids", "names a user that does not exist")
	}
	return err
}

// RenameTeam changes a team's name (admins only). A taken name is
// ECONFLICT; a missing team ENOTFOUND.
func (s *Service) RenameTeam(ctx context.Context, a parley.Actor, id parley.ID, name string) (*parley.Team, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 100 {
		return nil, parley.Invalid("name", "is required, up to 100 characters")
	}
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RenameTeam(ctx, id, name); err != nil {
			return teamError(err)
		}
		tx.Append(parley.NewEvent(parley.EventTeamUpdated, a, s.clock(), map[string]any{"team_id": id, "name": name}))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.store.Team(ctx, id)
}

// DeleteTeam removes a team (admins only): its members stay users, inboxes
// it opened stay open to their other members, and conversations assigned to
// it keep their assignee but no team. A missing team is ENOTFOUND.
func (s *Service) DeleteTeam(ctx context.Context, a parley.Actor, id parley.ID) error {
	if err := auth.Admin(a); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		t, err := tx.Team(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteTeam(ctx, id); err != nil {
			return err
		}
		tx.Append(parley.NewEvent(parley.EventTeamDeleted, a, s.clock(), map[string]any{"team_id": id, "name": t.Name}))
		return nil
	})
}

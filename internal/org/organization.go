package org

import (
	"context"
	"strings"
	"unicode"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Organization returns the organisation's name to anyone signed in.
func (s *Service) Organization(ctx context.Context, a parley.Actor) (string, error) {
	if a.Kind != parley.ActorUser && a.Kind != parley.ActorSystem {
		return "", parley.Errorf(parley.EUNAUTHORIZED, "sign in first")
	}
	name, ok, err := s.store.OrgName(ctx)
	if err == nil && !ok {
		err = parley.NotFound("organization")
	}
	return name, err
}

// RenameOrganization changes the organisation's name (admins only). Mail
// sent from then on uses it ("Dana at <name>"), as do invitations.
func (s *Service) RenameOrganization(ctx context.Context, a parley.Actor, name string) (string, error) {
	if err := auth.Admin(a); err != nil {
		return "", err
	}
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 100 {
		return "", parley.Invalid("name", "is required, up to 100 characters")
	}
	// It goes into mail headers: one line of printable text.
	if strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", parley.Invalid("name", "must be one line of text")
	}
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		was, _, err := tx.OrgName(ctx)
		if err != nil {
			return err
		}
		if err := tx.RenameOrg(ctx, name); err != nil {
			return err
		}
		tx.Append(parley.NewEvent(parley.EventOrgUpdated, a, s.clock(), map[string]any{"name": name}).
			Was(map[string]any{"name": was}))
		return nil
	})
	if err != nil {
		return "", err
	}
	return name, nil
}

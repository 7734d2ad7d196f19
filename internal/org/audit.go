package org

import (
	"context"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
)

// Audit returns a page of the audit log, newest first, to admins.
func (s *Service) Audit(ctx context.Context, a parley.Actor, f parley.AuditFilter) ([]parley.AuditEntry, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	return s.store.AuditEntries(ctx, f)
}

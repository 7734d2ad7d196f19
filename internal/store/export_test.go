package store

import (
	"context"

	"github.com/parleyhq/parley/internal/parley"
)

// RawChannelConfig is a channel's config as the database holds it, for
// tests that check what is stored.
func (s *Store) RawChannelConfig(ctx context.Context, id parley.ID) (string, error) {
	var config string
	err := s.w.QueryRowContext(ctx, `SELECT config FROM channels WHERE id = $1`, id).Scan(&config)
	return config, err
}

// ExecRaw runs a statement on the writer, for tests that check what the
// database itself refuses.
func (s *Store) ExecRaw(ctx context.Context, query string, args ...any) error {
	_, err := s.w.ExecContext(ctx, query, args...)
	return err
}

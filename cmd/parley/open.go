package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"log/slog"

	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/store"
)

// openStore opens the application's database the one way every command
// does: with the secret key (made on first use), so a channel's mailbox
// password is sealed whichever command writes it. It returns the secret
// too, from which the server derives its other keys.
func openStore(ctx context.Context, cfg *config.Config, log *slog.Logger) (*store.Store, []byte, error) {
	if err := cfg.EnsureSecretKey(); err != nil {
		return nil, nil, err
	}
	secret, err := hex.DecodeString(cfg.SecretKey)
	if err != nil {
		return nil, nil, fmt.Errorf("PARLEY_SECRET_KEY: %w", err)
	}
	st, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, Log: log, Secret: secret})
	if err != nil {
		return nil, nil, err
	}
	return st, secret, nil
}

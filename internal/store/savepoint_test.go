package store_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestSavepoint: an item rolled back to its savepoint leaves no row, no
// event and no after-commit work; the items around it commit.
func TestSavepoint(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		before, _ := s.LastSeq(ctx)
		var after []string
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for _, email := range []string{"kept@x.example", "undone@x.example", "also@x.example"} {
				sp, err := tx.Savepoint(ctx)
				if err != nil {
					return err
				}
				c := &parley.Contact{Email: email, CreatedAt: parley.Now()}
				if err := tx.CreateContact(ctx, c); err != nil {
					return err
				}
				tx.Append(parley.NewEvent(parley.EventContactCreated, parley.System, parley.Now(), map[string]any{"email": email}))
				tx.AfterCommit(func() { after = append(after, email) })
				if email == "undone@x.example" {
					if err := tx.RollbackTo(ctx, sp); err != nil {
						return err
					}
					continue
				}
				if err := tx.Release(ctx); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for email, want := range map[string]bool{"kept@x.example": true, "undone@x.example": false, "also@x.example": true} {
			_, err := s.ContactByEmail(ctx, email)
			if (err == nil) != want {
				t.Errorf("%s: %v, want present %v", email, err, want)
			}
		}
		last, _ := s.LastSeq(ctx)
		if last-before != 2 || len(after) != 2 {
			t.Errorf("%d events and %v after commit, want 2 of each", last-before, after)
		}
	})
}

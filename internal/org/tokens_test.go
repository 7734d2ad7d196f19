package org_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestTokenCapUnderConcurrency: creations racing for the last free places
// never take a user past org.MaxTokens, on either engine.
func TestTokenCapUnderConcurrency(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		o := org.New(s, org.Options{})
		u, err := o.CreateUser(t.Context(), parley.System, org.NewUser{Email: "ana@example.com", Name: "Ana", Role: parley.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		for i := range org.MaxTokens - 3 {
			if _, err := o.CreateToken(t.Context(), parley.System, u.ID, org.NewAPIToken{Name: fmt.Sprint(i)}); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		for i := range 12 {
			wg.Go(func() {
				o.CreateToken(t.Context(), parley.System, u.ID, org.NewAPIToken{Name: fmt.Sprint("racer ", i)})
			})
		}
		wg.Wait()
		held, err := s.APITokens(t.Context(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(held) != org.MaxTokens {
			t.Errorf("after 12 concurrent creations for 3 places: %d tokens, want %d", len(held), org.MaxTokens)
		}
	})
}

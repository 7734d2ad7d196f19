package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestNames reads the names of the users and teams asked for, and those
// only, as they are now: a rename or a deletion shows at the next read.
func TestNames(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.NewFixtures(t, s)
		ana, bob := f.User("ana", parley.RoleAgent), f.User("bob", parley.RoleAgent)
		f.User("carol", parley.RoleAgent)
		billing, sales := f.Team("Billing", ana), f.Team("Sales")

		users := func(ids ...parley.ID) map[parley.ID]string {
			t.Helper()
			got, err := s.UserNames(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		teams := func(ids ...parley.ID) map[parley.ID]string {
			t.Helper()
			got, err := s.TeamNames(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		if diff := cmp.Diff(map[parley.ID]string{ana.ID: "ana", bob.ID: "bob"}, users(ana.ID, bob.ID, ana.ID, 9999)); diff != "" {
			t.Errorf("users (-want +got):\n%s", diff)
		}
		if got := users(); got == nil || len(got) != 0 {
			t.Errorf("no ids: %v, want an empty map", got)
		}
		if diff := cmp.Diff(map[parley.ID]string{billing.ID: "Billing"}, teams(billing.ID)); diff != "" {
			t.Errorf("teams (-want +got):\n%s", diff)
		}
		// Together, in one statement: each kept to its own table.
		gotUsers, gotTeams, err := s.Names(ctx, []parley.ID{ana.ID, bob.ID}, []parley.ID{billing.ID, sales.ID})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[parley.ID]string{ana.ID: "ana", bob.ID: "bob"}, gotUsers); diff != "" {
			t.Errorf("Names' users (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(map[parley.ID]string{billing.ID: "Billing", sales.ID: "Sales"}, gotTeams); diff != "" {
			t.Errorf("Names' teams (-want +got):\n%s", diff)
		}

		ana.Name = "Ana Lima"
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.UpdateUser(ctx, ana); err != nil {
				return err
			}
			if err := tx.RenameTeam(ctx, billing.ID, "Accounts"); err != nil {
				return err
			}
			return tx.DeleteTeam(ctx, sales.ID)
		}); err != nil {
			t.Fatal(err)
		}
		if got := users(ana.ID)[ana.ID]; got != "Ana Lima" {
			t.Errorf("after a rename: %q", got)
		}
		if diff := cmp.Diff(map[parley.ID]string{billing.ID: "Accounts"}, teams(billing.ID, sales.ID)); diff != "" {
			t.Errorf("teams after a rename and a deletion (-want +got):\n%s", diff)
		}
	})
}

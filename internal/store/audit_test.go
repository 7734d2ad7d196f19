package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestAuditLog: the events the audit log records get an entry in their own
// transaction, with the request's address, their subject and what was
// before; other events get none; a rolled-back change leaves none; entries
// are read newest first by action, prefix, actor and time; and the
// database refuses to change or delete one.
func TestAuditLog(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := storetest.NewFixtures(t, s)
		admin := f.User("Ada", parley.RoleAdmin)
		ib := f.Inbox("Support")
		ctx := parley.WithAddress(context.Background(), "203.0.113.7")
		as := parley.Actor{Kind: parley.ActorUser, UserID: admin.ID, Role: parley.RoleAdmin}
		t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		appendEvents := func(fail bool, es ...parley.Event) error {
			return s.InTx(ctx, func(tx *store.Tx) error {
				for _, e := range es {
					tx.Append(e)
				}
				if fail {
					return parley.Errorf(parley.ECONFLICT, "no")
				}
				return nil
			})
		}
		renamed := parley.NewEvent(parley.EventInboxUpdated, as, t0, map[string]any{"name": "Help"}).Was(map[string]any{"name": "Support"})
		renamed.InboxID = &ib.ID
		if err := appendEvents(false, renamed,
			parley.NewEvent(parley.EventClosed, as, t0, nil), // a conversation's work: not audited
			parley.NewEvent(parley.EventTeamDeleted, as, t0.Add(time.Hour), map[string]any{"team_id": 42, "name": "Night"})); err != nil {
			t.Fatal(err)
		}
		if err := appendEvents(true, parley.NewEvent(parley.EventOrgUpdated, as, t0, map[string]any{"name": "Rolled back"})); err == nil {
			t.Fatal("the failing transaction committed")
		}
		failed := parley.AuditEntry{At: t0.Add(2 * time.Hour), Action: parley.AuditSignInFailed, ActorKind: parley.ActorAnonymous,
			ActorName: "mallory@example.com", After: json.RawMessage(`{"method":"password","reason":"wrong_credentials"}`)}
		if err := s.AppendAudit(ctx, &failed); err != nil {
			t.Fatal(err)
		}

		all, err := s.AuditEntries(ctx, parley.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range all {
			actions = append(actions, e.Action)
		}
		if want := []string{parley.AuditSignInFailed, parley.EventTeamDeleted, parley.EventInboxUpdated}; !slices.Equal(actions, want) {
			t.Fatalf("actions %q, want %q", actions, want)
		}
		up := all[2]
		if up.Address != "203.0.113.7" || up.ActorName != "Ada" || up.SubjectKind != "inbox" || up.SubjectID == nil || *up.SubjectID != ib.ID ||
			up.Seq == nil || string(up.Before) != `{"name":"Support"}` || string(up.After) != `{"name":"Help"}` || !up.At.Equal(t0) {
			t.Errorf("inbox entry %+v", up)
		}
		if del := all[1]; del.SubjectKind != "team" || del.SubjectID == nil || *del.SubjectID != 42 || del.Before != nil {
			t.Errorf("team entry %+v", del)
		}
		if got := all[0]; got.ActorName != "mallory@example.com" || got.ActorID != nil || got.Address != "203.0.113.7" {
			t.Errorf("failed sign-in entry %+v", got)
		}

		since, until := t0.Add(30*time.Minute), t0.Add(90*time.Minute)
		for _, tc := range []struct {
			name string
			f    parley.AuditFilter
			want []string
		}{
			{"exact action", parley.AuditFilter{Actions: []string{parley.EventTeamDeleted}}, []string{parley.EventTeamDeleted}},
			{"prefix", parley.AuditFilter{Actions: []string{"sign_in.", "inbox."}}, []string{parley.AuditSignInFailed, parley.EventInboxUpdated}},
			{"a prefix is not a substring", parley.AuditFilter{Actions: []string{"in."}}, nil},
			{"a prefix's underscore is literal", parley.AuditFilter{Actions: []string{"sign%in."}}, nil},
			{"actor", parley.AuditFilter{ActorID: &admin.ID}, []string{parley.EventTeamDeleted, parley.EventInboxUpdated}},
			{"time window", parley.AuditFilter{Since: &since, Until: &until}, []string{parley.EventTeamDeleted}},
			{"page after the newest", parley.AuditFilter{BeforeID: all[0].ID, Limit: 1}, []string{parley.EventTeamDeleted}},
		} {
			got, err := s.AuditEntries(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var acts []string
			for _, e := range got {
				acts = append(acts, e.Action)
			}
			if !slices.Equal(acts, tc.want) {
				t.Errorf("%s: %q, want %q", tc.name, acts, tc.want)
			}
		}

		for _, q := range []string{`UPDATE audit_entries SET action = 'nothing'`, `DELETE FROM audit_entries`} {
			if err := s.ExecRaw(ctx, q); err == nil {
				t.Errorf("%s: the database let it through", q)
			}
		}
		if again, _ := s.AuditEntries(ctx, parley.AuditFilter{}); len(again) != 3 || again[0].Action != parley.AuditSignInFailed {
			t.Errorf("after the refused changes: %+v", again)
		}
	})
}

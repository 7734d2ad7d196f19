package org_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestPasswordReset (SPEC ORG-5): a reset mails a link that sets a new
// password once, within the hour, and signs the user out everywhere;
// unknown and deactivated addresses get no mail and the same answer.
func TestPasswordReset(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		o := org.New(s, org.Options{Now: func() time.Time { return now }})
		if _, err := o.FirstStart(ctx, "Acme", "boss@example.com"); err != nil {
			t.Fatal(err)
		}
		for _, u := range []org.NewUser{
			{Email: "ana@example.com", Name: "Ana", Role: parley.RoleAgent, Password: "old-password"},
			{Email: "leo@example.com", Name: "Leo", Role: parley.RoleAgent, Password: "old-password"},
		} {
			if _, err := o.CreateUser(ctx, parley.System, u); err != nil {
				t.Fatal(err)
			}
		}
		leo, _, _ := s.UserByEmail(ctx, "leo@example.com")
		if _, err := o.UpdateUser(ctx, parley.System, leo.ID, org.UserPatch{Active: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		sessions := auth.NewSessions(s, auth.SessionOptions{Now: func() time.Time { return now }})
		old, _, err := sessions.Login(ctx, "ana@example.com", "old-password")
		if err != nil {
			t.Fatal(err)
		}

		// links asks for a reset of each address and returns the links mailed.
		links := func(emails ...string) []string {
			t.Helper()
			for _, e := range emails {
				if err := o.RequestPasswordReset(ctx, e, "http://parley.test/reset-password/", "fr"); err != nil {
					t.Fatalf("reset %s: %v", e, err)
				}
			}
			jobs, err := s.ClaimJobs(ctx, now.Add(time.Minute), time.Minute, 10)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, j := range jobs {
				var p struct{ To, Subject, Text string }
				json.Unmarshal(j.Payload, &p)
				if p.To != "ana@example.com" || !strings.Contains(p.Subject, "Réinitialisez") {
					t.Errorf("mail to %s: %q", p.To, p.Subject)
				}
				_, link, _ := strings.Cut(p.Text, "http://parley.test/reset-password/")
				out = append(out, strings.Fields(link)[0])
			}
			return out
		}
		got := links("nobody@example.com", "leo@example.com", "ANA@example.com")
		if len(got) != 1 {
			t.Fatalf("%d mails, want one, to Ana only", len(got))
		}
		token := got[0]
		if _, err := o.ResetPassword(ctx, token, "short"); parley.ErrorField(err) != "password" {
			t.Errorf("a short password: %v, want EINVALID password", err)
		}
		if _, err := o.ResetPassword(ctx, token, "brand-new-password"); err != nil {
			t.Fatalf("reset: %v", err)
		}
		if _, err := sessions.Session(ctx, old); parley.ErrorCode(err) != parley.EUNAUTHORIZED {
			t.Errorf("the old session after a reset: %v, want EUNAUTHORIZED", err)
		}
		if _, _, err := sessions.Login(ctx, "ana@example.com", "brand-new-password"); err != nil {
			t.Errorf("signing in with the new password: %v", err)
		}
		if _, err := o.ResetPassword(ctx, token, "another-password"); parley.ErrorCode(err) != parley.EUNAUTHORIZED {
			t.Errorf("the link a second time: %v, want EUNAUTHORIZED", err)
		}

		// A link older than an hour no longer works.
		token = links("ana@example.com")[0]
		now = now.Add(org.ResetTTL + time.Second)
		if _, err := o.ResetPassword(ctx, token, "another-password"); parley.ErrorCode(err) != parley.EUNAUTHORIZED {
			t.Errorf("an expired link: %v, want EUNAUTHORIZED", err)
		}
	})
}

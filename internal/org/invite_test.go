package org_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestInvitationLinks: an invitation signs its person in once, until it
// expires a week later; a newer one for the same person works beside it;
// a deactivated person's is refused.
func TestInvitationLinks(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clock := storetest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		o := org.New(s, org.Options{Now: clock.Now})
		sessions := auth.NewSessions(s, auth.SessionOptions{Now: clock.Now})
		if _, err := o.FirstStart(ctx, "Acme", "boss@example.com"); err != nil {
			t.Fatal(err)
		}
		invite := func(email string) (parley.ID, string) {
			t.Helper()
			u, _, err := s.UserByEmail(ctx, email)
			if err != nil {
				u, err = o.CreateUser(ctx, parley.System, org.NewUser{Email: email, Name: email, Role: parley.RoleAgent})
				if err != nil {
					t.Fatal(err)
				}
			}
			link, err := o.Invite(ctx, parley.System, u.ID, "http://parley.test/login/")
			if err != nil {
				t.Fatal(err)
			}
			return u.ID, strings.TrimPrefix(link, "http://parley.test/login/")
		}
		use := func(token string) string {
			_, _, err := sessions.UseLoginLink(ctx, token, auth.Device{})
			return parley.ErrorCode(err)
		}

		_, ana := invite("ana@example.com")
		if code := use(ana); code != "" {
			t.Fatalf("a fresh invitation: %q", code)
		}
		if code := use(ana); code != parley.EUNAUTHORIZED {
			t.Errorf("an invitation used twice: %q", code)
		}

		_, old := invite("leo@example.com")
		clock.Advance(org.InvitationTTL - time.Minute)
		_, fresh := invite("leo@example.com")
		if code := use(old); code != "" {
			t.Errorf("an invitation a minute before it expires: %q", code)
		}
		clock.Advance(2 * time.Minute)
		if code := use(fresh); code != "" {
			t.Errorf("the newer invitation: %q", code)
		}
		_, late := invite("mia@example.com")
		clock.Advance(org.InvitationTTL + time.Second)
		if code := use(late); code != parley.EUNAUTHORIZED {
			t.Errorf("an invitation a week and a second old: %q", code)
		}

		zoe, link := invite("zoe@example.com")
		if _, err := o.UpdateUser(ctx, parley.System, zoe, org.UserPatch{Active: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		if code := use(link); code != parley.EFORBIDDEN {
			t.Errorf("a deactivated person's invitation: %q", code)
		}
	})
}

package org_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

// TestDeactivate: a leaver's session and API token stop at once, they
// cannot sign in (told why) or be assigned, their conversation stays theirs;
// the last active admin stays; reactivation gives access back.
func TestDeactivate(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := org.New(s, org.Options{})
		setup, err := o.FirstStart(ctx, "Acme", "boss@example.com")
		if err != nil {
			t.Fatal(err)
		}
		users, _ := s.Users(ctx)
		boss := parley.UserActor(&users[0])
		ana, err := o.CreateUser(ctx, boss, org.NewUser{Email: "ana@example.com", Name: "Ana", Role: parley.RoleAgent, Password: "password-ana"})
		if err != nil {
			t.Fatal(err)
		}
		sessions := auth.NewSessions(s, auth.SessionOptions{})
		session, _, err := sessions.Login(ctx, "ana@example.com", "password-ana")
		if err != nil {
			t.Fatal(err)
		}
		token, err := o.CreateToken(ctx, parley.UserActor(ana), ana.ID, org.NewAPIToken{Name: "script"})
		if err != nil {
			t.Fatal(err)
		}
		conv := conversation.New(s, conversation.Options{MailDomain: "parley.test"})
		chs, _ := s.Channels(ctx, setup.Inbox.ID)
		c, err := conv.Receive(ctx, parley.System, conversation.Inbound{ChannelID: chs[1].ID, ContactEmail: "jo@client.example", Text: "Hello"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conv.Assign(ctx, parley.UserActor(ana), c.ConversationID, conversation.Assignment{UserID: &ana.ID}); err != nil {
			t.Fatal(err)
		}

		if _, err := o.UpdateUser(ctx, parley.UserActor(ana), ana.ID, org.UserPatch{Active: ptr(false)}); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("an agent deactivating: %v, want EFORBIDDEN", err)
		}
		u, err := o.UpdateUser(ctx, boss, ana.ID, org.UserPatch{Active: ptr(false)})
		if err != nil || u.Active() || u.DeactivatedAt == nil {
			t.Fatalf("deactivate: %+v, %v", u, err)
		}
		if _, err := sessions.Session(ctx, session); parley.ErrorCode(err) != parley.EUNAUTHORIZED {
			t.Errorf("the leaver's session: %v, want EUNAUTHORIZED", err)
		}
		if _, _, err := sessions.Bearer(ctx, token); parley.ErrorCode(err) != parley.EUNAUTHORIZED {
			t.Errorf("the leaver's API token: %v, want EUNAUTHORIZED", err)
		}
		if _, _, err := sessions.Login(ctx, "ana@example.com", "password-ana"); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("the leaver signing in: %v, want EFORBIDDEN (deactivated)", err)
		}
		if _, _, err := sessions.Login(ctx, "ana@example.com", "wrong-password"); parley.ErrorCode(err) != parley.EUNAUTHORIZED {
			t.Errorf("a wrong password for a deactivated account: %v, want EUNAUTHORIZED (tells nothing)", err)
		}
		if got, err := s.Conversation(ctx, c.ConversationID); err != nil || got.AssigneeID == nil || *got.AssigneeID != ana.ID {
			t.Errorf("the leaver's conversation: %+v, %v; want it kept, still theirs", got, err)
		}
		_, err = conv.Assign(ctx, boss, c.ConversationID, conversation.Assignment{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conv.Assign(ctx, parley.System, c.ConversationID, conversation.Assignment{UserID: &ana.ID}); parley.ErrorField(err) != "user_id" {
			t.Errorf("assigning to the leaver: %v, want EINVALID user_id", err)
		}

		// The last active admin cannot go, by deactivation or demotion;
		// nor can an admin deactivate themselves.
		if _, err := o.UpdateUser(ctx, parley.System, boss.UserID, org.UserPatch{Active: ptr(false)}); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Errorf("deactivating the last admin: %v, want ECONFLICT", err)
		}
		if _, err := o.UpdateUser(ctx, parley.System, boss.UserID, org.UserPatch{Role: ptr(parley.RoleAgent)}); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Errorf("demoting the last admin: %v, want ECONFLICT", err)
		}
		if _, err := o.UpdateUser(ctx, boss, boss.UserID, org.UserPatch{Active: ptr(false)}); parley.ErrorField(err) != "active" {
			t.Errorf("an admin deactivating themselves: %v, want EINVALID active", err)
		}

		if u, err := o.UpdateUser(ctx, boss, ana.ID, org.UserPatch{Active: ptr(true)}); err != nil || !u.Active() {
			t.Fatalf("reactivate: %+v, %v", u, err)
		}
		if _, _, err := sessions.Login(ctx, "ana@example.com", "password-ana"); err != nil {
			t.Errorf("signing in again: %v", err)
		}
		if _, _, err := sessions.Bearer(ctx, token); err != nil {
			t.Errorf("the API token after reactivation: %v", err)
		}
	})
}

// TestTeamRenameDelete: admins rename and delete teams; a deleted team's
// members and conversations stay.
func TestTeamRenameDelete(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := org.New(s, org.Options{})
		f := storetest.NewFixtures(t, s)
		admin, ana := parley.UserActor(f.User("Boss", parley.RoleAdmin)), f.User("Ana", parley.RoleAgent)
		billing, err := o.CreateTeam(ctx, admin, "Billing", []parley.ID{ana.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.CreateTeam(ctx, admin, "Sales", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := o.RenameTeam(ctx, parley.UserActor(ana), billing.ID, "Money"); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("an agent renaming: %v", err)
		}
		if _, err := o.RenameTeam(ctx, admin, billing.ID, "Sales"); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Errorf("a taken name: %v, want ECONFLICT", err)
		}
		got, err := o.RenameTeam(ctx, admin, billing.ID, " Accounts ")
		if err != nil || got.Name != "Accounts" || len(got.MemberIDs) != 1 {
			t.Fatalf("rename: %+v, %v", got, err)
		}
		if err := o.DeleteTeam(ctx, parley.UserActor(ana), billing.ID); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("an agent deleting: %v", err)
		}
		if err := o.DeleteTeam(ctx, admin, billing.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Team(ctx, billing.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("the deleted team: %v", err)
		}
		if _, err := s.User(ctx, ana.ID); err != nil {
			t.Errorf("its member: %v", err)
		}
		if err := o.DeleteTeam(ctx, admin, billing.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("deleting twice: %v, want ENOTFOUND", err)
		}
	})
}

// TestRenameOrganization: admins rename the organisation, in one line.
func TestRenameOrganization(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := org.New(s, org.Options{})
		if _, err := o.FirstStart(ctx, "My company", ""); err != nil {
			t.Fatal(err)
		}
		f := storetest.NewFixtures(t, s)
		admin, agent := parley.UserActor(f.User("Boss", parley.RoleAdmin)), parley.UserActor(f.User("Ana", parley.RoleAgent))
		if _, err := o.RenameOrganization(ctx, agent, "Acme"); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("an agent renaming: %v", err)
		}
		for _, bad := range []string{"", "  ", "Acme\r\nBcc: x@evil.example"} {
			if _, err := o.RenameOrganization(ctx, admin, bad); parley.ErrorField(err) != "name" {
				t.Errorf("name %q: %v, want EINVALID name", bad, err)
			}
		}
		if _, err := o.RenameOrganization(ctx, admin, " Acme Ltd "); err != nil {
			t.Fatal(err)
		}
		if name, err := o.Organization(ctx, agent); err != nil || name != "Acme Ltd" {
			t.Errorf("organization = %q, %v", name, err)
		}
	})
}

package notify_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/jobs"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestNotificationMail: someone without the app open gets one email per
// conversation for what happened in the next minutes, in their language,
// with a link to it; someone with it open gets none; nothing twice.
func TestNotificationMail(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clock := storetest.NewClock(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
		o := org.New(s, org.Options{})
		conv := conversation.New(s, conversation.Options{})
		person := func(name, locale string) parley.Actor {
			u, err := o.CreateUser(ctx, parley.System, org.NewUser{Email: name + "@acme.example", Name: name, Role: parley.RoleAgent})
			if err != nil {
				t.Fatal(err)
			}
			a := parley.UserActor(u)
			if _, err := o.UpdateUser(ctx, a, u.ID, org.UserPatch{Locale: &locale}); err != nil {
				t.Fatal(err)
			}
			return a
		}
		ana, ben, cy := person("ana", "en"), person("ben", "fr"), person("cy", "en")
		inbox, err := o.CreateInbox(ctx, parley.System, org.NewInbox{Name: "Support"})
		if err != nil {
			t.Fatal(err)
		}
		ch, err := o.CreateChannel(ctx, parley.System, inbox.ID, org.NewChannel{Kind: parley.ChannelAPI, Name: "Bridge"})
		if err != nil {
			t.Fatal(err)
		}
		r, err := conv.Receive(ctx, parley.System, conversation.Inbound{ChannelID: ch.ID, ContactEmail: "jo@customer.example", Subject: "Late parcel", Text: "hello", NewConversation: true})
		if err != nil {
			t.Fatal(err)
		}
		id := r.ConversationID
		// cy has the app open (its stream says so every minute); ben and
		// ana do not.
		live := func() {
			if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.SetLive(ctx, cy.UserID, clock.Now()) }); err != nil {
				t.Fatal(err)
			}
		}
		live()
		for _, to := range []parley.Actor{ben, cy} {
			if _, err := conv.Assign(ctx, ana, id, conversation.Assignment{UserID: &to.UserID}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := conv.Assign(ctx, ana, id, conversation.Assignment{UserID: &ben.UserID}); err != nil {
			t.Fatal(err)
		}
		if _, err := conv.Comment(ctx, ana, id, conversation.Body{Text: "@ben over to you"}); err != nil {
			t.Fatal(err)
		}
		if _, err := conv.Comment(ctx, ana, id, conversation.Body{Text: "@cy fyi"}); err != nil {
			t.Fatal(err)
		}
		// Ben hears of mentions in the app only, and of assignments by
		// email only.
		centre := notify.NewNotifications(s, clock.Now)
		if _, err := centre.SetPrefs(ctx, ben, notify.Prefs{"mention": {"email": false}, "assigned": {"app": false, "desktop": false}}); err != nil {
			t.Fatal(err)
		}
		if _, err := centre.SetPrefs(ctx, ben, notify.Prefs{"reply": {"app": false}}); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("an unknown kind: %v, want EINVALID", err)
		}
		consumer := notify.Consumer(clock.Now, 2*time.Minute)
		handle := func() {
			evs, err := s.EventsAfter(ctx, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evs {
				if err := s.InTx(ctx, func(tx *store.Tx) error { return consumer.Handle(ctx, tx, e) }); err != nil {
					t.Fatal(err)
				}
			}
		}
		// sent runs the due jobs as the queue would and returns the system
		// mails they queued.
		job := notify.MailJob(s, "https://parley.example", clock.Now)
		sent := func() []map[string]string {
			due, err := s.ClaimJobs(ctx, clock.Now(), time.Minute, 100)
			if err != nil {
				t.Fatal(err)
			}
			var out []map[string]string
			for _, j := range due {
				switch j.Kind {
				case notify.JobMail:
					if err := job.Run(ctx, &j); err != nil {
						t.Fatal(err)
					}
				case jobs.KindSystemMail:
					var m map[string]string
					if err := json.Unmarshal(j.Payload, &m); err != nil {
						t.Fatal(err)
					}
					out = append(out, m)
				}
				if err := s.InTx(ctx, func(tx *store.Tx) error {
					return tx.FinishJob(ctx, j.ID, store.JobDone, time.Time{}, "", clock.Now())
				}); err != nil {
					t.Fatal(err)
				}
			}
			return out
		}
		handle()
		if got := sent(); len(got) != 0 {
			t.Fatalf("mail before the delay: %v", got)
		}
		clock.Advance(3 * time.Minute)
		live()
		sent() // the mail jobs run: they queue the system mails
		mails := sent()
		if len(mails) != 1 {
			t.Fatalf("mails %v, want one, to ben", mails)
		}
		m := mails[0]
		want := []string{"Late parcel", "Bonjour ben", "ana vous a confié cette conversation", "https://parley.example/inbox/all/all/c/"}
		for _, w := range want {
			if !strings.Contains(m["subject"]+"\n"+m["text"], w) {
				t.Errorf("ben's mail lacks %q:\n%s\n%s", w, m["subject"], m["text"])
			}
		}
		if m["to"] != "ben@acme.example" || strings.Count(m["text"], "- ") != 2 || strings.Contains(m["text"], "mentionné") {
			t.Errorf("ben's mail: to %s, want one email with his two assignments and not the mention:\n%s", m["to"], m["text"])
		}
		items, unread, err := centre.List(ctx, ben, 0, 10)
		if err != nil || len(items) != 1 || items[0].Kind != notify.KindMention || unread != 1 {
			t.Errorf("ben's bell: %d items, %d unread, %v; want the mention alone", len(items), unread, err)
		}
		// Handled again (a consumer repeating a batch), nothing is sent again.
		handle()
		clock.Advance(3 * time.Minute)
		sent()
		if again := sent(); len(again) != 0 {
			t.Errorf("sent again: %v", again)
		}
	})
}

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestImportMbox imports a mailbox's history twice: threads are rebuilt,
// the broken message quarantined, the duplicate recognised, and the second
// run takes in nothing.
func TestImportMbox(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			vars := map[string]string{"PARLEY_DATA_DIR": dir, "PARLEY_DATABASE_URL": storetest.URL(t, engine), "PARLEY_MAIL_DOMAIN": "parley.test"}
			getenv := func(k string) string { return vars[k] }
			mbox := strings.Join([]string{
				"From ana@client.example Mon Jan  5 09:00:00 2026",
				"From: Ana <ana@client.example>\nTo: support@acme.example\nSubject: Refund\nDate: Mon, 5 Jan 2026 09:00:00 +0000\nMessage-ID: <m1@client.example>\n\nI want a refund.\n>From the invoice, you charged twice.\n",
				"From ana@client.example Tue Jan  6 09:00:00 2026",
				"From: ana@client.example\nTo: support@acme.example\nSubject: Re: Refund\nDate: Tue, 6 Jan 2026 09:00:00 +0000\nMessage-ID: <m2@client.example>\nIn-Reply-To: <m1@client.example>\n\nAny news?\n",
				"From bob@client.example Wed Jan  7 09:00:00 2026",
				"From: bob@client.example\nTo: support@acme.example\nSubject: Login\nDate: Wed, 7 Jan 2026 09:00:00 +0000\nMessage-ID: <m3@client.example>\n\nCannot log in.\n",
				"From nobody Wed Jan  7 10:00:00 2026",
				"To: support@acme.example\nSubject: no sender\n\nbroken\n",
				"From ana@client.example Mon Jan  5 09:00:00 2026",
				"From: Ana <ana@client.example>\nTo: support@acme.example\nSubject: Refund\nDate: Mon, 5 Jan 2026 09:00:00 +0000\nMessage-ID: <m1@client.example>\n\nI want a refund.\n",
			}, "\n")
			file := filepath.Join(dir, "support.mbox")
			if err := os.WriteFile(file, []byte(mbox), 0o600); err != nil {
				t.Fatal(err)
			}
			imp := func() string {
				var out, errOut bytes.Buffer
				if err := run(context.Background(), []string{"import", "mbox", "--inbox", "support", file}, getenv, strings.NewReader(""), &out, &errOut); err != nil {
					t.Fatalf("import: %v\n%s", err, errOut.String())
				}
				if !strings.Contains(errOut.String(), "100%, 5 messages") {
					t.Errorf("progress: %q", errOut.String())
				}
				return out.String()
			}
			if got := imp(); !strings.HasPrefix(got, "imported 3 of 5 messages into 2 conversations") || !strings.Contains(got, "1 already there, 1 quarantined") {
				t.Errorf("first import: %q", got)
			}
			if got := imp(); !strings.HasPrefix(got, "imported 0 of 5 messages into 0 conversations") || !strings.Contains(got, "5 already there, 0 quarantined") {
				t.Errorf("second import: %q", got)
			}

			st, err := store.Open(context.Background(), store.Options{URL: vars["PARLEY_DATABASE_URL"]})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ch, _ := st.BuiltinChannel(context.Background(), "support")
			cs, _ := st.ListView(context.Background(), store.ViewQuery{InboxIDs: []parley.ID{ch.InboxID},
				Placements: []parley.Placement{parley.PlacementInbox}, Oldest: true, Limit: 10})
			if len(cs) != 2 || cs[0].Subject != "Refund" || cs[0].Status != parley.StatusClosed ||
				!cs[0].CreatedAt.Equal(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)) || !cs[0].LastActivityAt.Equal(time.Date(2026, 1, 6, 9, 0, 0, 0, time.UTC)) {
				t.Errorf("conversations: %+v", cs)
			}
			var out bytes.Buffer
			if err := run(context.Background(), []string{"import", "mbox", "--inbox", "nope", file}, getenv, strings.NewReader(""), &out, &out); err == nil || !strings.Contains(err.Error(), "nope") {
				t.Errorf("unknown inbox: %v", err)
			}
		})
	}
}

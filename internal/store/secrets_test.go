package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestChannelSecrets: mailbox passwords reach the database sealed and come
// back open; a store with another key (or none) reads the channel without
// them; passwords stored in the clear before are sealed by SealSecrets.
func TestChannelSecrets(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			url := storetest.URL(t, engine)
			open := func(secret string) *store.Store {
				s, err := store.Open(ctx, store.Options{URL: url, Secret: []byte(secret)})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			}
			raw := func(s *store.Store, id parley.ID) string {
				config, err := s.RawChannelConfig(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				return config
			}
			plain := open("")
			f := storetest.NewFixtures(t, plain)
			inbox := f.Inbox("Support")
			config := `{"imap":{"host":"imap.example.com","username":"u","password":"hunter2"},"smtp":{"host":"smtp.example.com","password":"s3cret"}}`
			old := &parley.Channel{InboxID: inbox.ID, Kind: parley.ChannelEmail, Name: "Old", Enabled: true, Config: json.RawMessage(config), CreatedAt: f.At}
			if err := plain.InTx(ctx, func(tx *store.Tx) error { return tx.CreateChannel(ctx, old) }); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(raw(plain, old.ID), "hunter2") {
				t.Fatal("without a key the password is stored as given")
			}

			keyed := open("0123456789abcdef0123456789abcdef")
			if n, err := keyed.SealSecrets(ctx); err != nil || n != 1 {
				t.Fatalf("SealSecrets: %d, %v; want 1 channel", n, err)
			}
			if n, _ := keyed.SealSecrets(ctx); n != 0 {
				t.Errorf("sealed again: %d", n)
			}
			fresh := &parley.Channel{InboxID: inbox.ID, Kind: parley.ChannelEmail, Name: "New", Enabled: true,
				Config: json.RawMessage(strings.Replace(config, `"host":"imap.example.com"`, `"host":"imap2.example.com"`, 1)), CreatedAt: f.At}
			if err := keyed.InTx(ctx, func(tx *store.Tx) error { return tx.CreateChannel(ctx, fresh) }); err != nil {
				t.Fatal(err)
			}
			for _, id := range []parley.ID{old.ID, fresh.ID} {
				if r := raw(keyed, id); strings.Contains(r, "hunter2") || strings.Contains(r, "s3cret") || strings.Count(strings.ReplaceAll(r, " ", ""), `"password":"enc:v1:`) != 2 {
					t.Errorf("channel %d stored as %s", id, r)
				}
				ch, err := keyed.Channel(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				set := ch.EmailSettings()
				if set.IMAP == nil || set.IMAP.Password != "hunter2" || set.SMTP == nil || set.SMTP.Password != "s3cret" {
					t.Errorf("channel %d read back: %s", id, ch.Config)
				}
			}
			for _, other := range []*store.Store{plain, open("another key, another key, another")} {
				ch, err := other.Channel(ctx, fresh.ID)
				if err != nil {
					t.Fatal(err)
				}
				if set := ch.EmailSettings(); set.IMAP == nil || set.IMAP.Host != "imap2.example.com" || set.IMAP.Password != "" {
					t.Errorf("read with the wrong key: %s", ch.Config)
				}
			}
		})
	}
}

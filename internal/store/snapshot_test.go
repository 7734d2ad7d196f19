package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// conversationWith makes a conversation with n customer messages in a new
// inbox of s.
func conversationWith(t *testing.T, s *store.Store, n int) {
	t.Helper()
	ctx := context.Background()
	f := storetest.NewFixtures(t, s)
	in := f.Inbox("Support")
	ch := f.Channel(in, parley.ChannelAPI)
	err := s.InTx(ctx, func(tx *store.Tx) error {
		c := &parley.Conversation{InboxID: in.ID, ChannelID: ch.ID, ChannelKind: ch.Kind, Status: parley.StatusOpen,
			Placement: parley.PlacementInbox, CreatedAt: f.At, LastActivityAt: f.At}
		if err := tx.CreateConversation(ctx, c); err != nil {
			return err
		}
		for range n {
			m := &parley.Message{ConversationID: c.ID, Kind: parley.KindMessage, Direction: parley.Inbound, Text: "Hello", CreatedAt: f.At}
			if err := tx.CreateMessage(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSummary counts conversations and messages and reads the schema
// version, which is the last migration this build has.
func TestSummary(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		conversationWith(t, s, 3)
		got, err := s.Summary(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		latest, err := store.LatestSchema(s.Engine())
		if err != nil {
			t.Fatal(err)
		}
		if want := (store.Summary{Schema: latest, Conversations: 1, Messages: 3}); got != want || latest < 46 {
			t.Errorf("summary %+v, want %+v", got, want)
		}
		if err := s.IntegrityCheck(context.Background()); err != nil {
			t.Errorf("a new database: %v", err)
		}
	})
}

// TestSnapshotWhileWriting takes a snapshot while a write transaction is
// open on the store: it does not wait for the writer, and it holds what was
// committed, not what was still being written.
func TestSnapshotWhileWriting(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t, "sqlite", nil)
	conversationWith(t, s, 2)
	dir := t.TempDir()
	var during store.Summary
	err := s.InTx(ctx, func(tx *store.Tx) error {
		m := &parley.Message{ConversationID: 1, Kind: parley.KindMessage, Direction: parley.Inbound, Text: "Uncommitted", CreatedAt: time.Now()}
		if err := tx.CreateMessage(ctx, m); err != nil {
			return err
		}
		// Under the writer's open transaction: a snapshot that waited for
		// it would wait here for good (busy_timeout, then an error).
		var err error
		during, err = s.SnapshotTo(ctx, filepath.Join(dir, "during.db"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if during.Conversations != 1 || during.Messages != 2 {
		t.Errorf("snapshot during a write: %+v, want the 1 conversation and 2 messages committed before", during)
	}
	after, err := s.SnapshotTo(ctx, filepath.Join(dir, "after.db"))
	if err != nil || after.Messages != 3 || after.Schema != during.Schema || after.Schema == 0 {
		t.Errorf("snapshot after: %+v, %v; want 3 messages, schema %d", after, err, during.Schema)
	}
	if _, err := s.SnapshotTo(ctx, filepath.Join(dir, "after.db")); err == nil {
		t.Error("a snapshot over an existing file did not fail")
	}

	// The copy is a database of its own, whole.
	copied, err := store.Open(ctx, store.Options{URL: filepath.Join(dir, "during.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer copied.Close()
	if err := copied.IntegrityCheck(ctx); err != nil {
		t.Errorf("the snapshot: %v", err)
	}
	if got, err := copied.Summary(ctx); err != nil || got != during {
		t.Errorf("the snapshot opened: %+v, %v; want %+v", got, err, during)
	}
}

// TestIntegrityCheckFindsDamage damages a copy's pages and expects
// IntegrityCheck to say so.
func TestIntegrityCheckFindsDamage(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t, "sqlite", nil)
	conversationWith(t, s, 200)
	path := filepath.Join(t.TempDir(), "copy.db")
	if _, err := s.SnapshotTo(ctx, path); err != nil {
		t.Fatal(err)
	}
	// The pages of the messages table but its root, as SQLite's dbstat
	// table lists them.
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	var page int64
	if err := db.QueryRow(`PRAGMA page_size`).Scan(&page); err != nil {
		t.Fatal(err)
	}
	var pages []int64
	rows, err := db.Query(`SELECT pageno FROM dbstat WHERE name = 'messages' AND path <> '/'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n int64
		rows.Scan(&n)
		pages = append(pages, n)
	}
	db.Close()
	if len(pages) == 0 {
		t.Fatal("the messages table has no page but its root")
	}
	// Scribble over their cells, as a disk that lost writes might.
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range pages {
		off := (n - 1) * page
		for i := off + 8; i < off+64; i++ {
			b[i] ^= 0x5a
		}
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	damaged, err := store.Open(ctx, store.Options{URL: path, NoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer damaged.Close()
	if err := damaged.IntegrityCheck(ctx); err == nil {
		t.Error("a damaged database passed the integrity check")
	}
}

// TestSnapshotOnPostgres: PostgreSQL is copied by pg_dump.
func TestSnapshotOnPostgres(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip(storetest.PostgresEnv + " is not set")
	}
	s := storetest.New(t, "postgres", nil)
	if _, err := s.SnapshotTo(context.Background(), filepath.Join(t.TempDir(), "x.db")); parley.ErrorCode(err) != parley.EINVALID {
		t.Errorf("SnapshotTo on PostgreSQL: %v, want EINVALID", err)
	}
}

// TestUnreadableSecrets counts the channels whose sealed secret the store's
// key cannot open: none with the key that sealed it, one with another.
func TestUnreadableSecrets(t *testing.T) {
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
			keyed := open("0123456789abcdef0123456789abcdef")
			f := storetest.NewFixtures(t, keyed)
			in := f.Inbox("Support")
			ch := &parley.Channel{InboxID: in.ID, Kind: parley.ChannelEmail, Name: "Mailbox", Enabled: true, CreatedAt: f.At,
				Config: json.RawMessage(`{"imap":{"host":"imap.example.com","username":"u","password":"hunter2"}}`)}
			if err := keyed.InTx(ctx, func(tx *store.Tx) error { return tx.CreateChannel(ctx, ch) }); err != nil {
				t.Fatal(err)
			}
			f.Channel(in, parley.ChannelAPI) // nothing sealed
			if n, err := keyed.UnreadableSecrets(ctx); err != nil || n != 0 {
				t.Errorf("with its key: %d, %v; want 0", n, err)
			}
			if n, err := open("another key, another key, another").UnreadableSecrets(ctx); err != nil || n != 1 {
				t.Errorf("with another key: %d, %v; want 1", n, err)
			}
		})
	}
}

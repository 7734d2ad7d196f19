package backup_test

import (
	"archive/tar"
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/parleyhq/parley/internal/backup"
	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// install is a Parley data directory with something in it: a mailbox
// channel whose password is sealed with the key, and a conversation of two
// messages, one with an attachment.
type install struct {
	engine string
	key    string
	store  *store.Store
	blobs  *blob.Dir
	conv   parley.ID
	mail   parley.ID // the mailbox channel
	pdf    []byte    // the attachment
}

func newInstall(t *testing.T, engine string) *install {
	t.Helper()
	ctx := context.Background()
	raw := make([]byte, 32)
	rand.Read(raw)
	in := &install{engine: engine, key: hex.EncodeToString(raw), pdf: []byte("%PDF-1.4 invoice 2041")}
	var err error
	if in.store, err = store.Open(ctx, store.Options{URL: storetest.URL(t, engine), Secret: raw}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.store.Close() })
	if in.blobs, err = blob.Open(filepath.Join(t.TempDir(), "blobs")); err != nil {
		t.Fatal(err)
	}
	f := storetest.NewFixtures(t, in.store)
	inbox := f.Inbox("Support")
	mailbox := &parley.Channel{InboxID: inbox.ID, Kind: parley.ChannelEmail, Name: "Mailbox", Enabled: true, CreatedAt: f.At,
		Config: json.RawMessage(`{"imap":{"host":"imap.example.com","username":"u","password":"hunter2"}}`)}
	api := f.Channel(inbox, parley.ChannelAPI)
	key, err := in.blobs.Put(in.pdf)
	if err != nil {
		t.Fatal(err)
	}
	err = in.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateChannel(ctx, mailbox); err != nil {
			return err
		}
		c := &parley.Conversation{InboxID: inbox.ID, ChannelID: api.ID, ChannelKind: api.Kind, Subject: "Invoice 2041",
			Status: parley.StatusOpen, Placement: parley.PlacementInbox, CreatedAt: f.At, LastActivityAt: f.At}
		if err := tx.CreateConversation(ctx, c); err != nil {
			return err
		}
		in.conv = c.ID
		for _, text := range []string{"Where is my invoice?", "Here it is."} {
			m := &parley.Message{ConversationID: c.ID, Kind: parley.KindMessage, Direction: parley.Inbound, Text: text, CreatedAt: f.At}
			if err := tx.CreateMessage(ctx, m); err != nil {
				return err
			}
			if text == "Here it is." {
				a := &parley.Attachment{MessageID: m.ID, Name: "invoice.pdf", ContentType: "application/pdf", Size: int64(len(in.pdf)), Blob: key, CreatedAt: f.At}
				if err := tx.CreateAttachment(ctx, a); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	in.mail = mailbox.ID
	return in
}

func (in *install) source(t *testing.T) backup.Source {
	src := backup.Source{Engine: in.engine, Blobs: in.blobs, SecretKey: in.key, Version: "v1.2.3",
		Now: func() time.Time { return time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC) }, TempDir: t.TempDir()}
	if in.engine == "sqlite" {
		src.DB = in.store
	}
	return src
}

// emptyTarget is a new, empty data directory for engine.
func emptyTarget(t *testing.T, engine string) backup.Target {
	dir := t.TempDir()
	tg := backup.Target{Engine: engine, BlobDir: filepath.Join(dir, "blobs"), KeyFile: filepath.Join(dir, "secret.key")}
	if engine == "sqlite" {
		tg.Database = filepath.Join(dir, "parley.db")
	}
	return tg
}

// TestRoundTrip backs an installation up and restores it into an empty data
// directory: the same conversation, messages and attachment, and the key
// opens the sealed mailbox password again.
func TestRoundTrip(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			in := newInstall(t, engine)
			file := filepath.Join(t.TempDir(), "parley.tar.gz")
			m, err := backup.WriteFile(ctx, file, in.source(t))
			if err != nil {
				t.Fatal(err)
			}
			if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("the archive: %v, mode %v; want 0600 (it holds the key)", err, st.Mode())
			}
			if _, err := os.Stat(file + ".tmp"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the temporary file is still there: %v", err)
			}

			tg := emptyTarget(t, engine)
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			res, err := backup.Restore(ctx, f, tg)
			if err != nil {
				t.Fatal(err)
			}
			latest, _ := store.LatestSchema(engine)
			if res.Manifest.Format != backup.Format || res.Manifest.Parley != "v1.2.3" || res.Manifest.Engine != engine ||
				!res.Manifest.Created.Equal(time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)) || res.Blobs != 1 || m.Blobs != 1 {
				t.Errorf("restored %+v from %+v", res, m)
			}
			if res.KeyFile != tg.KeyFile || res.UnreadableSecrets != 0 {
				t.Errorf("key file %q, %d unreadable secrets; want %s, 0", res.KeyFile, res.UnreadableSecrets, tg.KeyFile)
			}
			if b, err := os.ReadFile(tg.KeyFile); err != nil || strings.TrimSpace(string(b)) != in.key {
				t.Errorf("the key file holds %q, %v; want the backup's key", b, err)
			}
			restoredBlobs, err := blob.Open(tg.BlobDir)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := restoredBlobs.Read(blob.Key(in.pdf)); err != nil || !bytes.Equal(got, in.pdf) {
				t.Errorf("the attachment's blob: %q, %v", got, err)
			}
			if engine == "postgres" {
				if res.Database != nil || m.Database != nil {
					t.Errorf("a PostgreSQL backup holds a database: %+v", m.Database)
				}
				return
			}
			want := store.Summary{Schema: latest, Conversations: 1, Messages: 2}
			if res.Database == nil || *res.Database != want || *m.Database != want {
				t.Errorf("database %+v, manifest %+v; want %+v", res.Database, m.Database, want)
			}

			// The restored copy, opened as the server would: with the key
			// from the key file.
			raw, _ := hex.DecodeString(in.key)
			s, err := store.Open(ctx, store.Options{URL: tg.Database, Secret: raw})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			ch, err := s.Channel(ctx, in.mail)
			if err != nil {
				t.Fatal(err)
			}
			if set := ch.EmailSettings(); set.IMAP == nil || set.IMAP.Password != "hunter2" {
				t.Errorf("the sealed mailbox password reads back as %+v", set.IMAP)
			}
			c, err := s.Conversation(ctx, in.conv)
			if err != nil || c.Subject != "Invoice 2041" {
				t.Fatalf("conversation: %+v, %v", c, err)
			}
			msgs, err := s.ConversationMessages(ctx, in.conv, 0, 1<<40)
			if err != nil || len(msgs) != 2 {
				t.Fatalf("%d messages, %v; want 2", len(msgs), err)
			}
			var ids []parley.ID
			for id := range msgs {
				ids = append(ids, id)
			}
			atts, err := s.MessageAttachments(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, as := range atts {
				for _, a := range as {
					n++
					if got, err := restoredBlobs.Read(a.Blob); err != nil || !bytes.Equal(got, in.pdf) {
						t.Errorf("attachment %s: %q, %v", a.Name, got, err)
					}
				}
			}
			if n != 1 {
				t.Errorf("%d attachments, want 1", n)
			}
		})
	}
}

// files lists every path under the target's directory: what a failed
// restore must leave as it was.
func files(t *testing.T, tg backup.Target) []string {
	t.Helper()
	var out []string
	root := filepath.Dir(tg.KeyFile)
	filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
		if err == nil && p != root {
			out = append(out, strings.TrimPrefix(p, root))
		}
		return nil
	})
	return out
}

// TestRestoreRefuses: a data directory with data, and archives that are
// damaged, cut short, not backups, or newer than this build, are refused
// with an error saying which, and the directory is left as it was.
func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	in := newInstall(t, "sqlite")
	var good bytes.Buffer
	if _, err := backup.Write(ctx, &good, in.source(t)); err != nil {
		t.Fatal(err)
	}
	latest, _ := store.LatestSchema("sqlite")
	manifest := func(format int, schema int64) string {
		return `{"format":` + itoa(int64(format)) + `,"parley":"v9","engine":"sqlite","database":{"schema":` + itoa(schema) + `,"conversations":0,"messages":0},"blobs":0}`
	}
	flipped := bytes.Clone(good.Bytes())
	flipped[len(flipped)/2] ^= 0xff
	otherKey := strings.Repeat("ab", 32)

	for _, tc := range []struct {
		name    string
		engine  string // sqlite unless set
		archive []byte
		prepare func(tg *backup.Target)
		want    error
		says    string
	}{
		{name: "a database is there", archive: good.Bytes(), want: backup.ErrNotEmpty, says: "parley.db is a database already",
			prepare: func(tg *backup.Target) { os.WriteFile(tg.Database, []byte("SQLite format 3\x00"), 0o600) }},
		{name: "blobs are there", archive: good.Bytes(), want: backup.ErrNotEmpty, says: "holds blobs",
			prepare: func(tg *backup.Target) {
				os.MkdirAll(filepath.Join(tg.BlobDir, "ab"), 0o700)
			}},
		{name: "another key is there", archive: good.Bytes(), want: backup.ErrNotEmpty, says: "another secret key",
			prepare: func(tg *backup.Target) { os.WriteFile(tg.KeyFile, []byte(otherKey+"\n"), 0o600) }},
		{name: "PARLEY_SECRET_KEY is another", archive: good.Bytes(), says: "PARLEY_SECRET_KEY",
			prepare: func(tg *backup.Target) { tg.Key = otherKey }},
		{name: "cut in half", archive: good.Bytes()[:good.Len()/2], want: backup.ErrDamaged},
		{name: "cut before gzip's checksum", archive: good.Bytes()[:good.Len()-4], want: backup.ErrDamaged},
		{name: "a byte changed", archive: flipped, want: backup.ErrDamaged},
		{name: "not an archive", archive: []byte("#!/bin/sh\necho hello\n"), want: backup.ErrDamaged},
		{name: "no manifest first", archive: archive(t, entry{"secret.key", in.key}), want: backup.ErrDamaged, says: "manifest.json"},
		{name: "a newer format", archive: archive(t, entry{"manifest.json", manifest(backup.Format+1, latest)}), want: backup.ErrNewer},
		{name: "a newer schema", archive: archive(t, entry{"manifest.json", manifest(1, latest+1)}), want: backup.ErrNewer, says: "migration " + itoa(latest+1)},
		{name: "no database", archive: archive(t, entry{"manifest.json", manifest(1, latest)}, entry{"secret.key", in.key}), want: backup.ErrDamaged, says: "no database"},
		{name: "a blob not its key's", engine: "postgres", want: backup.ErrDamaged, archive: archive(t,
			entry{"manifest.json", `{"format":1,"engine":"postgres","blobs":1}`}, entry{"secret.key", in.key}, entry{"blobs/" + blob.Key([]byte("a")), "b"})},
		{name: "of another engine", archive: good.Bytes(), says: "SQLite installation and PARLEY_DATABASE_URL names PostgreSQL",
			prepare: func(tg *backup.Target) { tg.Engine, tg.Database = "postgres", "" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := emptyTarget(t, cmp.Or(tc.engine, "sqlite"))
			if tc.prepare != nil {
				tc.prepare(&tg)
			}
			before := files(t, tg)
			_, err := backup.Restore(ctx, bytes.NewReader(tc.archive), tg)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("restore: %v; want %v saying %q", err, tc.want, tc.says)
			}
			if after := files(t, tg); !slices.Equal(before, after) {
				t.Errorf("the data directory held %v before, %v after the refused restore", before, after)
			}
		})
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

type entry struct{ name, content string }

// archive makes a gzip'd tar of entries, as a hand-made backup.
func archive(t *testing.T, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		if err := tw.WriteHeader(&tar.Header{Name: e.name, Mode: 0o600, Size: int64(len(e.content)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(e.content))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	gz.Close()
	return buf.Bytes()
}

// TestRestoreMigratesAnOlderBackup restores a backup whose database is a
// migration behind this build: it comes back at this build's schema.
func TestRestoreMigratesAnOlderBackup(t *testing.T) {
	ctx := context.Background()
	latest, _ := store.LatestSchema("sqlite")
	path := filepath.Join(t.TempDir(), "old.db")
	if err := migrateTo(ctx, path, latest-1); err != nil {
		t.Fatal(err)
	}
	db, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	key := strings.Repeat("0f", 32)
	a := archive(t, entry{"manifest.json", `{"format":1,"parley":"v0.9","engine":"sqlite","database":{"schema":` + itoa(latest-1) + `},"blobs":0}`},
		entry{"secret.key", key + "\n"}, entry{"parley.db", string(db)})
	tg := emptyTarget(t, "sqlite")
	res, err := backup.Restore(ctx, bytes.NewReader(a), tg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Manifest.Database.Schema != latest-1 || res.Database.Schema != latest {
		t.Errorf("restored from schema %d to %d; want %d to %d", res.Manifest.Database.Schema, res.Database.Schema, latest-1, latest)
	}
}

// migrateTo makes a SQLite database at path with the migrations up to
// version only, as an older Parley left it.
func migrateTo(ctx context.Context, path string, version int64) error {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	fsys, err := store.MigrationFS("sqlite")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys)
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}

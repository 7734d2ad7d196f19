package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// envOf returns a getenv reading KEY=value pairs.
func envOf(env ...string) func(string) string {
	return func(k string) string {
		v := ""
		for _, kv := range env {
			if key, val, _ := strings.Cut(kv, "="); key == k {
				v = val // the last wins, as in a process's environment
			}
		}
		return v
	}
}

// acked is a message the SMTP listener answered 250 to.
type acked struct {
	messageID  string
	attachment []byte
}

// TestBackupUnderIngest backs up a running server (a separate process, on
// SQLite) while customers' mail keeps coming in through its SMTP listener
// on several connections, restores the backup into an empty data
// directory, and finds there every message acknowledged before the backup
// began, with its attachment, in a database that passes the integrity
// check. A message acknowledged during the backup may or may not be in
// it; if it is, its attachment is too.
func TestBackupUnderIngest(t *testing.T) {
	ctx := context.Background()
	dir, smtpAddr := t.TempDir(), freeAddr(t)
	env := []string{"PARLEY_DATA_DIR=" + dir, "PARLEY_DATABASE_URL=" + filepath.Join(dir, "parley.db"),
		"PARLEY_SMTP_ADDR=" + smtpAddr, "PARLEY_MAIL_DOMAIN=parley.test"}
	startNode(t, env...)

	const senders = 4
	var (
		mu    sync.Mutex
		all   []acked
		wg    sync.WaitGroup
		stop  = make(chan struct{})
		ticks = make(chan struct{}, 1<<16)
		errs  = make(chan error, senders)
	)
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := gosmtp.Dial(smtpAddr)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				a := acked{messageID: fmt.Sprintf("ingest-%d-%d@example.net", s, i), attachment: make([]byte, 64)}
				rand.Read(a.attachment)
				msg := fmt.Sprintf("From: customer%d.%d@example.net\r\nTo: support@parley.test\r\nSubject: Order %d-%d\r\n"+
					"Message-ID: <%s>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"+
					"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease help with order %d-%d.\r\n"+
					"--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=receipt.bin\r\n"+
					"Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--b--\r\n",
					s, i, s, i, a.messageID, s, i, base64.StdEncoding.EncodeToString(a.attachment))
				if err := c.SendMail(fmt.Sprintf("customer%d.%d@example.net", s, i), []string{"support@parley.test"}, strings.NewReader(msg)); err != nil {
					errs <- fmt.Errorf("message %s: %w", a.messageID, err)
					return
				}
				mu.Lock()
				all = append(all, a) // after the 250: acknowledged
				mu.Unlock()
				ticks <- struct{}{}
			}
		}()
	}
	stopSenders := sync.OnceFunc(func() { close(stop); wg.Wait() })
	defer stopSenders()
	for range 40 {
		select {
		case <-ticks:
		case err := <-errs:
			t.Fatal(err)
		}
	}

	mu.Lock()
	before := len(all)
	mu.Unlock()
	file := filepath.Join(t.TempDir(), "parley.tar.gz")
	var out bytes.Buffer
	if err := run(ctx, []string{"backup", file}, envOf(env...), strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("backup: %v\n%s", err, out.String())
	}
	mu.Lock()
	during := len(all) - before
	mu.Unlock()
	stopSenders()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	if !strings.Contains(out.String(), "backup written to "+file) || !strings.Contains(out.String(), "keep it as safe as the data") {
		t.Errorf("backup said %q", out.String())
	}

	restored := t.TempDir()
	out.Reset()
	if err := run(ctx, []string{"restore", file}, envOf("PARLEY_DATA_DIR="+restored), strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("restore: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "integrity check passed") {
		t.Errorf("restore said %q", out.String())
	}
	key, err := os.ReadFile(filepath.Join(restored, "secret.key"))
	if original, _ := os.ReadFile(filepath.Join(dir, "secret.key")); err != nil || !bytes.Equal(key, original) {
		t.Errorf("the restored key %q, %v; want the server's", key, err)
	}
	raw, _ := hex.DecodeString(strings.TrimSpace(string(key)))
	s, err := store.Open(ctx, store.Options{URL: filepath.Join(restored, "parley.db"), Secret: raw})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
	blobs, err := blob.Open(filepath.Join(restored, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	ch, err := s.BuiltinChannel(ctx, "support")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for i, a := range all {
		k, err := s.InboundKey(ctx, ch.ID, "mid:"+a.messageID)
		if err != nil {
			if i < before {
				t.Errorf("%s, acknowledged before the backup, is not in it: %v", a.messageID, err)
			}
			continue
		}
		found++
		atts, err := s.MessageAttachments(ctx, []parley.ID{*k.MessageID})
		if err != nil {
			t.Fatal(err)
		}
		got := atts[*k.MessageID]
		if len(got) != 1 {
			t.Errorf("%s: %d attachments, want 1", a.messageID, len(got))
			continue
		}
		if content, err := blobs.Read(got[0].Blob); err != nil || !bytes.Equal(content, a.attachment) {
			t.Errorf("%s: its attachment's blob in the restored copy: %v", a.messageID, err)
		}
	}
	t.Logf("%d messages acknowledged before the backup, %d during it; %d in the restored copy", before, during, found)
}

// TestBackupCommands: backup and restore from the command line, on each
// engine — what they refuse and what they say.
func TestBackupCommands(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			url := storetest.URL(t, engine)
			if engine == "sqlite" {
				url = filepath.Join(dir, "parley.db")
			}
			env := []string{"PARLEY_DATA_DIR=" + dir, "PARLEY_DATABASE_URL=" + url}
			cli := func(env []string, args ...string) (string, error) {
				var out bytes.Buffer
				err := run(ctx, args, envOf(env...), strings.NewReader(""), &out, &out)
				return out.String(), err
			}
			file := filepath.Join(t.TempDir(), "parley.tar.gz")
			if _, err := cli(env, "backup"); err == nil {
				t.Error("backup without a file did not fail")
			}
			if _, err := cli(env, "backup", file); err == nil || !strings.Contains(err.Error(), "no secret key at "+filepath.Join(dir, "secret.key")) {
				t.Errorf("backup of an empty data dir: %v", err)
			}
			if out, err := cli(env, "user", "create", "--email", "ana@example.com", "--name", "Ana", "--role", "agent"); err != nil {
				t.Fatalf("user create: %v %s", err, out)
			}
			out, err := cli(env, "backup", file)
			if err != nil {
				t.Fatalf("backup: %v %s", err, out)
			}
			if engine == "postgres" && (!strings.Contains(out, "pg_dump --format=custom") || !strings.Contains(out, "&& parley backup "+file)) {
				t.Errorf("backup on PostgreSQL said %q; want the pg_dump command", out)
			}
			if engine == "sqlite" && !strings.Contains(out, "0 conversations, 0 messages") {
				t.Errorf("backup said %q", out)
			}

			// Into the data directory it came from.
			if _, err := cli(env, "restore", file); engine == "sqlite" && (err == nil || !strings.Contains(err.Error(), "parley.db is a database already")) {
				t.Errorf("restore into a data directory with a database: %v", err)
			}
			// Cut short.
			whole, _ := os.ReadFile(file)
			cut := filepath.Join(t.TempDir(), "cut.tar.gz")
			os.WriteFile(cut, whole[:len(whole)*2/3], 0o600)
			other := []string{"PARLEY_DATA_DIR=" + t.TempDir(), "PARLEY_DATABASE_URL=" + url}
			if engine == "sqlite" {
				other[1] = "PARLEY_DATABASE_URL="
			}
			if _, err := cli(other, "restore", cut); err == nil || !strings.Contains(err.Error(), "damaged or incomplete") {
				t.Errorf("restore of a cut archive: %v", err)
			}
			out, err = cli(other, "restore", file)
			if err != nil {
				t.Fatalf("restore: %v %s", err, out)
			}
			if engine == "postgres" && !strings.Contains(out, "pg_restore --no-owner") {
				t.Errorf("restore on PostgreSQL said %q; want the pg_restore command", out)
			}
			key, _ := os.ReadFile(filepath.Join(dir, "secret.key"))
			restoredKey, _ := os.ReadFile(filepath.Join(envOf(other...)("PARLEY_DATA_DIR"), "secret.key"))
			if len(key) == 0 || !bytes.Equal(key, restoredKey) {
				t.Errorf("restored key %q, want %q", restoredKey, key)
			}
			if engine == "sqlite" {
				if out, err := cli(other, "user", "list"); err != nil || !strings.Contains(out, "ana@example.com") {
					t.Errorf("the restored installation's users: %q, %v", out, err)
				}
			}
		})
	}
}

// TestScheduledBackupsWiring: with PARLEY_BACKUP_DIR, the app has a
// schedule on SQLite that writes into it; on PostgreSQL it has none and
// serve says what to do instead.
func TestScheduledBackupsWiring(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dir, backups := t.TempDir(), t.TempDir()
			cfg, err := config.Load(envOf("PARLEY_DATA_DIR="+dir, "PARLEY_DATABASE_URL="+storetest.URL(t, engine),
				"PARLEY_BACKUP_DIR="+backups, "PARLEY_BACKUP_KEEP=2"))
			if err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			a, err := newApp(ctx, cfg, slog.New(slog.NewTextHandler(&logs, nil)))
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			if engine == "postgres" {
				if a.backups != nil {
					t.Fatal("a backup schedule on PostgreSQL")
				}
				cctx, cancel := context.WithCancel(ctx)
				cancel()
				<-runBackups(cctx, a)
				if !strings.Contains(logs.String(), "scheduled backups are for SQLite") || !strings.Contains(logs.String(), "pg_dump") {
					t.Errorf("serve logged %q", logs.String())
				}
				return
			}
			if a.backups == nil || a.backups.Keep != 2 || a.backups.Dir != backups {
				t.Fatalf("schedule %+v", a.backups)
			}
			path, m, err := a.backups.Take(ctx)
			if err != nil || filepath.Dir(path) != backups || m.Database == nil {
				t.Fatalf("Take: %s %+v %v", path, m, err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if n, _ := io.Copy(io.Discard, f); n == 0 {
				t.Error("an empty backup")
			}
			if !strings.Contains(logs.String(), "backup written") {
				t.Errorf("logged %q", logs.String())
			}
		})
	}
}

package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/export"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestExportCmd imports a mailbox into the support inbox, then exports
// that inbox to a file and everything to standard output, and reads both
// archives back; an inbox that is not there is refused.
func TestExportCmd(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			vars := map[string]string{"PARLEY_DATA_DIR": dir, "PARLEY_DATABASE_URL": storetest.URL(t, engine), "PARLEY_MAIL_DOMAIN": "parley.test"}
			getenv := func(k string) string { return vars[k] }
			mbox := "From ana@client.example Mon Jan  5 09:00:00 2026\n" +
				"From: Ana <ana@client.example>\nTo: support@acme.example\nSubject: Refund\nDate: Mon, 5 Jan 2026 09:00:00 +0000\nMessage-ID: <m1@client.example>\n\nI want a refund.\n"
			file := filepath.Join(dir, "support.mbox")
			if err := os.WriteFile(file, []byte(mbox), 0o600); err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			if err := run(ctx, []string{"import", "mbox", "--inbox", "support", file}, getenv, strings.NewReader(""), &out, &errOut); err != nil {
				t.Fatalf("import: %v\n%s", err, errOut.String())
			}

			archive := filepath.Join(dir, "support.tar.gz")
			errOut.Reset()
			if err := run(ctx, []string{"export", "--inbox", "support", archive}, getenv, strings.NewReader(""), &out, &errOut); err != nil {
				t.Fatalf("export: %v\n%s", err, errOut.String())
			}
			if got := errOut.String(); !strings.Contains(got, "1 of 1 conversations") || !strings.Contains(got, "export of inbox support") ||
				!strings.Contains(got, "1 conversations, 1 messages, 1 contacts, 0 attachments, 1 raw mails") {
				t.Errorf("printed %q", got)
			}
			b, err := os.ReadFile(archive)
			if err != nil {
				t.Fatal(err)
			}
			files := readTarGz(t, b)
			if !strings.Contains(string(files["messages.jsonl"]), "I want a refund.") || !strings.Contains(string(files["manifest.json"]), `"name": "Support"`) {
				t.Errorf("the archive: %v", files)
			}

			var stdout bytes.Buffer
			errOut.Reset()
			if err := run(ctx, []string{"export", "-"}, getenv, strings.NewReader(""), &stdout, &errOut); err != nil {
				t.Fatalf("export -: %v\n%s", err, errOut.String())
			}
			if files := readTarGz(t, stdout.Bytes()); !strings.Contains(string(files["conversations.jsonl"]), `"subject":"Refund"`) ||
				!strings.Contains(string(files["manifest.json"]), `"inbox": null`) || !strings.Contains(errOut.String(), "export of everything written to standard output") {
				t.Errorf("everything: %q, %v", errOut.String(), files)
			}

			// Both are in the audit log, as the command line's.
			cfg, err := config.Load(getenv)
			if err != nil {
				t.Fatal(err)
			}
			st, _, err := openStore(ctx, &cfg, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			entries, err := st.AuditEntries(ctx, parley.AuditFilter{Actions: []string{parley.EventExportCreated}})
			st.Close()
			if err != nil || len(entries) != 2 || entries[0].ActorName != "parley export" || !strings.Contains(string(entries[1].After), `"inbox_name":"Support"`) {
				t.Errorf("the exports in the audit log: %v %+v", err, entries)
			}

			if err := run(ctx, []string{"export", "--inbox", "nope", archive}, getenv, strings.NewReader(""), &out, &errOut); err == nil || !strings.Contains(err.Error(), "nope") {
				t.Errorf("unknown inbox: %v", err)
			}
			if err := run(ctx, []string{"export"}, getenv, strings.NewReader(""), &out, &errOut); err == nil {
				t.Error("no file named: no error")
			}
		})
	}
}

func readTarGz(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	files, err := export.ReadFiles(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

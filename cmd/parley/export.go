package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/export"
	"github.com/parleyhq/parley/internal/parley"
)

// exportCmd writes everything, or one inbox, as an archive of JSON lines
// and attachments (SPEC PLT-3), to a file or to stdout with "-", while
// Parley may be running. It reads the database as it is, a page at a
// time, and prints what it wrote.
func exportCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	inbox := fs.String("inbox", "", "export this inbox only (its id or slug)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: parley export [--inbox ID|SLUG] FILE      (- writes to standard output)")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("export: name the file to write")
	}
	file := fs.Arg(0)
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	st, _, err := openStore(ctx, &cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer st.Close()
	blobs, err := blob.Open(cfg.BlobDir)
	if err != nil {
		return err
	}
	opt := export.Archive{Version: version, Now: time.Now}
	what := "everything"
	if *inbox != "" {
		in, err := export.FindInbox(ctx, st, *inbox)
		if err != nil {
			return fmt.Errorf("export: inbox %q: %w", *inbox, err)
		}
		opt.Inbox, opt.InboxName = &in.ID, in.Name
		what = fmt.Sprintf("inbox %s (%d)", in.Slug, in.ID)
	}
	shown := time.Time{}
	opt.Progress = func(done, total int64) error {
		if done == total || time.Since(shown) >= 200*time.Millisecond {
			shown = time.Now()
			fmt.Fprintf(stderr, "\rexporting %s: %d of %d conversations", what, done, total)
		}
		return ctx.Err()
	}
	start := time.Now()
	var m export.Manifest
	if file == "-" {
		opt.TempDir = os.TempDir()
		m, err = export.Write(ctx, stdout, st, blobs, opt)
	} else {
		opt.TempDir = filepath.Dir(file)
		m, _, err = export.WriteFile(ctx, file, st, blobs, opt)
	}
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	if file == "-" {
		file = "standard output"
	}
	// Exported from the machine, not the app: the audit log says so too,
	// with no address (the one who ran it had the server's files).
	after, _ := json.Marshal(map[string]any{"everything": opt.Inbox == nil, "inbox_id": opt.Inbox, "inbox_name": opt.InboxName,
		"via": "command line", "file": file, "conversations": m.Counts["conversations"]})
	if err := st.AppendAudit(ctx, &parley.AuditEntry{At: time.Now(), Action: parley.EventExportCreated, ActorKind: parley.ActorSystem,
		ActorName: "parley export", After: after}); err != nil {
		return fmt.Errorf("export: written, but not recorded in the audit log: %w", err)
	}
	fmt.Fprintf(stderr, "export of %s written to %s in %s: %d conversations, %d messages, %d contacts, %d attachments, %d raw mails\n",
		what, file, time.Since(start).Round(time.Millisecond), m.Counts["conversations"], m.Counts["messages"], m.Counts["contacts"],
		m.Attachments, m.RawMail)
	return nil
}

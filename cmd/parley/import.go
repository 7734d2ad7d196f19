package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/parley"
)

// importCmd runs "parley import mbox --inbox SLUG FILE": a mailbox's history
// taken in through the email pipeline — threaded and deduplicated, its
// conversations closed, nothing routed or sent (SPEC PLT-3). Running it
// again imports only what is new.
func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "mbox" {
		return errors.New("import: want: parley import mbox --inbox SLUG FILE")
	}
	fs := flag.NewFlagSet("import mbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	slug := fs.String("inbox", "", "the inbox to import into (its slug)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *slug == "" || fs.NArg() != 1 {
		return errors.New("import: want: parley import mbox --inbox SLUG FILE")
	}
	a, err := openOrg(ctx, getenv)
	if err != nil {
		return err
	}
	defer a.Close()
	ch, err := a.store.BuiltinChannel(ctx, *slug)
	if err != nil {
		return fmt.Errorf("import: inbox %q: %w", *slug, err)
	}

	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	counter := &countingReader{r: f}
	var sum struct{ messages, imported, duplicates, quarantined int }
	convs := map[parley.ID]bool{}
	began, shown := time.Now(), time.Time{}
	progress := func(final bool) {
		if !final && time.Since(shown) < 200*time.Millisecond {
			return
		}
		shown = time.Now()
		pct := 100.0
		if info.Size() > 0 {
			pct = float64(counter.n) * 100 / float64(info.Size())
		}
		fmt.Fprintf(stderr, "\rimporting %s: %3.0f%%, %d messages", fs.Arg(0), pct, sum.messages)
		if final {
			fmt.Fprintln(stderr)
		}
	}
	err = mail.ReadMbox(counter, func(raw []byte) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		sum.messages++
		r, err := a.conv.ReceiveEmail(ctx, parley.System, conversation.Email{ChannelID: ch.ID, Raw: raw, Source: "import", Import: true})
		if err != nil {
			return fmt.Errorf("message %d: %w", sum.messages, err)
		}
		switch {
		case r.Quarantined != 0:
			sum.quarantined++
		case r.Duplicate:
			sum.duplicates++
		default:
			sum.imported++
			convs[r.ConversationID] = true
		}
		progress(false)
		return nil
	})
	progress(true)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	fmt.Fprintf(stdout, "imported %d of %d messages into %d conversations in %s; %d already there, %d quarantined (see GET /api/v1/quarantine)\n",
		sum.imported, sum.messages, len(convs), time.Since(began).Round(time.Millisecond), sum.duplicates, sum.quarantined)
	return nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Command parley is the shared team inbox: one binary that serves the API, the
// web app and the mail listener, and manages users from the command line.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // people's schedules name time zones: a machine without a zone database still knows them
)

// version is set at build time by make.
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "parley:", err)
		}
		os.Exit(1)
	}
}

const usage = `Parley, the shared team inbox.

Usage:
  parley [serve]                    start the server (the default)
  parley migrate                    apply database migrations and exit
  parley user create --email E --name N --role admin|agent|viewer [--password-stdin]
  parley user list
  parley user set-password --email E        (reads the password from stdin)
  parley token create --email E [--name N]  (prints a personal API token)
  parley import mbox --inbox SLUG FILE      import a mailbox's history (threaded, deduplicated, closed)
  parley backup FILE                write a backup while Parley runs: database, blobs, secret key (- for stdout)
  parley restore FILE               restore a backup into an empty data directory (- for stdin)
  parley export [--inbox ID|SLUG] FILE   export everything, or an inbox, as JSON lines and attachments (- for stdout)
  parley bench seed --conversations N [--messages M] [--dir D]   make a benchmark dataset
  parley bench [--dir D] [--workloads W3,W4,W6,W8]                 run the benchmarks (make bench)
  parley version

Configuration comes from PARLEY_* environment variables; see README.md.
Scheduled backups: PARLEY_BACKUP_DIR, PARLEY_BACKUP_EVERY (24h), PARLEY_BACKUP_KEEP (7).
`

// run is the whole program, with its world passed in so tests can call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, getenv, stdout)
	case "user":
		return userCmd(ctx, args, getenv, stdin, stdout, stderr)
	case "token":
		return tokenCmd(ctx, args, getenv, stdout, stderr)
	case "import":
		return importCmd(ctx, args, getenv, stdout, stderr)
	case "backup":
		return backupCmd(ctx, args, getenv, stdout, stderr)
	case "restore":
		return restoreCmd(ctx, args, getenv, stdin, stdout, stderr)
	case "export":
		return exportCmd(ctx, args, getenv, stdout, stderr)
	case "bench":
		return benchCmd(ctx, args, getenv, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "parley", version)
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

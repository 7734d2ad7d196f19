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
	"strings"

	"github.com/parleyhq/parley/internal/bench"
	"github.com/parleyhq/parley/internal/config"
)

// benchCmd runs "parley bench seed" (make a dataset) or "parley bench"
// (load a server with the workloads of BENCHMARKS.md and print a table).
func benchCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "seed" {
		return benchSeed(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "run" {
		args = args[1:]
	}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "data-bench/100000", "a directory made by parley bench seed")
	url := fs.String("url", "", "a running server to load instead of starting one on the dataset (loopback only)")
	workloads := fs.String("workloads", "W1,W2,W3,W4,W5,W6,W7,W8,W10,W11", "the workloads to run")
	serverBin := fs.String("server", "", "the parley binary whose servers it starts (default: this one), to compare two builds under the same load")
	serverCPUs := fs.String("server-cpus", "", "pin the servers it starts to these CPUs (a taskset list, e.g. 0; run the bench itself under taskset on the others)")
	requests := fs.Int("requests", 200, "requests per measured case")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ds, err := readDataset(*dir)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if *serverBin != "" {
		self = *serverBin
	}
	return bench.Run(ctx, bench.RunOptions{
		Binary: self, Dir: *dir, URL: *url, Dataset: ds, Workloads: strings.Split(*workloads, ","), ServerCPUs: *serverCPUs,
		Requests: *requests, DatabaseURL: getenv("PARLEY_DATABASE_URL"), Out: stdout, Log: stderr,
	})
}

func benchSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	convs := fs.Int("conversations", 100000, "conversations to make")
	msgs := fs.Int("messages", 0, "messages in all (default 10 per conversation)")
	dir := fs.String("dir", "", "where to write the dataset (default data-bench/<conversations>)")
	inboxes := fs.Int("inboxes", 5, "inboxes")
	agents := fs.Int("agents", 20, "agents (the first an admin)")
	contacts := fs.Int("contacts", 0, "contacts at least: those of the conversations, then more without any")
	companies := fs.Int("companies", 0, "companies, every third contact at one")
	tickets := fs.Int("tickets", 0, "tickets, each about a conversation")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *msgs == 0 {
		*msgs = 10 * *convs
	}
	if *dir == "" {
		*dir = filepath.Join("data-bench", fmt.Sprint(*convs))
	}
	if _, err := os.Stat(filepath.Join(*dir, "bench.json")); err == nil {
		return fmt.Errorf("bench seed: %s already holds a dataset; remove it to make another", *dir)
	}
	if err := os.MkdirAll(*dir, 0o750); err != nil {
		return err
	}
	// The dataset is a data directory of its own: the server that bench
	// starts on it uses it as one, with the secret key made here.
	cfg, err := config.Load(func(key string) string {
		if key == "PARLEY_DATA_DIR" {
			return *dir
		}
		return getenv(key)
	})
	if err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer a.Close()
	st := a.store
	if n, err := st.CountUsers(ctx); err != nil || n > 0 {
		return errors.Join(err, fmt.Errorf("bench seed: the database at %s is not empty", cfg.DatabaseURL))
	}
	fmt.Fprintf(stdout, "seeding %d conversations, %d messages into %s (%s)\n", *convs, *msgs, *dir, st.Engine())
	ds, err := bench.Seed(ctx, st, a.orgs, bench.SeedOptions{Conversations: *convs, Messages: *msgs, Inboxes: *inboxes, Agents: *agents, Contacts: *contacts, Companies: *companies, Tickets: *tickets, Progress: stdout})
	if err != nil {
		return err
	}
	b, _ := json.MarshalIndent(ds, "", "  ")
	if err := os.WriteFile(filepath.Join(*dir, "bench.json"), b, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "done in %s\n", ds.SeededIn)
	return nil
}

func readDataset(dir string) (*bench.Dataset, error) {
	b, err := os.ReadFile(filepath.Join(dir, "bench.json"))
	if err != nil {
		return nil, fmt.Errorf("bench: no dataset in %s: make one with parley bench seed (%w)", dir, err)
	}
	var ds bench.Dataset
	if err := json.Unmarshal(b, &ds); err != nil {
		return nil, fmt.Errorf("bench: %s/bench.json: %w", dir, err)
	}
	return &ds, nil
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/parleyhq/parley/internal/backup"
	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/store"
)

// backupSource is what a backup of this installation copies: the
// database (on SQLite), the blobs and the secret key.
func backupSource(cfg config.Config, st *store.Store, blobs *blob.Dir, now func() time.Time) backup.Source {
	src := backup.Source{Engine: st.Engine(), Blobs: blobs, SecretKey: cfg.SecretKey, Version: version, Now: now}
	if st.Engine() == "sqlite" {
		src.DB = st
	}
	return src
}

// backupCmd writes a backup of the data to a file, or to stdout with "-",
// while Parley may be running.
func backupCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: parley backup FILE      (- writes to standard output)") }
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("backup: name the file to write")
	}
	file := fs.Arg(0)
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	// Nothing is made here: a data dir without a key or a database is more
	// likely a wrong PARLEY_DATA_DIR than something to back up.
	wrongDir := "is PARLEY_DATA_DIR (or PARLEY_DATABASE_URL) the server's?"
	if cfg.SecretKey == "" {
		if _, err := os.Stat(cfg.SecretKeyFile()); err != nil {
			return fmt.Errorf("backup: no secret key at %s: %s", cfg.SecretKeyFile(), wrongDir)
		}
		if err := cfg.EnsureSecretKey(); err != nil {
			return err
		}
	}
	engine := store.EngineOf(cfg.DatabaseURL)
	if engine == "sqlite" {
		if _, err := os.Stat(store.SQLitePath(cfg.DatabaseURL)); err != nil {
			return fmt.Errorf("backup: no database at %s: %s", store.SQLitePath(cfg.DatabaseURL), wrongDir)
		}
	}
	// The database is opened as it is, never migrated: a backup taken
	// before starting a new version must be of the old one.
	st, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, NoMigrate: true})
	if err != nil {
		return err
	}
	defer st.Close()
	blobs, err := blob.Open(cfg.BlobDir)
	if err != nil {
		return err
	}
	src := backupSource(cfg, st, blobs, time.Now)

	start := time.Now()
	var m backup.Manifest
	say := stdout
	if file == "-" {
		// The snapshot is made beside the database, whose disk has room
		// for it; the archive goes out as it is written.
		src.TempDir = filepath.Dir(store.SQLitePath(cfg.DatabaseURL))
		if engine != "sqlite" {
			src.TempDir = os.TempDir()
		}
		say = stderr
		m, err = backup.Write(ctx, stdout, src)
	} else {
		src.TempDir = filepath.Dir(file)
		m, err = backup.WriteFile(ctx, file, src)
	}
	if err != nil {
		return err
	}
	took := time.Since(start).Round(time.Millisecond)
	if file == "-" {
		file = "standard output"
	}
	if m.Database != nil {
		fmt.Fprintf(say, "backup written to %s in %s: %d conversations, %d messages (schema %d), %d blobs, the secret key\n",
			file, took, m.Database.Conversations, m.Database.Messages, m.Database.Schema, m.Blobs)
	} else {
		fmt.Fprintf(say, "backup written to %s in %s: %d blobs and the secret key (not the database)\n", file, took, m.Blobs)
	}
	fmt.Fprintln(say, "It holds the secret key: keep it as safe as the data itself.")
	if engine == "postgres" {
		dump, err := backup.PGDump(cfg.DatabaseURL, "parley.pgdump")
		if err != nil {
			return err
		}
		fmt.Fprintf(say, "\nOn PostgreSQL the database is copied by pg_dump. Run it before parley backup, so that every\n"+
			"blob the dump names is in the archive (pg_dump reads the password from PGPASSWORD or ~/.pgpass):\n\n"+
			"    %s && parley backup %s\n\nand keep the two files together.\n", dump, fs.Arg(0))
	}
	return nil
}

// restoreCmd restores a backup (a file, or stdin with "-") into the data
// directory the configuration names, which must hold no data yet.
func restoreCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: parley restore FILE     (- reads standard input) into an empty PARLEY_DATA_DIR")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("restore: name the backup to restore")
	}
	file := fs.Arg(0)
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	t := backup.Target{Engine: store.EngineOf(cfg.DatabaseURL), BlobDir: cfg.BlobDir, KeyFile: cfg.SecretKeyFile(), Key: cfg.SecretKey}
	if t.Engine == "sqlite" {
		t.Database = store.SQLitePath(cfg.DatabaseURL)
	}
	r := stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		defer f.Close()
		r = f
	}
	res, err := backup.Restore(ctx, r, t)
	if err != nil {
		return err
	}
	m := res.Manifest
	fmt.Fprintf(stdout, "restored %s (Parley %s, taken %s) into %s:\n", file, m.Parley, m.Created.Format(time.RFC3339), cfg.DataDir)
	if db := res.Database; db != nil {
		fmt.Fprintf(stdout, "  %d conversations, %d messages in %s (integrity check passed", db.Conversations, db.Messages, t.Database)
		if db.Schema != m.Database.Schema {
			fmt.Fprintf(stdout, "; migrated from schema %d to %d", m.Database.Schema, db.Schema)
		}
		fmt.Fprintln(stdout, ")")
	}
	fmt.Fprintf(stdout, "  %d blobs in %s\n", res.Blobs, t.BlobDir)
	if res.KeyFile != "" {
		fmt.Fprintf(stdout, "  the secret key in %s\n", res.KeyFile)
	} else {
		fmt.Fprintln(stdout, "  the secret key: the one PARLEY_SECRET_KEY (or the key file already there) holds")
	}
	if res.UnreadableSecrets > 0 {
		fmt.Fprintf(stdout, "warning: %d channels hold passwords this key does not open: enter them again in their settings\n", res.UnreadableSecrets)
	}
	if t.Engine == "postgres" {
		load, err := backup.PGRestore(cfg.DatabaseURL, "parley.pgdump")
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nThe database is not in this archive: load the pg_dump file taken with it into an empty\ndatabase, then start Parley:\n\n    %s\n", load)
	}
	return nil
}

// runBackups runs the scheduled backups until ctx ends and closes the
// channel it returns when they have stopped.
func runBackups(ctx context.Context, a *app) <-chan struct{} {
	done := make(chan struct{})
	cfg := a.cfg
	switch {
	case a.backups != nil:
		a.log.Info("scheduled backups", "dir", cfg.BackupDir, "every", cfg.BackupEvery, "keep", cfg.BackupKeep)
		go func() { a.backups.Run(ctx); close(done) }()
		return done
	case cfg.BackupDir != "":
		// Several nodes share a PostgreSQL database: no one of them is
		// the place to copy it from.
		dump, _ := backup.PGDump(cfg.DatabaseURL, "parley.pgdump")
		a.log.Warn("PARLEY_BACKUP_DIR is set, but scheduled backups are for SQLite: on PostgreSQL, schedule pg_dump and then parley backup (README: Backup and restore)",
			"pg_dump", dump)
	}
	close(done)
	return done
}

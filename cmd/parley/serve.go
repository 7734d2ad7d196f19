package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"syscall"
	"time"

	"github.com/parleyhq/parley/internal/chat"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/jobs"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/server"
	psmtp "github.com/parleyhq/parley/internal/smtp"
	"github.com/parleyhq/parley/internal/store"
)

// serve starts Parley and blocks until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	start := time.Now()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if n, err := a.store.SealSecrets(ctx); err != nil {
		return err
	} else if n > 0 {
		log.Info("sealed mailbox passwords stored in the clear", "channels", n)
	}
	setup, err := a.orgs.FirstStart(ctx, cfg.OrgName, cfg.AdminEmail)
	if err != nil {
		return fmt.Errorf("first start: %w", err)
	}
	files := openFiles(log)
	// Streams may hold half the HTTP connections: the rest always answer
	// requests.
	handler := a.handler(max(50, httpConns(files)/2))
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	// Mail is listened for before HTTP answers, so a node that says it
	// is ready (/readyz) takes mail too.
	var mailLn *psmtp.Listener
	smtpErr := make(chan error, 1)
	if cfg.SMTPAddr != "off" {
		if mailLn, err = startSMTP(a, smtpErr); err != nil {
			ln.Close()
			return err
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(server.LimitListener(ln, httpConns(files))) }()

	if addr := cfg.PProf; addr != "" {
		// Profiling for operators, on its own (loopback) address only.
		pm := http.NewServeMux()
		pm.HandleFunc("/debug/pprof/", pprof.Index)
		pm.HandleFunc("/debug/pprof/profile", pprof.Profile)
		go func() { log.Warn("pprof", "err", http.ListenAndServe(addr, pm)) }()
	}

	jobCtx, stopJobs := context.WithCancel(ctx)
	defer stopJobs()
	hubDone := make(chan error, 1)
	go func() { hubDone <- a.hub.Run(jobCtx) }()
	go a.queue.Run(jobCtx)
	go a.webhooks.Run(jobCtx)
	mailboxesDone := make(chan struct{})
	go func() { a.mailboxes.Run(jobCtx); close(mailboxesDone) }()
	consumersDone := make(chan struct{})
	go func() { a.consumers.Run(jobCtx); close(consumersDone) }()
	backupsDone := runBackups(jobCtx, a)
	exportsDone := make(chan struct{})
	go func() { a.exports.Run(jobCtx); close(exportsDone) }()
	jobs.Schedule(jobCtx, log, jobs.Task{Name: "trash purge", Every: time.Hour, Run: func(ctx context.Context) error {
		n, err := a.conv.PurgeTrash(ctx)
		if n > 0 {
			log.Info("trash purged", "conversations", n)
		}
		return err
	}}, jobs.Task{Name: "retention", Every: conversation.RetentionEvery, Run: func(ctx context.Context) error {
		// Each inbox's closed conversations past its retention (issue 18).
		n, err := a.conv.ExpireClosed(ctx)
		if n > 0 {
			log.Info("retention deleted closed conversations", "conversations", n)
		}
		return err
	}}, jobs.Task{Name: "routing sweep", Every: 5 * time.Minute, Run: func(ctx context.Context) error {
		// Routing drains its queue on the events that free someone; this
		// sweep is only a safety net.
		return a.store.InTx(ctx, func(tx *store.Tx) error {
			n, err := routing.Drain(ctx, tx, parley.Normalize(time.Now()))
			if n > 0 {
				log.Warn("routing sweep assigned waiting conversations no event had freed", "conversations", n)
			}
			return err
		})
	}}, jobs.Task{Name: "availability schedules", Every: org.ScheduleEvery, Run: func(ctx context.Context) error {
		_, err := a.orgs.FollowSchedules(ctx)
		return err
	}}, jobs.Task{Name: "bot timeouts", Every: chat.BotTimeoutEvery, Run: func(ctx context.Context) error {
		_, err := a.chat.BotTimeouts(ctx, parley.Now())
		return err
	}})

	log.Info("ready", "addr", ln.Addr().String(), "engine", a.store.Engine(), "version", version,
		"startup", time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(stdout, "Parley is running at %s (%s)\n", cfg.BaseURL, a.store.Engine())
	if mailLn != nil {
		fmt.Fprintf(stdout, "Mail to <inbox>@%s is received on %s (SMTP)\n", cfg.MailDomain, cfg.SMTPAddr)
	}
	if setup.Admin != nil {
		fmt.Fprintf(stdout, "Sign in as %s with this one-time link (valid %s):\n\n    %s/login/%s\n\n",
			setup.Admin.Email, org.LoginLinkTTL, cfg.BaseURL, setup.LoginToken)
		fmt.Fprintln(stdout, "Then set a password in Settings → Profile (or: parley user set-password --email "+setup.Admin.Email+")")
	} else {
		fmt.Fprintf(stdout, "Sign in at %s/\n", cfg.BaseURL)
	}

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case err := <-smtpErr:
		return fmt.Errorf("smtp: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	stopJobs()
	<-hubDone // closes the streams, so Shutdown does not wait for them
	<-mailboxesDone
	<-consumersDone
	<-backupsDone // a backup in progress is stopped and its file removed
	<-exportsDone // an export in progress is stopped and its file removed; it is queued again once its heartbeat is two minutes old
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if mailLn != nil {
		// A message in DATA is either stored and answered, or dropped
		// unanswered and sent again by its sender.
		if err := mailLn.Shutdown(sctx); err != nil {
			mailLn.Close()
		}
	}
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// startSMTP starts the built-in listener on the app's PARLEY_SMTP_ADDR; its
// end is sent on errc.
func startSMTP(a *app, errc chan<- error) (*psmtp.Listener, error) {
	cfg := a.cfg
	l := &psmtp.Listener{Domain: cfg.MailDomain, Receiver: a.conv, Channels: a.store, Log: a.log, MaxMessageBytes: cfg.MaxMessageBytes}
	if cfg.SMTPCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.SMTPCert, cfg.SMTPKey)
		if err != nil {
			return nil, fmt.Errorf("smtp: PARLEY_SMTP_TLS_CERT/KEY: %w", err)
		}
		l.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", cfg.SMTPAddr)
	if err != nil {
		return nil, fmt.Errorf("smtp: listen on PARLEY_SMTP_ADDR %s: %w", cfg.SMTPAddr, err)
	}
	go func() { errc <- l.Serve(ln) }()
	return l, nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// migrate applies migrations (Open does) and exits.
func migrate(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	st, _, err := openStore(ctx, &cfg, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(stdout, "database is up to date (%s)\n", st.Engine())
	return nil
}

// openFiles returns how many files the process may open. Go raises the soft
// limit to the hard one at start; it is logged because a low hard limit
// (ulimit -Hn) caps the realtime streams a node can hold.
func openFiles(log *slog.Logger) int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		log.Warn("open files limit unknown", "err", err)
		return 1024
	}
	n := int(min(lim.Cur, 1<<20))
	log.Info("open files limit", "files", n, "connections", httpConns(n), "streams", max(50, httpConns(n)/2))
	return n
}

// httpConns is how many HTTP connections a node holds at once with files
// open files: 512 descriptors (or half) stay in reserve for the database,
// mail and attachments.
func httpConns(files int) int { return max(files/2, files-512) }

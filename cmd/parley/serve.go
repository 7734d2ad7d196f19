package main

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/consume"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/imap"
	"github.com/parleyhq/parley/internal/jobs"
	"github.com/parleyhq/parley/internal/library"
	"github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/realtime"
	"github.com/parleyhq/parley/internal/server"
	psmtp "github.com/parleyhq/parley/internal/smtp"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/web"
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
	st, secret, err := openStore(ctx, &cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if n, err := st.SealSecrets(ctx); err != nil {
		return err
	} else if n > 0 {
		log.Info("sealed mailbox passwords stored in the clear", "channels", n)
	}
	// One clock for every service: the composition root injects it.
	now := time.Now
	hub := realtime.NewHub(st, log)
	hub.Now = now
	hub.Poll = cfg.StreamPoll
	mailboxes := &imap.Manager{Store: st, Log: log, Now: now}
	// Reactions to events that must not be lost (notify, deliver, route)
	// are log consumers added to this group: each keeps a cursor and runs on
	// one node at a time. The hook below only nudges this node's readers,
	// which catch up from the log or the database on their own.
	consumers := consume.NewGroup(st, log, now)
	st.SetOnEvents(func(evs []parley.Event) {
		hub.Wake()
		consumers.Wake()
		for _, e := range evs {
			if e.Type == parley.EventChannelCreated || e.Type == parley.EventChannelUpdated {
				mailboxes.Wake() // a mailbox connected, changed or turned off
			}
		}
	})
	// One bound on password hashes for the whole process: sign-ins and
	// password changes share it.
	passwords := auth.NewHasher(auth.DefaultHashes())
	orgs := org.New(st, now)
	orgs.Passwords = passwords
	setup, err := orgs.FirstStart(ctx, cfg.OrgName, cfg.AdminEmail)
	if err != nil {
		return fmt.Errorf("first start: %w", err)
	}
	blobs, err := blob.Open(cfg.BlobDir)
	if err != nil {
		return err
	}
	queue := jobs.NewQueue(st, log, now)
	orgs.Blobs = blobs
	copts := conversation.Options{Now: now, MailDomain: cfg.MailDomain, Blobs: blobs, Wake: queue.Wake}
	if err := outboundMail(cfg, &copts); err != nil {
		return err
	}
	conv := conversation.New(st, copts)
	queue.Handle(conversation.JobSendMail, conv.SendMailJob())
	queue.Handle(jobs.KindSystemMail, conv.SystemMailJob())

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	sessions := auth.NewSessions(st, now)
	sessions.Passwords = passwords
	files := openFiles(log)
	handler := server.New(server.Config{BaseURL: cfg.BaseURL, Version: version, APIRate: cfg.APIRate, APIBurst: cfg.APIBurst,
		MailDomain: cfg.MailDomain, MaxMessageBytes: cfg.MaxMessageBytes, TrustedProxies: cfg.TrustedProxies,
		MetricsToken: cfg.MetricsToken,
		DeviceKey:    deriveKey(secret, "parley device cookies"),
		// Streams may hold half the HTTP connections: the rest always
		// answer requests.
		MaxStreams: max(50, httpConns(files)/2)}, server.Deps{
		Log: log, Database: st, Conv: conv, Org: orgs, Library: library.New(st, blobs, now), Sessions: sessions, Registry: reg, Hub: hub, Web: web.Dist(), Blobs: blobs,
	})
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(server.LimitListener(ln, httpConns(files))) }()

	if addr := cfg.PProf; addr != "" {
		// Profiling for operators, on its own (loopback) address only.
		pm := http.NewServeMux()
		pm.HandleFunc("/debug/pprof/", pprof.Index)
		pm.HandleFunc("/debug/pprof/profile", pprof.Profile)
		go func() { log.Warn("pprof", "err", http.ListenAndServe(addr, pm)) }()
	}
	var mailLn *psmtp.Listener
	smtpErr := make(chan error, 1)
	if cfg.SMTPAddr != "off" {
		if mailLn, err = startSMTP(cfg, st, conv, log, smtpErr); err != nil {
			srv.Close()
			return err
		}
	}

	jobCtx, stopJobs := context.WithCancel(ctx)
	defer stopJobs()
	hubDone := make(chan error, 1)
	go func() { hubDone <- hub.Run(jobCtx) }()
	go queue.Run(jobCtx)
	mailboxes.Receiver = conv
	mailboxesDone := make(chan struct{})
	go func() { mailboxes.Run(jobCtx); close(mailboxesDone) }()
	consumersDone := make(chan struct{})
	go func() { consumers.Run(jobCtx); close(consumersDone) }()
	jobs.Schedule(jobCtx, log, jobs.Task{Name: "trash purge", Every: time.Hour, Run: func(ctx context.Context) error {
		n, err := conv.PurgeTrash(ctx)
		if n > 0 {
			log.Info("trash purged", "conversations", n)
		}
		return err
	}})

	log.Info("ready", "addr", ln.Addr().String(), "engine", st.Engine(), "version", version,
		"startup", time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(stdout, "Parley is running at %s (%s)\n", cfg.BaseURL, st.Engine())
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

// outboundMail sets how outbound mail leaves: the relay and the DKIM key.
func outboundMail(cfg config.Config, o *conversation.Options) error {
	if cfg.SMTPRelay != "" {
		sender, err := psmtp.ParseRelay(cfg.SMTPRelay)
		if err != nil {
			return fmt.Errorf("config: PARLEY_SMTP_RELAY: %w", err)
		}
		sender.LocalName = cfg.MailDomain
		o.Mailer = sender
	}
	o.MailerFor = func(set parley.SMTPSettings) conversation.Mailer {
		s := psmtp.SenderFor(set)
		s.LocalName = cfg.MailDomain
		return s
	}
	if cfg.DKIMKey != "" {
		pemBytes, err := os.ReadFile(cfg.DKIMKey)
		if err != nil {
			return fmt.Errorf("config: PARLEY_DKIM_KEY: %w", err)
		}
		block, _ := pem.Decode(pemBytes)
		if block == nil {
			return fmt.Errorf("config: PARLEY_DKIM_KEY: not a PEM file")
		}
		key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			if key, err = x509.ParsePKCS1PrivateKey(block.Bytes); err != nil {
				return fmt.Errorf("config: PARLEY_DKIM_KEY: want a PKCS#8 or PKCS#1 private key")
			}
		}
		signer, ok := key.(crypto.Signer)
		if !ok {
			return fmt.Errorf("config: PARLEY_DKIM_KEY: the key cannot sign")
		}
		o.DKIM = &mail.DKIM{Domain: cfg.MailDomain, Selector: cfg.DKIMSelector, Key: signer}
	}
	return nil
}

// startSMTP starts the built-in listener on cfg.SMTPAddr; its end is sent
// on errc.
func startSMTP(cfg config.Config, st *store.Store, conv *conversation.Service, log *slog.Logger, errc chan<- error) (*psmtp.Listener, error) {
	l := &psmtp.Listener{Domain: cfg.MailDomain, Receiver: conv, Channels: st, Log: log, MaxMessageBytes: cfg.MaxMessageBytes}
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

// deriveKey returns a key for one purpose from the server's secret, so no
// two uses share a key.
func deriveKey(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
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

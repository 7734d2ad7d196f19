package main

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/backup"
	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/chat"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/consume"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/crm"
	"github.com/parleyhq/parley/internal/export"
	"github.com/parleyhq/parley/internal/imap"
	"github.com/parleyhq/parley/internal/jobs"
	"github.com/parleyhq/parley/internal/library"
	"github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/realtime"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/server"
	psmtp "github.com/parleyhq/parley/internal/smtp"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/webhook"
	"github.com/parleyhq/parley/web"
)

// app is Parley built from its configuration: the composition root. The
// store is opened once, with the secret key; every service is complete when
// it is constructed, and all run on one clock. serve runs an app; every
// other command that uses a service gets it from one, so the wiring exists
// once.
type app struct {
	cfg           config.Config // with its secret key
	log           *slog.Logger
	secret        []byte // the server's secret, from which its other keys derive
	store         *store.Store
	blobs         *blob.Dir
	orgs          *org.Service
	sessions      *auth.Sessions
	twoFactor     *auth.TwoFactor
	sso           *auth.SSO
	conv          *conversation.Service
	library       *library.Service
	routing       *routing.Service
	notifications *notify.Notifications
	chat          *chat.Service
	crm           *crm.Service
	webhooks      *webhook.Service
	queue         *jobs.Queue
	hub           *realtime.Hub
	mailboxes     *imap.Manager
	consumers     *consume.Group
	backups       *backup.Schedule // nil unless PARLEY_BACKUP_DIR is set, on SQLite
	exports       *export.Service
}

// newApp opens the store and builds every service on it. Nothing runs yet:
// serve starts the hub, the queue, the mailboxes and the consumers. The
// caller closes the app.
func newApp(ctx context.Context, cfg config.Config, log *slog.Logger) (a *app, err error) {
	st, secret, err := openStore(ctx, &cfg, log)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			st.Close()
		}
	}()
	blobs, err := blob.Open(cfg.BlobDir)
	if err != nil {
		return nil, err
	}
	// One clock for every service.
	now := time.Now
	queue := jobs.NewQueue(st, log, now)
	copts := conversation.Options{Now: now, MailDomain: cfg.MailDomain, Blobs: blobs, Wake: queue.Wake}
	if err := outboundMail(cfg, &copts); err != nil {
		return nil, err
	}
	conv := conversation.New(st, copts)
	queue.Handle(conversation.JobSendMail, conv.SendMailJob())
	queue.Handle(jobs.KindSystemMail, conv.SystemMailJob())
	// One bound on password hashes for the whole process: sign-ins and
	// password changes share it.
	passwords := auth.NewHasher(auth.DefaultHashes())
	chats := chat.New(st, conv, chat.NewIdentities(secret), cfg.MailDomain, blobs)
	a = &app{cfg: cfg, log: log, secret: secret, store: st, blobs: blobs, conv: conv, queue: queue,
		orgs:          org.New(st, org.Options{Now: now, Passwords: passwords, Blobs: blobs}),
		sessions:      auth.NewSessions(st, auth.SessionOptions{Now: now, Passwords: passwords}),
		twoFactor:     auth.NewTwoFactor(st, auth.TwoFactorOptions{Now: now, Passwords: passwords, Key: deriveKey(secret, "parley two-factor challenges")}),
		sso:           auth.NewSSO(st, auth.SSOOptions{Now: now}),
		library:       library.New(st, blobs, now),
		routing:       routing.New(st, now),
		notifications: notify.NewNotifications(st, now),
		chat:          chats,
		crm:           crm.New(st, crm.Options{Now: now, InUse: chat.FlowsUsingList}),
		hub:           realtime.NewHub(st, realtime.Options{Log: log, Now: now, Poll: cfg.StreamPoll}),
		mailboxes:     imap.NewManager(st, imap.Options{Receiver: conv, Log: log, Now: now}),
		consumers:     consume.NewGroup(st, log, now),
		webhooks:      webhook.New(st, webhook.Options{Now: now, Log: log, UserAgent: "Parley-Webhooks/" + version, BaseURL: cfg.BaseURL}),
	}
	// Reactions to events that must not be lost run as log consumers.
	a.consumers.Add(routing.Consumer(now))
	a.consumers.Add(notify.Consumer(now, cfg.NotifyMailDelay))
	a.consumers.Add(chat.TranscriptConsumer(now, cfg.MailDomain))
	a.consumers.Add(crm.Consumer(now))
	a.consumers.Add(a.webhooks.Consumer()).OnMove = func(int64) { a.webhooks.Wake() }
	queue.Handle(notify.JobMail, notify.MailJob(st, cfg.BaseURL, now))
	a.exports = export.New(st, export.Options{Now: now, Log: log, Version: version, Dir: filepath.Join(cfg.DataDir, "exports"), Blobs: blobs})
	if cfg.BackupDir != "" && st.Engine() == "sqlite" {
		a.backups = &backup.Schedule{Dir: cfg.BackupDir, Every: cfg.BackupEvery, Keep: cfg.BackupKeep,
			Source: backupSource(cfg, st, blobs, now), Log: log}
	}
	st.SetOnEvents(a.committed)
	return a, nil
}

// committed runs after each commit with its events. It only nudges this
// node's readers, which catch up from the log or the database on their own:
// reactions to events that must not be lost (notify, deliver, route) are
// log consumers added to a.consumers, each keeping a cursor and running on
// one node at a time.
func (a *app) committed(evs []parley.Event) {
	a.hub.Wake()
	a.consumers.Wake()
	for _, e := range evs {
		if e.Type == parley.EventChannelCreated || e.Type == parley.EventChannelUpdated {
			a.mailboxes.Wake() // a mailbox connected, changed or turned off
		}
	}
}

// Close closes the store.
func (a *app) Close() error { return a.store.Close() }

// handler returns the HTTP API and web app, holding at most maxStreams
// realtime streams.
func (a *app) handler(maxStreams int) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	cfg := a.cfg
	return server.New(server.Config{BaseURL: cfg.BaseURL, Version: version, APIRate: cfg.APIRate, APIBurst: cfg.APIBurst,
		MailDomain: cfg.MailDomain, MaxMessageBytes: cfg.MaxMessageBytes, TrustedProxies: cfg.TrustedProxies,
		MetricsToken: cfg.MetricsToken, DeviceKey: deriveKey(a.secret, "parley device cookies"), MaxStreams: maxStreams,
	}, server.Deps{
		Log: a.log, Database: a.store, Conv: a.conv, Org: a.orgs, Library: a.library, Routing: a.routing, Notifications: a.notifications, Chat: a.chat, CRM: a.crm, Webhooks: a.webhooks, Sessions: a.sessions, TwoFactor: a.twoFactor, Exports: a.exports, SSO: a.sso,
		Registry: reg, Hub: a.hub, Web: web.Dist(), Blobs: a.blobs,
	})
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

// deriveKey returns a key for one purpose from the server's secret, so no
// two uses share a key.
func deriveKey(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

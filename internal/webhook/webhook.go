// Package webhook posts the event log to endpoints admins register (SPEC
// PLT-1): the webhooks consumer of the log queues one delivery per
// endpoint and event in the transaction that moves its cursor, and the
// sender posts each endpoint's deliveries in order, signed (Standard
// Webhooks), retried with backoff, every attempt recorded, the endpoint
// turned off after failing too often. Nothing acknowledged by the log is
// lost across restarts; a delivery interrupted after it was sent goes
// again with the same webhook-id, for the receiver to drop.
package webhook

import (
	"cmp"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/outbound"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// KindWebhook is an endpoint that receives signed JSON events.
const KindWebhook = "webhook"

// Options configure a Service. Zero fields work.
type Options struct {
	Now func() time.Time
	Log *slog.Logger
	// Client makes the calls (default: outbound.New with its defaults).
	Client *outbound.Client
	// Backoff is the wait before attempt n+1 after n failed (default:
	// Backoff).
	Backoff func(n int) time.Duration
	// MaxFailures is how many failed attempts in a row turn an endpoint
	// off (default 10: about a day and a half of retries).
	MaxFailures int
	// UserAgent is sent with every call.
	UserAgent string
	// BaseURL is where the app is, for the links in chat-tool posts.
	BaseURL string
	// Keep is how long a delivery done with stays in the log (default 30
	// days); pending ones stay until they are delivered.
	Keep time.Duration
}

// Service manages endpoints and delivers to them.
type Service struct {
	store *store.Store
	opts  Options
	wake  chan struct{}
	owner string // this process's name on the endpoints it holds
}

// New returns a service on s.
func New(s *store.Store, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Client == nil {
		o.Client = outbound.New(outbound.Options{})
	}
	if o.Backoff == nil {
		o.Backoff = Backoff
	}
	if o.MaxFailures == 0 {
		o.MaxFailures = 10
	}
	if o.Keep == 0 {
		o.Keep = 30 * 24 * time.Hour
	}
	if o.UserAgent == "" {
		o.UserAgent = "Parley-Webhooks/1"
	}
	return &Service{store: s, opts: o, wake: make(chan struct{}, 1), owner: NewSecret()[6:22]}
}

// Backoff is the default wait before the next attempt: 5 s, 30 s, 2 min,
// 10 min, 30 min, then doubling from an hour to at most 16 hours.
func Backoff(n int) time.Duration {
	steps := []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, 30 * time.Minute}
	if n >= 1 && n <= len(steps) {
		return steps[n-1]
	}
	return min(time.Hour<<min(max(n-len(steps)-1, 0), 4), 16*time.Hour)
}

// Input is what an admin says of an endpoint; nil fields are unchanged.
type Input struct {
	URL         *string
	Description *string
	EventTypes  *[]string
	Enabled     *bool
	Locale      *string // a chat-tool post's language
}

// Create registers an endpoint with a fresh secret (admins).
func (s *Service) Create(ctx context.Context, a parley.Actor, in Input) (*store.Webhook, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	now := parley.Normalize(s.opts.Now())
	w := &store.Webhook{Kind: KindWebhook, Secret: NewSecret(), Enabled: true, CreatedAt: now, UpdatedAt: now}
	if in.URL == nil {
		return nil, parley.Invalid("url", "is required").Because("url_invalid")
	}
	if err := s.apply(ctx, w, in); err != nil {
		return nil, err
	}
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateWebhook(ctx, w); err != nil {
			return err
		}
		tx.Append(changed(a, w, "created", "", now))
		return nil
	})
	return w, err
}

// apply checks in and sets it on w.
func (s *Service) apply(ctx context.Context, w *store.Webhook, in Input) error {
	if in.EventTypes != nil {
		types, err := checkTypes(*in.EventTypes)
		if err != nil {
			return err
		}
		w.EventTypes = types
	}
	if in.URL != nil {
		allow, err := s.store.AllowPrivateTargets(ctx)
		if err != nil {
			return err
		}
		u, err := s.opts.Client.Check(ctx, "url", *in.URL, allow)
		if err != nil {
			return err
		}
		w.URL = u.String()
	}
	if in.Locale != nil {
		if *in.Locale != "en" && *in.Locale != "fr" {
			return parley.Invalid("locale", "is en or fr")
		}
		w.Locale = *in.Locale
	}
	if in.Description != nil {
		d := strings.TrimSpace(*in.Description)
		if len([]rune(d)) > 200 {
			return parley.Invalid("description", "is longer than 200 characters")
		}
		w.Description = d
	}
	if in.Enabled != nil && *in.Enabled != w.Enabled {
		w.Enabled = *in.Enabled
		w.DisabledReason, w.Failures = "", 0
	}
	return nil
}

// keep sets on w what in changes, as apply checked it into probe.
func (s *Service) keep(w *store.Webhook, in Input, probe *store.Webhook) {
	if in.URL != nil {
		w.URL = probe.URL
	}
	if in.EventTypes != nil {
		w.EventTypes = probe.EventTypes
	}
	if in.Description != nil {
		w.Description = probe.Description
	}
	if in.Locale != nil {
		w.Locale = probe.Locale
	}
	if in.Enabled != nil && *in.Enabled != w.Enabled {
		w.Enabled = *in.Enabled
		w.DisabledReason, w.Failures = "", 0
	}
}

// Update changes an endpoint (admins). Turned back on, it goes on with the
// deliveries it had left.
func (s *Service) Update(ctx context.Context, a parley.Actor, id parley.ID, in Input) (*store.Webhook, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	// The URL is checked (a DNS lookup) before the transaction, which
	// must not hold SQLite's one writer while a resolver answers.
	var probe store.Webhook
	if err := s.apply(ctx, &probe, in); err != nil {
		return nil, err
	}
	if in.URL != nil {
		in.URL = &probe.URL
	}
	var out *store.Webhook
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		w, err := tx.Webhook(ctx, id)
		if err != nil {
			return err
		}
		was := w.Enabled
		s.keep(w, in, &probe)
		w.UpdatedAt = parley.Normalize(s.opts.Now())
		if err := tx.UpdateWebhook(ctx, w); err != nil {
			return err
		}
		change := "updated"
		if w.Enabled != was {
			change = map[bool]string{true: "enabled", false: "disabled"}[w.Enabled]
		}
		tx.Append(changed(a, w, change, "", w.UpdatedAt))
		out = w
		return nil
	})
	if err == nil && out.Enabled {
		s.Wake()
	}
	return out, err
}

// Delete removes an endpoint and its delivery log (admins).
func (s *Service) Delete(ctx context.Context, a parley.Actor, id parley.ID) error {
	if err := auth.Admin(a); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		w, err := tx.Webhook(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteWebhook(ctx, id); err != nil {
			return err
		}
		tx.Append(changed(a, w, "deleted", "", parley.Normalize(s.opts.Now())))
		return nil
	})
}

// Webhooks lists the endpoints (admins).
func (s *Service) Webhooks(ctx context.Context, a parley.Actor) ([]store.Webhook, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	return s.store.Webhooks(ctx, KindWebhook, false)
}

// Webhook returns an endpoint with its secret (admins).
func (s *Service) Webhook(ctx context.Context, a parley.Actor, id parley.ID) (*store.Webhook, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	return s.store.Webhook(ctx, id)
}

// Deliveries returns an endpoint's deliveries before the id before (0: the
// newest), newest first, with their attempts (admins).
func (s *Service) Deliveries(ctx context.Context, a parley.Actor, id, before parley.ID, limit int) ([]store.Delivery, map[parley.ID][]store.Attempt, error) {
	if err := auth.Admin(a); err != nil {
		return nil, nil, err
	}
	if _, err := s.store.Webhook(ctx, id); err != nil {
		return nil, nil, err
	}
	ds, err := s.store.Deliveries(ctx, id, before, min(max(limit, 1), 100))
	if err != nil {
		return nil, nil, err
	}
	ids := make([]parley.ID, len(ds))
	for i := range ds {
		ids[i] = ds[i].ID
	}
	atts, err := s.store.Attempts(ctx, ids)
	return ds, atts, err
}

// Resend queues a delivered or failed delivery again, after the
// endpoint's others, with its webhook-id; a pending one is tried now
// rather than at its next retry (admins).
func (s *Service) Resend(ctx context.Context, a parley.Actor, endpointID, deliveryID parley.ID) (*store.Delivery, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	d, err := s.store.Delivery(ctx, deliveryID)
	if err != nil || d.EndpointID != endpointID {
		return nil, parley.NotFound("delivery")
	}
	now := parley.Normalize(s.opts.Now())
	if d.State == store.DeliveryPending {
		// Still waiting for its next try: it is tried now, not twice.
		d.NextAt = now
		if err := s.store.InTx(ctx, func(tx *store.Tx) error { return tx.RetryNow(ctx, d.ID, now) }); err != nil {
			return nil, err
		}
		s.Wake()
		return d, nil
	}
	again := &store.Delivery{EndpointID: d.EndpointID, MessageID: d.MessageID, Seq: d.Seq, EventType: d.EventType, Payload: d.Payload,
		State: store.DeliveryPending, NextAt: now, CreatedAt: now}
	if err := s.store.InTx(ctx, func(tx *store.Tx) error { return tx.AddDelivery(ctx, again) }); err != nil {
		return nil, err
	}
	s.Wake()
	return again, nil
}

// Test sends an endpoint a webhook.test event now, out of its queue and
// whether it is on or off, and records it in its log without counting it
// as a failure (admins).
func (s *Service) Test(ctx context.Context, a parley.Actor, id parley.ID) (*store.Delivery, *store.Attempt, error) {
	if err := auth.Admin(a); err != nil {
		return nil, nil, err
	}
	w, err := s.store.Webhook(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	now := parley.Normalize(s.opts.Now())
	var test any = map[string]any{"type": TestType, "timestamp": now.UTC(), "data": map[string]any{"webhook_id": w.ID, "url": w.URL}}
	if w.Kind == KindSlack {
		test = map[string]string{"text": slackWords[cmp.Or(w.Locale, "en")]["test"]}
	}
	body, err := json.Marshal(test)
	if err != nil {
		return nil, nil, err
	}
	d := &store.Delivery{EndpointID: w.ID, MessageID: "test_" + NewSecret()[6:22], EventType: TestType, Payload: body, CreatedAt: now, NextAt: now}
	allow, err := s.store.AllowPrivateTargets(ctx)
	if err != nil {
		return nil, nil, err
	}
	at := s.post(ctx, w, d, allow)
	d.Attempts, d.State, d.DoneAt = 1, store.DeliveryFailed, &at.At
	if at.Status >= 200 && at.Status < 300 {
		d.State = store.DeliveryDelivered
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.AddDelivery(ctx, d); err != nil {
			return err
		}
		return tx.RecordAttempt(ctx, d, &at)
	})
	return d, &at, err
}

// AllowPrivateTargets says whether outbound calls may reach private
// networks (admins).
func (s *Service) AllowPrivateTargets(ctx context.Context, a parley.Actor) (bool, error) {
	if err := auth.Admin(a); err != nil {
		return false, err
	}
	return s.store.AllowPrivateTargets(ctx)
}

// SetAllowPrivateTargets lets outbound calls reach private networks, or
// stops them (admins).
func (s *Service) SetAllowPrivateTargets(ctx context.Context, a parley.Actor, allow bool) error {
	if err := auth.Admin(a); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		was, err := tx.AllowPrivateTargets(ctx)
		if err != nil {
			return err
		}
		if err := tx.SetAllowPrivateTargets(ctx, allow); err != nil {
			return err
		}
		tx.Append(parley.NewEvent(parley.EventOrgUpdated, a, parley.Normalize(s.opts.Now()), map[string]any{"allow_private_targets": allow}).
			Was(map[string]any{"allow_private_targets": was}))
		return nil
	})
}

// changed is the event of a change to w.
func changed(a parley.Actor, w *store.Webhook, change, reason string, at time.Time) parley.Event {
	data := map[string]any{"webhook_id": w.ID, "kind": w.Kind, "change": change}
	if w.Kind == KindWebhook {
		data["url"] = w.URL // a Slack or bridge URL is a credential: never in the log
	}
	if reason != "" {
		data["reason"] = reason
	}
	return parley.NewEvent(parley.EventWebhookChanged, a, at, data)
}

package webhook

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// lease is how long a sender holds an endpoint without renewing: longer
// than a call may take, so two senders never post the same delivery.
const lease = time.Minute

// Wake tells the sender that deliveries may be due. It never blocks.
func (s *Service) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run sends due deliveries until ctx ends: endpoints in parallel (at most
// eight at a time), each endpoint's deliveries one after the other, in
// order. An endpoint that takes long holds only itself: the others are
// looked at again as soon as one of them is done. Any number of nodes may
// run it: an endpoint is leased to one.
func (s *Service) Run(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	purge := time.NewTicker(time.Hour)
	defer purge.Stop()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		busy = map[parley.ID]bool{}
	)
	defer wg.Wait()
	for {
		ids, err := s.store.DueWebhooks(ctx, parley.Normalize(s.opts.Now()), 64)
		if err != nil && ctx.Err() == nil {
			s.opts.Log.Error("webhooks: due", "err", err)
		}
		for _, id := range ids {
			mu.Lock()
			if busy[id] || len(busy) >= 8 {
				mu.Unlock()
				continue
			}
			busy[id] = true
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.sendEndpoint(ctx, id); err != nil && ctx.Err() == nil {
					s.opts.Log.Error("webhooks: send", "webhook", id, "err", err)
				}
				mu.Lock()
				delete(busy, id)
				mu.Unlock()
				s.Wake()
			}()
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-tick.C:
		case <-purge.C:
			if _, err := s.Purge(ctx); err != nil && ctx.Err() == nil {
				s.opts.Log.Error("webhooks: purge", "err", err)
			}
		}
	}
}

// Purge deletes the deliveries done with for longer than Options.Keep,
// a thousand at a time, and returns how many went.
func (s *Service) Purge(ctx context.Context) (int64, error) {
	before := parley.Normalize(s.opts.Now().Add(-s.opts.Keep))
	var total int64
	for {
		n, err := s.store.PurgeDeliveries(ctx, before, 1000)
		total += n
		if err != nil || n < 1000 {
			return total, err
		}
	}
}

// SendDue sends what is due now on every endpoint and returns how many
// deliveries it attempted.
func (s *Service) SendDue(ctx context.Context) (int, error) {
	total := 0
	for {
		ids, err := s.store.DueWebhooks(ctx, parley.Normalize(s.opts.Now()), 64)
		if err != nil || len(ids) == 0 {
			return total, err
		}
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			first error
			round int
		)
		sem := make(chan struct{}, 8)
		for _, id := range ids {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				n, err := s.sendEndpoint(ctx, id)
				mu.Lock()
				round += n
				if err != nil && first == nil {
					first = err
				}
				mu.Unlock()
			}()
		}
		wg.Wait()
		total += round
		if first != nil || round == 0 {
			return total, first
		}
	}
}

// sendEndpoint holds an endpoint and sends its due deliveries in order,
// stopping at the first that fails (it is retried first, later). The
// lease is renewed when half of it is gone, longer than any call takes.
func (s *Service) sendEndpoint(ctx context.Context, id parley.ID) (int, error) {
	held, err := s.store.LeaseWebhook(ctx, id, s.owner, parley.Normalize(s.opts.Now()), lease)
	if err != nil || !held {
		return 0, err
	}
	until := s.opts.Now().Add(lease)
	defer s.store.ReleaseWebhook(context.WithoutCancel(ctx), id, s.owner)
	w, err := s.store.Webhook(ctx, id)
	if err != nil {
		return 0, err
	}
	allow, err := s.store.AllowPrivateTargets(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	for sent < 500 {
		ds, err := s.store.PendingDeliveries(ctx, id, 50)
		if err != nil || len(ds) == 0 {
			return sent, err
		}
		for i := range ds {
			d := &ds[i]
			if d.NextAt.After(s.opts.Now()) {
				return sent, nil
			}
			ok, err := s.deliver(ctx, w, d, allow)
			sent++
			if err != nil || !ok {
				return sent, err
			}
			if now := parley.Normalize(s.opts.Now()); until.Sub(now) < lease/2 {
				if held, err := s.store.LeaseWebhook(ctx, id, s.owner, now, lease); err != nil || !held {
					return sent, err
				}
				until = now.Add(lease)
			}
		}
	}
	return sent, nil
}

// deliver posts d to w once and records the attempt: a 2xx delivers it;
// anything else waits for the next attempt, and turns w off when it has
// failed MaxFailures times in a row. It reports whether d was delivered.
func (s *Service) deliver(ctx context.Context, w *store.Webhook, d *store.Delivery, allow bool) (bool, error) {
	a := s.post(ctx, w, d, allow)
	d.Attempts++
	ok := a.Status >= 200 && a.Status < 300
	if ok {
		d.State, d.DoneAt = store.DeliveryDelivered, &a.At
	} else {
		d.NextAt = parley.Normalize(a.At.Add(s.opts.Backoff(d.Attempts)))
	}
	gone := false
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.Webhook(ctx, w.ID)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			gone = true // deleted while the call was made: nothing to record
			return nil
		}
		if err != nil {
			return err
		}
		if err := tx.RecordAttempt(ctx, d, &a); err != nil {
			return err
		}
		switch {
		case ok && cur.Failures == 0:
			return nil
		case ok:
			cur.Failures = 0
		default:
			cur.Failures++
			if cur.Failures >= s.opts.MaxFailures && cur.Enabled {
				cur.Enabled, cur.DisabledReason = false, "failing"
				tx.Append(changed(parley.System, cur, "disabled", "failing", a.At))
			}
		}
		w.Failures = cur.Failures
		return tx.UpdateWebhook(ctx, cur)
	})
	return ok && err == nil && !gone, err
}

// post makes one call and says how it went. A call is made for a test
// too, so it never touches the endpoint's record.
func (s *Service) post(ctx context.Context, w *store.Webhook, d *store.Delivery, allow bool) store.Attempt {
	start := s.opts.Now()
	a := store.Attempt{At: parley.Normalize(start)}
	sig, err := Sign(w.Secret, d.MessageID, start, d.Payload)
	if err != nil {
		a.Error = "the endpoint's secret is damaged: " + err.Error()
		return a
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(d.Payload))
	if err != nil {
		a.Error = err.Error()
		return a
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", s.opts.UserAgent)
	req.Header.Set("webhook-id", d.MessageID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(start.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	clock := time.Now()
	res, err := s.opts.Client.Do(req, allow)
	a.DurationMS = int(time.Since(clock).Milliseconds())
	if err != nil {
		a.Error = err.Error()
		return a
	}
	a.Status = res.Status
	a.Response = excerpt(res.Body, 1000)
	return a
}

// excerpt returns the start of b as text, cut on a character boundary.
func excerpt(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	for len(b) > 0 && !utf8.Valid(b) {
		b = b[:len(b)-1]
	}
	return string(b)
}

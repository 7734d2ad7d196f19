package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// Webhook is an endpoint Parley posts events to (SPEC PLT-1).
type Webhook struct {
	ID          parley.ID
	Kind        string // webhook (signed JSON events); later slack, bridge
	URL         string
	Description string
	Secret      string   // whsec_…, sealed at rest
	EventTypes  []string // exact types or "group.*"; none: every event
	InboxID     *parley.ID
	ChannelID   *parley.ID
	Enabled     bool
	// DisabledReason says why Parley turned it off ("" when a person did,
	// or it is on).
	DisabledReason string
	Failures       int    // failed attempts in a row
	Locale         string // the language of a post written for people (slack): en or fr
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed" // a test that failed; events stay pending until delivered
)

// Delivery is one event on its way to one endpoint.
type Delivery struct {
	ID         parley.ID
	EndpointID parley.ID
	MessageID  string // the webhook-id header: the same for every attempt and re-send
	Seq        int64  // the event's; 0 for a test
	EventType  string
	Payload    []byte
	State      string
	Attempts   int
	NextAt     time.Time
	CreatedAt  time.Time
	DoneAt     *time.Time
}

// Attempt is one try at a delivery.
type Attempt struct {
	ID         parley.ID
	DeliveryID parley.ID
	At         time.Time
	Status     int    // the receiver's HTTP status; 0 without an answer
	Error      string // why there was no answer, or why it did not count
	DurationMS int
	Response   string // the start of the receiver's answer
}

const webhookColumns = `id, kind, url, description, secret, event_types, inbox_id, channel_id, enabled, disabled_reason, failures, locale, created_at, updated_at`

func (q *Q) scanWebhook(sc interface{ Scan(...any) error }, w *Webhook) error {
	var types string
	if err := sc.Scan(&w.ID, &w.Kind, &w.URL, &w.Description, &w.Secret, &types, &w.InboxID, &w.ChannelID, &w.Enabled, &w.DisabledReason,
		&w.Failures, &w.Locale, &w.CreatedAt, &w.UpdatedAt); err != nil {
		return err
	}
	if strings.HasPrefix(w.Secret, sealedPrefix) {
		plain, err := q.secrets.open(w.Secret)
		if err != nil {
			return err
		}
		w.Secret = plain
	}
	w.EventTypes = nil
	return json.Unmarshal([]byte(types), &w.EventTypes)
}

// sealed returns a secret as it is stored.
func (q *Q) sealed(secret string) string {
	if q.secrets == nil {
		return secret
	}
	return q.secrets.seal(secret)
}

func typesJSON(types []string) string {
	if types == nil {
		types = []string{}
	}
	b, _ := json.Marshal(types)
	return string(b)
}

// CreateWebhook inserts w and sets its id.
func (tx *Tx) CreateWebhook(ctx context.Context, w *Webhook) error {
	if w.Locale == "" {
		w.Locale = "en"
	}
	err := tx.db.QueryRowContext(ctx, `INSERT INTO webhook_endpoints (kind, url, description, secret, event_types, inbox_id, channel_id, enabled, disabled_reason, failures, locale, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		w.Kind, w.URL, w.Description, tx.sealed(w.Secret), typesJSON(w.EventTypes), w.InboxID, w.ChannelID, w.Enabled, w.DisabledReason, w.Failures,
		w.Locale, w.CreatedAt, w.UpdatedAt).Scan(&w.ID)
	return tx.wrap(err, "create webhook")
}

// UpdateWebhook saves w, or is ENOTFOUND.
func (tx *Tx) UpdateWebhook(ctx context.Context, w *Webhook) error {
	return tx.exec1(ctx, "webhook", `UPDATE webhook_endpoints SET url = $2, description = $3, secret = $4, event_types = $5, enabled = $6,
		disabled_reason = $7, failures = $8, locale = $9, updated_at = $10 WHERE id = $1`,
		w.ID, w.URL, w.Description, tx.sealed(w.Secret), typesJSON(w.EventTypes), w.Enabled, w.DisabledReason, w.Failures, w.Locale, w.UpdatedAt)
}

// DeleteWebhook removes an endpoint and its deliveries, or is ENOTFOUND.
func (tx *Tx) DeleteWebhook(ctx context.Context, id parley.ID) error {
	return tx.exec1(ctx, "webhook", `DELETE FROM webhook_endpoints WHERE id = $1`, id)
}

// Webhook returns an endpoint, or ENOTFOUND; in a transaction it holds
// the row until the end.
func (q *Q) Webhook(ctx context.Context, id parley.ID) (*Webhook, error) {
	var w Webhook
	if err := q.scanWebhook(q.db.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM webhook_endpoints WHERE id = $1`+q.lock, id), &w); err != nil {
		return nil, q.notFound(err, "webhook")
	}
	return &w, nil
}

// Webhooks returns the endpoints of a kind, oldest first; enabled only
// if asked.
func (q *Q) Webhooks(ctx context.Context, kind string, enabledOnly bool) ([]Webhook, error) {
	query := `SELECT ` + webhookColumns + ` FROM webhook_endpoints WHERE kind = $1`
	if enabledOnly {
		query += ` AND enabled`
	}
	return appendRows(ctx, q, []Webhook(nil), "webhooks", query+` ORDER BY id`, []any{kind}, q.scanWebhook)
}

// AddDelivery queues d and sets its id.
func (tx *Tx) AddDelivery(ctx context.Context, d *Delivery) error {
	err := tx.db.QueryRowContext(ctx, `INSERT INTO webhook_deliveries (endpoint_id, message_id, seq, event_type, payload, state, attempts, next_at, created_at, done_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		d.EndpointID, d.MessageID, d.Seq, d.EventType, string(d.Payload), d.State, d.Attempts, d.NextAt, d.CreatedAt, d.DoneAt).Scan(&d.ID)
	return tx.wrap(err, "add delivery")
}

const deliveryColumns = `id, endpoint_id, message_id, seq, event_type, payload, state, attempts, next_at, created_at, done_at`

func scanDelivery(sc interface{ Scan(...any) error }, d *Delivery) error {
	var payload string
	err := sc.Scan(&d.ID, &d.EndpointID, &d.MessageID, &d.Seq, &d.EventType, &payload, &d.State, &d.Attempts, &d.NextAt, &d.CreatedAt, &d.DoneAt)
	d.Payload = []byte(payload)
	return err
}

// Delivery returns a delivery, or ENOTFOUND.
func (q *Q) Delivery(ctx context.Context, id parley.ID) (*Delivery, error) {
	var d Delivery
	if err := scanDelivery(q.db.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE id = $1`, id), &d); err != nil {
		return nil, q.notFound(err, "delivery")
	}
	return &d, nil
}

// Deliveries returns an endpoint's deliveries before the id before (0:
// the newest), newest first.
func (q *Q) Deliveries(ctx context.Context, endpointID, before parley.ID, limit int) ([]Delivery, error) {
	if before == 0 {
		before = 1 << 62
	}
	return appendRows(ctx, q, []Delivery(nil), "deliveries", `SELECT `+deliveryColumns+` FROM webhook_deliveries
		WHERE endpoint_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`, []any{endpointID, before, limit}, scanDelivery)
}

// PendingDeliveries returns an endpoint's first pending deliveries, in
// the order they go out.
func (q *Q) PendingDeliveries(ctx context.Context, endpointID parley.ID, limit int) ([]Delivery, error) {
	return appendRows(ctx, q, []Delivery(nil), "pending deliveries", `SELECT `+deliveryColumns+` FROM webhook_deliveries
		WHERE endpoint_id = $1 AND state = 'pending' ORDER BY id LIMIT $2`, []any{endpointID, limit}, scanDelivery)
}

// DueWebhooks returns the enabled endpoints nobody holds whose next
// delivery is due at now.
func (q *Q) DueWebhooks(ctx context.Context, now time.Time, limit int) ([]parley.ID, error) {
	return appendRows(ctx, q, []parley.ID(nil), "due webhooks", `SELECT e.id FROM webhook_endpoints e
		WHERE e.enabled AND (e.lease_until IS NULL OR e.lease_until < $1)
		AND EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.next_at <= $1
			AND d.id = (SELECT MIN(h.id) FROM webhook_deliveries h WHERE h.endpoint_id = e.id AND h.state = 'pending'))
		ORDER BY e.id LIMIT $2`, []any{now, limit}, func(sc interface{ Scan(...any) error }, id *parley.ID) error { return sc.Scan(id) })
}

// LeaseWebhook gives owner the right to deliver an enabled endpoint's
// events until now+d, if no other owner holds an unexpired lease; it
// reports whether owner holds it.
func (s *Store) LeaseWebhook(ctx context.Context, id parley.ID, owner string, now time.Time, d time.Duration) (bool, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE webhook_endpoints SET lease_owner = $2, lease_until = $3
		WHERE id = $1 AND enabled AND (lease_owner = $2 OR lease_until IS NULL OR lease_until < $4)`, id, owner, now.Add(d), now)
	if err != nil {
		return false, s.wrap(err, "lease webhook")
	}
	n, err := res.RowsAffected()
	return n == 1, s.wrap(err, "lease webhook")
}

// ReleaseWebhook gives up owner's lease.
func (s *Store) ReleaseWebhook(ctx context.Context, id parley.ID, owner string) error {
	_, err := s.w.ExecContext(ctx, `UPDATE webhook_endpoints SET lease_owner = '', lease_until = NULL WHERE id = $1 AND lease_owner = $2`, id, owner)
	return s.wrap(err, "release webhook")
}

// RecordAttempt records an attempt at d and saves d's new state.
func (tx *Tx) RecordAttempt(ctx context.Context, d *Delivery, a *Attempt) error {
	a.DeliveryID = d.ID
	err := tx.db.QueryRowContext(ctx, `INSERT INTO webhook_attempts (delivery_id, at, status, error, duration_ms, response) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		a.DeliveryID, a.At, a.Status, a.Error, a.DurationMS, a.Response).Scan(&a.ID)
	if err != nil {
		return tx.wrap(err, "record attempt")
	}
	return tx.exec1(ctx, "delivery", `UPDATE webhook_deliveries SET state = $2, attempts = $3, next_at = $4, done_at = $5 WHERE id = $1`,
		d.ID, d.State, d.Attempts, d.NextAt, d.DoneAt)
}

// PurgeDeliveries deletes up to limit deliveries done before before (and
// their attempts); pending ones stay whatever their age. It returns how
// many went.
func (s *Store) PurgeDeliveries(ctx context.Context, before time.Time, limit int) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries
		WHERE state <> 'pending' AND done_at < $1 ORDER BY done_at LIMIT $2)`, before, limit)
	if err != nil {
		return 0, s.wrap(err, "purge deliveries")
	}
	n, err := res.RowsAffected()
	return n, s.wrap(err, "purge deliveries")
}

// RetryNow makes a pending delivery due at now.
func (tx *Tx) RetryNow(ctx context.Context, id parley.ID, now time.Time) error {
	return tx.exec1(ctx, "delivery", `UPDATE webhook_deliveries SET next_at = $2 WHERE id = $1 AND state = 'pending'`, id, now)
}

// Attempts returns the attempts at the given deliveries, by delivery,
// oldest first.
func (q *Q) Attempts(ctx context.Context, deliveryIDs []parley.ID) (map[parley.ID][]Attempt, error) {
	out := map[parley.ID][]Attempt{}
	if len(deliveryIDs) == 0 {
		return out, nil
	}
	var b binder
	list, err := appendRows(ctx, q, []Attempt(nil), "attempts", `SELECT id, delivery_id, at, status, error, duration_ms, response FROM webhook_attempts
		WHERE delivery_id IN (`+b.list(deliveryIDs)+`) ORDER BY id`, b.args, func(sc interface{ Scan(...any) error }, a *Attempt) error {
		return sc.Scan(&a.ID, &a.DeliveryID, &a.At, &a.Status, &a.Error, &a.DurationMS, &a.Response)
	})
	for _, a := range list {
		out[a.DeliveryID] = append(out[a.DeliveryID], a)
	}
	return out, err
}

// AllowPrivateTargets reports whether outbound calls may reach private
// networks.
func (q *Q) AllowPrivateTargets(ctx context.Context) (bool, error) {
	var allow bool
	err := q.db.QueryRowContext(ctx, `SELECT allow_private_targets FROM org WHERE id = 1`).Scan(&allow)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // before the first start
	}
	return allow, q.wrap(err, "allow private targets")
}

// SetAllowPrivateTargets says whether outbound calls may reach private
// networks.
func (tx *Tx) SetAllowPrivateTargets(ctx context.Context, allow bool) error {
	return tx.exec1(ctx, "organization", `UPDATE org SET allow_private_targets = $1 WHERE id = 1`, allow)
}

// HasBridge reports whether an API channel has a messaging bridge.
func (q *Q) HasBridge(ctx context.Context, channelID parley.ID) (bool, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_endpoints WHERE kind = 'bridge' AND channel_id = $1`, channelID).Scan(&n)
	return n > 0, q.wrap(err, "has bridge")
}

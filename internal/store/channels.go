package store

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

const channelColumns = `id, inbox_id, kind, name, enabled, builtin, COALESCE(mailbox, ''), COALESCE(public_key, ''), config, created_at`

func (q *Q) scanChannel(sc interface{ Scan(...any) error }, c *parley.Channel) error {
	var config []byte
	if err := sc.Scan(&c.ID, &c.InboxID, &c.Kind, &c.Name, &c.Enabled, &c.Builtin, &c.Mailbox, &c.PublicKey, &config, &c.CreatedAt); err != nil {
		return err
	}
	c.Config = json.RawMessage(q.openConfig(config))
	return nil
}

// channelConfig is c's config as stored: "{}" when empty, secrets sealed.
func (q *Q) channelConfig(c *parley.Channel) (string, error) {
	if len(c.Config) == 0 {
		return "{}", nil
	}
	sealed, err := q.sealConfig(c.Config)
	return string(sealed), err
}

// CreateChannel inserts c and sets c.ID.
func (tx *Tx) CreateChannel(ctx context.Context, c *parley.Channel) error {
	config, err := tx.channelConfig(c)
	if err != nil {
		return tx.wrap(err, "create channel")
	}
	err = tx.db.QueryRowContext(ctx, `INSERT INTO channels (inbox_id, kind, name, enabled, builtin, mailbox, public_key, config, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		c.InboxID, c.Kind, c.Name, c.Enabled, c.Builtin, nullString(c.Mailbox), nullString(c.PublicKey), config, c.CreatedAt).Scan(&c.ID)
	return tx.wrap(err, "create channel")
}

// UpdateChannel saves a channel's name, enabled flag and config.
func (tx *Tx) UpdateChannel(ctx context.Context, c *parley.Channel) error {
	config, err := tx.channelConfig(c)
	if err != nil {
		return tx.wrap(err, "channel %d", c.ID)
	}
	return tx.exec1(ctx, "channel", `UPDATE channels SET name = $2, enabled = $3, mailbox = $4, config = $5 WHERE id = $1`,
		c.ID, c.Name, c.Enabled, nullString(c.Mailbox), config)
}

// Channel returns a channel, or ENOTFOUND.
func (q *Q) Channel(ctx context.Context, id parley.ID) (*parley.Channel, error) {
	var c parley.Channel
	if err := q.scanChannel(q.db.QueryRowContext(ctx, `SELECT `+channelColumns+` FROM channels WHERE id = $1`, id), &c); err != nil {
		return nil, q.notFound(err, "channel")
	}
	return &c, nil
}

// ChannelEnabled reports whether a channel is on, or ENOTFOUND: what a chat
// checks on every message, without reading the whole channel.
func (q *Q) ChannelEnabled(ctx context.Context, id parley.ID) (bool, error) {
	var on bool
	if err := q.db.QueryRowContext(ctx, `SELECT enabled FROM channels WHERE id = $1`, id).Scan(&on); err != nil {
		return false, q.notFound(err, "channel")
	}
	return on, nil
}

// ChannelByKey returns the chat channel with a public key, or ENOTFOUND.
func (q *Q) ChannelByKey(ctx context.Context, key string) (*parley.Channel, error) {
	var c parley.Channel
	if err := q.scanChannel(q.db.QueryRowContext(ctx, `SELECT `+channelColumns+` FROM channels WHERE public_key = $1`, key), &c); err != nil {
		return nil, q.notFound(err, "chat channel")
	}
	return &c, nil
}

// Channels returns an inbox's channels, oldest first.
func (q *Q) Channels(ctx context.Context, inboxID parley.ID) ([]parley.Channel, error) {
	return appendRows(ctx, q, []parley.Channel{}, "channels",
		`SELECT `+channelColumns+` FROM channels WHERE inbox_id = $1 ORDER BY id`, []any{inboxID}, q.scanChannel)
}

// BuiltinChannel returns the built-in email channel of the inbox with slug,
// or ENOTFOUND.
func (q *Q) BuiltinChannel(ctx context.Context, slug string) (*parley.Channel, error) {
	var c parley.Channel
	err := q.scanChannel(q.db.QueryRowContext(ctx, `SELECT `+channelColumns+`
		FROM channels WHERE inbox_id = (SELECT id FROM inboxes WHERE slug = $1) AND builtin`, slug), &c)
	if err != nil {
		return nil, q.notFound(err, "inbox address")
	}
	return &c, nil
}

// BuiltinChannelOf returns an inbox's built-in email channel, or ENOTFOUND.
func (q *Q) BuiltinChannelOf(ctx context.Context, inboxID parley.ID) (*parley.Channel, error) {
	var c parley.Channel
	err := q.scanChannel(q.db.QueryRowContext(ctx, `SELECT `+channelColumns+` FROM channels WHERE inbox_id = $1 AND builtin`, inboxID), &c)
	if err != nil {
		return nil, q.notFound(err, "email channel")
	}
	return &c, nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateFromVerification records a confirmation link sent to a
// from-address.
func (tx *Tx) CreateFromVerification(ctx context.Context, tokenHash string, channelID parley.ID, email string, at, expires time.Time) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO from_verifications (token_hash, channel_id, email, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, tokenHash, channelID, email, at, expires)
	return tx.wrap(err, "from verification")
}

// UseFromVerification consumes a confirmation link and returns what it
// confirms, or ENOTFOUND when it is unknown, used or expired.
func (tx *Tx) UseFromVerification(ctx context.Context, tokenHash string, now time.Time) (parley.ID, string, error) {
	var ch parley.ID
	var email string
	err := tx.db.QueryRowContext(ctx, `UPDATE from_verifications SET used_at = $2
		WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING channel_id, email`, tokenHash, now).Scan(&ch, &email)
	if err != nil {
		return 0, "", tx.notFound(err, "confirmation link")
	}
	return ch, email, nil
}

// SealSecrets seals the channel secrets stored before this server had a
// key (or before sealing existed) and returns how many channels changed.
func (s *Store) SealSecrets(ctx context.Context) (int, error) {
	if s.secrets == nil {
		return 0, nil
	}
	type row struct {
		id     parley.ID
		config []byte
	}
	// All are read, on the writer, before the first write: on SQLite the
	// writer is one connection, and InTx needs it.
	all, err := appendRows(ctx, &Q{db: s.w, d: s.d}, nil, "channel secrets", `SELECT id, config FROM channels WHERE kind = 'email'`, nil,
		func(sc interface{ Scan(...any) error }, r *row) error { return sc.Scan(&r.id, &r.config) })
	if err != nil {
		return 0, err
	}
	var changed []row // with the config sealed
	for _, r := range all {
		// sealConfig gives back the very bytes when there was nothing to seal.
		sealed, err := s.sealConfig(r.config)
		if err != nil {
			return 0, s.wrap(err, "channel %d secrets", r.id)
		}
		if !bytes.Equal(sealed, r.config) {
			changed = append(changed, row{r.id, sealed})
		}
	}
	for _, r := range changed {
		err := s.InTx(ctx, func(tx *Tx) error {
			_, err := tx.db.ExecContext(ctx, `UPDATE channels SET config = $2 WHERE id = $1`, r.id, string(r.config))
			return tx.wrap(err, "channel %d secrets", r.id)
		})
		if err != nil {
			return 0, err
		}
	}
	return len(changed), nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// MailboxState is where a connected mailbox's sync stands.
type MailboxState struct {
	ChannelID   parley.ID
	UIDValidity uint32
	LastUID     uint32
	SyncedAt    *time.Time
	LastError   string
	ErrorAt     *time.Time
}

// MailboxState returns a channel's sync state; a mailbox never synced has a
// zero state.
func (q *Q) MailboxState(ctx context.Context, channelID parley.ID) (*MailboxState, error) {
	st := MailboxState{ChannelID: channelID}
	var validity, last int64
	err := q.db.QueryRowContext(ctx, `SELECT uid_validity, last_uid, synced_at, last_error, error_at FROM mailbox_state WHERE channel_id = $1`,
		channelID).Scan(&validity, &last, &st.SyncedAt, &st.LastError, &st.ErrorAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, q.wrap(err, "mailbox state")
	}
	st.UIDValidity, st.LastUID = uint32(validity), uint32(last)
	return &st, nil
}

func (tx *Tx) ensureMailboxState(ctx context.Context, channelID parley.ID) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO mailbox_state (channel_id) VALUES ($1) ON CONFLICT (channel_id) DO NOTHING`, channelID)
	return tx.wrap(err, "mailbox state")
}

// SaveCheckpoint records that every message up to lastUID of a mailbox
// with uidValidity is taken in, and that it synced at now.
func (s *Store) SaveCheckpoint(ctx context.Context, channelID parley.ID, uidValidity, lastUID uint32, now time.Time) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.ensureMailboxState(ctx, channelID); err != nil {
			return err
		}
		return tx.exec1(ctx, "mailbox state", `UPDATE mailbox_state SET uid_validity = $2, last_uid = $3, synced_at = $4,
			last_error = '', error_at = NULL WHERE channel_id = $1`, channelID, int64(uidValidity), int64(lastUID), now)
	})
}

// SaveMailboxError records why a mailbox's sync failed.
func (s *Store) SaveMailboxError(ctx context.Context, channelID parley.ID, msg string, now time.Time) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.ensureMailboxState(ctx, channelID); err != nil {
			return err
		}
		return tx.exec1(ctx, "mailbox state", `UPDATE mailbox_state SET last_error = $2, error_at = $3 WHERE channel_id = $1`, channelID, msg, now)
	})
}

// LeaseMailbox gives owner the right to sync a mailbox until now+d, if no
// other owner holds an unexpired lease; it reports whether owner holds it.
func (s *Store) LeaseMailbox(ctx context.Context, channelID parley.ID, owner string, now time.Time, d time.Duration) (bool, error) {
	var held bool
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := tx.ensureMailboxState(ctx, channelID); err != nil {
			return err
		}
		res, err := tx.db.ExecContext(ctx, `UPDATE mailbox_state SET owner = $2, lease_until = $3
			WHERE channel_id = $1 AND (owner = $2 OR owner = '' OR lease_until IS NULL OR lease_until < $4)`,
			channelID, owner, now.Add(d), now)
		if err != nil {
			return tx.wrap(err, "lease mailbox")
		}
		n, err := res.RowsAffected()
		held = n == 1
		return tx.wrap(err, "lease mailbox")
	})
	return held, err
}

// ReleaseMailbox gives up owner's lease.
func (s *Store) ReleaseMailbox(ctx context.Context, channelID parley.ID, owner string) error {
	_, err := s.w.ExecContext(ctx, `UPDATE mailbox_state SET owner = '', lease_until = NULL WHERE channel_id = $1 AND owner = $2`, channelID, owner)
	return s.wrap(err, "release mailbox")
}

// EmailChannels returns every email channel, for the mailbox syncers.
func (q *Q) EmailChannels(ctx context.Context) ([]parley.Channel, error) {
	return appendRows(ctx, q, nil, "email channels", `SELECT `+channelColumns+` FROM channels WHERE kind = 'email' ORDER BY id`, nil, q.scanChannel)
}

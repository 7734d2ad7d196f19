package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cross-node notification, in this one place. On PostgreSQL, a transaction
// that appends events sends NOTIFY parley_events with its last seq; NOTIFY is
// transactional, so nodes hear of exactly the commits. Ephemeral signals
// (typing, viewing) go out on parley_signals. Notifications are per
// database, not per schema: an installation in a schema other than public
// suffixes its channels with the schema's name, so two installations (or
// two tests) sharing a database never hear each other. SQLite has one
// process: there is nothing to notify.
const (
	eventsChannel  = "parley_events"
	signalsChannel = "parley_signals"
)

// EventsChannel is the channel commits are announced on.
func (s *Store) EventsChannel() string { return eventsChannel + s.channelSuffix }

// SignalsChannel is the channel ephemeral signals travel on.
func (s *Store) SignalsChannel() string { return signalsChannel + s.channelSuffix }

// notifyEvents tells other nodes, at commit, that events up to seq exist.
func (tx *Tx) notifyEvents(ctx context.Context, seq int64) error {
	if tx.d.name() != "postgres" {
		return nil
	}
	_, err := tx.tx.ExecContext(ctx, `SELECT pg_notify($1, $2)`, eventsChannel+tx.channelSuffix, strconv.FormatInt(seq, 10))
	return tx.wrap(err, "notify")
}

// Notify sends payload on a channel to every node now (not transactional).
// On SQLite it does nothing.
func (s *Store) Notify(ctx context.Context, channel, payload string) error {
	if s.d.name() != "postgres" {
		return nil
	}
	_, err := s.w.ExecContext(ctx, `SELECT pg_notify($1, $2)`, channel, payload)
	return s.wrap(err, "notify")
}

// Distributed reports whether other nodes may share this database, so
// notifications cross processes.
func (s *Store) Distributed() bool { return s.d.name() == "postgres" }

// Listen calls fn for each notification on the channels until ctx ends,
// reconnecting with backoff when the connection drops; connected, if not
// nil, is called each time the listener is (re)connected, since
// notifications sent while it was away are lost and the caller must catch
// up from the log. On SQLite it returns when ctx ends.
func (s *Store) Listen(ctx context.Context, channels []string, connected func(), fn func(channel, payload string)) error {
	if s.d.name() != "postgres" {
		<-ctx.Done()
		return nil
	}
	backoff := 100 * time.Millisecond
	for {
		err := s.listenOnce(ctx, channels, connected, fn)
		if ctx.Err() != nil {
			return nil
		}
		s.log(err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

func (s *Store) listenOnce(ctx context.Context, channels []string, connected func(), fn func(channel, payload string)) error {
	conn, err := pgx.Connect(ctx, s.url)
	if err != nil {
		return fmt.Errorf("store: listen: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for _, ch := range channels {
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
			return fmt.Errorf("store: listen %s: %w", ch, err)
		}
	}
	if connected != nil {
		connected()
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return nil
			}
			return fmt.Errorf("store: listen: %w", err)
		}
		fn(n.Channel, n.Payload)
	}
}

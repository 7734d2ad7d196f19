// Package imap reads connected mailboxes (SPEC CHN-2): every enabled email
// channel with IMAP settings is synced by one node at a time, with IDLE
// where the server has it and polling otherwise. A message's UID is
// checkpointed only after it is committed, and \Seen is never relied on
// (or set): another client reading a message does not hide it.
package imap

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Manager runs a syncer per connected mailbox and follows channel changes.
type Manager struct {
	store    *store.Store
	receiver conversation.EmailReceiver
	log      *slog.Logger
	now      func() time.Time
	poll     time.Duration
	idle     time.Duration
	lease    time.Duration
	tls      *tls.Config
	owner    string // this node, as the holder of mailbox leases
	wake     chan struct{}

	mu   sync.Mutex
	runs map[parley.ID]*run
}

// Options are a manager's collaborators and timings; every field but
// Receiver has a working zero.
type Options struct {
	// Receiver takes in the messages the mailboxes hold; required.
	Receiver conversation.EmailReceiver
	Log      *slog.Logger     // nil discards
	Now      func() time.Time // the clock; nil means the real one
	// Poll is how often a mailbox without IDLE is checked, and how often
	// the manager looks for channel changes (default 30 s).
	Poll time.Duration
	// Idle is the longest IDLE before it is renewed: a connection that
	// dropped silently is found within it (default 10 min; RFC 9051 asks
	// for under 30).
	Idle time.Duration
	// Lease is how long a node holds a mailbox between renewals (default
	// 60 s).
	Lease time.Duration
	// TLS configures the connections (tests add their roots).
	TLS *tls.Config
}

// NewManager returns a manager of the mailboxes connected in s; Run starts
// it.
func NewManager(s *store.Store, o Options) *Manager {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Poll <= 0 {
		o.Poll = 30 * time.Second
	}
	if o.Idle <= 0 {
		o.Idle = 10 * time.Minute
	}
	if o.Lease <= 0 {
		o.Lease = time.Minute
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &Manager{store: s, receiver: o.Receiver, log: o.Log, now: o.Now, poll: o.Poll, idle: o.Idle, lease: o.Lease,
		tls: o.TLS, owner: hex.EncodeToString(b), wake: make(chan struct{}, 1), runs: map[parley.ID]*run{}}
}

// Wake makes the manager look at the channels now: call it when a channel
// was created or changed on this node (other nodes notice within Poll).
func (m *Manager) Wake() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

type run struct {
	mailbox  string // what it was started for: a change restarts it
	settings parley.IMAPSettings
	stop     context.CancelFunc
	done     chan struct{}
}

func sameSettings(ch parley.Channel, r *run) bool {
	set := ch.EmailSettings().IMAP
	return set != nil && *set == r.settings
}

// Run syncs until ctx ends.
func (m *Manager) Run(ctx context.Context) {
	tick := time.NewTicker(m.poll)
	defer tick.Stop()
	for {
		if err := m.reconcile(ctx); err != nil && ctx.Err() == nil {
			m.log.Error("imap: channels", "err", err)
		}
		select {
		case <-ctx.Done():
			m.stopAll()
			return
		case <-tick.C:
		case <-m.wake:
		}
	}
}

// reconcile starts a syncer for each enabled connected mailbox and stops
// those whose channel was turned off, removed or changed.
func (m *Manager) reconcile(ctx context.Context) error {
	chs, err := m.store.EmailChannels(ctx)
	if err != nil {
		return err
	}
	want := map[parley.ID]parley.Channel{}
	for _, ch := range chs {
		if ch.Enabled && ch.Mailbox != "" {
			want[ch.ID] = ch
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, r := range m.runs {
		if ch, ok := want[id]; !ok || ch.Mailbox != r.mailbox || !sameSettings(ch, r) {
			r.stop()
			<-r.done
			delete(m.runs, id)
		}
	}
	for id, ch := range want {
		if _, ok := m.runs[id]; ok {
			continue
		}
		rctx, stop := context.WithCancel(ctx)
		r := &run{mailbox: ch.Mailbox, stop: stop, done: make(chan struct{})}
		m.runs[id] = r
		s := &syncer{m: m, ch: ch, settings: *ch.EmailSettings().IMAP}
		r.settings = s.settings
		s.settings.Normalize()
		go func() {
			defer close(r.done)
			s.loop(rctx)
		}()
	}
	return nil
}

func (m *Manager) stopAll() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, r := range m.runs {
		r.stop()
		<-r.done
		delete(m.runs, id)
	}
}

// syncer keeps one mailbox in step.
type syncer struct {
	m        *Manager
	ch       parley.Channel
	settings parley.IMAPSettings
}

// loop connects, syncs and waits for news, reconnecting with backoff after
// a failure, until ctx ends.
func (s *syncer) loop(ctx context.Context) {
	defer s.m.store.ReleaseMailbox(context.WithoutCancel(ctx), s.ch.ID, s.m.owner)
	backoff := time.Second
	for ctx.Err() == nil {
		held, err := s.m.store.LeaseMailbox(ctx, s.ch.ID, s.m.owner, s.m.now(), s.m.lease)
		if err == nil && !held {
			sleep(ctx, s.m.poll) // another node syncs it
			continue
		}
		if err == nil {
			err = s.session(ctx)
		}
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			s.m.log.Warn("imap: sync failed", "channel_id", s.ch.ID, "mailbox", s.ch.Mailbox, "err", err)
			_ = s.m.store.SaveMailboxError(ctx, s.ch.ID, err.Error(), parley.Normalize(s.m.now()))
			sleep(ctx, backoff)
			backoff = min(backoff*2, 5*time.Minute)
			continue
		}
		backoff = time.Second
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// session is one connection: sync, then IDLE (or poll) and sync again on
// news, until an error or ctx ends.
func (s *syncer) session(ctx context.Context) error {
	news := make(chan struct{}, 1)
	notify := func() {
		select {
		case news <- struct{}{}:
		default:
		}
	}
	opts := &imapclient.Options{
		TLSConfig: s.m.tls,
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					notify()
				}
			},
		},
	}
	if opts.TLSConfig == nil {
		opts.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	c, err := s.dial(opts)
	if err != nil {
		return err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	if err := c.Login(s.settings.Username, s.settings.Password).Wait(); err != nil {
		return fmt.Errorf("login as %s: %w", s.settings.Username, err)
	}
	sel, err := c.Select(s.settings.Folder, &goimap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return fmt.Errorf("open %s: %w", s.settings.Folder, err)
	}
	idle := c.Caps().Has(goimap.CapIdle)
	for {
		if err := s.sync(ctx, c, sel.UIDValidity); err != nil {
			return err
		}
		if held, err := s.m.store.LeaseMailbox(ctx, s.ch.ID, s.m.owner, s.m.now(), s.m.lease); err != nil || !held {
			return err // lost to another node: it syncs now
		}
		if idle {
			if err := s.idle(ctx, c, news); err != nil {
				return err
			}
		} else {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(s.m.poll):
			}
			if err := c.Noop().Wait(); err != nil {
				return fmt.Errorf("poll: %w", err)
			}
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

func (s *syncer) dial(opts *imapclient.Options) (*imapclient.Client, error) {
	addr := s.settings.Addr()
	tlsCfg := opts.TLSConfig.Clone()
	if tlsCfg.ServerName == "" {
		tlsCfg.ServerName = s.settings.Host
	}
	opts.TLSConfig = tlsCfg
	var (
		c   *imapclient.Client
		err error
	)
	switch s.settings.Security {
	case "starttls":
		c, err = imapclient.DialStartTLS(addr, opts)
	case "none": // validated: loopback only
		c, err = imapclient.DialInsecure(addr, opts)
	default:
		c, err = imapclient.DialTLS(addr, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", addr, err)
	}
	return c, nil
}

// idle waits for the server to announce new mail, renewing IDLE before
// Manager.Idle so a silently dropped connection is noticed.
func (s *syncer) idle(ctx context.Context, c *imapclient.Client, news chan struct{}) error {
	cmd, err := c.Idle()
	if err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	timer := time.NewTimer(s.m.idle)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-news:
	case <-timer.C:
	case <-c.Closed():
		return errors.New("the server closed the connection")
	}
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("end idle: %w", err)
	}
	if err := cmd.Wait(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("idle: %w", err)
	}
	return nil
}

// sync takes in every message after the checkpoint, oldest first, moving
// the checkpoint after each commit. A new UIDVALIDITY means the server
// renumbered the mailbox: everything is looked at again, and what was
// taken in before is recognised by its Message-ID.
func (s *syncer) sync(ctx context.Context, c *imapclient.Client, validity uint32) error {
	st, err := s.m.store.MailboxState(ctx, s.ch.ID)
	if err != nil {
		return err
	}
	last := st.LastUID
	if st.UIDValidity != validity {
		if st.UIDValidity != 0 {
			s.m.log.Warn("imap: UIDVALIDITY changed: resyncing", "channel_id", s.ch.ID, "was", st.UIDValidity, "now", validity)
		}
		last = 0
	}
	var set goimap.UIDSet
	set.AddRange(goimap.UID(last+1), 0) // last+1:*
	found, err := c.UIDSearch(&goimap.SearchCriteria{UID: []goimap.UIDSet{set}}, nil).Wait()
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	uids := found.AllUIDs()
	sort.Slice(uids, func(i, j int) bool { return uids[i] < uids[j] })
	body := &goimap.FetchItemBodySection{Peek: true} // never sets \Seen
	for _, uid := range uids {
		if uint32(uid) <= last {
			continue // "last+1:*" matches the last message when nothing is newer
		}
		msgs, err := c.Fetch(goimap.UIDSetNum(uid), &goimap.FetchOptions{UID: true, BodySection: []*goimap.FetchItemBodySection{body}}).Collect()
		if err != nil {
			return fmt.Errorf("fetch %d: %w", uid, err)
		}
		if len(msgs) == 1 {
			raw := msgs[0].FindBodySection(body)
			_, err := s.m.receiver.ReceiveEmail(ctx, parley.System, conversation.Email{
				ChannelID: s.ch.ID, Raw: raw, Source: "imap", Keys: []string{fmt.Sprintf("imap:%d:%d", validity, uid)},
			})
			if parley.ErrorCode(err) == parley.ECONFLICT && strings.Contains(parley.ErrorMessage(err), "turned off") {
				return nil // the channel was turned off: the mail stays on the server
			}
			if err != nil {
				return fmt.Errorf("store message %d: %w", uid, err)
			}
		}
		last = uint32(uid)
		if err := s.m.store.SaveCheckpoint(ctx, s.ch.ID, validity, last, parley.Normalize(s.m.now())); err != nil {
			return err
		}
	}
	return s.m.store.SaveCheckpoint(ctx, s.ch.ID, validity, last, parley.Normalize(s.m.now()))
}

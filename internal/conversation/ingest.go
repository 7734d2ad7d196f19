package conversation

import (
	"context"
	"runtime"
	"sync"

	"github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// EmailReceiver takes in one raw email; what it returns without error is
// committed. The Service is one; the SMTP listener and the IMAP sync hold
// one each.
type EmailReceiver interface {
	ReceiveEmail(ctx context.Context, a parley.Actor, in Email) (*EmailReceived, error)
}

// Group commit: emails arriving together (the SMTP listener's concurrent
// sessions, several mailboxes) are stored in one transaction, so one commit
// — one log flush, one notification — serves many messages; if one fails,
// the batch is stored again message by message so only that one fails.
// Every caller still returns only after the commit that holds its message.

// maxBatch bounds the messages of one transaction.
const maxBatch = 64

type pending struct {
	ch   *parley.Channel
	in   Email
	m    *mail.Message
	raw  string // blob key, "" when kept in the row
	atts []parley.Attachment
	body mail.Body
	keys []string
	out  EmailReceived
	err  error
	done chan struct{}
}

type batcher struct {
	mu      sync.Mutex
	queue   []*pending
	leading bool
}

// ingest stores p in a group commit and returns when it is committed (or
// failed).
func (s *Service) ingest(p *pending) {
	p.done = make(chan struct{})
	b := &s.batch
	b.mu.Lock()
	b.queue = append(b.queue, p)
	if !b.leading {
		b.leading = true
		go s.lead()
	}
	b.mu.Unlock()
	<-p.done
}

// lead commits batches while there are messages waiting, then steps down.
func (s *Service) lead() {
	b := &s.batch
	for {
		// Let the deliveries that are being parsed join this batch: the
		// database writer does not give up the processor while it works.
		runtime.Gosched()
		b.mu.Lock()
		n := min(len(b.queue), maxBatch)
		if n == 0 {
			b.leading = false
			b.mu.Unlock()
			return
		}
		batch := b.queue[:n:n]
		b.queue = b.queue[n:]
		b.mu.Unlock()
		s.commitBatch(batch)
	}
}

func (s *Service) commitBatch(batch []*pending) {
	ctx := context.Background() // the batch is not any one caller's
	store1 := func(tx *store.Tx, p *pending) error {
		if dup, err := s.seen(ctx, tx, p.ch, p.keys, &p.out); err != nil || dup {
			return err
		}
		return s.receiveEmail(ctx, tx, p)
	}
	var failed *pending
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		for _, p := range batch {
			if err := store1(tx, p); err != nil {
				failed = p
				return err
			}
		}
		return nil
	})
	if err != nil && failed != nil && len(batch) > 1 {
		// One message failed and took the batch down with it: store each
		// in its own transaction, so only that one fails. (Savepoints per
		// message would avoid the retry, but make FTS5 flush its index at
		// every one, which costs more than the rare retry.)
		for _, p := range batch {
			p.out = EmailReceived{}
			p.err = s.store.InTx(ctx, func(tx *store.Tx) error { return store1(tx, p) })
			close(p.done)
		}
		return
	}
	for _, p := range batch {
		p.err = err
		if err != nil {
			p.out = EmailReceived{}
		}
		close(p.done)
	}
}

package conversation

import (
	"context"
	"runtime"
	"sync"

	"github.com/parleyhq/parley/internal/store"
)

// Group commit: items arriving together (the SMTP listener's concurrent
// sessions, several mailboxes, API pushes) are stored in one transaction,
// so one commit — one log flush, one notification — serves many; if one
// fails, the batch is stored again item by item so only that one fails.
// Every caller still returns only after the commit that holds its item.

// maxBatch bounds the items of one transaction.
const maxBatch = 64

type batcher struct {
	mu      sync.Mutex
	queue   []*arrival
	leading bool
}

// ingest stores p in a group commit and returns when it is committed (or
// failed).
func (s *Service) ingest(p *arrival) {
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

func (s *Service) commitBatch(batch []*arrival) {
	ctx := context.Background() // the batch is not any one caller's
	var failed *arrival
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		for _, p := range batch {
			if err := s.admit(ctx, tx, p); err != nil {
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
			p.err = s.store.InTx(ctx, func(tx *store.Tx) error { return s.admit(ctx, tx, p) })
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

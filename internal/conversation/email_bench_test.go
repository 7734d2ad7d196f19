package conversation_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// BenchmarkReceiveEmail is W1's server side without the network: one new
// customer email per iteration, on SQLite. Profile it with -cpuprofile.
func BenchmarkReceiveEmail(b *testing.B) {
	s := storetest.New(b, "sqlite", nil)
	w := newMailWorld(&testing.T{}, s)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		raw := eml{from: fmt.Sprintf("\"b%d\" <b%d@senders.example>", i, i), id: fmt.Sprintf("b%d@senders.example", i),
			subject: fmt.Sprintf("Order %d has not arrived", i), body: "Hello, my order has not arrived yet. Could you check?"}.raw()
		if _, err := w.svc.ReceiveEmail(ctx, parley.System, conversation.Email{ChannelID: w.ch.ID, Raw: raw, Source: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReceiveEmailParallel is the same with concurrent deliveries, as
// from the SMTP listener's sessions: group commit shares transactions.
func BenchmarkReceiveEmailParallel(b *testing.B) {
	s := storetest.New(b, "sqlite", nil)
	w := newMailWorld(&testing.T{}, s)
	ctx := context.Background()
	var n atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			raw := eml{from: fmt.Sprintf("\"b%d\" <b%d@senders.example>", i, i), id: fmt.Sprintf("b%d@senders.example", i),
				subject: fmt.Sprintf("Order %d has not arrived", i), body: "Hello, my order has not arrived yet. Could you check?"}.raw()
			if _, err := w.svc.ReceiveEmail(ctx, parley.System, conversation.Email{ChannelID: w.ch.ID, Raw: raw, Source: "bench"}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

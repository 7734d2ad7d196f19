package smtp_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestReplyCopiesAreCapped: a customer's email copied to 10,000 people, then
// an agent's plain reply: the relay must not get 10,001 recipients. A reply
// copies the last email's people only up to conversation.MaxCopies; past it,
// nobody, and the reply says how many were left out.
func TestReplyCopiesAreCapped(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		g := newOutRig(t, s, nil)
		for _, tt := range []struct {
			copied int
			want   int // Cc on the reply
		}{{conversation.MaxCopies, conversation.MaxCopies}, {10000, 0}} {
			var cc []string
			for i := range tt.copied {
				cc = append(cc, fmt.Sprintf("p%d@crowd.example", i))
			}
			id := fmt.Sprintf("crowd-%d@client.example", tt.copied)
			got := g.receive(customerMail(id, "Jo <jo@client.example>", strings.Join(cc, ", "), "Hello all", "Hi"))
			m := g.reply(got.ConversationID, "Thanks")
			if len(m.Email.Cc) != tt.want || m.Email.Uncopied != tt.copied-tt.want {
				t.Errorf("%d copied: the reply copies %d and leaves out %d; want %d and %d",
					tt.copied, len(m.Email.Cc), m.Email.Uncopied, tt.want, tt.copied-tt.want)
			}
			g.work()
			d := g.mta.deliveries()
			last := d[len(d)-1]
			if len(last.to) != 1+tt.want || !slices.Contains(last.to, "jo@client.example") {
				t.Errorf("%d copied: the relay got %d recipients, want %d", tt.copied, len(last.to), 1+tt.want)
			}
		}
	})
}

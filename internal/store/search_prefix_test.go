package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestSearchPrefix: a prefix* finds every word it begins, in messages,
// subjects and contacts, accented or not, alone or with other terms. On
// SQLite (store/search_sqlite.go) it is searched as the words it begins,
// read from the FTS5 index; a prefix of more than 32 words, or with a
// letter that does not fold to ASCII, keeps FTS5's own prefix query. Either way the answer
// is the same.
func TestSearchPrefix(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := storetest.NewFixtures(t, s)
		in := f.Inbox("Support")
		ch := f.Channel(in, parley.ChannelAPI)
		texts := []struct{ name, subject, text string }{
			{"Ann Lee", "Question", "Please refund my order"},                // 0
			{"Ann Lee", "Question", "The refunds are late"},                  // 1
			{"Ann Lee", "Question", "It was refunded twice"},                 // 2
			{"Ann Lee", "Question", "A refurbished laptop"},                  // 3
			{"Ann Lee", "Question", "Une réponse rapide"},                    // 4
			{"Ann Lee", "Question", "Il faut repondre"},                      // 5
			{"Ann Lee", "Question", "Καλημέρα, the parcel"},                  // 6
			{"Ann Lee", "Refurbishment quote", "Hello"},                      // 7
			{"Zoë Lambert", "Question", "Hello"},                             // 8
			{"Ann Lee", "Question", "order number please, a refund is owed"}, // 9
		}
		// 40 words beginning "zq": more than are expanded.
		for i := range 40 {
			texts = append(texts, struct{ name, subject, text string }{"Ann Lee", "Question", fmt.Sprintf("code zq%c%c", 'a'+i/26, 'a'+i%26)})
		}
		texts = append(texts, struct{ name, subject, text string }{"Ann Lee", "Question", "Ǿresund bridge"}) // 50
		ids := make([]parley.ID, len(texts))
		for i, x := range texts {
			ids[i] = addSearchable(t, s, in.ID, ch, f.At.Add(time.Duration(i)*time.Minute), i, x.name, x.subject, x.text)
		}
		zq := func() []int {
			var out []int
			for i := 10; i < 50; i++ {
				out = append(out, i)
			}
			return out
		}
		for _, tc := range []struct {
			q    string
			want []int
			pg   []int // PostgreSQL's, where it differs
		}{
			{"refun*", []int{0, 1, 2, 9}, nil},
			{"refund*", []int{0, 1, 2, 9}, nil},
			{"refunde*", []int{2}, nil},
			{"refur*", []int{3, 7}, nil}, // a message and a subject
			{"order refun*", []int{0, 9}, nil},
			{"refun* please", []int{0, 9}, nil},
			// PostgreSQL's 'simple' text search keeps accents (docs/views.md).
			{"répon*", []int{4, 5}, []int{4}},
			{"repon*", []int{4, 5}, []int{5}},
			{"lamb*", []int{8}, nil},  // a contact
			{"καλη*", []int{6}, nil},  // Greek: FTS5's prefix query
			{"zq*", zq(), nil},        // 40 words: FTS5's prefix query
			{"zqa*", zq()[:26], nil},  // 26 words, expanded
			{"zqbn*", []int{49}, nil}, // one word
			{"ǿr*", []int{50}, nil},   // ǿ folds to ø: FTS5's prefix query
			{"refunx*", nil, nil},
			{"refun* nowhere", nil, nil},
		} {
			if tc.pg != nil && s.Engine() == "postgres" {
				tc.want = tc.pg
			}
			got := searchAll(t, s, tc.q, in.ID, 100)
			var want []parley.ID
			for _, i := range tc.want {
				want = append(want, ids[i])
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s: %v, want %v", tc.q, got, want)
			}
		}
	})
}

// addSearchable adds a conversation of ch in inbox at at, with its contact
// (named name), its subject and one message of text, as a bulk load does.
func addSearchable(t *testing.T, s *store.Store, inbox parley.ID, ch *parley.Channel, at time.Time, i int, name, subject, text string) parley.ID {
	t.Helper()
	ctx := context.Background()
	k := &parley.Contact{Name: name, Email: fmt.Sprintf("c%d@example.org", i), CreatedAt: at}
	if err := s.CopyContacts(ctx, []*parley.Contact{k}); err != nil {
		t.Fatal(err)
	}
	c := &parley.Conversation{InboxID: inbox, ChannelID: ch.ID, ChannelKind: ch.Kind, ContactID: &k.ID, Subject: subject,
		Status: parley.StatusOpen, Placement: parley.PlacementInbox, CreatedAt: at, LastActivityAt: at}
	if err := s.CopyConversations(ctx, []*parley.Conversation{c}); err != nil {
		t.Fatal(err)
	}
	m := &parley.Message{ConversationID: c.ID, Kind: parley.KindMessage, Direction: parley.Inbound, Text: text, CreatedAt: at}
	if err := s.CopyMessages(ctx, []*parley.Message{m}); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// searchAll returns every hit of q in inbox, best first, the candidates
// of each kind capped at cap.
func searchAll(t *testing.T, s *store.Store, q string, inbox parley.ID, cap int) []parley.ID {
	t.Helper()
	terms, err := store.ParseSearch(q)
	if err != nil {
		t.Fatal(err)
	}
	var got []parley.ID
	if err := s.Search(context.Background(), terms, []parley.ID{inbox}, []parley.Placement{parley.PlacementInbox}, cap, func(hits []parley.ID) (bool, error) {
		got = append(got, hits...)
		return true, nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

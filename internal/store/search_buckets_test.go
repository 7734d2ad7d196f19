package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestSearchAcrossBuckets: search finds the newest matches of a word
// however its matches are spread in time, and ranks them. On PostgreSQL
// (store/search_postgres.go) the 150 oldest conversations here are each
// in a bucket of their own, the 150 newest 25 to a bucket: a word is
// found in the six newest buckets up to the cap, or, with fewer than 20
// there, in the next 80 too, up to the cap; a word with fewer than 20 in the
// newest 86 buckets (rare, or common long ago) by the plain index. A
// phrase keeps its word order and a prefix matches the words it begins.
// SQLite answers every case with the cap's newest matches, from FTS5.
func TestSearchAcrossBuckets(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.NewFixtures(t, s)
		in := f.Inbox("Support")
		ch := f.Channel(in, parley.ChannelAPI)
		const n = 300 // 156 buckets: more than the probes cover (86)
		ids := make([]parley.ID, n)
		for i := range n {
			if s.Engine() == "postgres" && (i < n/2 || i%25 == 0) {
				for _, seq := range []string{"contacts_id_seq", "conversations_id_seq", "messages_id_seq"} {
					// The next id begins a bucket.
					if err := s.ExecRaw(ctx, `SELECT setval($1, ((nextval($1) >> 11) + 1) << 11)`, seq); err != nil {
						t.Fatal(err)
					}
				}
			}
			name, subject, text := "Jo Smith", "Question", "common words here"
			switch {
			case i == 5 || i == 10:
				text += " xylograph" // rare, and old
			case i%10 == 0:
				text += " middling" // 29 in all, 23 in the newest 86 buckets
			}
			switch i % 3 {
			case 0:
				text += ". Thank you, the refund arrived."
			case 1:
				text += ". You did thank them? It was refunded."
			}
			if i == 7 {
				name, subject = "Zoé Quenneville", "Parcel tracking"
			}
			if i == n-1 {
				subject = "Parcel lost"
			}
			ids[i] = addSearchable(t, s, in.ID, ch, f.At.Add(time.Duration(i)*time.Minute), i, name, subject, text)
		}
		if s.Engine() == "postgres" && (ids[1]>>11 == ids[0]>>11 || ids[n-1]>>11 != ids[n-25]>>11) {
			t.Fatalf("conversation ids %d, %d, %d, %d: not bucketed as planned", ids[0], ids[1], ids[n-25], ids[n-1])
		}
		// newest returns the conversations numbered by which, newest first,
		// at most cap of them.
		newest := func(cap int, which func(i int) bool) []parley.ID {
			var out []parley.ID
			for i := n - 1; i >= 0 && len(out) < cap; i-- {
				if which(i) {
					out = append(out, ids[i])
				}
			}
			return out
		}
		middling := func(i int) bool { return i%10 == 0 && i != 10 }
		refun := func(i int) bool { return i%3 != 2 }
		for _, tc := range []struct {
			q    string
			cap  int
			want []parley.ID
			pg   []parley.ID // PostgreSQL's, where it differs
		}{
			{"common", 50, newest(50, func(int) bool { return true }), nil},
			// At least 20 in the six newest buckets (150 rows) end it there.
			{"common", 500, newest(500, func(int) bool { return true }), newest(150, func(int) bool { return true })},
			{"xylograph", 50, []parley.ID{ids[10], ids[5]}, nil},
			// 15 in the six newest buckets: the next 80 hold 8 more, up to
			// the cap; 23 are enough not to ask the plain index.
			{"middling", 50, newest(50, middling), newest(23, middling)},
			{`"thank you"`, 40, newest(40, func(i int) bool { return i%3 == 0 }), nil},
			{`"you thank"`, 40, nil, nil},
			{"refun*", 500, newest(500, refun), newest(100, refun)},
			{"refunded", 30, newest(30, func(i int) bool { return i%3 == 1 }), nil},
			{"quenneville", 50, []parley.ID{ids[7]}, nil},
			{"zoé quenneville", 50, []parley.ID{ids[7]}, nil},
			{"parcel", 50, []parley.ID{ids[n-1], ids[7]}, nil},
			{"nowhere", 50, nil, nil},
		} {
			if tc.pg != nil && s.Engine() == "postgres" {
				tc.want = tc.pg
			}
			got := searchAll(t, s, tc.q, in.ID, tc.cap)
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s (cap %d): %d hits %v\nwant %d %v", tc.q, tc.cap, len(got), got, len(tc.want), tc.want)
			}
		}
	})
}

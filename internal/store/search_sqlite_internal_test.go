package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// TestSQLiteMatch: how a search is written for FTS5, each prefix as the
// words it begins where it can be (search_sqlite.go). TestSearchPrefix
// shows the answers are the same either way; this shows which way.
func TestSQLiteMatch(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Options{URL: filepath.Join(t.TempDir(), "parley.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	text := "refund refunds refunded refurbished réponse répondre καλημέρα ordre ǿresund"
	for i := range maxPrefixWords + 1 {
		text += fmt.Sprintf(" zq%02d", i)
	}
	// The index alone: the vocabulary is read from it.
	if _, err := s.w.ExecContext(ctx, `INSERT INTO messages_fts (rowid, text) VALUES (1, $1)`, text); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q, want string
	}{
		{"refun*", `("refund" OR "refunded" OR "refunds")`},
		{"refunde*", `"refunded"`},
		{"order refun*", `"order" AND ("refund" OR "refunded" OR "refunds")`},
		{`"thank you"`, `"thank you"`},
		{"répon*", `("repondre" OR "reponse")`},
		{"repon*", `("repondre" OR "reponse")`},
		{"καλη*", `"καλη"*`},
		{"ǿr*", `"ǿr"*`},
		{"zq*", `"zq"*`},
		{"zq1*", `("zq10" OR "zq11" OR "zq12" OR "zq13" OR "zq14" OR "zq15" OR "zq16" OR "zq17" OR "zq18" OR "zq19")`},
		{"zq32*", `"zq32"`},
		{"refunx*", ""},
	} {
		terms, err := ParseSearch(tc.q)
		if err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.sqliteMatch(ctx, kindMessages, terms)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("%s: %q %v, want %q", tc.q, got, ok, tc.want)
		}
	}
}

// TestActivityScan: a last activity reads as Unix microseconds from a time,
// from the text the SQLite driver writes, and from text without a zone
// (UTC); anything else is an error naming it.
func TestActivityScan(t *testing.T) {
	want := time.Date(2026, 12, 3, 16, 18, 38, 723681000, time.UTC).UnixMicro()
	for _, tc := range []struct {
		in   any
		want int64
		err  bool
	}{
		{time.Date(2026, 12, 3, 16, 18, 38, 723681000, time.UTC), want, false},
		{"2026-12-03 16:18:38.723681+00:00", want, false},
		{"2026-12-03 17:18:38.723681+01:00", want, false},
		{"2026-12-03 16:18:38+00:00", want - 723681, false},
		{"2026-12-03 16:18:38.723681", want, false},
		{"2026-12-03T16:18:38.723681Z", want, false},
		{"yesterday", 0, true},
		{int64(5), 0, true},
	} {
		var a activity
		err := a.Scan(tc.in)
		if (err != nil) != tc.err || int64(a) != tc.want {
			t.Errorf("Scan(%v) = %d, %v; want %d, error %v", tc.in, a, err, tc.want, tc.err)
		}
	}
}

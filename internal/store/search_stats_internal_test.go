package store

import (
	"context"
	"testing"
	"time"
)

// TestRareTerms checks how PostgreSQL's search tells a rare search from a
// common one by the most common words' shares (search_stats.go).
func TestRareTerms(t *testing.T) {
	table := &tableTerms{known: true, rows: 1_000_000, least: 0.001,
		freq:  map[string]float64{"order": 0.3, "please": 0.1, "refund": 0.0015, "refunded": 0.001, "thank": 0.05, "you": 0.4},
		words: []string{"order", "please", "refund", "refunded", "thank", "you"}}
	s := newTermStats()
	s.now = func() time.Time { return time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC) }
	s.tables["messages"] = table
	s.tables["cold"] = &tableTerms{rows: 1_000_000, freq: map[string]float64{}}
	s.tables["large"] = &tableTerms{known: true, rows: 10_000_000, least: 0.0005, freq: map[string]float64{"order": 0.3}, words: []string{"order"}}
	s.tables["cold"].read, s.tables["large"].read, table.read = s.now(), s.now(), s.now()
	tests := []struct {
		table, q string
		rare     bool
	}{
		{"messages", "order", false},
		{"messages", "xylophonist", true},             // not among the most common: fewer than the least of them
		{"messages", "order xylophonist", true},       // every term must match: the rarest bounds them
		{"messages", `"thank you"`, false},            // a phrase is no rarer than its rarest word, as far as statistics know
		{"messages", `"thank xylophonist"`, true},     //
		{"messages", "refun*", false},                 // 0.25% of a million: the words it starts put together
		{"messages", "refunde*", true},                // refunded alone: 1,000
		{"messages", "zz*", true},                     // starts no common word
		{"cold", "xylophonist", false},                // never analyzed: nothing is known, the window goes first
		{"messages", "order please thank you", false}, //
		{"messages", "please refunded", true},         //
	}
	for _, tt := range tests {
		terms, err := ParseSearch(tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.rare(context.Background(), nil, tt.table, terms); got != tt.rare {
			t.Errorf("%s: %q rare = %v, want %v", tt.table, tt.q, got, tt.rare)
		}
	}
}

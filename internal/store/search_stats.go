package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"sync"
	"time"
)

// On PostgreSQL a search kind's first query filters the most recent rows
// (the window, pgWindow): instant for a common word, which it finds there,
// but 10–20 ms of reading for a word it cannot find, and the GIN index
// answers a rare word in a millisecond. termStats tells them apart before
// the search, from what ANALYZE keeps (pg_stats' most common elements of
// each table's search column, read at most every termStatsTTL): a search
// whose rarest term's share of the rows says it has fewer than rareRows
// matches asks the index first (and the window after it if the index
// found too few). A word not among the most common is taken to be as
// common as the least of them. Before a table's first ANALYZE nothing is
// known and the window goes first, as before.
type termStats struct {
	mu     sync.Mutex
	tables map[string]*tableTerms
	now    func() time.Time
}

type tableTerms struct {
	read  time.Time
	known bool               // ANALYZE has run
	rows  float64            // the table's estimated rows
	freq  map[string]float64 // the share of rows holding each common word
	least float64            // the least of them: at most any other word's
	words []string           // freq's words, sorted, for prefixes
}

const (
	termStatsTTL = 10 * time.Minute
	rareRows     = 2000
)

func newTermStats() *termStats {
	return &termStats{tables: map[string]*tableTerms{}, now: time.Now}
}

func (s *termStats) forget() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tables)
}

// rare reports whether terms are expected to match fewer than rareRows of
// table's rows: every term must match, so the rarest one bounds them.
func (s *termStats) rare(ctx context.Context, q *Q, table string, terms []SearchTerm) bool {
	t := s.table(ctx, q, table)
	if t == nil || !t.known {
		return false
	}
	share := 1.0
	for _, term := range terms {
		share = min(share, t.share(term))
	}
	return share*t.rows < rareRows
}

// share is the part of the rows a term may match at most: a phrase no more
// than its rarest word, a prefix the words it starts put together.
func (t *tableTerms) share(term SearchTerm) float64 {
	if term.Prefix {
		w := term.Words[0]
		sum := 0.0
		for i, _ := slices.BinarySearch(t.words, w); i < len(t.words) && strings.HasPrefix(t.words[i], w); i++ {
			sum += t.freq[t.words[i]]
		}
		return min(max(sum, t.least), 1) // words it starts that are not listed: as the least
	}
	share := 1.0
	for _, w := range term.Words {
		f, ok := t.freq[w]
		if !ok {
			f = t.least
		}
		share = min(share, f)
	}
	return share
}

// table returns table's statistics, read again when older than the TTL.
// Statistics that cannot be read count as unknown for a minute (the search
// then goes as if nothing were known) rather than being asked for again by
// every search meanwhile; the read does not end with the request that
// made it.
func (s *termStats) table(ctx context.Context, q *Q, table string) *tableTerms {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tables[table]; t != nil && s.now().Sub(t.read) < termStatsTTL {
		return t
	}
	t := s.read(ctx, q, table)
	if t == nil {
		t = &tableTerms{read: s.now().Add(time.Minute - termStatsTTL)}
	}
	s.tables[table] = t
	return t
}

func (s *termStats) read(ctx context.Context, q *Q, table string) *tableTerms {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	t := &tableTerms{read: s.now(), freq: map[string]float64{}, least: 1}
	if err := q.db.QueryRowContext(ctx, `SELECT reltuples FROM pg_class WHERE oid = to_regclass($1)`, table).Scan(&t.rows); err != nil {
		return nil
	}
	// most_common_elem_freqs has more values than there are words (the
	// least and greatest frequencies, then for some types the null share):
	// unnest pads the words with nulls.
	err := q.eachRow(ctx, "search stats", `SELECT u.word, u.freq FROM pg_stats s,
		unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS u(word, freq)
		WHERE s.schemaname = current_schema() AND s.tablename = $1 AND s.attname = 'search' AND u.word IS NOT NULL`, []any{table}, func(rows *sql.Rows) error {
		var w string
		var f float64
		if err := rows.Scan(&w, &f); err != nil {
			return err
		}
		t.freq[w] = f
		t.least = min(t.least, f)
		t.words = append(t.words, w)
		return nil
	})
	if err != nil {
		return nil
	}
	if len(t.freq) == 0 { // no statistics yet, or no word common enough to list
		var analyzed bool
		if q.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stats WHERE schemaname = current_schema()
			AND tablename = $1 AND attname = 'search')`, table).Scan(&analyzed) != nil {
			return nil
		}
		t.known, t.least = analyzed, 0
	} else {
		t.known = true
	}
	slices.Sort(t.words)
	return t
}

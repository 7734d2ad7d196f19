package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/sync/errgroup"

	"github.com/parleyhq/parley/internal/parley"
)

// SearchTerm is one part of a search: a word, a "quoted phrase" (several
// words), or a prefix (a word ending in *).
type SearchTerm struct {
	Words  []string
	Prefix bool
}

// Search limits.
const (
	MaxSearchLength = 200
	MaxSearchTerms  = 12
)

// ParseSearch parses what a user typed into terms that all must match.
// Words are runs of letters and digits, lowercased; anything else separates
// them, so no input can inject search syntax. An unbalanced quote, an empty
// query or one too long is EINVALID naming "q".
func ParseSearch(s string) ([]SearchTerm, error) {
	if len(s) > MaxSearchLength {
		return nil, parley.Invalid("q", "is longer than %d characters", MaxSearchLength)
	}
	if strings.Count(s, `"`)%2 != 0 {
		return nil, parley.Invalid("q", "has an unbalanced quote").Because("search_syntax")
	}
	var terms []SearchTerm
	for i, part := range strings.Split(s, `"`) {
		if i%2 == 1 { // inside quotes: one phrase
			if w := words(part); len(w) > 0 {
				terms = append(terms, SearchTerm{Words: w})
			}
			continue
		}
		for _, f := range strings.Fields(part) {
			w := words(f)
			if len(w) == 0 {
				continue
			}
			t := SearchTerm{Words: w}
			if strings.HasSuffix(f, "*") {
				if len(w) > 1 {
					return nil, parley.Invalid("q", "a prefix* must be a single word").Because("search_syntax")
				}
				t.Prefix = true
			}
			terms = append(terms, t)
		}
	}
	switch {
	case len(terms) == 0:
		return nil, parley.Invalid("q", "has no word to search for").Because("search_syntax")
	case len(terms) > MaxSearchTerms:
		return nil, parley.Invalid("q", "has more than %d terms", MaxSearchTerms)
	}
	return terms, nil
}

// Words returns the words of s as search sees them: runs of letters and
// digits, lowercased.
func Words(s string) []string { return words(s) }

func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// Full-text search, per engine, in this one place: how a query is written,
// the candidates of each kind (subjects, contacts, messages) and how the
// conversations of candidates are read to be ranked. A kind's candidates
// are conversations, most recent first, capped: ranking is bounded by the
// cap however common a word is.
type searchSQL struct {
	render func([]SearchTerm) string
	// kinds are SQLite's candidate queries, one per kind ($1 query, $2
	// cap); PostgreSQL's are pgKinds (search_postgres.go). Each returns a
	// conversation's id for each match (a message's conversation once for
	// each of its messages) and, where the query reads the conversation's
	// row anyway (pgKind.withRow), hitRow's columns after it.
	kinds [kindCount]string
	// rows reads the id and hitRow of the conversations of ids ($1, made by
	// rowsArg): bound as one value (SQLite binds a list of placeholders by
	// name in quadratic time).
	rows    string
	rowsArg func(ids []parley.ID) any
}

// hitRow are the columns of a conversation that rank it, after its id,
// as a kind's query reads them: where it is, and its last activity.
const hitRow = `inbox_id, placement, last_activity_at`

// A searchHit is a match's conversation, with hitRow once read.
type searchHit struct {
	id        parley.ID
	read      bool // inbox, placement and at hold hitRow
	inbox     parley.ID
	placement parley.Placement
	at        activity
}

// An activity is a conversation's last activity as ranking compares it,
// in Unix microseconds. SQLite's is read as its text and parsed here, in
// the layout the driver writes first: the driver's own parse of a DATETIME
// column tries its layouts in turn, and SQLite's date functions made a
// number of it more slowly still.
type activity int64

func (a *activity) Scan(v any) error {
	var t time.Time
	switch v := v.(type) {
	case time.Time:
		t = v
	case string:
		var err error
		for _, layout := range sqliteTimeLayouts {
			if t, err = time.Parse(layout, v); err == nil {
				break
			}
		}
		if err != nil {
			return fmt.Errorf("store: a last activity of %q: %w", v, err)
		}
	default:
		return fmt.Errorf("store: a last activity of type %T", v)
	}
	*a = activity(t.UnixMicro())
	return nil
}

// searchBatch is how many candidates of the best scores are ranked at
// once: the ranks above a page's last hit are usually a few each, and a
// statement for each was a round trip each.
const searchBatch = 64

// The kinds of candidates, and how much each weighs in a conversation's
// score: a subject or contact match 3, each matching message 1, up to 5
// (a kind's part is min(matches × weight, max)).
const (
	kindSubjects = iota
	kindContacts
	kindMessages
	kindCount
)

var searchWeights = [kindCount]struct{ weight, max int }{
	kindSubjects: {3, 3},
	kindContacts: {3, 3},
	kindMessages: {1, 5},
}

// searchEnough is how many candidates of a kind make a word common enough
// to be found among the newest rows (PostgreSQL).
const searchEnough = 20

// searchBudget bounds each candidate query in time. A query over it is
// interrupted and the search keeps what it had: the most recent matches,
// or none of that kind.
const searchBudget = 60 * time.Millisecond

var postgresSearch = searchSQL{
	render: func(terms []SearchTerm) string {
		parts := make([]string, len(terms))
		for i, t := range terms {
			ws := make([]string, len(t.Words))
			for j, w := range t.Words {
				ws[j] = "'" + w + "'"
			}
			parts[i] = strings.Join(ws, " <-> ")
			if t.Prefix {
				parts[i] += ":*"
			}
			if len(ws) > 1 {
				parts[i] = "(" + parts[i] + ")"
			}
		}
		return strings.Join(parts, " & ")
	},
	rows:    `SELECT id, ` + hitRow + ` FROM conversations WHERE id = ANY($1::bigint[])`,
	rowsArg: func(ids []parley.ID) any { return int64s(ids) },
}

// Search finds conversations matching every term in their subject, contact
// (name, emails) or messages, among the inboxes and placements given. The
// candidates of each kind are the cap most recent; hits rank by relevance
// (a subject or contact match weighs 3, each matching message 1, up to 5)
// then recency (last activity, then id). Search calls each with hits in
// that order, a batch at a time (a score's, or the next scores' together
// while they are at most searchBatch candidates), until each returns
// false: the conversations of a rank not read with their candidates are
// read only when the ranks above it did not fill the caller's page. A
// conversation deleted during the search may be among the hits.
func (q *Q) Search(ctx context.Context, terms []SearchTerm, inboxIDs []parley.ID, placements []parley.Placement, cap int, each func([]parley.ID) (bool, error)) error {
	if len(inboxIDs) == 0 {
		return nil
	}
	sq := q.d.search()
	found, err := q.searchCandidates(ctx, terms, sq, cap)
	if err != nil {
		return err
	}
	r := ranking{inboxIDs: inboxIDs, placements: placements}
	r.add(found)
	ranks := map[int32][]int32{}
	for i, c := range r.cands {
		ranks[c.score] = append(ranks[c.score], int32(i))
	}
	var batch []int32
	order := slices.Sorted(maps.Keys(ranks))
	for i, score := range slices.Backward(order) {
		batch = append(batch, ranks[score]...)
		if i > 0 && len(batch)+len(ranks[order[i-1]]) <= searchBatch {
			continue // the next rank joins this batch
		}
		hits, err := q.rank(ctx, sq, &r, batch)
		if err != nil {
			return err
		}
		batch = batch[:0]
		if len(hits) == 0 {
			continue
		}
		if more, err := each(hits); err != nil || !more {
			return err
		}
	}
	return nil
}

// A ranking holds a search's candidates, each conversation once, in a
// slice indexed by a map of ids: kept as a map of structs, a common
// word's search ("order" at 1M) spent twice as long inserting into maps.
type ranking struct {
	inboxIDs   []parley.ID
	placements []parley.Placement
	index      map[parley.ID]int32
	cands      []candidate
}

// A candidate is a conversation search found, its score and, once its
// row is read, whether it is among the inboxes and placements searched
// and its last activity.
type candidate struct {
	id    parley.ID
	n     [kindCount]int32 // matches of each kind
	score int32
	read  bool
	in    bool
	at    activity
}

// add counts each kind's hits by conversation, then scores them.
func (r *ranking) add(found [kindCount][]searchHit) {
	total := 0
	for _, hits := range found {
		total += len(hits)
	}
	r.index = make(map[parley.ID]int32, total)
	r.cands = make([]candidate, 0, total)
	for kind, hits := range found {
		for i := range hits {
			h := &hits[i]
			j, ok := r.index[h.id]
			if !ok {
				j = int32(len(r.cands))
				r.index[h.id] = j
				r.cands = append(r.cands, candidate{id: h.id})
			}
			c := &r.cands[j]
			c.n[kind]++
			if h.read && !c.read {
				r.read(c, h)
			}
		}
	}
	for i := range r.cands {
		c := &r.cands[i]
		for kind, w := range searchWeights {
			c.score += min(c.n[kind]*int32(w.weight), int32(w.max))
		}
	}
}

// read records h's row as c's: the one place a hit is held to the
// inboxes and placements searched.
func (r *ranking) read(c *candidate, h *searchHit) {
	c.read, c.at = true, h.at
	c.in = slices.Contains(r.inboxIDs, h.inbox) && slices.Contains(r.placements, h.placement)
}

// rank returns the ids of batch (indexes of r's candidates) in the
// inboxes and placements searched, by score, then recency; it first reads
// the rows of those not read with their candidates. A conversation whose
// row it reads and finds gone is left out; one read with its candidates
// and deleted since is not.
func (q *Q) rank(ctx context.Context, sq searchSQL, r *ranking, batch []int32) ([]parley.ID, error) {
	var unread []parley.ID
	for _, j := range batch {
		if c := &r.cands[j]; !c.read {
			unread = append(unread, c.id)
		}
	}
	if len(unread) > 0 {
		if err := q.eachRow(ctx, "search", sq.rows, []any{sq.rowsArg(unread)}, func(rows *sql.Rows) error {
			var h searchHit
			if err := rows.Scan(&h.id, &h.inbox, &h.placement, &h.at); err != nil {
				return err
			}
			if j, ok := r.index[h.id]; ok {
				r.read(&r.cands[j], &h)
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	ranked := make([]*candidate, 0, len(batch))
	for _, j := range batch {
		if c := &r.cands[j]; c.read && c.in {
			ranked = append(ranked, c)
		}
	}
	slices.SortFunc(ranked, func(a, b *candidate) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(b.at, a.at), cmp.Compare(b.id, a.id))
	})
	ids := make([]parley.ID, len(ranked))
	for i, c := range ranked {
		ids[i] = c.id
	}
	return ids, nil
}

// searchCandidates returns each kind's candidates. On PostgreSQL outside a
// transaction the kinds are searched at once, each on a connection of
// search's pool: a search takes as long as its slowest kind, not the sum.
func (q *Q) searchCandidates(ctx context.Context, terms []SearchTerm, sq searchSQL, cap int) ([kindCount][]searchHit, error) {
	var out [kindCount][]searchHit
	if q.d.name() != "postgres" {
		for kind := range kindCount {
			match, ok, err := q.sqliteMatch(ctx, kind, terms)
			if err == nil && ok {
				out[kind], _, err = q.searchHits(ctx, false, sq.kinds[kind], match, cap)
			}
			if err != nil {
				return out, err
			}
		}
		return out, nil
	}
	query := sq.render(terms)
	top, err := q.newestIDs(ctx)
	if err != nil {
		return out, err
	}
	if q.search == nil { // in a transaction: one connection
		for kind := range kindCount {
			if out[kind], err = q.postgresCandidates(ctx, kind, terms, query, top[kind], cap); err != nil {
				return out, err
			}
		}
		return out, nil
	}
	g, gctx := errgroup.WithContext(ctx)
	for kind := range kindCount {
		g.Go(func() error {
			var err error
			out[kind], err = q.postgresCandidates(gctx, kind, terms, query, top[kind], cap)
			return err
		})
	}
	err = g.Wait()
	return out, err
}

func int64s(ids []parley.ID) []int64 {
	out := make([]int64, len(ids))
	for i, id := range ids {
		out[i] = int64(id)
	}
	return out
}

// searchHits runs one candidate query within searchBudget and returns the
// hits it read, and whether that is its whole answer; a query that runs
// out of time returns what it had read, which is not an error. withRow
// says the query returns hitRow after each id.
func (q *Q) searchHits(ctx context.Context, withRow bool, query string, args ...any) ([]searchHit, bool, error) {
	on, budget := q, searchBudget
	if q.search != nil {
		// PostgreSQL ends the query at the budget itself; this deadline
		// backs it up. It also bounds dialling a new connection, which
		// takes longer than a budget on a busy machine: bounded by twice
		// the budget, no dial succeeded under 8 clients at 1M, and every
		// query waited out its deadline (W4 ×8 p50 727 ms, 12 searches/s;
		// docs/benchmarks/issue-19.md).
		on = &Q{db: q.search, d: q.d}
		budget += time.Second
	}
	qctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	var out []searchHit
	err := on.eachRow(qctx, "search", query, args, func(rows *sql.Rows) error {
		h := searchHit{read: withRow}
		dest := []any{&h.id}
		if withRow {
			dest = append(dest, &h.inbox, &h.placement, &h.at)
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		out = append(out, h)
		return nil
	})
	// Over budget: keep what was found. The budget is judged by the clock
	// too: a connection dialled under it can fail with its own i/o timeout
	// an instant before the context says it is done.
	deadline, _ := qctx.Deadline()
	if err != nil && (qctx.Err() != nil || !time.Now().Before(deadline) || overBudget(err)) && ctx.Err() == nil {
		return out, false, nil
	}
	return out, err == nil, err
}

// ConversationsByID loads the conversations of ids, in the order given;
// an id with no conversation (deleted since) is left out.
func (q *Q) ConversationsByID(ctx context.Context, ids []parley.ID) ([]parley.Conversation, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args, idIn := inList(ids, 0)
	byID := make(map[parley.ID]parley.Conversation, len(ids))
	if err := q.eachRow(ctx, "search", `SELECT `+conversationColumns+conversationFrom+` WHERE c.id IN (`+idIn+`)`, args, func(rows *sql.Rows) error {
		var c parley.Conversation
		if err := scanConversation(rows, &c); err != nil {
			return err
		}
		byID[c.ID] = c
		return nil
	}); err != nil {
		return nil, err
	}
	out := make([]parley.Conversation, 0, len(ids))
	for _, id := range ids {
		if c, ok := byID[id]; ok {
			out = append(out, c)
		}
	}
	return out, nil
}

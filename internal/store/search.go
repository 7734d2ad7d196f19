package store

import (
	"context"
	"database/sql"
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
// the candidates of each kind (subjects, contacts, messages) and how a
// score's candidates are ranked. A kind's candidates are conversation ids,
// most recent first, capped: ranking is bounded by the cap however common
// a word is.
type searchSQL struct {
	render func([]SearchTerm) string
	// kinds are SQLite's candidate queries, one per kind ($1 query, $2
	// cap); PostgreSQL's are pgKinds (search_postgres.go).
	kinds [kindCount]string
	// rank orders candidates that are in the inboxes and placements given
	// by score, then recency ($1 candidates, $2 inboxes, $3 placements,
	// $4 their scores, made by rankArgs): in the engine, so that only ids
	// cross the driver, each list bound as one value (SQLite binds a list
	// of placeholders by name in quadratic time).
	rank     string
	rankArgs func(ids []parley.ID, scores []int, inboxIDs []parley.ID, placements []parley.Placement) []any
}

// searchBatch is how many candidates of the best scores are ranked in one
// statement: the ranks above a page's last hit are usually a few each,
// and a statement for each was a round trip each.
const searchBatch = 64

// The kinds of candidates, and how much each weighs in a conversation's
// score: a subject or contact match 3, each matching message 1, up to 5.
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
	rank: `SELECT c.id FROM unnest($1::bigint[], $4::int[]) AS r(id, score) JOIN conversations c ON c.id = r.id
		WHERE c.inbox_id = ANY($2::bigint[]) AND c.placement = ANY($3::text[])
		ORDER BY r.score DESC, c.last_activity_at DESC, c.id DESC`,
	rankArgs: func(ids []parley.ID, scores []int, inboxIDs []parley.ID, placements []parley.Placement) []any {
		pl := make([]string, len(placements))
		for i, p := range placements {
			pl[i] = string(p)
		}
		return []any{int64s(ids), int64s(inboxIDs), pl, scores}
	},
}

// Search finds conversations matching every term in their subject, contact
// (name, emails) or messages, among the inboxes and placements given. The
// candidates of each kind are the cap most recent; hits rank by relevance
// (a subject or contact match weighs 3, each matching message 1, up to 5)
// then recency. Search calls each with hits in that order, a batch at a
// time (a score's, or the next scores' together while they are at most
// searchBatch candidates), until each returns false: the conversations of
// a rank are looked up only when the ranks above it did not fill the
// caller's page.
func (q *Q) Search(ctx context.Context, terms []SearchTerm, inboxIDs []parley.ID, placements []parley.Placement, cap int, each func([]parley.ID) (bool, error)) error {
	if len(inboxIDs) == 0 {
		return nil
	}
	sq := q.d.search()
	candidates, err := q.searchCandidates(ctx, terms, sq, cap)
	if err != nil {
		return err
	}
	scores := map[parley.ID]int{}
	for kind, ids := range candidates {
		w := searchWeights[kind]
		got := map[parley.ID]int{}
		for _, id := range ids {
			if got[id] < w.max {
				got[id] += w.weight
			}
		}
		for id, s := range got {
			scores[id] += s
		}
	}
	ranks := map[int][]parley.ID{}
	for id, score := range scores {
		ranks[score] = append(ranks[score], id)
	}
	var batch []parley.ID
	var batchScores []int
	order := slices.Sorted(maps.Keys(ranks))
	for i, score := range slices.Backward(order) {
		batch = append(batch, ranks[score]...)
		for range ranks[score] {
			batchScores = append(batchScores, score)
		}
		if i > 0 && len(batch)+len(ranks[order[i-1]]) <= searchBatch {
			continue // the next rank joins this statement
		}
		var hits []parley.ID
		if err := q.eachRow(ctx, "search", sq.rank, sq.rankArgs(batch, batchScores, inboxIDs, placements), func(rows *sql.Rows) error {
			var id parley.ID
			if err := rows.Scan(&id); err != nil {
				return err
			}
			hits = append(hits, id)
			return nil
		}); err != nil {
			return err
		}
		batch, batchScores = batch[:0], batchScores[:0]
		if len(hits) == 0 {
			continue
		}
		if more, err := each(hits); err != nil || !more {
			return err
		}
	}
	return nil
}

// searchCandidates returns each kind's candidates. On PostgreSQL outside a
// transaction the kinds are searched at once, each on a connection of
// search's pool: a search takes as long as its slowest kind, not the sum.
func (q *Q) searchCandidates(ctx context.Context, terms []SearchTerm, sq searchSQL, cap int) ([kindCount][]parley.ID, error) {
	var out [kindCount][]parley.ID
	if q.d.name() != "postgres" {
		for kind := range kindCount {
			match, ok, err := q.sqliteMatch(ctx, kind, terms)
			if err == nil && ok {
				out[kind], _, err = q.searchIDs(ctx, sq.kinds[kind], match, cap)
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

// searchIDs runs one candidate query within searchBudget and returns the ids
// it read, and whether that is its whole answer; a query that runs out of
// time returns what it had read, which is not an error.
func (q *Q) searchIDs(ctx context.Context, query string, args ...any) ([]parley.ID, bool, error) {
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
	var out []parley.ID
	err := on.eachRow(qctx, "search", query, args, func(rows *sql.Rows) error {
		var id parley.ID
		if err := rows.Scan(&id); err != nil {
			return err
		}
		out = append(out, id)
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

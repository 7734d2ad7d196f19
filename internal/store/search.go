package store

import (
	"context"
	"database/sql"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

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

// Full-text search, per engine, in this one place: how a query is written
// and the candidate queries of each kind (messages, subjects, contacts).
// Each returns conversation ids, most recent first, capped: ranking is
// bounded by the cap however common a word is. A kind may have several
// queries, tried in order until one finds searchEnough candidates (the last
// one's answer stands).
type searchSQL struct {
	render   func([]SearchTerm) string
	messages []string // $1 query, $2 cap → conversation_id
	subjects []string // $1 query, $2 cap → id
	contacts []string // $1 query, $2 cap → conversation id
}

// searchEnough is how many candidates of a kind end the search for them.
const searchEnough = 20

// searchBudget bounds each candidate query in time. A query over it is
// interrupted and the search keeps what it had: the most recent matches,
// or none of that kind. Three kinds at most two queries each stay under the
// 250 ms a search may ever take.
const searchBudget = 60 * time.Millisecond

// On PostgreSQL no single plan is safe: walking the primary key backwards,
// filtering, is instant for a common word but reads every row for a rare
// one (0.5 s at a million messages); the GIN index is instant for a rare
// word but must fetch every match of a common one (1 s). So: first filter
// the 5,000 most recent rows (a few ms); fewer than
// searchEnough matches there means a rare word, whose GIN bitmap is small.
const pgWindow = "5000"

var sqliteSearch = searchSQL{
	render: func(terms []SearchTerm) string {
		parts := make([]string, len(terms))
		for i, t := range terms {
			parts[i] = `"` + strings.Join(t.Words, " ") + `"`
			if t.Prefix {
				parts[i] += "*"
			}
		}
		return strings.Join(parts, " ")
	},
	// FTS5 walks its index in rowid order and stops at the limit: one
	// query serves rare and common words alike.
	messages: []string{`SELECT m.conversation_id FROM messages m WHERE m.id IN (
		SELECT rowid FROM messages_fts WHERE messages_fts MATCH $1 ORDER BY rowid DESC LIMIT $2)`},
	subjects: []string{`SELECT rowid FROM subjects_fts WHERE subjects_fts MATCH $1 ORDER BY rowid DESC LIMIT $2`},
	contacts: []string{`SELECT c.id FROM conversations c WHERE c.contact_id IN (
		SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH $1 ORDER BY rowid DESC LIMIT $2)
		ORDER BY c.id DESC LIMIT $2`},
}

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
	messages: []string{
		`SELECT conversation_id FROM (SELECT id, conversation_id, search FROM messages ORDER BY id DESC LIMIT ` + pgWindow + `) r
			WHERE search @@ to_tsquery('simple', $1) ORDER BY id DESC LIMIT $2`,
		`WITH m AS MATERIALIZED (SELECT id, conversation_id FROM messages WHERE search @@ to_tsquery('simple', $1))
			SELECT conversation_id FROM m ORDER BY id DESC LIMIT $2`,
	},
	subjects: []string{
		`SELECT id FROM (SELECT id, search FROM conversations ORDER BY id DESC LIMIT ` + pgWindow + `) r
			WHERE search @@ to_tsquery('simple', $1) ORDER BY id DESC LIMIT $2`,
		`WITH m AS MATERIALIZED (SELECT id FROM conversations WHERE search @@ to_tsquery('simple', $1))
			SELECT id FROM m ORDER BY id DESC LIMIT $2`,
	},
	contacts: []string{
		`SELECT c.id FROM conversations c WHERE c.contact_id IN (
			SELECT id FROM (SELECT id, search FROM contacts ORDER BY id DESC LIMIT ` + pgWindow + `) r
			WHERE search @@ to_tsquery('simple', $1) ORDER BY id DESC LIMIT $2)
			ORDER BY c.id DESC LIMIT $2`,
		`WITH k AS MATERIALIZED (SELECT id FROM contacts WHERE search @@ to_tsquery('simple', $1))
			SELECT c.id FROM conversations c WHERE c.contact_id IN (SELECT id FROM k ORDER BY id DESC LIMIT $2)
			ORDER BY c.id DESC LIMIT $2`,
	},
}

// SearchHit is a conversation found by a search, with how it matched.
type SearchHit struct {
	Conversation parley.Conversation
	Score        int
}

// Search finds conversations matching every term in their subject, contact
// (name, emails) or messages, among the inboxes and placements given. The
// candidates of each kind are the cap most recent; hits rank by relevance
// (a subject or contact match weighs 3, each matching message 1, up to 5)
// then recency.
func (q *Q) Search(ctx context.Context, terms []SearchTerm, inboxIDs []parley.ID, placements []parley.Placement, cap int) ([]SearchHit, error) {
	if len(inboxIDs) == 0 {
		return nil, nil
	}
	sq := q.d.search()
	query := sq.render(terms)
	scores := map[parley.ID]int{}
	for _, src := range []struct {
		queries []string
		weight  int
		max     int
	}{{sq.subjects, 3, 3}, {sq.contacts, 3, 3}, {sq.messages, 1, 5}} {
		var ids []parley.ID
		for _, sql := range src.queries {
			found, err := q.searchIDs(ctx, sql, query, cap)
			if err != nil {
				return nil, err
			}
			if len(found) >= len(ids) {
				ids = found
			}
			if len(ids) >= searchEnough {
				break
			}
		}
		got := map[parley.ID]int{}
		for _, id := range ids {
			if got[id] < src.max {
				got[id] += src.weight
			}
		}
		for id, s := range got {
			scores[id] += s
		}
	}
	if len(scores) == 0 {
		return nil, nil
	}
	ids := make([]parley.ID, 0, len(scores))
	for id := range scores {
		ids = append(ids, id)
	}
	convs, err := q.conversationsIn(ctx, ids, inboxIDs, placements)
	if err != nil {
		return nil, err
	}
	hits := make([]SearchHit, len(convs))
	for i, c := range convs {
		hits[i] = SearchHit{Conversation: c, Score: scores[c.ID]}
	}
	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if !a.Conversation.LastActivityAt.Equal(b.Conversation.LastActivityAt) {
			return a.Conversation.LastActivityAt.After(b.Conversation.LastActivityAt)
		}
		return a.Conversation.ID > b.Conversation.ID
	})
	return hits, nil
}

// searchIDs runs one candidate query within searchBudget and returns the ids
// it read; a query that runs out of time returns what it had read, which is
// not an error.
func (q *Q) searchIDs(ctx context.Context, query string, args ...any) ([]parley.ID, error) {
	qctx, cancel := context.WithTimeout(ctx, searchBudget)
	defer cancel()
	var out []parley.ID
	err := q.eachRow(qctx, "search", query, args, func(rows *sql.Rows) error {
		var id parley.ID
		if err := rows.Scan(&id); err != nil {
			return err
		}
		out = append(out, id)
		return nil
	})
	if err != nil && qctx.Err() != nil && ctx.Err() == nil {
		return out, nil // over budget: keep what was found
	}
	return out, err
}

// conversationsIn loads the conversations among ids that are in the inboxes
// and placements given. It selects by id alone, so the engine looks each up
// by primary key; with the inbox in the query SQLite would rather scan an
// inbox's index.
func (q *Q) conversationsIn(ctx context.Context, ids, inboxIDs []parley.ID, placements []parley.Placement) ([]parley.Conversation, error) {
	inbox := make(map[parley.ID]bool, len(inboxIDs))
	for _, id := range inboxIDs {
		inbox[id] = true
	}
	args, idIn := inList(ids, 0)
	var out []parley.Conversation
	if err := q.eachRow(ctx, "search", `SELECT `+conversationColumns+conversationFrom+` WHERE c.id IN (`+idIn+`)`, args, func(rows *sql.Rows) error {
		var c parley.Conversation
		if err := scanConversation(rows, &c); err != nil {
			return err
		}
		if inbox[c.InboxID] && slices.Contains(placements, c.Placement) {
			out = append(out, c)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

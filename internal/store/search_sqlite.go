package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/parleyhq/parley/internal/parley"
)

// sqliteTimeLayouts are how a time may be written as text: by the driver
// (_time_format=sqlite, sqliteDialect.open: every time Parley writes),
// then as SQL or other tools write them (without a zone, UTC).
var sqliteTimeLayouts = []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"}

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
	kinds: [kindCount]string{
		kindSubjects: `SELECT rowid FROM subjects_fts WHERE subjects_fts MATCH $1 ORDER BY rowid DESC LIMIT $2`,
		kindContacts: `SELECT c.id FROM conversations c WHERE c.contact_id IN (
			SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH $1 ORDER BY rowid DESC LIMIT $2)
			ORDER BY c.id DESC LIMIT $2`,
		kindMessages: `SELECT m.conversation_id FROM messages m WHERE m.id IN (
			SELECT rowid FROM messages_fts WHERE messages_fts MATCH $1 ORDER BY rowid DESC LIMIT $2)`,
	},
	// CROSS JOIN keeps the ids outside: each is looked up by primary key.
	// The last activity is read as its text (activity).
	rows: `SELECT c.id, c.inbox_id, c.placement, CAST(c.last_activity_at AS TEXT)
		FROM json_each($1) r CROSS JOIN conversations c ON c.id = r.value`,
	rowsArg: func(ids []parley.ID) any {
		b, _ := json.Marshal(ids)
		return string(b)
	},
}

// On SQLite a prefix* is searched as the words it begins, OR'ed: FTS5
// reads an OR of words lazily, newest first, and stops at the cap (0.4 ms
// for three words at 10M messages), where it answers a prefix by merging
// every such word's matches in full first (70–230 ms). The words come from
// the kind's FTS5 index itself (sqliteVocab, migration 00053), skipped
// through one at a time: each lookup seeks the index (~0.1 ms), so a
// prefix beginning more than maxPrefixWords words keeps FTS5's prefix
// query, as does one with a letter that does not fold to ASCII (the index
// holds words folded by unicode61's remove_diacritics, which prefixFold
// matches for those letters only).
const maxPrefixWords = 32

var sqliteVocab = [kindCount]string{
	kindSubjects: "subjects_vocab",
	kindContacts: "contacts_vocab",
	kindMessages: "messages_vocab",
}

// sqliteMatch renders terms as kind's FTS5 query, each prefix expanded
// into its words where it can be; false if a prefix begins no word of the
// kind, which then has no candidates.
func (q *Q) sqliteMatch(ctx context.Context, kind int, terms []SearchTerm) (string, bool, error) {
	parts := make([]string, len(terms))
	for i, t := range terms {
		phrase := strings.Join(t.Words, " ")
		parts[i] = `"` + phrase + `"`
		if !t.Prefix {
			continue
		}
		last := t.Words[len(t.Words)-1]
		prefix, ok := prefixFold(last)
		var words []string
		if ok {
			var err error
			if words, ok, err = q.prefixWords(ctx, sqliteVocab[kind], prefix); err != nil {
				return "", false, err
			}
		}
		switch {
		case !ok:
			parts[i] += "*"
		case len(words) == 0:
			return "", false, nil
		default:
			lead := strings.TrimSuffix(phrase, last)
			for j, w := range words {
				words[j] = `"` + lead + w + `"`
			}
			parts[i] = strings.Join(words, " OR ")
			if len(words) > 1 {
				parts[i] = "(" + parts[i] + ")"
			}
		}
	}
	return strings.Join(parts, " AND "), true, nil
}

// prefixWords returns the words of vocab that begin with prefix, in
// order; false if there are more than maxPrefixWords. Each lookup asks for
// the first word from a bound just past the last one found ("\x01" sorts
// before any letter): a bound of "> word" would walk that word's every
// occurrence.
func (q *Q) prefixWords(ctx context.Context, vocab, prefix string) ([]string, bool, error) {
	var words []string
	from := prefix
	for {
		var w string
		err := q.db.QueryRowContext(ctx, `SELECT term FROM `+vocab+` WHERE term >= $1 LIMIT 1`, from).Scan(&w)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !strings.HasPrefix(w, prefix)) {
			return words, true, nil
		}
		if err != nil {
			return nil, false, q.wrap(err, "search: words of a prefix")
		}
		if len(words) == maxPrefixWords {
			return nil, false, nil
		}
		words = append(words, w)
		from = w + "\x01"
	}
}

// prefixFold folds a prefix as unicode61's remove_diacritics does the
// words it indexes, for the letters it folds to ASCII (é → e, ç → c);
// false if a letter is not one of those (ø, ß, ǿ, Greek…), whose folding
// is not matched here.
func prefixFold(s string) (string, bool) {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r <= unicode.MaxASCII:
			b.WriteRune(r)
		case !unicode.Is(unicode.Mn, r):
			return "", false
		}
	}
	return b.String(), true
}

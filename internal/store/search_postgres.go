package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// On PostgreSQL a kind's candidates are found newest bucket first. A
// bucket is a range of 2,048 ids (id >> searchShift); migration 00052
// indexes each row's words prefixed by its bucket ('4882.order'), so one
// GIN lookup of the newest buckets' words finds their matches and fetches
// no others. The plain GIN index of the search column has no order: for a
// common word it fetched and sorted every match (a second at 10M
// messages), which is why search used to filter the newest 5,000 rows one
// by one first (3–4 µs a row, 20 ms for a word it could not find).
const searchShift = 11

// A kind's candidates come from at most three statements. The first
// probes the newest pgWindow buckets (12,288 rows) for up to the cap; if
// they hold fewer than searchEnough, the second probes the buckets after
// them, to pgRareAfter (176,000 rows), for up to the cap in all; if they
// still hold fewer than searchEnough, the word is rare and the plain index
// fetches its every match, which is cheap for it. A probe walks groups of
// buckets newest first, each group one GIN lookup whose matches are
// sorted, and stops at its limit: the window's groups are a bucket each
// (the newest may have just begun), the rest's four (pgGroups).
const (
	pgWindow    = 6
	pgRest      = 20 // groups after the window, of pgRestGroup buckets each
	pgRestGroup = 4
	pgRareAfter = pgWindow + pgRest*pgRestGroup
)

// pgGroups are the sizes of a probe's groups of buckets, newest first:
// the window's, then the rest's. A group's matches are all fetched and
// sorted before the limit applies, so the rest's groups stay small: as
// {16, 64}, a fairly common pair of words ("order please") fetched
// thousands of rows of the 64 buckets to keep 500 (W4 p50 at 1M 33 ms, 15
// ms as {4, 4, 8, 16, 16, 32}). And a group's lookup costs more than its
// size: GIN checks each row any of its words finds against the group's
// whole query, one branch per bucket, so the 80 buckets after the window
// took 28 ms as one group, 13 ms as those six and 9 ms as twenty of four
// (a rare pair in subjects at 1M; docs/benchmarks/issue-19.md). The
// window's buckets are a group each: a common pair of words fills the
// limit within two or three, and as {1, 1, 4} the last group's 2,048
// rows more were fetched and sorted for nothing (the messages' probe of
// "order please" 2.6 → 0.9 ms, "refund" 1.6 → 0.7 ms).
var pgGroups = [2][]int64{slices.Repeat([]int64{1}, pgWindow), slices.Repeat([]int64{pgRestGroup}, pgRest)}

// A pgKind is a kind of candidate on PostgreSQL. Its probe takes the
// groups' queries ($1, tsquery texts), the search ($2, a tsquery text: it
// also checks a phrase's word order) and a limit ($3); exhaustive takes
// the search and the cap as $1 and $2. The groups' common table
// expressions are materialized so that the planner cannot walk the
// primary key backwards filtering each row (it does under a LIMIT when it
// expects many matches); the search is checked on the rows fetched, as a
// function (ts_match_vq is @@) so that the plain index's bitmap of every
// match is not ANDed in, and without copying the rows' tsvectors out
// (3.3 → 1.7 ms for a common word's two newest buckets at 1M messages).
// Each group is sorted, and the LIMIT stops the walk after the group that
// reaches it. Where withRow, both return hitRow after each id.
type pgKind struct {
	probe      string
	exhaustive string
	withRow    bool
}

const pgGroupsOf = `unnest($1::text[]) AS g(q), LATERAL (
	WITH m AS MATERIALIZED (SELECT id%[2]s FROM %[1]s
		WHERE parley_search_buckets(search, id) @@ g.q::tsquery AND ts_match_vq(search, $2::tsquery))
	SELECT id%[2]s FROM m ORDER BY id DESC) x`

var pgKinds = [...]pgKind{
	kindSubjects: {
		`SELECT x.id FROM ` + fmt.Sprintf(pgGroupsOf, "conversations", "") + ` LIMIT $3`,
		`WITH m AS MATERIALIZED (SELECT id FROM conversations WHERE search @@ $1::tsquery)
			SELECT id FROM m ORDER BY id DESC LIMIT $2`,
		false},
	// A contact's candidates read their conversations' rows anyway: hitRow
	// comes with them (a contact name's ~430 were read again to rank them,
	// 1.2 ms at 1M).
	kindContacts: {
		`SELECT id, ` + hitRow + ` FROM conversations WHERE contact_id IN (
			SELECT x.id FROM ` + fmt.Sprintf(pgGroupsOf, "contacts", "") + ` LIMIT $3)
			ORDER BY id DESC LIMIT $3`,
		`WITH k AS MATERIALIZED (SELECT id FROM contacts WHERE search @@ $1::tsquery)
			SELECT id, ` + hitRow + ` FROM conversations WHERE contact_id IN (SELECT id FROM k ORDER BY id DESC LIMIT $2)
			ORDER BY id DESC LIMIT $2`,
		true},
	kindMessages: {
		`SELECT x.conversation_id FROM ` + fmt.Sprintf(pgGroupsOf, "messages", ", conversation_id") + ` LIMIT $3`,
		`WITH m AS MATERIALIZED (SELECT id, conversation_id FROM messages WHERE search @@ $1::tsquery)
			SELECT conversation_id FROM m ORDER BY id DESC LIMIT $2`,
		false},
}

// newestIDs returns each kind's table's highest id: its newest bucket. It
// reads from the main pool, not search's: three index lookups need no
// budget, and a new connection's first statement may take longer than one.
func (q *Q) newestIDs(ctx context.Context) ([kindCount]int64, error) {
	var top [kindCount]int64
	err := q.db.QueryRowContext(ctx, `SELECT
		(SELECT coalesce(max(id), 0) FROM conversations),
		(SELECT coalesce(max(id), 0) FROM contacts),
		(SELECT coalesce(max(id), 0) FROM messages)`).Scan(&top[kindSubjects], &top[kindContacts], &top[kindMessages])
	return top, err
}

// postgresCandidates returns the most recent candidates of kind, by the
// rules above.
func (q *Q) postgresCandidates(ctx context.Context, kind int, terms []SearchTerm, query string, top int64, cap int) ([]searchHit, error) {
	k := pgKinds[kind]
	hi := top >> searchShift
	enough := min(searchEnough, cap)
	hits, complete, err := q.searchHits(ctx, k.withRow, k.probe, bucketGroups(terms, hi, pgGroups[0]), query, cap)
	if err != nil || !complete || len(hits) >= enough || hi < pgWindow {
		return hits, err
	}
	more, complete, err := q.searchHits(ctx, k.withRow, k.probe, bucketGroups(terms, hi-pgWindow, pgGroups[1]), query, cap-len(hits))
	hits = append(hits, more...)
	if err != nil || !complete || len(hits) >= enough || hi < pgRareAfter {
		return hits, err
	}
	all, _, err := q.searchHits(ctx, k.withRow, k.exhaustive, query, cap)
	if err != nil || len(all) < len(hits) {
		return hits, err
	}
	return all, nil
}

// bucketGroups renders terms as one tsquery per group of buckets, the
// groups of the sizes given, from bucket hi down (none below 0).
func bucketGroups(terms []SearchTerm, hi int64, sizes []int64) []string {
	var out []string
	for _, n := range sizes {
		if hi < 0 {
			break
		}
		lo := max(hi-n+1, 0)
		out = append(out, bucketQuery(terms, lo, hi))
		hi = lo - 1
	}
	return out
}

// bucketQuery renders terms as a tsquery over the bucketed words of
// buckets lo to hi: in any of them, every term (a phrase's words all in
// it; its order is checked on the search column).
func bucketQuery(terms []SearchTerm, lo, hi int64) string {
	var b strings.Builder
	for bucket := hi; bucket >= lo; bucket-- {
		if bucket != hi {
			b.WriteString(" | ")
		}
		b.WriteByte('(')
		prefix := strconv.FormatInt(bucket, 10) + "."
		first := true
		for _, t := range terms {
			for _, w := range t.Words {
				if !first {
					b.WriteString(" & ")
				}
				first = false
				// Words are letters and digits only (ParseSearch): nothing
				// in them is tsquery syntax.
				b.WriteString("'" + prefix + w + "'")
				if t.Prefix {
					b.WriteString(":*")
				}
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

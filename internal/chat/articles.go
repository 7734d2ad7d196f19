package chat

import (
	"context"
	"math"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// A bot's articles step suggests the team's knowledge-base articles for
// the visitor's question (SPEC CHT-14, CMP-2). A library holds tens to
// hundreds of articles, read whole in one query: they are ranked here, in
// Go, the same on both engines — words folded (case, accents), common
// words of English and French left out, a word matching another that
// starts with it ("refund" finds "refunds"), each match weighed by how
// rare the word is among the articles (idf), a title's words three times
// a summary's.

// MaxSuggested is how many articles a bot suggests at most.
const MaxSuggested = 3

// suggest returns the articles that best answer question, in locale's
// language or in every language, the best first; none when nothing
// matches.
func suggest(ctx context.Context, q *store.Q, question, locale string) ([]parley.BotArticle, error) {
	items, err := q.LibraryItems(ctx, parley.LibraryArticle)
	if err != nil {
		return nil, err
	}
	items = slices.DeleteFunc(items, func(it parley.LibraryItem) bool { return it.Language != "" && it.Language != locale })
	return rank(items, question), nil
}

// rank scores items for question and returns the best MaxSuggested.
func rank(items []parley.LibraryItem, question string) []parley.BotArticle {
	asked := words(question)
	if len(asked) == 0 || len(items) == 0 {
		return nil
	}
	type doc struct{ title, body []string }
	docs := make([]doc, len(items))
	for i, it := range items {
		docs[i] = doc{words(it.Title), words(it.Body)}
	}
	// How many articles each asked word appears in, for its weight.
	df := map[string]int{}
	for _, w := range asked {
		for _, d := range docs {
			if matches(w, d.title) > 0 || matches(w, d.body) > 0 {
				df[w]++
			}
		}
	}
	type hit struct {
		i     int
		score float64
	}
	var hits []hit
	n := float64(len(docs))
	for i, d := range docs {
		score := 0.0
		for _, w := range asked {
			if df[w] == 0 {
				continue
			}
			idf := math.Log(1 + (n-float64(df[w])+0.5)/(float64(df[w])+0.5))
			tf := 3*float64(matches(w, d.title)) + float64(matches(w, d.body))
			score += idf * tf / (tf + 1.2) // saturating: a word said ten times is not ten times the answer
		}
		if score > 0 {
			hits = append(hits, hit{i, score})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	var out []parley.BotArticle
	for _, h := range hits[:min(len(hits), MaxSuggested)] {
		it := items[h.i]
		out = append(out, parley.BotArticle{ID: it.ID, Title: it.Title, URL: it.URL})
	}
	return out
}

// matches counts the words of text that are w, or start with it or it
// with them when both are long enough to be one word's forms.
func matches(w string, text []string) int {
	n := 0
	for _, t := range text {
		switch {
		case t == w:
			n++
		case len(w) >= 4 && len(t) >= 4 && (strings.HasPrefix(t, w) || strings.HasPrefix(w, t)):
			n++
		}
	}
	return n
}

// words splits text into folded words, leaving out common ones and each
// asked once.
func words(text string) []string {
	folded := fold(text)
	var out []string
	for _, w := range strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(w) < 2 || stopWords[w] {
			continue
		}
		out = append(out, w)
	}
	return out
}

// fold lowercases text and takes its accents off: "Réduction" is
// "reduction".
func fold(text string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(text)) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// stopWords are the words of English and French, folded, that say nothing
// of what a question is about.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about an and are as at be but by can could did do does for from have how i if in is it
		me my no not of on or our please so that the their them there this to us was we what when where which who why will
		with would you your hello hi thanks thank
		au aux avec ce ces cet cette comment dans de des du elle en est et il ils je la le les leur mais me mes mon ne nous
		on ou par pas pour quand que quel quelle qui sa se ses son sur ta te tes ton tu un une vos votre vous bonjour merci
		est-ce puis peux veux`) {
		m[w] = true
	}
	return m
}()

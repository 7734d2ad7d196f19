package chat

import (
	"testing"

	"github.com/parleyhq/parley/internal/parley"
)

// TestRank: articles are found by the words of the question whatever
// their case, accents and plural, common words count for nothing, a
// title's words weigh more than a summary's, and a question about nothing
// the library holds finds nothing.
func TestRank(t *testing.T) {
	items := []parley.LibraryItem{
		{ID: 1, Title: "Where is my parcel?", Body: "Track the delivery of your order."},
		{ID: 2, Title: "Refunds", Body: "Money back within 30 days of delivery."},
		{ID: 3, Title: "Délais de livraison", Body: "Les colis arrivent en trois jours."},
		{ID: 4, Title: "Shipping abroad", Body: "We ship parcels to 40 countries; delivery takes a week."},
	}
	tests := []struct {
		question string
		want     []parley.ID // in order
	}{
		{"where is my PARCEL", []parley.ID{1, 4}},
		{"I want a refund", []parley.ID{2}},
		{"delai de livraison ?", []parley.ID{3}},
		{"delivery", []parley.ID{1, 2, 4}}, // in every summary: equal weight, library order
		{"shipping", []parley.ID{4}},
		{"the and of", nil},
		{"kettle", nil},
		{"", nil},
	}
	for _, tt := range tests {
		got := rank(items, tt.question)
		ids := make([]parley.ID, len(got))
		for i, a := range got {
			ids[i] = a.ID
		}
		if len(ids) != len(tt.want) {
			t.Errorf("%q: %v, want %v", tt.question, ids, tt.want)
			continue
		}
		for i := range ids {
			if ids[i] != tt.want[i] {
				t.Errorf("%q: %v, want %v", tt.question, ids, tt.want)
				break
			}
		}
	}
}

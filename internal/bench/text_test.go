package bench

import (
	"slices"
	"testing"
	"unicode"
)

// TestRareWords gives W4's varied case as many different single words as
// it asks for, from the rare end of the vocabulary.
func TestRareWords(t *testing.T) {
	got := rareWords(50)
	if len(got) != 50 {
		t.Fatalf("%d words, want 50", len(got))
	}
	seen := map[string]bool{}
	for _, w := range got {
		if seen[w] {
			t.Errorf("%q twice", w)
		}
		seen[w] = true
		for _, r := range w {
			if !unicode.IsLetter(r) {
				t.Errorf("%q is not a single word of letters", w)
				break
			}
		}
	}
	for _, common := range []string{"the", "order", "commande", "please"} {
		if slices.Contains(got, common) {
			t.Errorf("%q is among the rare words", common)
		}
	}
	if got[0] != vocabulary[len(vocabulary)-1] {
		t.Errorf("first %q, want the vocabulary's last, %q", got[0], vocabulary[len(vocabulary)-1])
	}
}

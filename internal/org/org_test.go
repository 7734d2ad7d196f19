package org

import "testing"

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Support":                   "support",
		"Ventes & Équipe":           "ventes-equipe",
		"  Billing -- EU  ":         "billing-eu",
		"Ça marche, l'après-vente!": "ca-marche-l-apres-vente",
		"日本":                        "inbox",
		"":                          "inbox",
		"a very long inbox name that goes on and on and on": "a-very-long-inbox-name-that-goes-on-and",
	} {
		if got := slugify(in); got != want {
			t.Errorf("slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

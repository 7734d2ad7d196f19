package bench

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode"
)

// vocabulary is what support mail is made of, English and French, most
// frequent first: a Zipf draw over it makes "order" common and "warranty"
// rare, as in a real inbox.
var vocabulary = strings.Fields(`
the to and a i my you is for of it in have on this we with your order please
not be can are was that me thank hello thanks but would help from at as so
le la de je et les un une pour mon est pas vous bonjour merci commande
delivery account payment invoice refund help question problem issue still
email password login website app update received sent need know time days
livraison compte paiement facture remboursement question problème toujours
today yesterday week since again could should about when what why how any
number address phone change cancel cancelled subscription plan price charge
aujourd'hui hier semaine depuis encore pourrait devrait quand pourquoi comment
late missing broken damaged wrong item package parcel tracking shipped
retard manquant cassé endommagé mauvais article colis suivi expédié
support team agent customer service reply response waiting urgent asap
équipe client réponse attente urgent rapidement
error message screen click button page link download install version
erreur écran bouton lien télécharger installer
card bank transfer credit debit receipt discount coupon code promotion
carte banque virement reçu remise réduction
warranty exchange return label replacement repair technician appointment
garantie échange retour étiquette remplacement réparation technicien rendez-vous
contract renewal quote proposal meeting demo trial upgrade downgrade
contrat renouvellement devis proposition réunion démonstration essai
kettle toaster blender vacuum headphones charger cable keyboard monitor
bouilloire grille-pain mixeur aspirateur casque chargeur câble clavier
`)

var firstNames = strings.Fields(`Ana Bruno Chloé David Emma Farid Gabriel Hugo Inès Jules Karim Léa Marie Nadia
Olivier Paul Quentin Rose Sarah Thomas Ugo Valérie William Yasmine Zoé James Olivia Liam Noah Mia Lucas Ava`)

var lastNames = strings.Fields(`Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent
Lefebvre Michel Garcia Smith Johnson Williams Brown Jones Miller Davis Wilson Taylor Anderson Lima Stone`)

var domains = strings.Fields(`gmail.com outlook.fr orange.fr yahoo.com free.fr example.org acme.example company.example`)

// rareWords returns up to n of the vocabulary's rarest words (the end of
// its Zipf draw), rarest first: single words of letters only.
func rareWords(n int) []string {
	var out []string
	for i := len(vocabulary) - 1; i >= 0 && len(out) < n; i-- {
		if w := vocabulary[i]; strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) < 0 {
			out = append(out, w)
		}
	}
	return out
}

// writer makes text with a deterministic random source.
type writer struct {
	rng  *rand.Rand
	zipf *rand.Zipf
}

func newWriter(seed uint64) *writer {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return &writer{rng: rng, zipf: rand.NewZipf(rng, 1.1, 2, uint64(len(vocabulary)-1))}
}

// RareWord is put into one message in about ten thousand, for the "rare
// term" search.
const RareWord = "quasar"

func (w *writer) sentence(words int) string {
	var b strings.Builder
	for i := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(vocabulary[w.zipf.Uint64()])
	}
	r := []rune(b.String())
	return strings.ToUpper(string(r[:1])) + string(r[1:]) + "."
}

// message is a body of a few sentences, sometimes with an order number.
func (w *writer) message() string {
	n := 1 + w.rng.IntN(5)
	parts := make([]string, 0, n+1)
	for range n {
		parts = append(parts, w.sentence(6+w.rng.IntN(14)))
	}
	if w.rng.IntN(4) == 0 {
		parts = append(parts, fmt.Sprintf("Order %d.", 100000+w.rng.IntN(900000)))
	}
	if w.rng.IntN(10000) == 0 {
		parts = append(parts, "The "+RareWord+" model.")
	}
	return strings.Join(parts, " ")
}

func (w *writer) subject() string {
	s := w.sentence(2 + w.rng.IntN(6))
	return strings.TrimSuffix(s, ".")
}

// person makes a name and an address unique by n.
func (w *writer) person(n int) (name, email string) {
	f, l := firstNames[w.rng.IntN(len(firstNames))], lastNames[w.rng.IntN(len(lastNames))]
	return f + " " + l, fmt.Sprintf("%s.%s%d@%s", strings.ToLower(asciiOnly(f)), strings.ToLower(l), n,
		domains[w.rng.IntN(len(domains))])
}

func asciiOnly(s string) string {
	r := strings.NewReplacer("é", "e", "è", "e", "ï", "i", "ô", "o", "ç", "c", "É", "E", "Ç", "C")
	return r.Replace(s)
}

// clip returns at most n runes of s.
func clip(s string, n int) string {
	r := []rune(s)
	return string(r[:min(len(r), n)])
}

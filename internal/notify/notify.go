// Package notify writes what Parley itself says to people outside the app:
// invitations, address confirmations, and later notifications (SPEC COL-3).
// Every text comes from the catalogue below, in English and French (SPEC
// PLT-6); a test checks both have every message and fill every value.
package notify

import (
	"strconv"
	"strings"
	"time"
)

// Locales Parley writes in; the first is the fallback.
var Locales = []string{"en", "fr"}

// Locale returns the supported locale closest to l ("fr-CA" is "fr"), or
// English.
func Locale(l string) string {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(l)), "-")
	for _, s := range Locales {
		if s == base {
			return s
		}
	}
	return Locales[0]
}

// Mail is the subject and plain text of a message.
type Mail struct {
	Subject, Text string
}

type message struct{ subject, text string }

// catalogue holds each message by locale; {name} placeholders are filled
// from the values given.
var catalogue = map[string]map[string]message{
	"invitation": {
		"en": {"You are invited to {org}'s team inbox",
			"Hello {name},\n\nYou have been invited to answer {org}'s customers with Parley.\n\n" +
				"Sign in with this link within {days} days (it works once; then set a password in your profile):\n\n    {link}\n"},
		"fr": {"Vous êtes invité dans la boîte partagée de {org}",
			"Bonjour {name},\n\nVous êtes invité à répondre aux clients de {org} avec Parley.\n\n" +
				"Connectez-vous avec ce lien d'ici {days} jours (il ne sert qu'une fois ; définissez ensuite un mot de passe dans votre profil) :\n\n    {link}\n"},
	},
	"from_address": {
		"en": {"Confirm {email} as a sender for {inbox}",
			"Someone asked Parley to send the {inbox} inbox's mail from {email}.\n\n" +
				"If that was you or your team, confirm it within {hours} hours:\n\n    {link}\n\nIf not, ignore this message: nothing changes.\n"},
		"fr": {"Confirmez {email} comme expéditeur de {inbox}",
			"Quelqu'un a demandé à Parley d'envoyer le courrier de la boîte {inbox} depuis {email}.\n\n" +
				"Si c'est vous ou votre équipe, confirmez-le d'ici {hours} heures :\n\n    {link}\n\nSinon, ignorez ce message : rien ne change.\n"},
	},
}

func write(key, locale string, values map[string]string) Mail {
	m, ok := catalogue[key][Locale(locale)]
	if !ok {
		m = catalogue[key][Locales[0]]
	}
	r := filler(values)
	return Mail{Subject: r.Replace(m.subject), Text: r.Replace(m.text)}
}

// filler replaces each {name} with its value.
func filler(values map[string]string) *strings.Replacer {
	pairs := make([]string, 0, 2*len(values))
	for k, v := range values {
		pairs = append(pairs, "{"+k+"}", v)
	}
	return strings.NewReplacer(pairs...)
}

// Invitation is the mail that brings a new teammate in with a one-time link.
func Invitation(locale, org, name, link string, valid time.Duration) Mail {
	return write("invitation", locale, map[string]string{"org": org, "name": name, "link": link, "days": strconv.Itoa(int(valid.Hours() / 24))})
}

// FromAddress asks the owner of an address to confirm an inbox sends from it.
func FromAddress(locale, inbox, email, link string, valid time.Duration) Mail {
	return write("from_address", locale, map[string]string{"inbox": inbox, "email": email, "link": link, "hours": strconv.Itoa(int(valid.Hours()))})
}

// pages are the few pages the server itself shows (a link followed from a
// mail): title, text and, for a form, its button.
var pages = map[string]map[string][3]string{
	"link_failed": {
		"en": {"This sign-in link does not work", "{reason} Ask an admin for a new invitation, or sign in with your password.", ""},
		"fr": {"Ce lien de connexion ne fonctionne pas", "{reason} Demandez une nouvelle invitation à un administrateur, ou connectez-vous avec votre mot de passe.", ""},
	},
	"from_confirm": {
		"en": {"Confirm this sender address", "Confirm that mail from this inbox may be sent from your address.", "Confirm"},
		"fr": {"Confirmez cette adresse d'expéditeur", "Confirmez que le courrier de cette boîte peut partir de votre adresse.", "Confirmer"},
	},
	"from_confirmed": {
		"en": {"Address confirmed", "{channel} now sends from {email}.", ""},
		"fr": {"Adresse confirmée", "{channel} envoie désormais depuis {email}.", ""},
	},
	"from_unknown": {
		"en": {"This confirmation link does not work", "It is unknown, already used or expired. Ask for a new one from the inbox's settings.", ""},
		"fr": {"Ce lien de confirmation ne fonctionne pas", "Il est inconnu, déjà utilisé ou expiré. Demandez-en un nouveau depuis les paramètres de la boîte.", ""},
	},
}

// Page is a page the server shows, in a locale: its title, text and button
// (empty when it has none); values fill the {placeholders}.
func Page(locale, key string, values map[string]string) (title, text, button string) {
	p, ok := pages[key][Locale(locale)]
	if !ok {
		p = pages[key][Locales[0]]
	}
	r := filler(values)
	return r.Replace(p[0]), r.Replace(p[1]), p[2]
}

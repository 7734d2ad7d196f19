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

// Locales returns the languages Parley writes in; the first is the fallback.
func Locales() []string { return []string{"en", "fr"} }

// fallback is the language of a message missing in another.
const fallback = "en"

// Locale returns the supported locale closest to l ("fr-CA" is "fr"), or
// English.
func Locale(l string) string {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(l)), "-")
	for _, s := range Locales() {
		if s == base {
			return s
		}
	}
	return fallback
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
	"password_reset": {
		"en": {"Reset your {org} Parley password",
			"Hello {name},\n\nSomeone asked to reset the password of your Parley account at {org}.\n\n" +
				"If that was you, choose a new password with this link within {minutes} minutes (it works once):\n\n    {link}\n\n" +
				"If not, ignore this message: your password stays as it is.\n"},
		"fr": {"Réinitialisez votre mot de passe Parley chez {org}",
			"Bonjour {name},\n\nQuelqu'un a demandé à réinitialiser le mot de passe de votre compte Parley chez {org}.\n\n" +
				"Si c'est vous, choisissez un nouveau mot de passe avec ce lien d'ici {minutes} minutes (il ne sert qu'une fois) :\n\n    {link}\n\n" +
				"Sinon, ignorez ce message : votre mot de passe ne change pas.\n"},
	},
	"digest": {
		"en": {"{subject}: news in your conversation",
			"Hello {name},\n\nWhile you were away from Parley:\n\n{what}\n\nOpen the conversation:\n\n    {link}\n"},
		"fr": {"{subject} : du nouveau dans votre conversation",
			"Bonjour {name},\n\nPendant que vous n'étiez pas sur Parley :\n\n{what}\n\nOuvrez la conversation :\n\n    {link}\n"},
	},
	"line_assigned": {"en": {"", "{name} gave you this conversation"}, "fr": {"", "{name} vous a confié cette conversation"}},
	"line_routed":   {"en": {"", "It was routed to you"}, "fr": {"", "Elle vous a été routée"}},
	"line_message":  {"en": {"", "The customer wrote again"}, "fr": {"", "Le client a écrit à nouveau"}},
	"line_mention":  {"en": {"", "{name} mentioned you"}, "fr": {"", "{name} vous a mentionné"}},
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
		m = catalogue[key][fallback]
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

// PasswordReset is the mail with a single-use link to set a new password.
func PasswordReset(locale, org, name, link string, valid time.Duration) Mail {
	return write("password_reset", locale, map[string]string{"org": org, "name": name, "link": link, "minutes": strconv.Itoa(int(valid.Minutes()))})
}

// FromAddress asks the owner of an address to confirm an inbox sends from it.
func FromAddress(locale, inbox, email, link string, valid time.Duration) Mail {
	return write("from_address", locale, map[string]string{"inbox": inbox, "email": email, "link": link, "hours": strconv.Itoa(int(valid.Hours()))})
}

// pages are the few pages the server itself shows (a link followed from a
// mail): title, text and, for a form, its button.
var pages = map[string]map[string][3]string{
	"link_failed": {
		"en": {"This sign-in link does not work", "It was already used or has expired: each link works once. Sign in with your password, or ask for a new link by email if you have none or forgot it.", ""},
		"fr": {"Ce lien de connexion ne fonctionne pas", "Il a déjà servi ou a expiré : chaque lien ne fonctionne qu'une fois. Connectez-vous avec votre mot de passe, ou demandez un nouveau lien par e-mail si vous n'en avez pas ou l'avez oublié.", ""},
	},
	"link_wait": {
		"en": {"Too many sign-in links tried", "Too many links were tried from your address. Wait a few minutes, then open yours again.", ""},
		"fr": {"Trop de liens de connexion essayés", "Trop de liens ont été essayés depuis votre adresse. Attendez quelques minutes, puis ouvrez le vôtre à nouveau.", ""},
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

// signInLinks are the ways on from a page about a sign-in link that failed:
// the sign-in page, and its "Forgot password?" form, which mails a new link.
var signInLinks = map[string][]Link{
	"en": {{"/", "Sign in"}, {"/?forgot", "Email me a new link"}},
	"fr": {{"/", "Se connecter"}, {"/?forgot", "Recevoir un nouveau lien par e-mail"}},
}

// Link is a link a page offers: where it goes and its text.
type Link struct{ Href, Text string }

// PageLinks are the links a page offers, in a locale, besides Parley's home.
func PageLinks(locale, key string) []Link {
	if key != "link_failed" {
		return nil
	}
	return signInLinks[Locale(locale)]
}

// Page is a page the server shows, in a locale: its title, text and button
// (empty when it has none); values fill the {placeholders}.
func Page(locale, key string, values map[string]string) (title, text, button string) {
	p, ok := pages[key][Locale(locale)]
	if !ok {
		p = pages[key][fallback]
	}
	r := filler(values)
	return r.Replace(p[0]), r.Replace(p[1]), p[2]
}

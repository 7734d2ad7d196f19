package mail

import (
	"bytes"
	netmail "net/mail"
	"regexp"
	"strings"
)

// forwardSubject matches the prefixes mail clients put on a forward, in
// English, French and German.
var forwardSubject = regexp.MustCompile(`(?i)^\s*(fwd?|tr|wg)\s*:`)

// forwardMarker matches the line a client writes above forwarded content:
// Gmail, Thunderbird, Apple Mail and Outlook, in English and French.
var forwardMarker = regexp.MustCompile(`(?im)^\s*(` +
	`-{3,}\s*(forwarded message|original message|message transféré|message d'origine)\s*-{3,}` +
	`|begin forwarded message\s*:` +
	`|début du message (réexpédié|transféré)\s*:` +
	`|_{20,}` +
	`)\s*$`)

var forwardFrom = regexp.MustCompile(`(?im)^\s*\*?(from|de)\s*:\*?\s*(.+)$`)

// forwardedSender finds the original sender of a forwarded message: the
// From line under a forward marker in the text, or the From of an attached
// message/rfc822.
func forwardedSender(m *Message) *Address {
	if !forwardSubject.MatchString(m.Subject) {
		return nil
	}
	if loc := forwardMarker.FindStringIndex(m.Text); loc != nil {
		rest := m.Text[loc[1]:]
		if len(rest) > 2000 {
			rest = rest[:2000]
		}
		if sm := forwardFrom.FindStringSubmatch(rest); sm != nil {
			v := strings.ReplaceAll(sm[2], "[mailto:", "<")
			v = strings.ReplaceAll(v, "]", ">")
			if a := looseAddress(v); a != nil && a.Email != m.From.Email {
				return a
			}
		}
	}
	for _, a := range m.Attachments {
		if a.ContentType != "message/rfc822" {
			continue
		}
		if inner, err := netmail.ReadMessage(bytes.NewReader(a.Data)); err == nil {
			if addr := looseAddress(inner.Header.Get("From")); addr != nil && addr.Email != m.From.Email {
				return addr
			}
		}
	}
	return nil
}

// IsForward reports whether m is a forward: a forward subject and forwarded
// content. Its quoted part is the message and is never folded away.
func (m *Message) IsForward() bool {
	return forwardSubject.MatchString(m.Subject) && (forwardMarker.MatchString(m.Text) || m.Forwarded != nil)
}

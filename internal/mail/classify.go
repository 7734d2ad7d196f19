package mail

import (
	"regexp"
	"strings"

	"github.com/jhillyerd/enmime/v2"
)

// Why a message is auto-generated (Message.Auto). Such mail never opens a
// conversation in the inbox, never triggers routing and is never answered
// automatically (SPEC CNV-14): that is how mail loops are avoided.
const (
	AutoSubmitted = "auto-submitted" // RFC 3834 Auto-Submitted other than "no"
	AutoBulk      = "bulk"           // Precedence: bulk, junk or list
	AutoReply     = "auto-reply"     // X-Autoreply, X-Autorespond and kin
	AutoDaemon    = "mailer-daemon"  // from mailer-daemon or postmaster
	AutoBounce    = "bounce"         // a null return path or a delivery report
)

func classify(env *enmime.Envelope, m *Message) {
	header := func(k string) string { return strings.ToLower(strings.TrimSpace(env.GetHeader(k))) }
	local, _, _ := strings.Cut(m.From.Email, "@")
	switch {
	case env.Root != nil && env.Root.ContentType == "multipart/report",
		header("Return-Path") == "<>":
		m.Auto = AutoBounce
	case local == "mailer-daemon" || local == "postmaster":
		m.Auto = AutoDaemon
	case header("Auto-Submitted") != "" && header("Auto-Submitted") != "no":
		m.Auto = AutoSubmitted
	case header("Precedence") == "bulk" || header("Precedence") == "junk" || header("Precedence") == "list":
		m.Auto = AutoBulk
	case header("X-Autoreply") != "" || header("X-Autorespond") != "" || header("X-Autoresponse") != "" ||
		header("X-Auto-Response") != "" || strings.Contains(header("X-Mailer"), "autorespond"):
		m.Auto = AutoReply
	}
	m.List = header("List-Id") != "" || header("List-Unsubscribe") != "" || header("List-Post") != ""
	if m.Auto == AutoBounce || m.Auto == AutoDaemon {
		if m.Bounce == nil {
			// A report that is not RFC 3464 still quotes the headers of
			// what failed, somewhere in its text.
			if id := quotedMessageID(env); id != "" {
				m.Bounce = &Bounce{MessageID: id}
			}
		}
	}
}

var quotedIDLine = regexp.MustCompile(`(?im)^\s*message-id:\s*(<[^>\s]+>)`)

func quotedMessageID(env *enmime.Envelope) string {
	texts := []string{env.Text}
	for _, parts := range [][]*enmime.Part{env.Attachments, env.Inlines, env.OtherParts} {
		for _, p := range parts {
			if strings.HasPrefix(p.ContentType, "text/") || strings.HasPrefix(p.ContentType, "message/") {
				texts = append(texts, string(p.Content))
			}
		}
	}
	for _, t := range texts {
		if sm := quotedIDLine.FindStringSubmatch(t); sm != nil {
			return firstID(sm[1])
		}
	}
	return ""
}

// roleLocalParts are the addresses of functions rather than people. Mail from
// them opens a conversation in *filtered* (SPEC CNV-14).
var roleLocalParts = map[string]bool{
	"sales": true, "marketing": true, "info": true, "information": true, "news": true,
	"newsletter": true, "newsletters": true, "noreply": true, "no-reply": true, "no_reply": true,
	"donotreply": true, "do-not-reply": true, "do_not_reply": true, "postmaster": true,
	"mailer-daemon": true, "hostmaster": true, "webmaster": true, "abuse": true,
	"notifications": true, "notification": true, "notify": true, "alerts": true, "alert": true,
	"bounce": true, "bounces": true, "promo": true, "promotions": true, "offers": true,
	"mailer": true, "automated": true, "updates": true,
}

// RoleBased reports whether email is a role address (sales@, info@,
// noreply@…) rather than a person's. Sub-addresses count by their base:
// noreply+tag@ is noreply@.
func RoleBased(email string) bool {
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	local, _, _ = strings.Cut(local, "+")
	if roleLocalParts[local] {
		return true
	}
	for _, p := range []string{"noreply", "no-reply", "donotreply", "do-not-reply", "bounce"} {
		if strings.HasPrefix(local, p+"-") || strings.HasPrefix(local, p+".") || strings.HasPrefix(local, p+"_") {
			return true
		}
	}
	return false
}

// FilterReason says why a message that starts a new conversation belongs in
// *filtered* rather than the inbox, or "" when it does not. A list message
// that answers a known thread is not filtered; the caller only asks for new
// threads.
func (m *Message) FilterReason() string {
	switch {
	case m.Auto != "":
		return "auto-generated (" + m.Auto + ")"
	case m.List:
		return "mailing list"
	case RoleBased(m.From.Email):
		return "role-based sender"
	}
	return ""
}

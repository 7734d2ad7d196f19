package mail

import (
	"strings"

	"github.com/jhillyerd/enmime/v2"
)

// Bounce is what a delivery failure report says about the message it
// reports on.
type Bounce struct {
	// MessageID is the Message-ID of the message that failed, when the
	// report quotes it.
	MessageID  string   `json:"message_id,omitempty"`
	Recipients []string `json:"recipients,omitempty"`
	Reason     string   `json:"reason,omitempty"`
}

// A delivery report (RFC 3464; RFC 6533 for internationalised mail) is a
// multipart/report that servers lay out each their own way: the explanation
// is plain text (Postfix, Exim), an alternative (Exchange) or a related part
// with an icon (Gmail); the original is the whole message or only its
// header, in its ASCII or its UTF-8 type. The parts are found by their type,
// never by their position.
var (
	statusTypes = map[string]bool{
		"message/delivery-status":        true,
		"message/global-delivery-status": true,
	}
	originalTypes = map[string]bool{
		"message/rfc822":         true,
		"message/global":         true,
		"text/rfc822-headers":    true,
		"message/global-headers": true,
	}
)

// deliveryReport reads root as a delivery report. ok is false when root is
// not a multipart/report; a report that records no failure (a delay, a
// success, a read receipt) gives a nil Bounce.
func deliveryReport(root *enmime.Part) (b *Bounce, ok bool) {
	if root == nil || root.ContentType != "multipart/report" {
		return nil, false
	}
	var status, original []byte
	for p := root.FirstChild; p != nil; p = p.NextSibling {
		switch {
		case status == nil && statusTypes[p.ContentType]:
			status = p.Content
		case original == nil && originalTypes[p.ContentType]:
			original = p.Content
		}
	}
	b = &Bounce{}
	var quotedID, status0 string
	for _, f := range fieldGroups(string(status), -1) {
		if f["action"] == "" {
			// The per-message fields; Gmail names the original here.
			if quotedID == "" {
				quotedID = firstID(f["x-original-message-id"])
			}
			continue
		}
		if !strings.EqualFold(f["action"], "failed") {
			continue
		}
		addr := f["final-recipient"]
		if addr == "" {
			addr = f["original-recipient"]
		}
		if addr != "" {
			// "rfc822; a@b", or "utf-8; ü@b" in a global report.
			if _, a, ok := strings.Cut(addr, ";"); ok {
				addr = a
			}
			b.Recipients = append(b.Recipients, strings.ToLower(strings.Trim(strings.TrimSpace(addr), "<>")))
		}
		if b.Reason == "" {
			b.Reason = f["diagnostic-code"]
		}
		if status0 == "" {
			status0 = f["status"]
		}
	}
	if len(b.Recipients) == 0 {
		return nil, true
	}
	if b.Reason == "" && status0 != "" {
		// Local failures (an unroutable domain) carry no SMTP reply.
		b.Reason = "status " + status0
	}
	if h := fieldGroups(string(original), 1); len(h) > 0 {
		b.MessageID = firstID(h[0]["message-id"])
	}
	if b.MessageID == "" {
		b.MessageID = quotedID
	}
	return b, true
}

// fieldGroups reads at most limit (all when negative) groups of header-style
// fields separated by blank lines, as a delivery-status body and the header
// of a message are written. Names are lower-cased, folded values unfolded,
// the first of a repeated field kept, and lines that are not fields skipped:
// servers write these by hand.
func fieldGroups(s string, limit int) []map[string]string {
	var groups []map[string]string
	var cur map[string]string
	last := ""
	for line := range strings.Lines(s) {
		line = strings.TrimRight(line, "\r\n")
		switch {
		case strings.TrimSpace(line) == "":
			if cur != nil && len(groups) == limit {
				return groups
			}
			cur, last = nil, ""
		case line[0] == ' ' || line[0] == '\t':
			if last != "" {
				cur[last] = strings.TrimSpace(cur[last] + " " + strings.TrimSpace(line))
			}
		default:
			name, value, ok := strings.Cut(line, ":")
			name = strings.ToLower(strings.TrimSpace(name))
			last = ""
			if !ok || name == "" || strings.ContainsAny(name, " \t") {
				continue
			}
			if cur == nil {
				cur = map[string]string{}
				groups = append(groups, cur)
			}
			if _, seen := cur[name]; !seen {
				cur[name], last = strings.TrimSpace(value), name
			}
		}
	}
	return groups
}

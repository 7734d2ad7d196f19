package mail

import (
	"regexp"
	"strconv"
	"strings"
)

// Threading rules, in the order they are tried; the one that matched is
// recorded on the message.
const (
	RuleOwnID       = "own-message-id" // our Message-ID in In-Reply-To or References
	RuleToken       = "plus-address"   // a conversation token in <slug>+<token>@
	RuleReference   = "reference"      // a known external Message-ID in References
	RuleThreadIndex = "thread-index"   // Outlook's Thread-Index root
	RuleSubject     = "subject-number" // [#123] in the subject, same contact only
	RuleNew         = "new"            // none matched: a new conversation
)

// Referenced returns the Message-IDs m answers, In-Reply-To first and then
// References from the newest, each once. Apple Mail overwrites References
// with a partial chain, so every id counts, not only the first.
func (m *Message) Referenced() []string {
	seen := map[string]bool{m.MessageID: true}
	var out []string
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, id := range m.InReplyTo {
		add(id)
	}
	for i := len(m.References) - 1; i >= 0; i-- {
		add(m.References[i])
	}
	if m.Bounce != nil && m.Bounce.MessageID != "" {
		add(m.Bounce.MessageID)
	}
	return out
}

// Tokens returns the sub-address tokens in recipients addressed to
// local+token@domain: a reply to a conversation's Reply-To carries its token.
func Tokens(recipients []string, local, domain string) []string {
	var out []string
	for _, r := range recipients {
		l, d, ok := strings.Cut(strings.ToLower(r), "@")
		if !ok || d != strings.ToLower(domain) {
			continue
		}
		base, token, ok := strings.Cut(l, "+")
		if ok && base == local && token != "" {
			out = append(out, token)
		}
	}
	return out
}

// Recipients returns every address m was sent to (To, then Cc).
func (m *Message) Recipients() []string {
	out := make([]string, 0, len(m.To)+len(m.Cc))
	for _, a := range m.To {
		out = append(out, a.Email)
	}
	for _, a := range m.Cc {
		out = append(out, a.Email)
	}
	return out
}

var subjectNumber = regexp.MustCompile(`\[#(\d{1,18})\]`)

// SubjectNumber returns the conversation number written as [#123] in the
// subject, or 0.
func SubjectNumber(subject string) int64 {
	sm := subjectNumber.FindStringSubmatch(subject)
	if sm == nil {
		return 0
	}
	n, _ := strconv.ParseInt(sm[1], 10, 64)
	return n
}

var replyPrefix = regexp.MustCompile(`(?i)^\s*((re|aw|sv|fwd?|tr|wg)\s*(\[\d+\])?\s*:\s*)+`)

// BaseSubject strips the Re:/Fwd:/TR: prefixes from a subject.
func BaseSubject(s string) string {
	return strings.TrimSpace(replyPrefix.ReplaceAllString(s, ""))
}

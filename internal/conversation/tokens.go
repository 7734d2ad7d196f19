package conversation

import (
	"context"
	"html"
	"regexp"
	"strings"

	pmail "github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// tokenPattern is a contact or agent token of a template or snippet (SPEC
// CMP-2), as the composer inserts them.
var tokenPattern = regexp.MustCompile(`\{\{\s*((?:contact|agent)\.[a-z_]+)\s*\}\}`)

// fillTokens fills the contact and agent tokens left in a body the agent
// sends: an API client's, or one written before the address was known.
// The contact is the one the message goes to (nil when none). A token
// that is unknown or has no value is EINVALID, naming it: a message never
// goes out as "Hi ,".
func fillTokens(ctx context.Context, tx *store.Tx, b Body, contact *parley.Contact, inbox parley.ID, authorID parley.ID) (Body, error) {
	if !tokenPattern.MatchString(b.Text) && !tokenPattern.MatchString(b.HTML) {
		return b, nil
	}
	author, err := tx.User(ctx, authorID)
	if err != nil {
		return b, err
	}
	values := map[string]string{}
	put := func(prefix, full string) {
		full = pmail.SingleLine(full)
		first, last, _ := strings.Cut(full, " ")
		values[prefix+"name"], values[prefix+"full_name"] = full, full
		values[prefix+"first_name"], values[prefix+"last_name"] = first, strings.TrimSpace(last)
	}
	if contact != nil {
		put("contact.", contact.Seen(func(id parley.ID) bool { return id == inbox }).Name)
		values["contact.email"] = contact.Email
	}
	put("agent.", author.Name)
	values["agent.meeting_link"] = author.MeetingLink
	delete(values, "contact.full_name")
	delete(values, "agent.name")
	var missing string
	fill := func(s string, escape func(string) string) string {
		return tokenPattern.ReplaceAllStringFunc(s, func(tok string) string {
			key := tokenPattern.FindStringSubmatch(tok)[1]
			if v := values[key]; v != "" {
				return escape(v)
			}
			if missing == "" {
				missing = "{{" + key + "}}"
			}
			return tok
		})
	}
	b.Text = fill(b.Text, func(s string) string { return s })
	b.HTML = fill(b.HTML, html.EscapeString)
	if missing != "" {
		return b, parley.Invalid("text", "has %s, which has no value for this contact: write it out", missing)
	}
	return b, nil
}

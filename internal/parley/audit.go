package parley

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// Audit log actions that are not events of the log: a sign-in is not a
// change anyone else hears of, and a failed one changes nothing.
const (
	AuditSignedIn     = "sign_in.succeeded" // data: method (password, link, sso), user_agent
	AuditSignInFailed = "sign_in.failed"    // data: method, reason; actor_name is the email tried
)

// AuditEntry is one line of the audit log: who did what to which thing,
// when, from where, and what it was before and after. It is written in the
// transaction of what it records and never changed.
type AuditEntry struct {
	ID          int64
	At          time.Time
	Action      string // an event type, or one of the Audit constants
	ActorKind   ActorKind
	ActorID     *ID
	ActorName   string // the user's name when read; for a failed sign-in, the email tried
	Address     string
	SubjectKind string // user, inbox, channel, team, token, webhook, conversation, contact…
	SubjectID   *ID
	Seq         *int64 // the event it records, if any
	Before      json.RawMessage
	After       json.RawMessage
}

// AuditFilter narrows a page of the audit log, newest first.
type AuditFilter struct {
	Actions  []string // exact actions, or prefixes ending in "." (sign_in., inbox.)
	ActorID  *ID
	Since    *time.Time
	Until    *time.Time
	BeforeID int64 // the page after the entry with this id; 0 starts at the newest
	Limit    int
}

// audited are the events the audit log records: every change of settings
// or access, every deletion, export and erasure. A conversation's daily
// work (messages, assignments, states) is its timeline's, not the audit
// log's.
var audited = map[string]bool{
	EventUserCreated: true, EventUserUpdated: true, EventTokenCreated: true, EventTokenRevoked: true,
	EventSessionEnded: true, EventTwoFactorChanged: true,
	EventTeamCreated: true, EventTeamMembersChanged: true, EventTeamUpdated: true, EventTeamDeleted: true,
	EventOrgUpdated: true, EventInboxCreated: true, EventInboxUpdated: true, EventInboxMembersChanged: true,
	EventInboxDeleted: true, EventChannelCreated: true, EventChannelUpdated: true, EventChatFlowChanged: true,
	EventPipelineChanged: true, EventContactFieldChanged: true, EventWebhookChanged: true,
	EventConversationDeleted: true, EventContactMerged: true, EventContactsImported: true,
	EventCompanyDeleted: true, EventTicketDeleted: true, EventDealDeleted: true, EventContactListDeleted: true,
	EventSSOChanged: true, EventExportCreated: true, EventExportDownloaded: true, EventExportDeleted: true,
	EventRetentionChanged: true, EventConversationsExpired: true, EventContactErased: true,
}

// personal are the audited events whose data may say who a customer is
// (a contact's name, a ticket's subject, a company's or deal's name). Of
// those an entry keeps only ids, numbers and flags: the log's copy of such
// an event is emptied when the customer is erased, but the audit log,
// which nothing changes, must never hold it.
func personal(typ string) bool {
	switch typ {
	case EventCompanyDeleted, EventTicketDeleted, EventDealDeleted, EventConversationDeleted:
		return true
	}
	return strings.HasPrefix(typ, "contact.") || strings.HasPrefix(typ, "contacts.")
}

// AuditData is what an audit entry keeps of an event's data: all of it,
// but for events that may say who a customer is, only its ids, numbers
// and flags.
func AuditData(e *Event) json.RawMessage {
	if !personal(e.Type) {
		return e.Data
	}
	var data map[string]json.RawMessage
	if json.Unmarshal(e.Data, &data) != nil {
		return nil
	}
	for k, v := range data {
		var x any
		_ = json.Unmarshal(v, &x)
		switch x.(type) {
		case float64, bool, nil:
		default:
			if !strings.HasSuffix(k, "_id") || x == nil {
				delete(data, k)
			}
		}
	}
	b, _ := json.Marshal(data)
	return b
}

// Audited says whether the audit log records events of type typ.
func Audited(typ string) bool { return audited[typ] }

// subjectKeys are the data keys that name an event's subject, in the order
// they are looked for: a user's role changed in an inbox's event is about
// the inbox, so the more particular keys come first.
var subjectKeys = []string{"token_id", "webhook_id", "flow_id", "pipeline_id", "field_id", "list_id",
	"channel_id", "team_id", "ticket_id", "deal_id", "company_id", "export_id", "user_id", "contact_id"}

// AuditSubject says what an event is about: the thing its data names by
// id, else its conversation, else its inbox.
func AuditSubject(e *Event) (string, *ID) {
	var data map[string]json.RawMessage
	if json.Unmarshal(e.Data, &data) == nil {
		for _, k := range subjectKeys {
			var id ID
			if raw, ok := data[k]; ok && json.Unmarshal(raw, &id) == nil && id != 0 {
				return strings.TrimSuffix(k, "_id"), &id
			}
		}
	}
	switch {
	case e.ConversationID != nil:
		return "conversation", e.ConversationID
	case e.InboxID != nil:
		return "inbox", e.InboxID
	}
	if i := strings.IndexByte(e.Type, '.'); i > 0 {
		return e.Type[:i], nil
	}
	return "", nil
}

type addressKey struct{}

// WithAddress returns ctx carrying the address a request came from, for
// the audit log.
func WithAddress(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, addressKey{}, addr)
}

// AddressOf returns the address WithAddress put in ctx, or "".
func AddressOf(ctx context.Context) string {
	a, _ := ctx.Value(addressKey{}).(string)
	return a
}

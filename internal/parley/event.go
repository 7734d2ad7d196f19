package parley

import (
	"encoding/json"
	"time"
)

// Event types. Every change is recorded as one or more events in the same
// transaction; the log is the timeline, the realtime stream, the webhook
// source and the audit trail.
const (
	EventConversationCreated = "conversation.created"
	EventMessageReceived     = "message.received"        // a customer message in; data: channel_id, rerouted (routing gave the conversation on as it came)
	EventMessageSent         = "message.sent"            // an agent reply out
	EventDeliveryFailed      = "message.delivery_failed" // a bounce, or sending gave up
	EventDelivered           = "message.delivered"       // an outbound email was accepted by the next server
	EventMailQuarantined     = "mail.quarantined"        // data: quarantine_id, channel_id, reason
	EventCommentAdded        = "comment.added"           // an internal comment
	EventMentioned           = "user.mentioned"          // data: user_id, message_id
	EventNotified            = "notification.created"    // data: user_id, notification_id, kind, conversation_id (only that user sees it)
	EventAssigned            = "conversation.assigned"
	EventReassigned          = "conversation.reassigned"
	EventUnassigned          = "conversation.unassigned"
	EventClosed              = "conversation.closed"
	EventReopened            = "conversation.reopened"
	EventRouted              = "conversation.routed" // data: to_user_id, from_user_id, reason… (routing.Reason, SPEC RTE-6)
	EventMoved               = "conversation.moved"  // data: from, to, reason
	EventConversationDeleted = "conversation.deleted"
	EventContactCreated      = "contact.created"
	EventContactBlocked      = "contact.blocked"
	EventContactUnblocked    = "contact.unblocked"
	EventContactUpdated      = "contact.updated"                  // data: contact_id, owner_id, from_owner_id
	EventContactMerged       = "contact.merged"                   // data: contact_id, from_contact_id, name, email: the second contact folded into the first
	EventContactsImported    = "contacts.imported"                // data: created, updated
	EventCompanyCreated      = "company.created"                  // data: company_id, name
	EventCompanyUpdated      = "company.updated"                  // data: company_id, name
	EventCompanyDeleted      = "company.deleted"                  // data: company_id, name
	EventContactDissociated  = "conversation.contact_dissociated" // data: contact_id (SPEC CRM-2)
	EventContactAssociated   = "conversation.contact_associated"  // data: contact_id, from_contact_id (SPEC CRM-2)
	EventContactClaimed      = "conversation.contact_claimed"     // data: email, contact_id: a chat visitor gave another contact's address
	EventUserCreated         = "user.created"
	EventUserUpdated         = "user.updated"
	EventAvailabilityChanged = "user.availability_changed"
	EventTokenCreated        = "token.created"
	EventTokenRevoked        = "token.revoked"               // data: user_id, token_id
	EventSessionEnded        = "session.ended"               // data: user_id, reason (signed_out, password_changed, deactivated)
	EventTwoFactorChanged    = "user.two_factor_changed"     // data: user_id, enabled; only that person hears it
	EventContactListCreated  = "contact_list.created"        // data: list_id, name
	EventContactListUpdated  = "contact_list.updated"        // data: list_id, name
	EventContactListDeleted  = "contact_list.deleted"        // data: list_id, name
	EventContactListAdded    = "contact_list.member_added"   // data: list_id, contact_id
	EventContactListRemoved  = "contact_list.member_removed" // data: list_id, contact_id
	EventTeamCreated         = "team.created"
	EventTeamMembersChanged  = "team.members_changed"
	EventTeamUpdated         = "team.updated"    // data: team_id, name
	EventTeamDeleted         = "team.deleted"    // data: team_id, name
	EventOrgUpdated          = "org.updated"     // data: name, or allow_private_targets
	EventSSOChanged          = "org.sso_changed" // data: name, issuer, client_id, enabled, join_role, password_sign_in, secret_changed (never the secret); Before the same fields
	EventInboxCreated        = "inbox.created"
	EventInboxUpdated        = "inbox.updated"
	EventInboxMembersChanged = "inbox.members_changed"
	EventInboxDeleted        = "inbox.deleted"
	EventChannelCreated      = "channel.created"
	EventChannelUpdated      = "channel.updated"
	EventChatFlowChanged     = "chat_flow.changed"             // data: flow_id, change (created, updated, deleted, moved)
	EventTranscriptSent      = "conversation.transcript_sent"  // data: to (addresses)
	EventLibraryChanged      = "library.changed"               // data: kind, id, action (created, updated, deleted)
	EventForwarded           = "conversation.forwarded"        // data: to (addresses), message_id
	EventChannelSwitched     = "conversation.channel_switched" // a reply sent through another channel (SPEC CNV-12)
	EventBotHandedOff        = "bot.handed_off"                // data: step, reason (handoff, talk, timeout, no_articles, visitor_wrote, no_bot), from (the step left, for talk and timeout): the bot gave the chat to the team
	EventBotTakenOver        = "bot.taken_over"                // data: step: an agent took the chat from the bot
	EventBotEnded            = "bot.ended"                     // data: step, reason (end, answered): the bot finished without a hand-off
	EventPipelineChanged     = "pipeline.changed"              // data: pipeline_id, kind, name, change (created, updated, deleted)
	EventContactFieldChanged = "contact_field.changed"         // data: field_id, key, change (created, updated, deleted)
	EventTicketCreated       = "ticket.created"                // data: ticket_id, subject, pipeline_id, stage_id, stage
	EventTicketUpdated       = "ticket.updated"                // data: ticket_id, fields (the names of what changed)
	EventTicketStageChanged  = "ticket.stage_changed"          // data: ticket_id, subject, from_stage_id, from_stage, to_stage_id, to_stage, status
	EventTicketLinked        = "ticket.linked"                 // data: ticket_id, subject: a conversation was linked to the ticket
	EventTicketUnlinked      = "ticket.unlinked"               // data: ticket_id, subject
	EventTicketDeleted       = "ticket.deleted"                // data: ticket_id, subject
	EventDealCreated         = "deal.created"                  // data: deal_id, name, stage_id, stage
	EventDealUpdated         = "deal.updated"                  // data: deal_id, name
	EventDealStageChanged    = "deal.stage_changed"            // data: deal_id, name, from_stage_id, from_stage, to_stage_id, to_stage, status
	EventDealLinked          = "deal.linked"                   // data: deal_id, name: a conversation was linked to the deal
	EventDealUnlinked        = "deal.unlinked"                 // data: deal_id, name
	EventDealDeleted         = "deal.deleted"                  // data: deal_id, name
	EventWebhookChanged      = "webhook.changed"               // data: webhook_id, url, change (created, updated, deleted, disabled, enabled), reason
	EventExportCreated       = "export.created"                // data: export_id, everything, inbox_id, inbox_name: an admin asked for an export (admins' stream only, no webhook)
	EventExportDownloaded    = "export.downloaded"             // data: export_id, everything, inbox_id, inbox_name
	EventExportDeleted       = "export.deleted"                // data: export_id, everything, inbox_id, inbox_name, reason (deleted, expired)
)

// Retention and erasure (issue 18, GDPR).
const (
	EventRetentionChanged     = "inbox.retention_changed" // data: inbox_id, days, from_days (0: kept for good)
	EventConversationsExpired = "conversations.expired"   // data: inbox_id, count, days, closed_before: a batch of closed conversations deleted by the inbox's retention
	EventContactErased        = "contact.erased"          // data: contact_id, conversations, messages, attachments — never who they were
)

// Event is one entry of the append-only log, ordered by Seq.
type Event struct {
	Seq            int64
	Type           string
	InboxID        *ID
	ConversationID *ID
	MessageID      *ID
	ActorKind      ActorKind
	ActorID        *ID
	At             time.Time
	Data           json.RawMessage
	// Before is what the event's subject was before it, for the audit log
	// alone: the log keeps Data, what it is now.
	Before json.RawMessage
}

// Was returns e with what its subject was before (Data says what it is
// after), for the audit log.
func (e Event) Was(before any) Event {
	b, err := json.Marshal(before)
	if err != nil {
		panic("parley: event's before does not marshal: " + err.Error())
	}
	e.Before = b
	return e
}

// NewEvent returns an event of type typ done by a at time at, with data
// marshalled to JSON. Data must marshal; a failure is a programming error.
func NewEvent(typ string, a Actor, at time.Time, data any) Event {
	e := Event{Type: typ, ActorKind: a.Kind, At: at}
	switch a.Kind {
	case ActorUser:
		id := a.UserID
		e.ActorID = &id
	case ActorContact:
		id := a.ContactID
		e.ActorID = &id
	}
	if data == nil {
		e.Data = json.RawMessage("{}")
	} else {
		b, err := json.Marshal(data)
		if err != nil {
			panic("parley: event data does not marshal: " + err.Error())
		}
		e.Data = b
	}
	return e
}

// In returns e scoped to the conversation c.
func (e Event) In(c *Conversation) Event {
	id, inbox := c.ID, c.InboxID
	e.ConversationID, e.InboxID = &id, &inbox
	return e
}

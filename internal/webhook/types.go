package webhook

import (
	"fmt"
	"slices"
	"strings"

	"github.com/parleyhq/parley/internal/parley"
)

// Types are the events an endpoint may ask for: every event of the log
// but those that concern one person's sign-in or notifications. A test
// keeps the list and parley's constants in step.
var Types = []string{
	parley.EventConversationCreated, parley.EventAssigned, parley.EventReassigned, parley.EventUnassigned, parley.EventClosed,
	parley.EventReopened, parley.EventRouted, parley.EventMoved, parley.EventConversationDeleted, parley.EventContactDissociated,
	parley.EventContactAssociated, parley.EventContactClaimed, parley.EventTranscriptSent, parley.EventForwarded, parley.EventChannelSwitched,
	parley.EventMessageReceived, parley.EventMessageSent, parley.EventDeliveryFailed, parley.EventDelivered,
	parley.EventCommentAdded, parley.EventMentioned, parley.EventMailQuarantined,
	parley.EventContactCreated, parley.EventContactBlocked, parley.EventContactUnblocked, parley.EventContactUpdated, parley.EventContactMerged,
	parley.EventContactsImported, parley.EventContactListCreated, parley.EventContactListUpdated, parley.EventContactListDeleted,
	parley.EventContactListAdded, parley.EventContactListRemoved, parley.EventContactFieldChanged,
	parley.EventCompanyCreated, parley.EventCompanyUpdated, parley.EventCompanyDeleted,
	parley.EventTicketCreated, parley.EventTicketUpdated, parley.EventTicketStageChanged, parley.EventTicketLinked, parley.EventTicketUnlinked,
	parley.EventTicketDeleted, parley.EventDealCreated, parley.EventDealUpdated, parley.EventDealStageChanged, parley.EventDealLinked,
	parley.EventDealUnlinked, parley.EventDealDeleted, parley.EventPipelineChanged,
	parley.EventBotHandedOff, parley.EventBotTakenOver, parley.EventBotEnded, parley.EventChatFlowChanged,
	parley.EventUserCreated, parley.EventUserUpdated, parley.EventAvailabilityChanged, parley.EventTeamCreated, parley.EventTeamMembersChanged,
	parley.EventTeamUpdated, parley.EventTeamDeleted, parley.EventOrgUpdated, parley.EventInboxCreated, parley.EventInboxUpdated,
	parley.EventInboxMembersChanged, parley.EventInboxDeleted, parley.EventChannelCreated, parley.EventChannelUpdated,
	parley.EventLibraryChanged, parley.EventWebhookChanged, parley.EventSSOChanged,
	parley.EventRetentionChanged, parley.EventConversationsExpired, parley.EventContactErased,
}

// private are the log's events no endpoint receives: one person's
// credentials and notifications.
var private = []string{parley.EventNotified, parley.EventSessionEnded, parley.EventTwoFactorChanged, parley.EventTokenCreated, parley.EventTokenRevoked,
	parley.EventExportCreated, parley.EventExportDownloaded, parley.EventExportDeleted}

// TestType is the type of the event "send a test event" sends.
const TestType = "webhook.test"

// group is the part of a type before its first dot: "ticket" of
// "ticket.created".
func group(typ string) string {
	g, _, _ := strings.Cut(typ, ".")
	return g
}

// wants reports whether an endpoint asking for types wants an event of
// typ: none asks for every one; "ticket.*" for a group.
func wants(types []string, typ string) bool {
	if len(types) == 0 {
		return true
	}
	return slices.Contains(types, typ) || slices.Contains(types, group(typ)+".*")
}

// checkTypes checks what an endpoint asks for: known types or groups.
func checkTypes(types []string) ([]string, error) {
	out := []string{}
	for i, t := range types {
		t = strings.TrimSpace(t)
		known := slices.Contains(Types, t) ||
			strings.HasSuffix(t, ".*") && slices.ContainsFunc(Types, func(k string) bool { return group(k)+".*" == t })
		if !known {
			return nil, parley.Invalid(fmt.Sprintf("event_types[%d]", i), "%q is not an event type or group (such as ticket.*)", t).Because("webhook_event_type")
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, nil
}

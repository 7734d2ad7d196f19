package realtime

import (
	"strconv"

	"github.com/parleyhq/parley/internal/parley"
)

// Topic names a share of the log that a subscriber follows: the hub hands
// an event only to the subscribers of its topics, so an event costs in
// proportion to those who may see it, not to everyone connected.
type Topic string

// The organisation-wide topics.
const (
	// TopicOrg carries the organisation's events that are not about an
	// inbox (users, teams, the organisation itself), and every event that
	// may change who reads which inbox, so that a user let into an inbox
	// hears of it before following it.
	TopicOrg Topic = "org"
	// TopicAdmins carries what only admins (and the one it concerns) see:
	// tokens made.
	TopicAdmins Topic = "admins"
)

// InboxTopic is the topic of an inbox's events and signals.
func InboxTopic(id parley.ID) Topic { return Topic("inbox:" + strconv.FormatInt(int64(id), 10)) }

// ConversationTopic is the topic of one conversation's events and signals,
// for a subscriber who may see that conversation only (a widget visitor).
func ConversationTopic(id parley.ID) Topic {
	return Topic("conversation:" + strconv.FormatInt(int64(id), 10))
}

// UserTopic is the topic of the events addressed to one user: their
// sessions ended, their tokens made and revoked.
func UserTopic(id parley.ID) Topic { return Topic("user:" + strconv.FormatInt(int64(id), 10)) }

// VisitorTopic is the topic of a chat visitor's own messages, which their
// widgets follow to learn of a conversation one of them opened.
func VisitorTopic(uid string) Topic { return Topic("visitor:" + uid) }

// EventTopics lists the topics e is published on. Every subscriber that may
// receive e (Viewer.Sees) follows one of them; the stream still filters, as
// a topic may carry more than one subscriber may see (an access change in
// an inbox they do not read).
func EventTopics(e Event) []Topic {
	if e.InboxID != nil {
		ts := []Topic{InboxTopic(*e.InboxID)}
		if e.ConversationID != nil {
			ts = append(ts, ConversationTopic(*e.ConversationID))
		}
		if ChangesAccess(e) {
			ts = append(ts, TopicOrg)
		}
		if e.UserID != nil {
			// An event about a user may end their credentials.
			ts = append(ts, UserTopic(*e.UserID))
		}
		if e.Visitor != "" {
			ts = append(ts, VisitorTopic(e.Visitor))
		}
		return ts
	}
	switch e.Type {
	case parley.EventTokenCreated:
		if e.ActorID != nil {
			return []Topic{TopicAdmins, UserTopic(*e.ActorID)}
		}
		return []Topic{TopicAdmins}
	case parley.EventContactUpdated, parley.EventContactListAdded, parley.EventContactListRemoved:
		// A contact may be in inboxes a reader cannot see: admins only.
		return []Topic{TopicAdmins}
	case parley.EventWebhookChanged, parley.EventSSOChanged:
		return []Topic{TopicAdmins}
	case parley.EventExportCreated, parley.EventExportDownloaded, parley.EventExportDeleted:
		return []Topic{TopicAdmins}
	case parley.EventSessionEnded, parley.EventTwoFactorChanged, parley.EventTokenRevoked, parley.EventNotified:
		if e.UserID != nil {
			return []Topic{UserTopic(*e.UserID)}
		}
		return nil
	}
	return []Topic{TopicOrg}
}

// signalTopics lists the topics sig is published on.
func signalTopics(sig Signal) []Topic {
	return []Topic{InboxTopic(sig.InboxID), ConversationTopic(sig.ConversationID)}
}

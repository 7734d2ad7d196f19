package notify

import (
	"context"
	"encoding/json"
	"time"

	"github.com/parleyhq/parley/internal/consume"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Kinds of notification (SPEC COL-3, CNV-4).
const (
	KindAssigned = "assigned" // a conversation was given to you, by a person or by routing
	KindMessage  = "message"  // a customer wrote in a conversation you own
	KindMention  = "mention"  // a teammate mentioned you
)

// JobMail is the job that emails a person what happened in a conversation
// while they were away from the app.
const JobMail = "notify.mail"

// Consumer is notify's reader of the event log: it turns the events that
// concern a person into their notifications, in the transaction that moves
// its cursor — a crash repeats a batch and tells nobody twice (one
// notification per person and event). The first notification about a
// conversation queues an email to its person, sent after mailDelay with
// whatever else happened there meanwhile (MailJob).
func Consumer(now func() time.Time, mailDelay time.Duration) consume.Consumer {
	if now == nil {
		now = time.Now
	}
	return consume.Consumer{Name: "notify", Wants: news, Handle: func(ctx context.Context, tx *store.Tx, e parley.Event) error {
		who, kind, err := concerns(ctx, tx, e)
		if err != nil || who == 0 {
			return err
		}
		if e.ActorKind == parley.ActorUser && e.ActorID != nil && *e.ActorID == who {
			return nil // nobody is told what they did themselves
		}
		muted, err := tx.Muted(ctx, who)
		if err != nil {
			return err
		}
		if muted[kind+"/"+MediumApp] && muted[kind+"/"+MediumEmail] {
			return nil // they want to hear of it nowhere
		}
		n := &store.Notification{UserID: who, Kind: kind, ConversationID: *e.ConversationID, Seq: e.Seq,
			ActorKind: e.ActorKind, ActorID: e.ActorID, CreatedAt: parley.Normalize(now())}
		added, err := tx.AddNotification(ctx, n)
		if err != nil || !added {
			return err
		}
		told := parley.NewEvent(parley.EventNotified, parley.System, n.CreatedAt, map[string]any{
			"user_id": who, "notification_id": n.ID, "kind": kind, "conversation_id": n.ConversationID})
		tx.Append(told)
		if muted[kind+"/"+MediumEmail] {
			return nil
		}
		first, err := tx.PendMail(ctx, who, n.ConversationID)
		if err != nil || !first {
			return err
		}
		payload, _ := json.Marshal(mailJob{UserID: who, ConversationID: n.ConversationID})
		return tx.Enqueue(ctx, &store.Job{Kind: JobMail, Payload: payload, RunAt: n.CreatedAt.Add(mailDelay), MaxAttempts: 3, CreatedAt: n.CreatedAt})
	}}
}

// news says from the event alone whether it may be news for someone:
// what concerns looks into further.
func news(e parley.Event) bool {
	switch e.Type {
	case parley.EventAssigned, parley.EventReassigned, parley.EventRouted, parley.EventMentioned, parley.EventMessageReceived:
		return e.ConversationID != nil
	}
	return false
}

// concerns says whom an event is news for, and how; 0 for nobody.
func concerns(ctx context.Context, tx *store.Tx, e parley.Event) (parley.ID, string, error) {
	if !news(e) {
		return 0, "", nil
	}
	c, err := tx.Conversation(ctx, *e.ConversationID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return 0, "", nil // deleted since: nothing to tell
	}
	if err != nil {
		return 0, "", err
	}
	var d struct {
		To       *parley.ID `json:"to_user_id"`
		User     *parley.ID `json:"user_id"`
		Rerouted bool       `json:"rerouted"`
	}
	switch e.Type {
	case parley.EventAssigned, parley.EventReassigned, parley.EventRouted:
		if err := json.Unmarshal(e.Data, &d); err != nil || d.To == nil {
			return 0, "", err
		}
		return *d.To, KindAssigned, nil
	case parley.EventMentioned:
		if err := json.Unmarshal(e.Data, &d); err != nil || d.User == nil {
			return 0, "", err
		}
		return *d.User, KindMention, nil
	case parley.EventMessageReceived:
		if c.AssigneeID == nil || c.Status != parley.StatusOpen || c.Placement != parley.PlacementInbox {
			return 0, "", nil
		}
		if c.CreatedAt.Equal(e.At) {
			return 0, "", nil // the message that opened it: its owner is told it is theirs
		}
		if err := json.Unmarshal(e.Data, &d); err != nil || d.Rerouted {
			return 0, "", err // it came as routing gave the conversation on: its new owner is told that
		}
		return *c.AssigneeID, KindMessage, nil
	}
	return 0, "", nil
}

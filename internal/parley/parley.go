package parley

import (
	"context"
	"encoding/json"
	"time"
)

// ID identifies a stored object. IDs are made by the database and are never
// handed to outsiders as a secret: anything an outsider holds is a random token.
type ID int64

// Role is what a user may do across the organisation (SPEC ORG-2).
type Role string

// Roles.
const (
	RoleAdmin  Role = "admin"  // all settings, sees every inbox, acts where a member
	RoleAgent  Role = "agent"  // works the inboxes they belong to
	RoleViewer Role = "viewer" // sees the inboxes they belong to, cannot act
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleAgent || r == RoleViewer }

// Availability says whether a user takes new routed conversations (SPEC ORG-4).
type Availability string

// Availabilities.
const (
	Available Availability = "available"
	Away      Availability = "away"
)

// Valid reports whether a is a known availability.
func (a Availability) Valid() bool { return a == Available || a == Away }

// User is a member of the organisation's team.
type User struct {
	ID               ID
	Email            string
	Name             string
	Role             Role
	Routable         bool
	Availability     Availability
	ReassignWhenAway bool
	HasPassword      bool
	// MeetingLink is the user's booking page, which the composer inserts
	// (SPEC CMP-2).
	MeetingLink string
	// AvatarBlob and AvatarType are the user's picture, if any.
	AvatarBlob, AvatarType string
	// Locale is the language the user works in ("en", "fr"); empty until
	// their app says.
	Locale string
	// DeactivatedAt is when an admin deactivated the user (a leaver): they
	// cannot sign in, be assigned or routed to; their conversations stay.
	DeactivatedAt *time.Time
	CreatedAt     time.Time
}

// Active reports whether the user may sign in and work.
func (u *User) Active() bool { return u.DeactivatedAt == nil }

// Team is a named group of users; a user may be in several (SPEC ORG-1).
type Team struct {
	ID        ID
	Name      string
	MemberIDs []ID
	CreatedAt time.Time
}

// InboxAccess says who is a member of an inbox (SPEC INB-2).
type InboxAccess string

// Inbox accesses.
const (
	AccessEveryone InboxAccess = "everyone"
	AccessSpecific InboxAccess = "specific"
)

// Valid reports whether a is a known access.
func (a InboxAccess) Valid() bool { return a == AccessEveryone || a == AccessSpecific }

// Inbox groups channels and their conversations for a set of members.
type Inbox struct {
	ID      ID
	Name    string
	Slug    string
	Access  InboxAccess
	UserIDs []ID // members named directly, when Access is specific
	TeamIDs []ID // teams whose members are members, when Access is specific
	// ChatTranscripts says whether closing a chat emails its visitor a
	// transcript (SPEC CHT-12); on unless turned off.
	ChatTranscripts bool
	CreatedAt       time.Time
}

// ChannelKind is how conversations reach an inbox (SPEC §3).
type ChannelKind string

// Channel kinds.
const (
	ChannelAPI   ChannelKind = "api"
	ChannelEmail ChannelKind = "email"
	ChannelChat  ChannelKind = "chat"
	ChannelForm  ChannelKind = "form"
	ChannelCall  ChannelKind = "call"
)

// Valid reports whether k is a known channel kind.
func (k ChannelKind) Valid() bool {
	switch k {
	case ChannelAPI, ChannelEmail, ChannelChat, ChannelForm, ChannelCall:
		return true
	}
	return false
}

// Channel is one way into an inbox. A disabled channel accepts nothing and
// sends nothing (SPEC CHN-1).
type Channel struct {
	ID      ID
	InboxID ID
	Kind    ChannelKind
	Name    string
	Enabled bool
	// Builtin marks an inbox's own email channel: the address
	// <inbox-slug>@<mail-domain> received by the SMTP listener (SPEC CHN-3).
	Builtin bool
	// Mailbox names the connected IMAP mailbox, unique across channels.
	Mailbox string
	// PublicKey names a chat channel on websites (data-inbox="…" in the
	// widget's tag); empty for other kinds.
	PublicKey string
	Config    json.RawMessage
	CreatedAt time.Time
}

// Contact is a customer (SPEC CRM-1).
type Contact struct {
	ID   ID
	Name string
	// NameInbox is the inbox whose message gave the name; nil when a
	// person set it. Only those who may read that inbox see the name:
	// contacts are shared, inboxes may be restricted.
	NameInbox *ID
	Email     string   // the primary address
	Emails    []string // every known address, primary first
	Phone     string   // the primary phone
	Phones    []string // every phone, primary first
	OwnerID   *ID
	CompanyID *ID
	BlockedAt *time.Time
	CreatedAt time.Time
	// Details are what is known of the contact without a field of its
	// own: a company, a custom field a chat bot asked (key: value).
	Details map[string]string
}

// Seen returns the contact as someone who may read the inboxes readable
// says may see it: without its name when that came from another inbox.
func (c *Contact) Seen(readable func(inbox ID) bool) *Contact {
	if c.NameInbox == nil || readable(*c.NameInbox) {
		return c
	}
	seen := *c
	seen.Name = ""
	return &seen
}

// Status is whether a conversation needs work (SPEC CNV-2).
type Status string

// Statuses.
const (
	StatusOpen   Status = "open"
	StatusClosed Status = "closed"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == StatusOpen || s == StatusClosed }

// Placement is where a conversation is filed (SPEC CNV-2).
type Placement string

// Placements.
const (
	PlacementInbox    Placement = "inbox"
	PlacementFiltered Placement = "filtered"
	PlacementSpam     Placement = "spam"
	PlacementTrash    Placement = "trash"
)

// Valid reports whether p is a known placement.
func (p Placement) Valid() bool {
	switch p {
	case PlacementInbox, PlacementFiltered, PlacementSpam, PlacementTrash:
		return true
	}
	return false
}

// TrashRetention is how long a conversation stays in the trash before it is
// deleted for good (SPEC CNV-2).
const TrashRetention = 30 * 24 * time.Hour

// Conversation is one thread with one customer in one inbox (SPEC CNV-1).
type Conversation struct {
	ID             ID
	InboxID        ID
	ChannelID      ID
	ChannelKind    ChannelKind
	Bot            bool   // a chat still with a bot, before hand-off (SPEC CHT-14)
	Origin         string // OriginCustomer or OriginAgent
	ContactID      *ID
	Subject        string
	Preview        string
	Status         Status
	Placement      Placement
	AssigneeID     *ID
	TeamID         *ID
	CreatedAt      time.Time
	LastActivityAt time.Time
	LastCustomerAt *time.Time
	LastAgentAt    *time.Time
	LastSentAt     *time.Time // the latest email an agent sent in it: the Sent view's order
	ClosedAt       *time.Time
	TrashedAt      *time.Time
}

// MessageKind separates what the customer sees from internal comments.
type MessageKind string

// Message kinds.
const (
	KindMessage MessageKind = "message" // to or from the customer
	KindComment MessageKind = "comment" // internal, never sent (SPEC COL-1)
)

// Direction says which way a message travelled.
type Direction string

// Directions.
const (
	Inbound  Direction = "in"
	Outbound Direction = "out"
)

// Message is a customer message, an agent reply or an internal comment.
type Message struct {
	ID             ID
	ConversationID ID
	Kind           MessageKind
	Direction      Direction
	AuthorID       *ID // the user who wrote a reply or comment
	ContactID      *ID // the contact who wrote an inbound message
	Text           string
	HTML           string
	Email          *Email // what an email carries besides its text
	// Bot is set on what a chat flow's bot said: the step, and the
	// choices it offered.
	Bot *BotSaid
	// Bridge is where a reply on an API channel with a bridge stands: sent
	// to the bridge, then delivered or failed as the bridge reports.
	Bridge *Bridged
	// Form is set on the message a form opens a conversation with; Call
	// on a logged call.
	Form      *FormSubmitted
	Call      *Call
	CreatedAt time.Time
}

// The states of a reply handed to a messaging bridge (SPEC CHN-9).
const (
	BridgeSending   = "sending"   // queued for the channel's bridge
	BridgeDelivered = "delivered" // the bridge says the customer has it
	BridgeFailed    = "failed"    // the bridge says it could not deliver it
)

// Bridged is a reply's delivery through a messaging bridge.
type Bridged struct {
	State  string    `json:"state" enum:"sending,delivered,failed"`
	Reason string    `json:"reason,omitempty" doc:"Why it failed, in the bridge's words."`
	At     time.Time `json:"at" doc:"When it reached this state."`
}

// BotSaid is what a bot's message offers besides its text: buttons, or
// the articles it suggests with the two answers to them.
type BotSaid struct {
	Step     string       `json:"step"`
	Buttons  []string     `json:"buttons,omitempty"`
	Articles []BotArticle `json:"articles,omitempty"`
	// Retry says the visitor's answer was not valid.
	Retry bool `json:"retry,omitempty"`
}

// BotArticle is a knowledge-base article a bot suggests.
type BotArticle struct {
	ID    ID     `json:"id"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Now returns the current time as Parley stores it: UTC, to the microsecond
// (PostgreSQL's precision), so a value read back equals the value written.
func Now() time.Time { return Normalize(time.Now()) }

// Normalize converts t to UTC and truncates it to the microsecond.
func Normalize(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// ActorKind says who did something.
type ActorKind string

// Actor kinds.
const (
	ActorUser    ActorKind = "user"
	ActorContact ActorKind = "contact"
	ActorSystem  ActorKind = "system"
	ActorBot     ActorKind = "bot" // a chat flow's bot (SPEC CHT-14)
	// ActorAnonymous is someone not signed in, in the audit log: a failed
	// sign-in, named by the email tried.
	ActorAnonymous ActorKind = "anonymous"
)

// Actor is who performs an action: a signed-in user, a contact writing in, or
// Parley itself (jobs, first start).
type Actor struct {
	Kind      ActorKind
	UserID    ID   // for ActorUser
	Role      Role // for ActorUser
	ContactID ID   // for ActorContact
	Name      string
}

// ContactActor returns the actor for a customer writing in.
func ContactActor(c *Contact) Actor {
	return Actor{Kind: ActorContact, ContactID: c.ID, Name: c.Name}
}

// System is the actor for work Parley does by itself.
var System = Actor{Kind: ActorSystem, Name: "Parley"}

// BotActor is a chat flow's bot: what it says and does before a person
// answers.
var BotActor = Actor{Kind: ActorBot, Name: "Bot"}

// UserActor returns the actor for a signed-in user.
func UserActor(u *User) Actor {
	return Actor{Kind: ActorUser, UserID: u.ID, Role: u.Role, Name: u.Name}
}

type actorKey struct{}

// WithActor returns a context that carries a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor carried by ctx, if any.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// Unique returns ids without repeats, in their first order, in a new slice.
func Unique(ids []ID) []ID {
	seen := make(map[ID]bool, len(ids))
	out := make([]ID, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

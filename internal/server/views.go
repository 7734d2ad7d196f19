package server

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/realtime"
)

// The JSON the API answers with: snake_case, every object with an id.

type userJSON struct {
	ID               parley.ID           `json:"id"`
	Email            string              `json:"email"`
	Name             string              `json:"name"`
	Initials         string              `json:"initials"`
	Role             parley.Role         `json:"role" enum:"admin,agent,viewer"`
	Routable         bool                `json:"routable"`
	Availability     parley.Availability `json:"availability" enum:"available,away"`
	ReassignWhenAway bool                `json:"reassign_when_away"`
	HasPassword      bool                `json:"has_password"`
	MeetingLink      string              `json:"meeting_link" doc:"The user's booking page, inserted by the composer."`
	AvatarURL        *string             `json:"avatar_url" doc:"The user's picture; null when they have none."`
	Locale           string              `json:"locale" doc:"The language the user works in (en, fr); empty until their app says."`
	Active           bool                `json:"active" doc:"False once an admin deactivated the user: they cannot sign in or be assigned; their conversations stay."`
	DeactivatedAt    *time.Time          `json:"deactivated_at" nullable:"true"`
	CreatedAt        time.Time           `json:"created_at"`
}

func userView(u *parley.User) userJSON {
	v := userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Initials: initials(u.Name), Role: u.Role, Routable: u.Routable,
		Availability: u.Availability, ReassignWhenAway: u.ReassignWhenAway, HasPassword: u.HasPassword, MeetingLink: u.MeetingLink, Locale: u.Locale,
		Active: u.Active(), DeactivatedAt: u.DeactivatedAt, CreatedAt: u.CreatedAt}
	if u.AvatarBlob != "" {
		// The blob's key in the address: a new picture is a new address, so
		// browsers may keep one for long.
		url := fmt.Sprintf("/api/v1/users/%d/avatar?v=%.12s", u.ID, u.AvatarBlob)
		v.AvatarURL = &url
	}
	return v
}

// initials are what the list shows for an assignee: "Ana Lima" is "AL".
func initials(name string) string {
	var out []rune
	start := true
	for _, r := range name {
		if r == ' ' || r == '-' {
			start = true
			continue
		}
		if start && len(out) < 2 {
			out = append(out, r)
		}
		start = false
	}
	return string(out)
}

type teamJSON struct {
	ID        parley.ID   `json:"id"`
	Name      string      `json:"name"`
	UserIDs   []parley.ID `json:"user_ids"`
	CreatedAt time.Time   `json:"created_at"`
}

func teamView(t *parley.Team) teamJSON {
	return teamJSON{ID: t.ID, Name: t.Name, UserIDs: nonNil(t.MemberIDs), CreatedAt: t.CreatedAt}
}

type inboxJSON struct {
	ID        parley.ID          `json:"id"`
	Name      string             `json:"name"`
	Slug      string             `json:"slug"`
	Access    parley.InboxAccess `json:"access" enum:"everyone,specific"`
	UserIDs   []parley.ID        `json:"user_ids"`
	TeamIDs   []parley.ID        `json:"team_ids"`
	Member    bool               `json:"member" doc:"Whether you are a member of this inbox, and so may act in it unless a viewer."`
	Address   string             `json:"address" doc:"The inbox's own email address, received by Parley's SMTP listener; forward your support alias to it."`
	CreatedAt time.Time          `json:"created_at"`
}

func (s *Server) inboxView(v *org.InboxView) inboxJSON {
	return inboxJSON{ID: v.ID, Name: v.Name, Slug: v.Slug, Access: v.Access, UserIDs: nonNil(v.UserIDs),
		TeamIDs: nonNil(v.TeamIDs), Member: v.Member, Address: v.Slug + "@" + s.cfg.MailDomain, CreatedAt: v.CreatedAt}
}

type channelJSON struct {
	ID        parley.ID          `json:"id"`
	InboxID   parley.ID          `json:"inbox_id"`
	Kind      parley.ChannelKind `json:"kind" enum:"api,email,chat,form,call"`
	Name      string             `json:"name"`
	Enabled   bool               `json:"enabled"`
	Config    map[string]any     `json:"config"`
	Mailbox   *mailboxStatusJSON `json:"mailbox,omitempty" doc:"A connected mailbox's sync status."`
	CreatedAt time.Time          `json:"created_at"`
}

type mailboxStatusJSON struct {
	SyncedAt  *time.Time `json:"synced_at" doc:"When the mailbox was last in step."`
	LastError string     `json:"last_error" doc:"Why the last attempt failed; empty once it works again."`
	ErrorAt   *time.Time `json:"error_at"`
	LastUID   uint32     `json:"last_uid"`
}

// channelView shows a channel; a connected mailbox's status is read here.
func (s *Server) channelView(ctx context.Context, a parley.Actor, c *parley.Channel) (channelJSON, error) {
	out := channelView(c)
	if c.Mailbox != "" {
		st, err := s.org.MailboxState(ctx, a, c)
		if err != nil {
			return out, err
		}
		out.Mailbox = &mailboxStatusJSON{SyncedAt: st.SyncedAt, LastError: st.LastError, ErrorAt: st.ErrorAt, LastUID: st.LastUID}
	}
	return out, nil
}

func channelView(c *parley.Channel) channelJSON {
	cfg := map[string]any{}
	_ = json.Unmarshal(c.Config, &cfg)
	for _, server := range []string{"imap", "smtp"} {
		if m, ok := cfg[server].(map[string]any); ok {
			delete(m, "password") // write-only
		}
	}
	return channelJSON{ID: c.ID, InboxID: c.InboxID, Kind: c.Kind, Name: c.Name, Enabled: c.Enabled, Config: cfg, CreatedAt: c.CreatedAt}
}

type contactJSON struct {
	ID        parley.ID  `json:"id"`
	Name      string     `json:"name"`
	Email     string     `json:"email"`
	Emails    []string   `json:"emails"`
	Phone     string     `json:"phone"`
	OwnerID   *parley.ID `json:"owner_id"`
	Blocked   bool       `json:"blocked"`
	CreatedAt time.Time  `json:"created_at"`
}

func contactView(c *parley.Contact) contactJSON {
	emails := c.Emails
	if emails == nil {
		emails = []string{}
	}
	return contactJSON{ID: c.ID, Name: c.Name, Email: c.Email, Emails: emails, Phone: c.Phone, OwnerID: c.OwnerID,
		Blocked: c.BlockedAt != nil, CreatedAt: c.CreatedAt}
}

type refJSON struct {
	ID       parley.ID `json:"id"`
	Name     string    `json:"name"`
	Email    string    `json:"email,omitempty"`
	Initials string    `json:"initials,omitempty"`
}

type conversationJSON struct {
	ID             parley.ID          `json:"id"`
	InboxID        parley.ID          `json:"inbox_id"`
	ChannelID      parley.ID          `json:"channel_id"`
	Channel        parley.ChannelKind `json:"channel" enum:"api,email,chat,form,call"`
	ChannelLabel   string             `json:"channel_label" doc:"The per-channel view it is in: email, chat, bots, forms, calls or api."`
	Unread         bool               `json:"unread" doc:"A customer message you have not read."`
	Status         parley.Status      `json:"status" enum:"open,closed"`
	Placement      parley.Placement   `json:"placement" enum:"inbox,filtered,spam,trash"`
	Subject        string             `json:"subject"`
	Preview        string             `json:"preview"`
	Contact        *refJSON           `json:"contact"`
	Assignee       *refJSON           `json:"assignee"`
	Team           *refJSON           `json:"team"`
	CreatedAt      time.Time          `json:"created_at"`
	LastActivityAt time.Time          `json:"last_activity_at"`
	LastCustomerAt *time.Time         `json:"last_customer_at"`
	LastAgentAt    *time.Time         `json:"last_agent_at"`
	ClosedAt       *time.Time         `json:"closed_at"`
	TrashedAt      *time.Time         `json:"trashed_at"`
}

// names resolves the people a page of conversations or a timeline mentions.
type names struct {
	users    map[parley.ID]parley.User
	teams    map[parley.ID]string
	contacts map[parley.ID]*parley.Contact
}

// names loads the people a page mentions, contacts as a sees them.
func (s *Server) names(ctx context.Context, a parley.Actor, contactIDs []parley.ID) (*names, error) {
	n := &names{users: map[parley.ID]parley.User{}, teams: map[parley.ID]string{}}
	users, err := s.org.Users(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		n.users[u.ID] = u
	}
	teams, err := s.org.Teams(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, t := range teams {
		n.teams[t.ID] = t.Name
	}
	if n.contacts, err = s.conv.ContactsSeen(ctx, a, contactIDs); err != nil {
		return nil, err
	}
	return n, nil
}

func (n *names) conversation(c *parley.Conversation) conversationJSON {
	out := conversationJSON{ID: c.ID, InboxID: c.InboxID, ChannelID: c.ChannelID, Channel: c.ChannelKind,
		ChannelLabel: parley.ChannelLabel(c.ChannelKind, c.Bot), Status: c.Status,
		Placement: c.Placement, Subject: c.Subject, Preview: c.Preview, CreatedAt: c.CreatedAt, LastActivityAt: c.LastActivityAt,
		LastCustomerAt: c.LastCustomerAt, LastAgentAt: c.LastAgentAt, ClosedAt: c.ClosedAt, TrashedAt: c.TrashedAt}
	if c.ContactID != nil {
		if ct, ok := n.contacts[*c.ContactID]; ok {
			out.Contact = &refJSON{ID: ct.ID, Name: ct.Name, Email: ct.Email}
		}
	}
	if c.AssigneeID != nil {
		u := n.users[*c.AssigneeID]
		out.Assignee = &refJSON{ID: *c.AssigneeID, Name: u.Name, Initials: initials(u.Name)}
	}
	if c.TeamID != nil {
		out.Team = &refJSON{ID: *c.TeamID, Name: n.teams[*c.TeamID]}
	}
	return out
}

func (n *names) actor(e *parley.Event) realtime.ActorJSON {
	return realtime.Actor(e, func(id parley.ID) string { return n.users[id].Name }, func(id parley.ID) *parley.Contact { return n.contacts[id] })
}

type messageJSON struct {
	ID             parley.ID          `json:"id"`
	ConversationID parley.ID          `json:"conversation_id"`
	Kind           parley.MessageKind `json:"kind" enum:"message,comment"`
	Direction      parley.Direction   `json:"direction" enum:"in,out"`
	AuthorID       *parley.ID         `json:"author_id"`
	ContactID      *parley.ID         `json:"contact_id"`
	Text           string             `json:"text"`
	HTML           string             `json:"html" doc:"Sanitised. In email, remote images are held back in data-remote-src until the reader loads them; inline images point at their attachment."`
	Email          *parley.Email      `json:"email,omitempty" doc:"Email headers, threading rule, quoted history folded away, delivery failure."`
	Attachments    []attachmentJSON   `json:"attachments"`
	CreatedAt      time.Time          `json:"created_at"`
}

type attachmentJSON struct {
	ID          parley.ID `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	Inline      bool      `json:"inline"`
	URL         string    `json:"url"`
}

func messageView(m *parley.Message, atts []parley.Attachment) *messageJSON {
	if m == nil {
		return nil
	}
	out := &messageJSON{ID: m.ID, ConversationID: m.ConversationID, Kind: m.Kind, Direction: m.Direction, AuthorID: m.AuthorID,
		ContactID: m.ContactID, Text: m.Text, HTML: m.HTML, CreatedAt: m.CreatedAt, Attachments: []attachmentJSON{}}
	var cids []string
	for _, a := range atts {
		url := fmt.Sprintf("/api/v1/attachments/%d", a.ID)
		out.Attachments = append(out.Attachments, attachmentJSON{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, Inline: a.Inline, URL: url})
		if a.ContentID != "" {
			cids = append(cids, `"cid:`+html.EscapeString(a.ContentID)+`"`, `"`+url+`"`)
		}
	}
	if len(cids) > 0 {
		out.HTML = strings.NewReplacer(cids...).Replace(out.HTML)
	}
	if m.Email != nil {
		e := *m.Email
		e.Raw = "" // a storage key, not for clients
		out.Email = &e
	}
	return out
}

type timelineItemJSON struct {
	Seq     int64              `json:"seq"`
	Type    string             `json:"type"`
	At      time.Time          `json:"at"`
	Actor   realtime.ActorJSON `json:"actor"`
	Data    map[string]any     `json:"data"`
	Message *messageJSON       `json:"message"`
}

func (n *names) timelineItem(it *conversation.Item) timelineItemJSON {
	data := map[string]any{}
	_ = json.Unmarshal(it.Data, &data)
	return timelineItemJSON{Seq: it.Seq, Type: it.Type, At: it.At, Actor: n.actor(&it.Event), Data: data, Message: messageView(it.Message, it.Attachments)}
}

func nonNil(ids []parley.ID) []parley.ID {
	if ids == nil {
		return []parley.ID{}
	}
	return ids
}

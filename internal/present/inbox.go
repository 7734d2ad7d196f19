package present

import (
	"encoding/json"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// InboxJSON is an inbox as the API shows it to one user.
type InboxJSON struct {
	ID      parley.ID          `json:"id"`
	Name    string             `json:"name"`
	Slug    string             `json:"slug"`
	Access  parley.InboxAccess `json:"access" enum:"everyone,specific"`
	UserIDs []parley.ID        `json:"user_ids"`
	TeamIDs []parley.ID        `json:"team_ids"`
	Member  bool               `json:"member" doc:"Whether you are a member of this inbox, and so may act in it unless a viewer."`
	Address string             `json:"address" doc:"The inbox's own email address, received by Parley's SMTP listener; forward your support alias to it."`
	// ChatTranscripts says whether closing a chat emails the visitor a
	// transcript.
	ChatTranscripts bool      `json:"chat_transcripts" doc:"Whether closing a chat emails its visitor a transcript."`
	CreatedAt       time.Time `json:"created_at"`
}

// Inbox renders in for a user who is a member of it or not; its address is
// on mailDomain.
func Inbox(in *parley.Inbox, member bool, mailDomain string) InboxJSON {
	return InboxJSON{ID: in.ID, Name: in.Name, Slug: in.Slug, Access: in.Access, UserIDs: nonNil(in.UserIDs),
		TeamIDs: nonNil(in.TeamIDs), Member: member, Address: in.Slug + "@" + mailDomain, ChatTranscripts: in.ChatTranscripts, CreatedAt: in.CreatedAt}
}

// ChannelJSON is a channel as the API shows it: its settings without their
// passwords.
type ChannelJSON struct {
	ID        parley.ID          `json:"id"`
	InboxID   parley.ID          `json:"inbox_id"`
	Kind      parley.ChannelKind `json:"kind" enum:"api,email,chat,form,call"`
	Name      string             `json:"name"`
	Enabled   bool               `json:"enabled"`
	Config    map[string]any     `json:"config"`
	Mailbox   *MailboxStatusJSON `json:"mailbox,omitempty" doc:"A connected mailbox's sync status."`
	PublicKey string             `json:"public_key,omitempty" doc:"A chat channel's key, which websites name in the widget's tag (data-inbox)."`
	CreatedAt time.Time          `json:"created_at"`
}

// MailboxStatusJSON is where a connected mailbox's sync stands.
type MailboxStatusJSON struct {
	SyncedAt  *time.Time `json:"synced_at" doc:"When the mailbox was last in step."`
	LastError string     `json:"last_error" doc:"Why the last attempt failed; empty once it works again."`
	ErrorAt   *time.Time `json:"error_at"`
	LastUID   uint32     `json:"last_uid"`
}

// Channel renders c, without its mailbox's status (the caller reads it).
func Channel(c *parley.Channel) ChannelJSON {
	cfg := map[string]any{}
	_ = json.Unmarshal(c.Config, &cfg)
	for _, server := range []string{"imap", "smtp"} {
		if m, ok := cfg[server].(map[string]any); ok {
			delete(m, "password") // write-only
		}
	}
	delete(cfg, "identity") // read apart, by admins (identity-secret)
	return ChannelJSON{ID: c.ID, InboxID: c.InboxID, Kind: c.Kind, Name: c.Name, Enabled: c.Enabled, Config: cfg, PublicKey: c.PublicKey, CreatedAt: c.CreatedAt}
}

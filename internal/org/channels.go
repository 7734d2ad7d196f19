package org

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// NewChannel describes a channel to connect.
type NewChannel struct {
	Kind    parley.ChannelKind
	Name    string
	Enabled *bool // default true
	Config  json.RawMessage
}

// CreateChannel connects a channel to an inbox (admins only, SPEC ORG-2).
func (s *Service) CreateChannel(ctx context.Context, a parley.Actor, inboxID parley.ID, in NewChannel) (*parley.Channel, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	if !in.Kind.Valid() {
		return nil, parley.Invalid("kind", "must be api, email, chat, form or call")
	}
	name := strings.TrimSpace(in.Name)
	if name == "" || len([]rune(name)) > 100 {
		return nil, parley.Invalid("name", "is required, up to 100 characters")
	}
	cfg, err := validConfig(in.Kind, in.Config)
	if err != nil {
		return nil, err
	}
	c := &parley.Channel{InboxID: inboxID, Kind: in.Kind, Name: name, Enabled: in.Enabled == nil || *in.Enabled,
		Config: keepPassword(json.RawMessage(`{}`), cfg), CreatedAt: s.clock()}
	c.Mailbox = mailboxOf(c)
	switch c.Kind {
	case parley.ChannelChat:
		c.PublicKey = publicKey()
		c.Config = withIdentitySecret(c.Config)
	case parley.ChannelForm:
		// A form is found by its key (/f/<key>); its config is always
		// complete, even when created with none.
		c.PublicKey = publicKey()
		if len(cfg) == 0 {
			if c.Config, err = validConfig(c.Kind, json.RawMessage(`{}`)); err != nil {
				return nil, err
			}
		}
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Inbox(ctx, inboxID); err != nil {
			return err
		}
		if err := tx.CreateChannel(ctx, c); err != nil {
			return mailboxTaken(err)
		}
		tx.Append(channelEvent(parley.EventChannelCreated, a, c, s))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ChannelPatch changes a channel; nil leaves a field as it is.
type ChannelPatch struct {
	Name    *string
	Enabled *bool
	Config  json.RawMessage
}

// UpdateChannel renames a channel, turns it on or off (SPEC CHN-1) or
// replaces its config (admins only).
func (s *Service) UpdateChannel(ctx context.Context, a parley.Actor, id parley.ID, p ChannelPatch) (*parley.Channel, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	var out *parley.Channel
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.Channel(ctx, id)
		if err != nil {
			return err
		}
		cfg, err := validConfig(c.Kind, p.Config)
		if err != nil {
			return err
		}
		if p.Name != nil {
			name := strings.TrimSpace(*p.Name)
			if name == "" || len([]rune(name)) > 100 {
				return parley.Invalid("name", "is required, up to 100 characters")
			}
			c.Name = name
		}
		if p.Enabled != nil {
			c.Enabled = *p.Enabled
		}
		if len(cfg) > 0 {
			c.Config = keepPassword(c.Config, cfg)
			c.Mailbox = mailboxOf(c)
		}
		if err := tx.UpdateChannel(ctx, c); err != nil {
			return mailboxTaken(err)
		}
		tx.Append(channelEvent(parley.EventChannelUpdated, a, c, s))
		out = c
		return nil
	})
	return out, err
}

// Channels lists an inbox's channels for someone who can see the inbox.
func (s *Service) Channels(ctx context.Context, a parley.Actor, inboxID parley.ID) ([]parley.Channel, error) {
	if err := auth.Inbox(ctx, s.store, a, inboxID, auth.Read); err != nil {
		return nil, err
	}
	return s.store.Channels(ctx, inboxID)
}

// MailboxState is where a channel's connected mailbox's sync stands, for
// someone who can see the channel's inbox.
func (s *Service) MailboxState(ctx context.Context, a parley.Actor, c *parley.Channel) (*store.MailboxState, error) {
	if err := auth.Inbox(ctx, s.store, a, c.InboxID, auth.Read); err != nil {
		return nil, err
	}
	return s.store.MailboxState(ctx, c.ID)
}

func channelEvent(typ string, a parley.Actor, c *parley.Channel, s *Service) parley.Event {
	return channelEventAt(typ, a, c, s.clock())
}

func channelEventAt(typ string, a parley.Actor, c *parley.Channel, now time.Time) parley.Event {
	e := parley.NewEvent(typ, a, now, map[string]any{"channel_id": c.ID, "kind": c.Kind, "name": c.Name, "enabled": c.Enabled})
	e.InboxID = &c.InboxID
	return e
}

// validConfig checks a channel's config and returns it as stored: a chat
// channel's origins in their canonical form.
func validConfig(kind parley.ChannelKind, cfg json.RawMessage) (json.RawMessage, error) {
	if len(cfg) == 0 {
		return cfg, nil
	}
	var m map[string]any
	if err := json.Unmarshal(cfg, &m); err != nil {
		return nil, parley.Invalid("config", "must be a JSON object")
	}
	switch kind {
	case parley.ChannelEmail:
		var es parley.EmailSettings
		if err := json.Unmarshal(cfg, &es); err != nil {
			return nil, parley.Invalid("config", "has an email setting of the wrong type")
		}
		return cfg, es.Validate()
	case parley.ChannelChat:
		var cs parley.ChatSettings
		if err := json.Unmarshal(cfg, &cs); err != nil {
			return nil, parley.Invalid("config", "has a chat setting of the wrong type")
		}
		cs, err := cs.Validate()
		if err != nil {
			return nil, err
		}
		m["allowed_origins"] = cs.AllowedOrigins
		return json.Marshal(m)
	case parley.ChannelForm:
		var fs parley.FormSettings
		if err := json.Unmarshal(cfg, &fs); err != nil {
			return nil, parley.Invalid("config", "has a form setting of the wrong type")
		}
		fs, err := fs.Validate()
		if err != nil {
			return nil, err
		}
		return json.Marshal(fs)
	}
	return cfg, nil
}

// publicKey makes a chat's or a form's public key: 26 random letters and
// digits (130 bits), safe in a URL and an HTML attribute.
func publicKey() string { return strings.ToLower(rand.Text()) }

// withIdentitySecret returns a chat's config with a new identity secret:
// what the site's server signs its signed-in users' identities with (SPEC
// CHT-11).
func withIdentitySecret(cfg json.RawMessage) json.RawMessage {
	m := map[string]any{}
	_ = json.Unmarshal(cfg, &m)
	m["identity"] = map[string]any{"secret": rand.Text() + rand.Text()}
	out, _ := json.Marshal(m)
	return out
}

// IdentitySecret returns a chat channel's identity secret (admins), for
// the site's server to sign its users' identities with.
func (s *Service) IdentitySecret(ctx context.Context, a parley.Actor, id parley.ID) (string, error) {
	if err := auth.Admin(a); err != nil {
		return "", err
	}
	c, err := s.store.Channel(ctx, id)
	if err != nil {
		return "", err
	}
	if c.Kind != parley.ChannelChat {
		return "", parley.Invalid("id", "is not a chat channel")
	}
	return c.ChatSettings().Identity.Secret, nil
}

// RotateIdentitySecret gives a chat channel a new identity secret (admins):
// identities signed with the old one are refused from now on.
func (s *Service) RotateIdentitySecret(ctx context.Context, a parley.Actor, id parley.ID) (string, error) {
	if err := auth.Admin(a); err != nil {
		return "", err
	}
	var secret string
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.Channel(ctx, id)
		if err != nil {
			return err
		}
		if c.Kind != parley.ChannelChat {
			return parley.Invalid("id", "is not a chat channel")
		}
		c.Config = withIdentitySecret(c.Config)
		secret = c.ChatSettings().Identity.Secret
		if err := tx.UpdateChannel(ctx, c); err != nil {
			return err
		}
		tx.Append(channelEvent(parley.EventChannelUpdated, a, c, s))
		return nil
	})
	return secret, err
}

// mailboxOf names the IMAP mailbox a channel connects, "" for none.
func mailboxOf(c *parley.Channel) string {
	if c.Kind != parley.ChannelEmail {
		return ""
	}
	if set := c.EmailSettings(); set.IMAP != nil {
		return set.IMAP.Mailbox()
	}
	return ""
}

func mailboxTaken(err error) error {
	if parley.ErrorCode(err) == parley.ECONFLICT {
		return &parley.Error{Code: parley.ECONFLICT, Field: "config.imap", Message: "this mailbox is already connected to a channel (SPEC CHN-2)", Reason: "mailbox_taken"}
	}
	return err
}

// keepPassword carries the stored IMAP and SMTP passwords into a new config
// that leaves them out (clients never get them back, so they cannot send
// them), and keeps the verified from-address whatever the new config says.
func keepPassword(old, next json.RawMessage) json.RawMessage {
	var o, n map[string]any
	if json.Unmarshal(old, &o) != nil || json.Unmarshal(next, &n) != nil {
		return next
	}
	changed := false
	// The from-address changes only through its confirmation link.
	if o["from_address"] != n["from_address"] {
		if o["from_address"] == nil {
			delete(n, "from_address")
		} else {
			n["from_address"] = o["from_address"]
		}
		changed = true
	}
	// A chat's identity secret changes only by RotateIdentitySecret.
	if o["identity"] != nil || n["identity"] != nil {
		if o["identity"] == nil {
			delete(n, "identity")
		} else {
			n["identity"] = o["identity"]
		}
		changed = true
	}
	for _, server := range []string{"imap", "smtp"} {
		oi, _ := o[server].(map[string]any)
		ni, _ := n[server].(map[string]any)
		if oi == nil || ni == nil {
			continue
		}
		if p, _ := ni["password"].(string); p == "" && oi["password"] != nil {
			ni["password"], changed = oi["password"], true
		}
	}
	if changed {
		if b, err := json.Marshal(n); err == nil {
			return b
		}
	}
	return next
}

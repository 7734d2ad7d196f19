package conversation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Email is a raw email arriving through an email channel: the SMTP
// listener, a connected mailbox, the API or an import.
type Email struct {
	ChannelID parley.ID
	Raw       []byte
	Source    string // smtp, imap, api, import
	// Keys are dedupe keys besides the Message-ID, such as a connected
	// mailbox's "imap:<uidvalidity>:<uid>".
	Keys []string
	// Recipients are the envelope recipients (SMTP RCPT TO), where a
	// conversation's plus-address token may be when the headers hide it.
	Recipients []string
	// Import keeps the message's own date and leaves closed conversations
	// closed: history, not new traffic.
	Import bool
}

// EmailReceiver takes in one raw email; what it returns without error is
// committed. The Service is one; the SMTP listener and the IMAP sync hold
// one each.
type EmailReceiver interface {
	ReceiveEmail(ctx context.Context, a parley.Actor, in Email) (*EmailReceived, error)
}

// EmailReceived says what became of an email.
type EmailReceived struct {
	ConversationID parley.ID
	MessageID      parley.ID
	// Rule is the threading rule that placed it (mail.Rule*).
	Rule string
	// Duplicate is true when the message was received before; Deleted when
	// its conversation has since been deleted or it was quarantined, so it
	// is acknowledged and not taken in again.
	Duplicate, Deleted bool
	// Quarantined is the id of the quarantine entry when it could not be
	// read.
	Quarantined parley.ID
}

// ReceiveEmail takes in one raw email: it parses it, classifies it, threads
// it, resolves its contact and stores it with its attachments, all in one
// transaction; what it returns without error is committed. A message that
// cannot be parsed is quarantined (and that is not an error). A disabled
// channel is ECONFLICT (SPEC CHN-1).
func (s *Service) ReceiveEmail(ctx context.Context, a parley.Actor, in Email) (*EmailReceived, error) {
	if s.blobs == nil {
		return nil, fmt.Errorf("conversation: receive email: no blob store")
	}
	ch, err := s.inboundChannel(ctx, a, in.ChannelID, parley.ChannelEmail)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(in.Raw)
	rawKey := hex.EncodeToString(sum[:]) // the blob key, whether or not it is a blob
	m, perr := mail.Parse(in.Raw)
	if perr != nil {
		if _, err := s.blobs.Put(in.Raw); err != nil {
			return nil, err
		}
		return s.quarantine(ctx, ch, in, rawKey, perr.Error())
	}
	if len(in.Raw) > maxRawInline {
		if _, err := s.blobs.Put(in.Raw); err != nil {
			return nil, err
		}
	} else {
		rawKey = "" // kept in the database with the message
	}
	atts := make([]parley.Attachment, len(m.Attachments))
	for i, att := range m.Attachments {
		key, err := s.blobs.Put(att.Data)
		if err != nil {
			return nil, err
		}
		atts[i] = parley.Attachment{Name: att.Name, ContentType: att.ContentType, Size: int64(len(att.Data)),
			Blob: key, ContentID: att.ContentID, Inline: att.Inline}
	}
	keys := append([]string{"mid:" + m.MessageID}, in.Keys...)
	return s.take(ctx, s.emailArrival(ch, in, m, rawKey, atts, keys))
}

// maxRawInline is the largest raw message kept in the database row rather
// than as a blob: most mail, with no file to write and sync per message.
const maxRawInline = 256 << 10

func (s *Service) quarantine(ctx context.Context, ch *parley.Channel, in Email, rawKey, reason string) (*EmailReceived, error) {
	out := &EmailReceived{Deleted: true}
	// Parse failed, so the bytes are the identity: the same broken message
	// delivered again is recognised.
	keys := append([]string{"raw:" + rawKey}, in.Keys...)
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		if dup, err := s.seen(ctx, tx, ch, keys, out); err != nil || dup {
			return err
		}
		now := s.clock()
		q := &parley.Quarantined{ChannelID: &ch.ID, Source: in.Source, Reason: reason, Size: int64(len(in.Raw)), Blob: rawKey, CreatedAt: now}
		if err := tx.Quarantine(ctx, q); err != nil {
			return err
		}
		for _, k := range keys {
			if err := tx.PutTombstone(ctx, ch.ID, k, now); err != nil {
				return err
			}
		}
		e := parley.NewEvent(parley.EventMailQuarantined, parley.System, now, map[string]any{
			"quarantine_id": q.ID, "channel_id": ch.ID, "source": in.Source, "reason": reason})
		e.InboxID = &ch.InboxID
		tx.Append(e)
		out.Quarantined = q.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// emailArrival makes a parsed email ready to be taken in: whom it is from,
// how it threads, how it is classified, and what is stored with it.
func (s *Service) emailArrival(ch *parley.Channel, in Email, m *mail.Message, rawKey string, atts []parley.Attachment, keys []string) *arrival {
	at := s.clock()
	if in.Import && !m.Date.IsZero() {
		at = parley.Normalize(m.Date)
	}
	settings := ch.EmailSettings()
	ours := func(email string) bool {
		_, domain, _ := strings.Cut(email, "@")
		return domain == s.mailDomain || email == settings.Address
	}
	body := m.Body()
	email := &parley.Email{
		MessageID: m.MessageID, Subject: m.Subject, From: m.From, To: m.To, Cc: m.Cc, ReplyTo: m.ReplyTo,
		Date: m.Date, Auto: m.Auto, Raw: rawKey, Warnings: m.Warnings, References: m.References, ThreadIndex: m.ThreadIndex,
		QuotedText: body.QuotedText, QuotedHTML: body.QuotedHTML, RemoteImages: body.RemoteImages,
	}
	data := map[string]any{"auto": m.Auto}
	if m.Bounce != nil {
		email.Failure = &parley.DeliveryFailure{MessageID: m.Bounce.MessageID, Recipients: m.Bounce.Recipients,
			Code: FailedBounced, Reason: m.Bounce.Reason}
		data["code"], data["reason"] = FailedBounced, m.Bounce.Reason
	}
	a := &arrival{
		ch: ch, keys: keys, at: at, from: m.From, subject: truncate(m.Subject, 1000), filter: m.FilterReason(),
		notice: m.Bounce != nil, auto: m.Auto != "", history: in.Import, data: data,
		msg: parley.Message{Text: truncate(body.Text, MaxBodyLength), HTML: truncate(body.HTML, MaxBodyLength), Email: email},
	}
	a.thread = func(ctx context.Context, tx *store.Tx) (*parley.Conversation, string, error) {
		// Whom the message is from: the original sender of a teammate's
		// forward (SPEC CHN-5), the From otherwise.
		if m.Forwarded != nil && settings.ForwardsAs != "forwarder" {
			if _, _, err := tx.UserByEmail(ctx, m.From.Email); err == nil {
				a.from, email.ForwardedBy = *m.Forwarded, &m.From
			} else if parley.ErrorCode(err) != parley.ENOTFOUND {
				return nil, "", err
			}
		}
		c, rule, err := s.thread(ctx, tx, ch, in, m, a.from.Email)
		email.ThreadRule = rule
		a.data["thread_rule"] = rule
		return c, rule, err
	}
	a.stored = func(ctx context.Context, tx *store.Tx, c *parley.Conversation, msg *parley.Message) error {
		if rawKey == "" {
			if err := tx.PutRawMail(ctx, msg.ID, in.Raw); err != nil {
				return err
			}
		}
		for i := range atts {
			atts[i].MessageID, atts[i].CreatedAt = msg.ID, s.clock()
			if err := tx.CreateAttachment(ctx, &atts[i]); err != nil {
				return err
			}
		}
		threadKeys := []string{"mid:" + m.MessageID}
		if m.ThreadIndex != "" {
			threadKeys = append(threadKeys, "ti:"+m.ThreadIndex)
		}
		if err := tx.PutMailThreads(ctx, c.InboxID, c.ID, false, threadKeys...); err != nil {
			return err
		}
		if m.Bounce != nil {
			return nil // a mail server is nobody to answer
		}
		var people []string
		for _, addr := range append(append([]parley.Mailbox{a.from, m.From}, m.To...), m.Cc...) {
			if addr.Email != "" && !ours(addr.Email) && !mail.RoleBased(addr.Email) {
				people = append(people, addr.Email)
			}
		}
		return tx.AddParticipants(ctx, c.ID, people...)
	}
	return a
}

// thread finds the conversation a message belongs to, trying the rules in
// order (mail.Rule*). A match joins only if the sender is the
// conversation's contact or has been on its mail (a cc'd colleague);
// anyone else starts their own conversation — two customers are never
// merged. A conversation in the trash is not joined.
func (s *Service) thread(ctx context.Context, tx *store.Tx, ch *parley.Channel, in Email, m *mail.Message, sender string) (*parley.Conversation, string, error) {
	refs := m.Referenced()
	keys := make([]string, 0, len(refs)+1)
	for _, r := range refs {
		keys = append(keys, "mid:"+r)
	}
	if m.ThreadIndex != "" {
		keys = append(keys, "ti:"+m.ThreadIndex)
	}
	found, err := tx.MailThreads(ctx, ch.InboxID, keys)
	if err != nil {
		return nil, "", err
	}
	try := func(id parley.ID, sameContactOnly bool) (*parley.Conversation, error) {
		c, err := tx.Conversation(ctx, id)
		if parley.ErrorCode(err) == parley.ENOTFOUND || err == nil && (c.InboxID != ch.InboxID || c.Placement == parley.PlacementTrash) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if m.Bounce != nil {
			return c, nil // a bounce is sent by a mail server about our message
		}
		if c.ContactID != nil {
			contact, err := tx.Contact(ctx, *c.ContactID)
			if err != nil {
				return nil, err
			}
			for _, e := range contact.Emails {
				if e == sender {
					return c, nil
				}
			}
		}
		if sameContactOnly {
			return nil, nil
		}
		ok, err := tx.IsParticipant(ctx, c.ID, sender)
		if err != nil || !ok {
			return nil, err
		}
		return c, nil
	}
	// Our own Message-IDs are unguessable: a reply that quotes one was
	// sent something by us.
	for _, r := range refs {
		if t, ok := found["mid:"+r]; ok && t.Ours {
			if c, err := try(t.ConversationID, false); err != nil || c != nil {
				return c, mail.RuleOwnID, err
			}
		}
	}
	if m.Bounce != nil {
		return nil, mail.RuleNew, nil // a bounce only ever threads to what we sent
	}
	inbox, err := tx.Inbox(ctx, ch.InboxID)
	if err != nil {
		return nil, "", err
	}
	for _, token := range mail.Tokens(append(in.Recipients, m.Recipients()...), inbox.Slug, s.mailDomain) {
		id, err := tx.ConversationByToken(ctx, ch.InboxID, token)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		if c, err := try(id, false); err != nil || c != nil {
			return c, mail.RuleToken, err
		}
	}
	for _, r := range refs {
		if t, ok := found["mid:"+r]; ok && !t.Ours {
			if c, err := try(t.ConversationID, false); err != nil || c != nil {
				return c, mail.RuleReference, err
			}
		}
	}
	if t, ok := found["ti:"+m.ThreadIndex]; ok && m.ThreadIndex != "" {
		if c, err := try(t.ConversationID, false); err != nil || c != nil {
			return c, mail.RuleThreadIndex, err
		}
	}
	if n := mail.SubjectNumber(m.Subject); n > 0 {
		if c, err := try(parley.ID(n), true); err != nil || c != nil {
			return c, mail.RuleSubject, err
		}
	}
	return nil, mail.RuleNew, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

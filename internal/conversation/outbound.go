package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"slices"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/jobs"
	pmail "github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Mailer hands raw mail to the next server.
type Mailer interface {
	Send(ctx context.Context, from string, to []string, raw []byte) error
}

// JobSendMail is the job that sends one outbound email message.
const JobSendMail = "mail.send"

// sendAttempts is how often an email is tried before it is reported failed:
// with the default backoff, about a day and a half.
const sendAttempts = 12

// MaxCopies is the most people a reply copies from the customer's last
// email, as the API caps the copies an agent adds.
const MaxCopies = 20

type sendMailJob struct {
	MessageID parley.ID `json:"message_id"`
}

// Recipients is who a reply writes to by default: the contact (To), and
// for a reply-all whoever else was on the contact's last email (Cc), but
// for our own addresses and role-based ones. Past MaxCopies, Cc is empty
// and Uncopied says how many were left out.
type Recipients struct {
	To, Cc   []parley.Mailbox
	Uncopied int
}

// Recipients returns who a reply to a conversation the actor may read
// writes to (SPEC CMP-1), for the composer to show before sending.
func (s *Service) Recipients(ctx context.Context, a parley.Actor, id parley.ID) (Recipients, error) {
	c, err := auth.Conversation(ctx, s.store, a, id, auth.Read)
	if err != nil {
		return Recipients{}, err
	}
	r, _, err := s.replyRecipients(ctx, &s.store.Q, c)
	return r, err
}

// replyRecipients works out Recipients, and returns the contact's last
// email (nil if none) that a reply continues.
func (s *Service) replyRecipients(ctx context.Context, q *store.Q, c *parley.Conversation) (Recipients, *parley.Message, error) {
	var r Recipients
	if c.ContactID == nil {
		return r, nil, nil
	}
	contact, err := q.Contact(ctx, *c.ContactID)
	if err != nil || contact.Email == "" {
		return r, nil, err
	}
	r.To = []parley.Mailbox{{Name: contact.Seen(func(id parley.ID) bool { return id == c.InboxID }).Name, Email: contact.Email}}
	last, err := q.LastInboundEmail(ctx, c.ID, contact.ID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return r, nil, nil
	} else if err != nil {
		return r, nil, err
	}
	ours := func(addr string) bool { return strings.HasSuffix(addr, "@"+s.mailDomain) }
	// Reply-all over the customer's own last email: whoever else wrote in
	// last (a forward's recipient, say) is not copied on it.
	seen := map[string]bool{contact.Email: true}
	for _, p := range slices.Concat([]parley.Mailbox{last.Email.From}, last.Email.To, last.Email.Cc) {
		if !seen[p.Email] && !ours(p.Email) && !pmail.RoleBased(p.Email) {
			seen[p.Email] = true
			r.Cc = append(r.Cc, p)
		}
	}
	// A mass-copied email is a mailing or an abuse, never a conversation
	// to copy back: past MaxCopies nobody is copied, and the reply says how
	// many were left out.
	if len(r.Cc) > MaxCopies {
		r.Uncopied, r.Cc = len(r.Cc), nil
	}
	return r, last, nil
}

// prepareEmail makes m, a reply being written in tx, an email: our
// unguessable Message-ID continuing the thread, the conversation's
// plus-address as Reply-To, and its recipients. When to is given, those
// are exactly to, cc and bcc (what the agent saw in the composer);
// without it, the default an API client gets: the contact, copying
// whoever was on the contact's last email, plus cc and bcc.
func (s *Service) prepareEmail(ctx context.Context, tx *store.Tx, c *parley.Conversation, ch *parley.Channel, a parley.Actor, m *parley.Message, now time.Time, to, cc, bcc []parley.Mailbox) error {
	r, last, err := s.replyRecipients(ctx, &tx.Q, c)
	if err != nil {
		return err
	}
	inbox, err := tx.Inbox(ctx, c.InboxID)
	if err != nil {
		return err
	}
	email := &parley.Email{MessageID: pmail.NewMessageID(s.mailDomain), Subject: replySubject(c.Subject), Date: now, Delivery: "queued"}
	if last != nil {
		email.References = append(append([]string(nil), last.Email.References...), last.Email.MessageID)
		email.ThreadIndex = last.Email.ThreadIndex
	}
	switch {
	case len(to) > 0:
	case c.ContactID == nil:
		return parley.Invalid("conversation", "has no contact to write to: associate one, or say whom to write to").Because("no_contact")
	case len(r.To) == 0:
		return parley.Invalid("conversation", "the contact has no email address").Because("contact_no_email")
	default:
		email.To, email.Cc, email.Uncopied = r.To, r.Cc, r.Uncopied
	}
	// Each address once, wherever it is first.
	has := func(addr string) bool {
		return slices.ContainsFunc(slices.Concat(email.To, email.Cc, email.Bcc), func(m parley.Mailbox) bool { return m.Email == addr })
	}
	for _, p := range to {
		if !has(p.Email) {
			email.To = append(email.To, p)
		}
	}
	for _, p := range cc {
		if !has(p.Email) {
			email.Cc = append(email.Cc, p)
		}
	}
	for _, p := range bcc {
		if !has(p.Email) {
			email.Bcc = append(email.Bcc, p)
		}
	}
	m.Email = email
	if err := s.addressEmail(ctx, tx, c, ch, a, inbox, m); err != nil {
		return err
	}
	author, err := tx.User(ctx, a.UserID)
	if err != nil {
		return err
	}
	sign(m, ch.EmailSettings(), author)
	return nil
}

// sign appends the channel's signature to a reply or new email, with the
// agent's name in its tokens (SPEC CHN-4).
func sign(m *parley.Message, set parley.EmailSettings, author *parley.User) {
	if set.Signature == "" && set.SignatureHTML == "" {
		return
	}
	full := pmail.SingleLine(author.Name)
	first, last, _ := strings.Cut(full, " ")
	r := strings.NewReplacer("{{agent.full_name}}", full, "{{agent.first_name}}", first, "{{agent.last_name}}", strings.TrimSpace(last))
	rh := strings.NewReplacer("{{agent.full_name}}", html.EscapeString(full), "{{agent.first_name}}", html.EscapeString(first),
		"{{agent.last_name}}", html.EscapeString(strings.TrimSpace(last)))
	text := set.Signature
	if text == "" {
		text = pmail.PlainText(set.SignatureHTML)
	}
	m.Text += "\n\n-- \n" + r.Replace(text)
	if m.HTML != "" {
		sigHTML := set.SignatureHTML
		if sigHTML == "" {
			sigHTML = `<div style="white-space: pre-wrap">` + html.EscapeString(set.Signature) + `</div>`
		}
		m.HTML += `<div class="signature">` + rh.Replace(sigHTML) + `</div>`
	}
}

// addressEmail gives m.Email, already addressed, its sender (SPEC CHN-4:
// "Ana at Acme" from the inbox's address), the conversation's plus-address
// as Reply-To, and records our Message-ID and the recipients so their
// answers thread back; the send is queued after the commit.
func (s *Service) addressEmail(ctx context.Context, tx *store.Tx, c *parley.Conversation, ch *parley.Channel, a parley.Actor, inbox *parley.Inbox, m *parley.Message) error {
	email := m.Email
	token, err := tx.MailToken(ctx, c.ID)
	if err != nil {
		return err
	}
	if token == "" {
		token = pmail.NewToken()
		if err := tx.SetMailToken(ctx, c.ID, token); err != nil {
			return err
		}
	}
	org, _, err := tx.OrgName(ctx)
	if err != nil {
		return err
	}
	author, err := tx.User(ctx, a.UserID)
	if err != nil {
		return err
	}
	name := org
	if ch.EmailSettings().FromName != "company" {
		first, _, _ := strings.Cut(pmail.SingleLine(author.Name), " ")
		name = first + " at " + org
	}
	email.ChannelID = ch.ID
	if set := ch.EmailSettings(); set.SMTP != nil && set.Address != "" {
		// A connected mailbox sends as itself; the answer comes back to
		// it and threads by our Message-ID.
		email.From = parley.Mailbox{Name: name, Email: set.Address}
	} else if set.FromAddress != "" {
		email.From = parley.Mailbox{Name: name, Email: set.FromAddress} // verified (SPEC CHN-3)
		email.ReplyTo = []parley.Mailbox{{Name: org, Email: inbox.Slug + "+" + token + "@" + s.mailDomain}}
	} else {
		email.From = parley.Mailbox{Name: name, Email: inbox.Slug + "@" + s.mailDomain}
		email.ReplyTo = []parley.Mailbox{{Name: org, Email: inbox.Slug + "+" + token + "@" + s.mailDomain}}
	}

	if err := tx.PutMailThreads(ctx, c.InboxID, c.ID, true, "mid:"+email.MessageID); err != nil {
		return err
	}
	var people []string
	for _, p := range append(append([]parley.Mailbox(nil), email.To...), email.Cc...) {
		people = append(people, p.Email)
	}
	if err := tx.AddParticipants(ctx, c.ID, people...); err != nil {
		return err
	}
	tx.AfterCommit(s.wake)
	return nil
}

// enqueueSend queues the sending of m, once it has an id.
func enqueueSend(ctx context.Context, tx *store.Tx, m *parley.Message, now time.Time) error {
	payload, _ := json.Marshal(sendMailJob{MessageID: m.ID})
	return tx.Enqueue(ctx, &store.Job{Kind: JobSendMail, Payload: payload, RunAt: now, MaxAttempts: sendAttempts, CreatedAt: now})
}

func replySubject(subject string) string {
	base := pmail.BaseSubject(subject)
	if base == "" {
		return "Re: your message"
	}
	return "Re: " + base
}

// SendMailJob is the handler of JobSendMail: it composes the message from
// what was stored with it, signs it, and hands it to the mailer. The
// outcome is recorded on the message and in the timeline.
func (s *Service) SendMailJob() jobs.Handler {
	return jobs.Handler{
		Run: func(ctx context.Context, j *store.Job) error {
			var p sendMailJob
			if err := json.Unmarshal(j.Payload, &p); err != nil {
				return jobs.Permanent(fmt.Errorf("send mail: payload: %w", err))
			}
			m, err := s.store.Message(ctx, p.MessageID)
			if parley.ErrorCode(err) == parley.ENOTFOUND {
				return nil // deleted with its conversation: nothing to send
			}
			if err != nil {
				return err
			}
			if m.Email == nil || m.Email.Delivery == "sent" {
				return nil
			}
			mailer := s.mailer
			if m.Email.ChannelID != 0 && s.mailerFor != nil {
				ch, err := s.store.Channel(ctx, m.Email.ChannelID)
				if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
					return err
				}
				if err == nil {
					if set := ch.EmailSettings(); set.SMTP != nil {
						mailer = s.mailerFor(*set.SMTP)
					}
				}
			}
			if mailer == nil {
				return jobs.Permanent(errNoRelay)
			}
			raw, err := s.compose(ctx, m)
			if err != nil {
				return err
			}
			var rcpts []string
			for _, r := range slices.Concat(m.Email.To, m.Email.Cc, m.Email.Bcc) {
				rcpts = append(rcpts, r.Email)
			}
			if err := mailer.Send(ctx, m.Email.From.Email, rcpts, raw); err != nil {
				return err
			}
			return s.delivered(ctx, m, "sent", nil)
		},
		Failed: func(ctx context.Context, tx *store.Tx, j *store.Job, cause error) error {
			var p sendMailJob
			if json.Unmarshal(j.Payload, &p) != nil {
				return nil
			}
			m, err := tx.Message(ctx, p.MessageID)
			if err != nil || m.Email == nil {
				return nil
			}
			return s.recordDelivery(ctx, tx, m, "failed", cause)
		},
	}
}

// compose builds the message from what was stored with it: its own
// attachments, and nothing from any other message.
func (s *Service) compose(ctx context.Context, m *parley.Message) ([]byte, error) {
	e := m.Email
	out := pmail.Outgoing{
		MessageID: e.MessageID, From: e.From, To: e.To, Cc: e.Cc, Subject: e.Subject, Text: m.Text, HTML: m.HTML,
		References: e.References, ThreadIndex: e.ThreadIndex, Date: e.Date,
	}
	atts, err := s.store.MessageAttachments(ctx, []parley.ID{m.ID})
	if err != nil {
		return nil, err
	}
	for _, a := range atts[m.ID] {
		data, err := s.blobs.Read(a.Blob)
		if err != nil {
			return nil, fmt.Errorf("attachment %q: %w", a.Name, err)
		}
		out.Attachments = append(out.Attachments, pmail.Attachment{Name: a.Name, ContentType: a.ContentType,
			ContentID: a.ContentID, Inline: a.Inline, Data: data})
	}
	if len(e.ReplyTo) > 0 {
		out.ReplyTo = &e.ReplyTo[0]
	}
	if n := len(e.References); n > 0 {
		out.InReplyTo = e.References[n-1]
	}
	raw, err := pmail.Compose(out)
	if err != nil {
		return nil, jobs.Permanent(err)
	}
	if s.dkim != nil {
		return s.dkim.Sign(raw)
	}
	return raw, nil
}

func (s *Service) delivered(ctx context.Context, m *parley.Message, state string, cause error) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error { return s.recordDelivery(ctx, tx, m, state, cause) })
}

// errNoRelay is why nothing can be sent when no relay is configured.
var errNoRelay = errors.New("no way to send mail: set PARLEY_SMTP_RELAY")

// Why an email was not delivered, as the apps name it to say it in the
// agent's language (SPEC PLT-6); the error itself stays as the detail.
const (
	FailedNoRelay     = "no_relay"    // Parley has no way to send mail
	FailedRefused     = "refused"     // the receiving server refused it for good
	FailedUnreachable = "unreachable" // every attempt failed; it was never accepted
	FailedBounced     = "bounced"     // accepted, then returned by a bounce
)

func failedBecause(cause error) string {
	switch {
	case errors.Is(cause, errNoRelay):
		return FailedNoRelay
	case jobs.IsPermanent(cause):
		return FailedRefused
	}
	return FailedUnreachable
}

// recordDelivery saves where an outbound email is and tells the timeline.
func (s *Service) recordDelivery(ctx context.Context, tx *store.Tx, m *parley.Message, state string, cause error) error {
	c, err := tx.Conversation(ctx, m.ConversationID)
	if err != nil {
		return err
	}
	e := *m.Email
	e.Delivery = state
	m.Email = &e
	if state == "failed" {
		e.Failure = &parley.DeliveryFailure{MessageID: e.MessageID, Code: failedBecause(cause), Reason: cause.Error()}
	}
	if err := tx.SetMessageEmail(ctx, m); err != nil {
		return err
	}
	typ, data := parley.EventDelivered, map[string]any{"message_id": m.ID}
	if state == "failed" {
		typ, data["code"], data["reason"] = parley.EventDeliveryFailed, e.Failure.Code, e.Failure.Reason
	}
	ev := parley.NewEvent(typ, parley.System, parley.Normalize(s.now()), data)
	ev.MessageID = &m.ID
	tx.Append(ev.In(c))
	return nil
}

// NewEmail is an email an agent starts (SPEC CNV-13).
type NewEmail struct {
	InboxID parley.ID
	To      parley.Mailbox
	Subject string
	Body
}

func (in *NewEmail) validate() error {
	if err := checkAddress("to.email", &in.To); err != nil {
		return err
	}
	in.Subject = strings.TrimSpace(in.Subject)
	if in.Subject == "" || len(in.Subject) > 1000 {
		return parley.Invalid("subject", "is required, up to 1000 characters")
	}
	in.Body = in.Body.normalized()
	return in.Body.validate()
}

// SendEmail starts a conversation with an email from the inbox's own
// address: it is the agent's (origin agent, so it shows in *sent*),
// assigned to them, and its sending is queued like a reply's. The
// inbox's email channel must be on (ECONFLICT otherwise).
func (s *Service) SendEmail(ctx context.Context, a parley.Actor, in NewEmail) (*parley.Conversation, *parley.Message, error) {
	if err := in.validate(); err != nil {
		return nil, nil, err
	}
	b := in.Body
	var c *parley.Conversation
	var m *parley.Message
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := auth.Inbox(ctx, tx, a, in.InboxID, auth.Act); err != nil {
			return err
		}
		ch, err := tx.BuiltinChannelOf(ctx, in.InboxID)
		if err != nil {
			return err
		}
		if !ch.Enabled {
			return parley.Errorf(parley.ECONFLICT, "channel %q is turned off: nothing can be sent from it", ch.Name).Because("channel_off")
		}
		now := s.clock()
		contact, err := s.resolveContact(ctx, tx, in.To, nil, ch.InboxID, now)
		if err != nil {
			return err
		}
		if b, err = fillTokens(ctx, tx, b, contact, in.InboxID, a.UserID); err != nil {
			return err
		}
		c = &parley.Conversation{InboxID: in.InboxID, ChannelID: ch.ID, ChannelKind: ch.Kind, Origin: parley.OriginAgent,
			ContactID: &contact.ID, Subject: in.Subject, Status: parley.StatusOpen, Placement: parley.PlacementInbox,
			AssigneeID: &a.UserID, CreatedAt: now, LastActivityAt: now, LastAgentAt: &now, LastSentAt: &now, Preview: preview(b)}
		opened, err := openConversation(ctx, tx, c, a, now, "", nil)
		if err != nil {
			return err
		}
		m = &parley.Message{ConversationID: c.ID, Kind: parley.KindMessage, Direction: parley.Outbound,
			AuthorID: &a.UserID, Text: b.Text, HTML: b.HTML, CreatedAt: now}
		if err := s.prepareEmail(ctx, tx, c, ch, a, m, now, nil, in.Cc, in.Bcc); err != nil {
			return err
		}
		m.Email.Subject = in.Subject // a new thread, not a reply
		if err := tx.CreateMessage(ctx, m); err != nil {
			return err
		}
		if err := attach(ctx, tx, a, m, in.Attachments); err != nil {
			return err
		}
		if err := enqueueSend(ctx, tx, m, now); err != nil {
			return err
		}
		sent := parley.NewEvent(parley.EventMessageSent, a, now, map[string]any{"channel_id": ch.ID, "delivery": ch.Kind})
		sent.MessageID = &m.ID
		for _, e := range append(opened,
			parley.NewEvent(parley.EventAssigned, a, now, map[string]any{
				"from_user_id": nil, "to_user_id": a.UserID, "from_team_id": nil, "to_team_id": nil}),
			sent,
		) {
			tx.Append(e.In(c))
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return c, m, nil
}

// SystemMailJob is the handler of jobs.KindSystemMail: mail Parley writes
// itself, from noreply@<mail domain>, marked auto-generated so no
// autoresponder answers it.
func (s *Service) SystemMailJob() jobs.Handler {
	return jobs.Handler{Run: func(ctx context.Context, j *store.Job) error {
		var p struct {
			To, Subject, Text string
			// A chat transcript's: the inbox's name, its address to answer
			// to, and the Message-ID its conversation knows it by.
			FromName  string `json:"from_name"`
			ReplyTo   string `json:"reply_to"`
			MessageID string `json:"message_id"`
		}
		if err := json.Unmarshal(j.Payload, &p); err != nil || p.To == "" {
			return jobs.Permanent(fmt.Errorf("system mail: payload %s", j.Payload))
		}
		if s.mailer == nil {
			return jobs.Permanent(errNoRelay)
		}
		from := parley.Mailbox{Name: "Parley", Email: "noreply@" + s.mailDomain}
		headers := map[string]string{"Auto-Submitted": "auto-generated"}
		if p.FromName != "" {
			from.Name = p.FromName
		}
		if p.ReplyTo != "" {
			headers["Reply-To"] = p.ReplyTo
		}
		if p.MessageID == "" {
			p.MessageID = pmail.NewMessageID(s.mailDomain)
		}
		raw, err := pmail.Compose(pmail.Outgoing{MessageID: p.MessageID, From: from,
			To: []parley.Mailbox{{Email: p.To}}, Subject: p.Subject, Text: p.Text, Date: s.now(), Headers: headers})
		if err != nil {
			return jobs.Permanent(err)
		}
		if s.dkim != nil {
			if raw, err = s.dkim.Sign(raw); err != nil {
				return err
			}
		}
		return s.mailer.Send(ctx, from.Email, []string{p.To}, raw)
	}}
}

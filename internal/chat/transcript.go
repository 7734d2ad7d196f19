package chat

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/consume"
	"github.com/parleyhq/parley/internal/jobs"
	pmail "github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Transcripts (SPEC CHT-12): closing a chat emails its visitor what was
// said — times, who, the page it began on — unless the inbox turned them
// off; an agent can email a closed chat's transcript to chosen people. The
// email comes from the inbox's address, and an answer to it threads back
// into the conversation.

// MaxTranscriptTo bounds the people one transcript is emailed to.
const MaxTranscriptTo = 20

var transcriptWords = map[string]map[string]string{
	"en": {"subject": "Your chat with {inbox}", "intro": "Here is your conversation with {inbox}.",
		"page": "It began on {page}.", "you": "You", "bot": "Automated assistant", "reply": "Reply to this email to continue the conversation."},
	"fr": {"subject": "Votre discussion avec {inbox}", "intro": "Voici votre conversation avec {inbox}.",
		"page": "Elle a commencé sur {page}.", "you": "Vous", "bot": "Assistant automatique", "reply": "Répondez à cet e-mail pour poursuivre la conversation."},
}

func word(locale, key string, vars ...string) string {
	words, ok := transcriptWords[locale]
	if !ok {
		words = transcriptWords["en"]
	}
	return strings.NewReplacer(vars...).Replace(words[key])
}

// transcript writes a chat conversation's transcript in locale.
func transcript(ctx context.Context, q *store.Q, c *parley.Conversation, inbox *parley.Inbox, locale string) (subject, text string, err error) {
	ms, err := q.CustomerMessages(ctx, c.ID, 0, 10_000)
	if err != nil {
		return "", "", err
	}
	ms = slices.DeleteFunc(ms, func(m parley.Message) bool { return !visible(&m, c) })
	var authors []parley.ID
	for _, m := range ms {
		if m.AuthorID != nil {
			authors = append(authors, *m.AuthorID)
		}
	}
	names, err := q.UserNames(ctx, authors)
	if err != nil {
		return "", "", err
	}
	page := ""
	evs, err := q.ConversationEvents(ctx, c.ID, 0, 20)
	if err != nil {
		return "", "", err
	}
	for _, e := range evs {
		var d struct {
			Page string `json:"page_url"`
		}
		if e.Type == parley.EventMessageReceived && json.Unmarshal(e.Data, &d) == nil && d.Page != "" {
			page = d.Page
			break
		}
	}
	var b strings.Builder
	b.WriteString(word(locale, "intro", "{inbox}", inbox.Name) + "\n")
	if page != "" {
		b.WriteString(word(locale, "page", "{page}", page) + "\n")
	}
	b.WriteString("\n")
	for _, m := range ms {
		who := word(locale, "you")
		switch {
		case m.Bot != nil:
			who = word(locale, "bot")
		case m.Direction == parley.Outbound && m.AuthorID != nil:
			who = names[*m.AuthorID]
		}
		fmt.Fprintf(&b, "[%s] %s: %s\n", m.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"), who, strings.TrimSpace(m.Text))
		if m.Bot != nil {
			for _, a := range m.Bot.Articles {
				fmt.Fprintf(&b, "    %s: %s\n", a.Title, a.URL)
			}
		}
	}
	b.WriteString("\n" + word(locale, "reply") + "\n")
	return word(locale, "subject", "{inbox}", inbox.Name), b.String(), nil
}

// sendTranscript queues a conversation's transcript to people, from the
// inbox's address, its Message-ID a thread of the conversation, and
// records it in the timeline.
func sendTranscript(ctx context.Context, tx *store.Tx, c *parley.Conversation, to []string, locale, mailDomain string, a parley.Actor, now time.Time) error {
	inbox, err := tx.Inbox(ctx, c.InboxID)
	if err != nil {
		return err
	}
	subject, text, err := transcript(ctx, &tx.Q, c, inbox, locale)
	if err != nil {
		return err
	}
	id := pmail.NewMessageID(mailDomain)
	if err := tx.PutMailThreads(ctx, c.InboxID, c.ID, true, "mid:"+id); err != nil {
		return err
	}
	for _, addr := range to {
		payload, _ := json.Marshal(map[string]string{"to": addr, "subject": subject, "text": text, "from_name": inbox.Name,
			"reply_to": inbox.Slug + "@" + mailDomain, "message_id": id})
		if err := tx.Enqueue(ctx, &store.Job{Kind: jobs.KindSystemMail, Payload: payload, RunAt: now, MaxAttempts: 6, CreatedAt: now}); err != nil {
			return err
		}
	}
	e := parley.NewEvent(parley.EventTranscriptSent, a, now, map[string]any{"to": to})
	tx.Append(e.In(c))
	return nil
}

// TranscriptConsumer emails a chat's visitor its transcript when the chat
// closes (the chat log consumer), once: in the transaction that moves its
// cursor.
func TranscriptConsumer(now func() time.Time, mailDomain string) consume.Consumer {
	if now == nil {
		now = time.Now
	}
	closed := func(e parley.Event) bool { return e.Type == parley.EventClosed && e.ConversationID != nil }
	return consume.Consumer{Name: "chat", Wants: closed, Handle: func(ctx context.Context, tx *store.Tx, e parley.Event) error {
		if !closed(e) {
			return nil
		}
		c, err := tx.Conversation(ctx, *e.ConversationID)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			return nil
		}
		if err != nil || c.ChannelKind != parley.ChannelChat || c.ContactID == nil || c.Placement != parley.PlacementInbox ||
			c.Status != parley.StatusClosed {
			return err // reopened since: its next close sends one
		}
		if c.Bot {
			return nil // the visitor only ever talked with the bot (SPEC CNV-6): nothing to send
		}
		inbox, err := tx.Inbox(ctx, c.InboxID)
		if err != nil || !inbox.ChatTranscripts {
			return err
		}
		contact, err := tx.Contact(ctx, *c.ContactID)
		if err != nil || contact.Email == "" {
			return err
		}
		known, _, err := tx.VisitorHere(ctx, c.ID, now())
		if err != nil || !known {
			return err // not a visitor's chat (imported, pushed by the API)
		}
		locale, err := tx.VisitorLocale(ctx, c.ID)
		if err != nil {
			return err
		}
		return sendTranscript(ctx, tx, c, []string{contact.Email}, locale, mailDomain, parley.System, parley.Normalize(now()))
	}}
}

// EmailTranscript emails a closed chat's transcript to people (SPEC
// CHT-12), for someone who may act in the conversation, in the language
// they choose.
func (s *Service) EmailTranscript(ctx context.Context, a parley.Actor, id parley.ID, to []string, locale string) error {
	if len(to) == 0 || len(to) > MaxTranscriptTo {
		return parley.Invalid("to", "names 1 to %d addresses", MaxTranscriptTo)
	}
	for i, addr := range to {
		norm, err := parley.EmailAddress(fmt.Sprintf("to[%d]", i), addr)
		if err != nil {
			return err
		}
		to[i] = norm
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := auth.Conversation(ctx, tx, a, id, auth.Act)
		if err != nil {
			return err
		}
		if c.ChannelKind != parley.ChannelChat {
			return parley.Invalid("conversation", "is not a chat").Because("not_a_chat")
		}
		if c.Status != parley.StatusClosed {
			return parley.Errorf(parley.ECONFLICT, "the chat is still open: close it first").Because("chat_open")
		}
		if locale == "" {
			if locale, err = tx.VisitorLocale(ctx, c.ID); err != nil {
				return err
			}
		}
		return sendTranscript(ctx, tx, c, to, locale, s.mailDomain, a, parley.Now())
	})
}

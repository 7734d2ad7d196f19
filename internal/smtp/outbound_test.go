package smtp_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/jobs"
	"github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/smtp"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// outRig is an organisation whose replies go to a real SMTP server.
type outRig struct {
	t      *testing.T
	s      *store.Store
	conv   *conversation.Service
	queue  *jobs.Queue
	clock  *storetest.Clock
	mta    *mta
	ana    parley.Actor
	ch     parley.ID // the inbox's email channel
	lookup func(string) ([]string, error)
}

func newOutRig(t *testing.T, s *store.Store, configure func(*mta)) *outRig {
	ctx := context.Background()
	o := org.New(s, org.Options{})
	setup, err := o.FirstStart(ctx, "Acme", "")
	if err != nil {
		t.Fatal(err)
	}
	u, err := o.CreateUser(ctx, parley.System, org.NewUser{Email: "ana.lima@acme.example", Name: "Ana Lima", Role: parley.RoleAgent})
	if err != nil {
		t.Fatal(err)
	}
	chs, _ := s.Channels(ctx, setup.Inbox.ID)
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	g := &outRig{t: t, s: s, clock: storetest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)), mta: startMTA(t, nil, configure),
		ana: parley.UserActor(u), ch: chs[0].ID}
	g.lookup = func(d string) ([]string, error) {
		if d != "parley._domainkey.parley.test" {
			return nil, fmt.Errorf("no record for %s", d)
		}
		return []string{"v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)}, nil
	}
	blobs, _ := blob.Open(t.TempDir())
	g.queue = jobs.NewQueue(s, slog.New(slog.NewTextHandler(io.Discard, nil)), g.clock.Now)
	g.queue.Backoff = func(n int) time.Duration { return time.Duration(n) * time.Minute }
	g.conv = conversation.New(s, conversation.Options{Now: g.clock.Now, MailDomain: domain, Blobs: blobs,
		Mailer: &smtp.Sender{Host: g.mta.addr}, DKIM: &mail.DKIM{Domain: domain, Selector: "parley", Key: key}, Wake: g.queue.Wake})
	g.queue.Handle(conversation.JobSendMail, g.conv.SendMailJob())
	g.queue.Handle(jobs.KindSystemMail, g.conv.SystemMailJob())
	return g
}

func (g *outRig) receive(raw string) *conversation.EmailReceived {
	g.t.Helper()
	r, err := g.conv.ReceiveEmail(context.Background(), parley.System, conversation.Email{ChannelID: g.ch, Raw: []byte(raw), Source: "test"})
	if err != nil {
		g.t.Fatal(err)
	}
	return r
}

func (g *outRig) reply(conv parley.ID, text string) *parley.Message {
	g.t.Helper()
	m, err := g.conv.Reply(context.Background(), g.ana, conv, conversation.Body{Text: text})
	if err != nil {
		g.t.Fatal(err)
	}
	return m
}

func (g *outRig) work() int {
	g.t.Helper()
	n, err := g.queue.RunDue(context.Background())
	if err != nil {
		g.t.Fatal(err)
	}
	return n
}

func customerMail(id, from, cc, subject, body string) string {
	h := "From: " + from + "\r\nTo: support@parley.test\r\n"
	if cc != "" {
		h += "Cc: " + cc + "\r\n"
	}
	return h + "Subject: " + subject + "\r\nMessage-ID: <" + id + ">\r\nReferences: <root-" + id + ">\r\n" +
		"Date: Mon, 2 Mar 2026 08:00:00 +0000\r\n\r\n" + body + "\r\n"
}

// TestReplyByEmail: an agent's reply goes out through a real SMTP server,
// correctly threaded, signed and addressed to this conversation's people
// only; the customer's answer to it comes back into the same conversation.
func TestReplyByEmail(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		g := newOutRig(t, s, nil)
		ctx := context.Background()
		a := g.receive(customerMail("a1@client-a.example", "Héloïse <heloise@client-a.example>", "Cole <cole@client-a.example>", "Commande 1234", "Où est ma commande ?"))
		b := g.receive(customerMail("b1@client-b.example", "Bo <bo@client-b.example>", "Secret Partner <partner@client-b.example>", "Invoice", "Wrong VAT"))

		m := g.reply(a.ConversationID, "Elle part demain.")
		if m.Email == nil || m.Email.Delivery != "queued" {
			t.Fatalf("reply email = %+v, want queued", m.Email)
		}
		if n := g.work(); n != 1 {
			t.Fatalf("ran %d jobs, want the send", n)
		}
		got := g.mta.deliveries()
		if len(got) != 1 {
			t.Fatalf("%d messages reached the server", len(got))
		}
		d := got[0]
		if d.from != "support@parley.test" || strings.Join(d.to, ",") != "heloise@client-a.example,cole@client-a.example" {
			t.Errorf("envelope from %s to %v", d.from, d.to)
		}
		sent, err := mail.Parse(d.data)
		if err != nil {
			t.Fatal(err)
		}
		if sent.From.Name != "Ana at Acme" || sent.From.Email != "support@parley.test" || sent.Subject != "Re: Commande 1234" {
			t.Errorf("from %+v subject %q", sent.From, sent.Subject)
		}
		if strings.Join(sent.InReplyTo, " ") != "a1@client-a.example" || strings.Join(sent.References, " ") != "root-a1@client-a.example a1@client-a.example" {
			t.Errorf("thread: in-reply-to %v references %v", sent.InReplyTo, sent.References)
		}
		if sent.MessageID != m.Email.MessageID || !strings.HasSuffix(sent.MessageID, "@parley.test") ||
			len(sent.ReplyTo) != 1 || !strings.HasPrefix(sent.ReplyTo[0].Email, "support+") {
			t.Errorf("message-id %s, reply-to %v", sent.MessageID, sent.ReplyTo)
		}
		for _, leak := range []string{"bo@client-b.example", "partner@client-b.example", "Wrong VAT", "Secret Partner"} {
			if bytes.Contains(d.data, []byte(leak)) {
				t.Errorf("conversation B's %q is in conversation A's mail", leak)
			}
		}
		vs, err := dkim.VerifyWithOptions(bytes.NewReader(d.data), &dkim.VerifyOptions{LookupTXT: g.lookup})
		if err != nil || len(vs) != 1 || vs[0].Err != nil {
			t.Errorf("DKIM: %+v, %v", vs, err)
		}
		if msg, _ := s.Message(ctx, m.ID); msg.Email.Delivery != "sent" {
			t.Errorf("delivery %q after the server accepted it, want sent", msg.Email.Delivery)
		}

		// The customer answers our message: same conversation.
		back := g.receive("From: heloise@client-a.example\r\nTo: " + sent.ReplyTo[0].Email + "\r\nSubject: Re: Commande 1234\r\n" +
			"Message-ID: <a2@client-a.example>\r\nIn-Reply-To: <" + sent.MessageID + ">\r\n\r\nMerci !\r\n")
		if back.ConversationID != a.ConversationID || back.Rule != mail.RuleOwnID {
			t.Errorf("the answer went to %d by %q, want %d by our Message-ID", back.ConversationID, back.Rule, a.ConversationID)
		}
		_ = b
	})
}

// TestSendRetries: a server that says "try later" gets the message again
// after the backoff; one that refuses for good ends it, visibly.
func TestSendRetries(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		g := newOutRig(t, s, func(m *mta) { m.rcptCode = 451 })
		a := g.receive(customerMail("a1@client.example", "jo@client.example", "", "Help", "Please"))
		m := g.reply(a.ConversationID, "On it.")
		if g.work() != 1 || len(g.mta.deliveries()) != 0 {
			t.Fatal("first attempt should have been refused")
		}
		g.mta.mu.Lock()
		g.mta.rcptCode = 0
		g.mta.mu.Unlock()
		if n := g.work(); n != 0 {
			t.Errorf("retried at once (%d), want after the backoff", n)
		}
		g.clock.Advance(time.Minute)
		if g.work() != 1 || len(g.mta.deliveries()) != 1 {
			t.Fatalf("second attempt: %d delivered", len(g.mta.deliveries()))
		}
		if msg, _ := s.Message(ctx, m.ID); msg.Email.Delivery != "sent" {
			t.Errorf("delivery %q", msg.Email.Delivery)
		}

		g.mta.mu.Lock()
		g.mta.rcptCode = 550
		g.mta.mu.Unlock()
		m2 := g.reply(a.ConversationID, "One more thing.")
		g.work()
		msg, _ := s.Message(ctx, m2.ID)
		evs, _ := s.ConversationEvents(ctx, a.ConversationID, 0, 100)
		last := evs[len(evs)-1]
		if msg.Email.Delivery != "failed" || msg.Email.Failure == nil || !strings.Contains(msg.Email.Failure.Reason, "550") ||
			msg.Email.Failure.Code != conversation.FailedRefused ||
			last.Type != parley.EventDeliveryFailed || last.MessageID == nil || *last.MessageID != m2.ID {
			t.Errorf("after a 550: delivery %q %+v, last event %s", msg.Email.Delivery, msg.Email.Failure, last.Type)
		}
		// The apps say why in the agent's language, from the code; the
		// server's words are the detail.
		var data struct{ Code, Reason string }
		if err := json.Unmarshal(last.Data, &data); err != nil || data.Code != conversation.FailedRefused || !strings.Contains(data.Reason, "550") {
			t.Errorf("delivery_failed data %s (%v), want code refused and the 550 as reason", last.Data, err)
		}
	})
}

// TestSendWithoutRelay: with no way to send mail, a reply fails at once,
// named no_relay for the apps to explain in the agent's language.
func TestSendWithoutRelay(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		g := newOutRig(t, s, nil)
		blobs, _ := blob.Open(t.TempDir())
		g.conv = conversation.New(s, conversation.Options{Now: g.clock.Now, MailDomain: "parley.test", Blobs: blobs, Wake: g.queue.Wake})
		g.queue.Handle(conversation.JobSendMail, g.conv.SendMailJob())
		a := g.receive(customerMail("r1@client.example", "jo@client.example", "", "Help", "Please"))
		m := g.reply(a.ConversationID, "On it.")
		g.work()
		msg, _ := s.Message(ctx, m.ID)
		if msg.Email.Delivery != "failed" || msg.Email.Failure == nil || msg.Email.Failure.Code != conversation.FailedNoRelay ||
			!strings.Contains(msg.Email.Failure.Reason, "PARLEY_SMTP_RELAY") {
			t.Errorf("delivery %q %+v, want failed with no_relay", msg.Email.Delivery, msg.Email.Failure)
		}
	})
}

// TestNewEmail: an agent starts a conversation by email (SPEC CNV-13); it
// is in the sent view, goes out with its Cc, and the answer threads back.
func TestNewEmail(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		g := newOutRig(t, s, nil)
		ch, _ := s.Channel(ctx, g.ch)
		c, m, err := g.conv.SendEmail(ctx, g.ana, conversation.NewEmail{InboxID: ch.InboxID,
			To: parley.Mailbox{Email: "New.Lead@Prospect.example", Name: "Lee"}, Subject: "Your trial",
			Body: conversation.Body{HTML: "<p>Welcome aboard!</p>", Cc: []parley.Mailbox{{Email: "boss@prospect.example"}}}})
		if err != nil {
			t.Fatal(err)
		}
		if c.Origin != parley.OriginAgent || c.AssigneeID == nil || *c.AssigneeID != g.ana.UserID {
			t.Errorf("conversation %+v, want the agent's, assigned to them", c)
		}
		page, err := g.conv.List(ctx, g.ana, conversation.ListFilter{View: parley.ViewSent})
		if err != nil || len(page) != 1 || page[0].ID != c.ID {
			t.Errorf("sent view = %+v, %v", page, err)
		}
		g.work()
		got := g.mta.deliveries()
		if len(got) != 1 || strings.Join(got[0].to, ",") != "new.lead@prospect.example,boss@prospect.example" {
			t.Fatalf("delivered %+v", got)
		}
		sent, _ := mail.Parse(got[0].data)
		if sent.Subject != "Your trial" || len(sent.InReplyTo) != 0 || !strings.Contains(sent.Text, "Welcome aboard!") {
			t.Errorf("sent %q, in-reply-to %v, text %q", sent.Subject, sent.InReplyTo, sent.Text)
		}
		back := g.receive("From: boss@prospect.example\r\nTo: support@parley.test\r\nSubject: Re: Your trial\r\n" +
			"Message-ID: <boss-1@prospect.example>\r\nIn-Reply-To: <" + m.Email.MessageID + ">\r\n\r\nSounds good.\r\n")
		if back.ConversationID != c.ID {
			t.Errorf("the cc'd boss's answer went to %d, want %d", back.ConversationID, c.ID)
		}
	})
}

// TestSwitchChannel: a conversation from the API channel (a chat bridge)
// answered by email stays one conversation when the customer answers the
// email (SPEC CNV-12).
func TestSwitchChannel(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		g := newOutRig(t, s, nil)
		email, _ := s.Channel(ctx, g.ch)
		chs, _ := s.Channels(ctx, email.InboxID)
		api := chs[1]
		in, err := g.conv.Receive(ctx, parley.System, conversation.Inbound{ChannelID: api.ID, ContactEmail: "sam@client.example", Text: "Hi from the chat"})
		if err != nil {
			t.Fatal(err)
		}
		m, err := g.conv.Reply(ctx, g.ana, in.ConversationID, conversation.Body{Text: "Sending you the details by email.", Via: parley.ChannelEmail})
		if err != nil || m.Email == nil {
			t.Fatalf("reply via email: %+v, %v", m, err)
		}
		g.work()
		if got := g.mta.deliveries(); len(got) != 1 || got[0].to[0] != "sam@client.example" {
			t.Fatalf("delivered %+v", got)
		}
		back := g.receive("From: sam@client.example\r\nTo: support@parley.test\r\nSubject: Re: your message\r\n" +
			"Message-ID: <sam-2@client.example>\r\nIn-Reply-To: <" + m.Email.MessageID + ">\r\n\r\nThanks!\r\n")
		if back.ConversationID != in.ConversationID {
			t.Errorf("the email answer went to %d, want the chat's %d", back.ConversationID, in.ConversationID)
		}
		evs, _ := s.ConversationEvents(ctx, in.ConversationID, 0, 100)
		found := false
		for _, e := range evs {
			found = found || e.Type == parley.EventChannelSwitched
		}
		if !found {
			t.Error("no channel_switched event in the timeline")
		}

		noEmail, _ := g.conv.Receive(ctx, parley.System, conversation.Inbound{ChannelID: api.ID, ContactName: "Anonymous", Text: "hi"})
		if _, err := g.conv.Reply(ctx, g.ana, noEmail.ConversationID, conversation.Body{Text: "x", Via: parley.ChannelEmail}); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("email to a contact without an address: %v, want EINVALID", err)
		}
		if _, err := g.conv.Reply(ctx, g.ana, in.ConversationID, conversation.Body{Text: "x", Via: "fax"}); parley.ErrorField(err) != "via" {
			t.Errorf("via fax: %v, want an error naming via", err)
		}
	})
}

// TestForward: the thread goes to an outside address without internal
// comments, the forward is in the timeline, and the answer comes back.
func TestForward(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		g := newOutRig(t, s, nil)
		a := g.receive(customerMail("a1@client.example", "Jo <jo@client.example>", "", "Broken invoice", "The VAT is counted twice."))
		if _, err := g.conv.Comment(ctx, g.ana, a.ConversationID, conversation.Body{Text: "internal: customer is on the old plan"}); err != nil {
			t.Fatal(err)
		}
		g.reply(a.ConversationID, "Looking into it.")
		g.work()
		m, err := g.conv.Forward(ctx, g.ana, a.ConversationID, conversation.Forward{
			To: []parley.Mailbox{{Email: "billing@accountants.example"}}, Note: conversation.Body{Text: "Can you check this invoice?"}})
		if err != nil {
			t.Fatal(err)
		}
		g.work()
		got := g.mta.deliveries()
		if len(got) != 2 || strings.Join(got[1].to, ",") != "billing@accountants.example" {
			t.Fatalf("delivered %+v", got)
		}
		fwd, _ := mail.Parse(got[1].data)
		if fwd.Subject != "Fwd: Broken invoice" || !strings.Contains(fwd.Text, "Can you check this invoice?") ||
			!strings.Contains(fwd.Text, "The VAT is counted twice.") || !strings.Contains(fwd.Text, "Looking into it.") {
			t.Errorf("forward %q:\n%s", fwd.Subject, fwd.Text)
		}
		if bytes.Contains(got[1].data, []byte("old plan")) {
			t.Error("an internal comment was forwarded")
		}
		if bytes.Contains(got[1].data, []byte("jo@client.example>\r\nTo")) || len(fwd.Cc) != 0 {
			t.Error("the customer was copied on the forward")
		}
		evs, _ := s.ConversationEvents(ctx, a.ConversationID, 0, 100)
		if last := evs[len(evs)-1]; last.Type != parley.EventDelivered {
			t.Errorf("last event %s", last.Type)
		}
		forwarded := false
		for _, e := range evs {
			forwarded = forwarded || e.Type == parley.EventForwarded && e.MessageID != nil && *e.MessageID == m.ID
		}
		if !forwarded {
			t.Error("no conversation.forwarded event")
		}
		back := g.receive("From: billing@accountants.example\r\nTo: support@parley.test\r\nSubject: Re: Fwd: Broken invoice\r\n" +
			"Message-ID: <acc-1@accountants.example>\r\nIn-Reply-To: <" + m.Email.MessageID + ">\r\n\r\nFixed.\r\n")
		if back.ConversationID != a.ConversationID {
			t.Errorf("the accountant's answer went to %d, want %d", back.ConversationID, a.ConversationID)
		}
	})
}

// TestReplyAfterForward: once a forward's recipient has answered, the next
// reply to the customer does not copy them.
func TestReplyAfterForward(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		g := newOutRig(t, s, nil)
		a := g.receive(customerMail("a1@client.example", "Jo <jo@client.example>", "Kim <kim@client.example>", "Invoice", "VAT twice"))
		m, err := g.conv.Forward(ctx, g.ana, a.ConversationID, conversation.Forward{To: []parley.Mailbox{{Email: "billing@accountants.example"}}})
		if err != nil {
			t.Fatal(err)
		}
		g.receive("From: billing@accountants.example\r\nTo: support@parley.test\r\nMessage-ID: <acc-1@accountants.example>\r\n" +
			"In-Reply-To: <" + m.Email.MessageID + ">\r\n\r\nInternal: they are right.\r\n")
		r := g.reply(a.ConversationID, "You are right, here is a corrected invoice.")
		var got []string
		for _, p := range append(r.Email.To, r.Email.Cc...) {
			got = append(got, p.Email)
		}
		if strings.Join(got, ",") != "jo@client.example,kim@client.example" {
			t.Errorf("reply to %v, want the customer and their cc only", got)
		}
	})
}

// TestSenderIdentity: the channel's from-name mode and signature, with the
// agent's name in its tokens (SPEC CHN-4).
func TestSenderIdentity(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		g := newOutRig(t, s, nil)
		o := org.New(s, org.Options{})
		cfg := []byte(`{"from_name":"company","signature":"{{agent.first_name}} {{agent.last_name}}\nAcme support",` +
			`"signature_html":"<p><b>{{agent.full_name}}</b> — Acme support</p>"}`)
		if _, err := o.UpdateChannel(ctx, parley.System, g.ch, org.ChannelPatch{Config: cfg}); err != nil {
			t.Fatal(err)
		}
		for _, bad := range []struct{ config, field string }{
			{`{"from_name":"nobody"}`, "config.from_name"},
			{`{"forwards_as":"x"}`, "config.forwards_as"},
			{`{"signature":"` + strings.Repeat("x", parley.MaxSignature+1) + `"}`, "config.signature"},
			{`{"signature":42}`, "config"},
		} {
			_, err := o.UpdateChannel(ctx, parley.System, g.ch, org.ChannelPatch{Config: []byte(bad.config)})
			if parley.ErrorField(err) != bad.field {
				t.Errorf("config %.40s: %v, want an error naming %s", bad.config, err, bad.field)
			}
		}
		a := g.receive(customerMail("a1@client.example", "jo@client.example", "", "Help", "Please"))
		g.conv.Reply(ctx, g.ana, a.ConversationID, conversation.Body{HTML: "<p>Done.</p>"})
		if _, err := g.conv.Forward(ctx, g.ana, a.ConversationID, conversation.Forward{To: []parley.Mailbox{{Email: "x@partner.example"}}}); err != nil {
			t.Fatal(err)
		}
		g.work()
		got := g.mta.deliveries()
		if len(got) != 2 {
			t.Fatalf("%d delivered", len(got))
		}
		reply, _ := mail.Parse(got[0].data)
		if reply.From.Name != "Acme" || !strings.Contains(reply.Text, "Ana Lima\nAcme support") ||
			!strings.Contains(reply.HTML, "<b>Ana Lima</b> — Acme support") || strings.Contains(reply.HTML, "{{") {
			t.Errorf("reply from %q\ntext %q\nhtml %q", reply.From.Name, reply.Text, reply.HTML)
		}
		// The forward quotes the signed reply, and adds no signature of its own.
		if fwd, _ := mail.Parse(got[1].data); strings.Count(fwd.Text, "Acme support") != 1 {
			t.Errorf("forward text %q, want the quoted reply's signature only", fwd.Text)
		}
	})
}

// TestMailboxSendsAsItself: a connected mailbox with its own SMTP server
// answers from its address through that server, not the relay.
func TestMailboxSendsAsItself(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		g := newOutRig(t, s, nil)
		own := startMTA(t, nil, nil)
		host, port, _ := net.SplitHostPort(own.addr)
		email, _ := s.Channel(ctx, g.ch)
		ch, err := org.New(s, org.Options{}).CreateChannel(ctx, parley.System, email.InboxID, org.NewChannel{Kind: parley.ChannelEmail, Name: "support@acme.com",
			Config: []byte(fmt.Sprintf(`{"address":"support@acme.com","smtp":{"host":%q,"port":%s,"security":"none"}}`, host, port))})
		if err != nil {
			t.Fatal(err)
		}
		g.conv = conversation.New(s, conversation.Options{Now: g.clock.Now, MailDomain: domain, Blobs: mustBlobs(t),
			Mailer: &smtp.Sender{Host: g.mta.addr}, Wake: g.queue.Wake,
			MailerFor: func(set parley.SMTPSettings) conversation.Mailer { return smtp.SenderFor(set) }})
		g.queue.Handle(conversation.JobSendMail, g.conv.SendMailJob())
		g.ch = ch.ID
		a := g.receive(customerMail("a1@client.example", "jo@client.example", "", "Hello", "Hi"))
		g.reply(a.ConversationID, "Hello Jo")
		g.work()
		if got := g.mta.deliveries(); len(got) != 0 {
			t.Errorf("the relay got %d messages, want none", len(got))
		}
		got := own.deliveries()
		if len(got) != 1 || got[0].from != "support@acme.com" {
			t.Fatalf("the mailbox's server got %+v", got)
		}
		sent, _ := mail.Parse(got[0].data)
		if sent.From.Email != "support@acme.com" || len(sent.ReplyTo) != 0 {
			t.Errorf("from %+v reply-to %v", sent.From, sent.ReplyTo)
		}
	})
}

func mustBlobs(t *testing.T) *blob.Dir {
	b, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAttachmentsOut: a reply carries the agent's upload and nothing of the
// customer's; a forward carries the thread's files, not inline images.
func TestAttachmentsOut(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		g := newOutRig(t, s, nil)
		raw, err := os.ReadFile("../mail/testdata/inline_images.eml")
		if err != nil {
			t.Fatal(err)
		}
		a := g.receive(string(raw))
		up, err := g.conv.Upload(ctx, g.ana, "label.pdf", "application/pdf", []byte("%PDF-1.4 return label"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := g.conv.Reply(ctx, g.ana, a.ConversationID, conversation.Body{Text: "Here is the label.", Attachments: []parley.ID{up.ID}}); err != nil {
			t.Fatal(err)
		}
		if _, err := g.conv.Forward(ctx, g.ana, a.ConversationID, conversation.Forward{To: []parley.Mailbox{{Email: "dev@acme-partner.example"}}}); err != nil {
			t.Fatal(err)
		}
		g.work()
		got := g.mta.deliveries()
		if len(got) != 2 {
			t.Fatalf("%d delivered", len(got))
		}
		names := func(d delivery) []string {
			m, err := mail.Parse(d.data)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, a := range m.Attachments {
				out = append(out, a.Name+":"+string(a.Data[:4]))
			}
			return out
		}
		if got := names(got[0]); strings.Join(got, ",") != "label.pdf:%PDF" {
			t.Errorf("reply attachments %v, want only the agent's label", got)
		}
		if got := names(got[1]); strings.Join(got, ",") != "log.pdf:%PDF,label.pdf:%PDF" {
			t.Errorf("forward attachments %v, want the thread's files (the customer's log, the agent's label), not the inline screenshot", got)
		}
	})
}

// TestFromAddress: a custom from-address is used only after the link sent
// to it is followed (SPEC CHN-3), and cannot be set any other way.
func TestFromAddress(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		g := newOutRig(t, s, nil)
		o := org.New(s, org.Options{Now: g.clock.Now}) // the queue runs on the test clock
		if err := o.RequestFromAddress(ctx, g.ana, g.ch, "help@acme.com", "http://parley.test/verify-from/"); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("an agent asking: %v, want EFORBIDDEN", err)
		}
		if err := o.RequestFromAddress(ctx, parley.System, g.ch, "Help@Acme.com", "http://parley.test/verify-from/"); err != nil {
			t.Fatal(err)
		}
		g.work()
		got := g.mta.deliveries()
		if len(got) != 1 || got[0].to[0] != "help@acme.com" {
			t.Fatalf("confirmation: %+v", got)
		}
		confirm, _ := mail.Parse(got[0].data)
		i := strings.Index(confirm.Text, "/verify-from/")
		if i < 0 || confirm.Auto != mail.AutoSubmitted {
			t.Fatalf("confirmation text %q, auto %q", confirm.Text, confirm.Auto)
		}
		token := strings.Fields(confirm.Text[i+len("/verify-from/"):])[0]

		from := func() string {
			a := g.receive(customerMail(fmt.Sprintf("x%d@client.example", len(g.mta.deliveries())), "jo@client.example", "", "Hi", "Hi"))
			g.reply(a.ConversationID, "Hello")
			g.work()
			d := g.mta.deliveries()
			m, _ := mail.Parse(d[len(d)-1].data)
			return m.From.Email
		}
		if f := from(); f != "support@parley.test" {
			t.Errorf("before confirming: from %s", f)
		}
		if _, err := o.UpdateChannel(ctx, parley.System, g.ch, org.ChannelPatch{Config: []byte(`{"from_address":"evil@elsewhere.example"}`)}); err != nil {
			t.Fatal(err)
		}
		if f := from(); f != "support@parley.test" {
			t.Errorf("from-address set by a config edit: from %s", f)
		}
		if _, err := o.VerifyFromAddress(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, err := o.VerifyFromAddress(ctx, token); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("the link twice: %v, want ENOTFOUND", err)
		}
		if f := from(); f != "help@acme.com" {
			t.Errorf("after confirming: from %s", f)
		}
	})
}

// TestReplyCopies: an agent's Cc joins the header beside the customer's own
// copies; a Bcc gets the mail and is in no header; an address given twice is
// sent once; a copy on a non-email reply is refused naming cc.
func TestReplyCopies(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		g := newOutRig(t, s, nil)
		got := g.receive(customerMail("cp1@client.example", "Jo <jo@client.example>", "pat@client.example", "Order", "Where is it?"))
		_, err := g.conv.Reply(ctx, g.ana, got.ConversationID, conversation.Body{Text: "On its way",
			Cc:  []parley.Mailbox{{Email: "Boss@Client.example"}, {Email: "pat@client.example"}},
			Bcc: []parley.Mailbox{{Email: "audit@acme.example"}, {Email: "boss@client.example"}, {Email: "jo@client.example"}}})
		if err != nil {
			t.Fatal(err)
		}
		g.work()
		d := g.mta.deliveries()
		if len(d) != 1 {
			t.Fatalf("deliveries: %d", len(d))
		}
		rcpts := slices.Sorted(slices.Values(d[0].to))
		if want := []string{"audit@acme.example", "boss@client.example", "jo@client.example", "pat@client.example"}; !slices.Equal(rcpts, want) {
			t.Errorf("envelope: %v, want %v", rcpts, want)
		}
		m, _ := mail.Parse(d[0].data)
		var cc []string
		for _, a := range m.Cc {
			cc = append(cc, a.Email)
		}
		if want := []string{"pat@client.example", "boss@client.example"}; !slices.Equal(cc, want) {
			t.Errorf("Cc header: %v, want %v", cc, want)
		}
		if strings.Contains(strings.ToLower(string(d[0].data)), "audit@") || strings.Contains(string(d[0].data), "Bcc:") {
			t.Errorf("the Bcc shows in the mail:\n%s", d[0].data)
		}

		bad := conversation.Body{Text: "x", Cc: []parley.Mailbox{{Email: "not an address"}}}
		if _, err := g.conv.Reply(ctx, g.ana, got.ConversationID, bad); parley.ErrorCode(err) != parley.EINVALID || !strings.Contains(err.Error(), "cc[0].email") {
			t.Errorf("a bad Cc: %v, want EINVALID naming cc[0].email", err)
		}
	})
}

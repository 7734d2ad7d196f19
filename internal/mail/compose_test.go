package mail

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
)

func TestComposeRoundTrip(t *testing.T) {
	id := NewMessageID("mail.acme.test")
	out := Outgoing{
		MessageID: id, From: Address{Name: "Ana at Acme", Email: "ana@mail.acme.test"},
		ReplyTo: &Address{Email: "support+tok123@mail.acme.test"},
		To:      []Address{{Name: "Héloïse Durand", Email: "heloise@client.example"}}, Cc: []Address{{Email: "cole@client.example"}},
		Subject: "Re: Commande non reçue", HTML: "<p>Bonjour Héloïse,</p><p>Votre colis part <b>demain</b>.</p>",
		InReplyTo: "c2@client.example", References: []string{"c1@client.example", "out1@mail.acme.test", "c2@client.example"},
		ThreadIndex: "AdsOIKyw0pJ3wnZ1QJ6Fh8jv3cYxQAACgZ4g", Date: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC),
		Attachments: []Attachment{{Name: "étiquette.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 label")}},
	}
	raw, err := Compose(out)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("Bcc")) {
		t.Error("a Bcc header was written")
	}
	m, err := Parse(raw)
	if err != nil {
		t.Fatalf("our own mail does not parse: %v\n%s", err, raw)
	}
	if m.MessageID != id || m.Subject != out.Subject || m.From != out.From || len(m.ReplyTo) != 1 || m.ReplyTo[0].Email != "support+tok123@mail.acme.test" {
		t.Errorf("headers: %+v", m)
	}
	if !slices.Equal(m.InReplyTo, []string{"c2@client.example"}) || !slices.Equal(m.References, out.References) || m.ThreadIndex == "" {
		t.Errorf("thread: in-reply-to %v, references %v, thread-index %q", m.InReplyTo, m.References, m.ThreadIndex)
	}
	if len(m.To) != 1 || m.To[0] != out.To[0] || len(m.Cc) != 1 {
		t.Errorf("recipients: to %v cc %v", m.To, m.Cc)
	}
	if !strings.Contains(m.Text, "Votre colis part") || !strings.Contains(m.HTML, "<b>demain</b>") {
		t.Errorf("body: text %q html %q", m.Text, m.HTML)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Name != "étiquette.pdf" || string(m.Attachments[0].Data) != "%PDF-1.4 label" {
		t.Errorf("attachments: %+v", m.Attachments)
	}
	if m.Auto != "" || m.FilterReason() != "" {
		t.Errorf("a person's reply classified as %q / %q", m.Auto, m.FilterReason())
	}
}

func TestDKIM(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	edPub, edKey, _ := ed25519.GenerateKey(rand.Reader)
	rsaPub, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	records := map[string]string{
		"rsa._domainkey.mail.acme.test": "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(rsaPub),
		"ed._domainkey.mail.acme.test":  "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(edPub),
	}
	lookup := func(domain string) ([]string, error) {
		if r, ok := records[domain]; ok {
			return []string{r}, nil
		}
		return nil, fmt.Errorf("no record for %s", domain)
	}
	raw, err := Compose(Outgoing{MessageID: NewMessageID("mail.acme.test"), From: Address{Email: "ana@mail.acme.test"},
		To: []Address{{Email: "jo@example.org"}}, Subject: "Your order", Text: "It ships tomorrow.", Date: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []DKIM{{Domain: "mail.acme.test", Selector: "rsa", Key: rsaKey}, {Domain: "mail.acme.test", Selector: "ed", Key: edKey}} {
		signed, err := k.Sign(raw)
		if err != nil {
			t.Fatal(err)
		}
		vs, err := dkim.VerifyWithOptions(bytes.NewReader(signed), &dkim.VerifyOptions{LookupTXT: lookup})
		if err != nil || len(vs) != 1 || vs[0].Err != nil || vs[0].Domain != "mail.acme.test" {
			t.Errorf("%s: verify = %+v, %v", k.Selector, vs, err)
		}
		tampered := bytes.Replace(signed, []byte("ships tomorrow"), []byte("ships never"), 1)
		vs, _ = dkim.VerifyWithOptions(bytes.NewReader(tampered), &dkim.VerifyOptions{LookupTXT: lookup})
		if len(vs) != 1 || vs[0].Err == nil {
			t.Errorf("%s: a changed body still verifies", k.Selector)
		}
	}
}

func TestNewMessageID(t *testing.T) {
	a, b := NewMessageID("x.test"), NewMessageID("x.test")
	if a == b || !strings.HasSuffix(a, "@x.test") || len(a) < 26+7 {
		t.Errorf("ids %q %q", a, b)
	}
}

func TestSingleLine(t *testing.T) {
	for in, want := range map[string]string{
		"Ana Lima":                   "Ana Lima",
		"Ana\r\nBcc: x@example.org":  "Ana Bcc: x@example.org",
		"Ana \n\n Lima":              "Ana  Lima",
		"\r\nAna\rLima\v\f\u2028X\n": "Ana Lima X",
		"Ana\u0085Lima\u2029":        "Ana Lima",
	} {
		if got := SingleLine(in); got != want {
			t.Errorf("SingleLine(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestComposeOneLineNames: a name or subject with line breaks in it goes
// out as one line, and comes back as one.
func TestComposeOneLineNames(t *testing.T) {
	raw, err := Compose(Outgoing{MessageID: NewMessageID("acme.test"), Date: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC),
		From:    Address{Name: "Ana\r\nBcc: all@example.org", Email: "ana@acme.test"},
		ReplyTo: &Address{Name: "Acme\nSupport", Email: "support@acme.test"},
		To:      []Address{{Name: "Jo\rDurand", Email: "jo@client.example"}},
		Cc:      []Address{{Name: "Cole\u2028Lee", Email: "cole@client.example"}},
		Subject: "Re: Order\r\nX-Injected: yes", Text: "Hello"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(raw)
	if err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	got := []string{m.From.Name, m.ReplyTo[0].Name, m.To[0].Name, m.Cc[0].Name, m.Subject}
	want := []string{"Ana Bcc: all@example.org", "Acme Support", "Jo Durand", "Cole Lee", "Re: Order X-Injected: yes"}
	if !slices.Equal(got, want) {
		t.Errorf("names and subject %q, want %q\n%s", got, want, raw)
	}
}

// TestComposeMessageIDs: In-Reply-To and References carry the ids as they
// are, however odd, when RFC 5322 allows them, and never encoded: an id it
// does not allow is left out.
func TestComposeMessageIDs(t *testing.T) {
	long := strings.Repeat("x", 300) + "@example.com"
	tests := []struct {
		id   string
		keep bool
	}{
		{"plain.1234@client.example", true},
		{"odd!#$%&'*+/=?^_`{|}~.id@client.example", true},
		{"=?utf-8?q?x=0D=0Ay?=@client.example", true},
		{"a.b@[192.0.2.1]", true},
		{long, true},
		{"héloïse@client.example", false},
		{"two words@client.example", false},
		{"line\r\nbreak@client.example", false},
		{"tab\there@client.example", false},
		{"no-at-sign", false},
		{"a<b>@client.example", false},
		{strings.Repeat("y", 1000) + "@example.com", false},
	}
	for _, tt := range tests {
		first := "root@client.example"
		raw, err := Compose(Outgoing{MessageID: NewMessageID("acme.test"), From: Address{Email: "ana@acme.test"},
			To: []Address{{Email: "jo@client.example"}}, Subject: "Re: Order", Text: "Hello", Date: time.Now(),
			InReplyTo: tt.id, References: []string{first, tt.id}})
		if err != nil {
			t.Fatal(err)
		}
		header, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
		if bytes.Contains(header, []byte("=?utf-8?")) && !strings.Contains(tt.id, "=?utf-8?") {
			t.Errorf("%q: a header was encoded:\n%s", tt.id, header)
		}
		m, err := Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		wantRefs, wantReply := []string{first}, []string(nil)
		if tt.keep {
			wantRefs, wantReply = []string{first, tt.id}, []string{tt.id}
		}
		if !slices.Equal(m.References, wantRefs) || !slices.Equal(m.InReplyTo, wantReply) {
			t.Errorf("%q: references %q, in-reply-to %q; want %q, %q\n%s", tt.id, m.References, m.InReplyTo, wantRefs, wantReply, header)
		}
	}
}

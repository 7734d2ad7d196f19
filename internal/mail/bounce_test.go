package mail

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBounceShapes reads delivery reports as Postfix, Exim, Gmail and
// Exchange write them: the failed message is found whether the report
// quotes it whole or only its header, in the ASCII or the UTF-8 (RFC 6533)
// types, and wherever the explanation sits.
func TestBounceShapes(t *testing.T) {
	for _, tc := range []struct {
		name string // testdata/<name>.eml
		want Bounce
	}{
		{"bounce_dsn", Bounce{ // Postfix: message/rfc822
			MessageID:  "e5f6a7b8c9.4r@acme.example",
			Recipients: []string{"nobody@gone.example"},
			Reason:     "smtp; 550 5.1.1 <nobody@gone.example>: Recipient address rejected: User unknown",
		}},
		{"bounce_postfix_global", Bounce{ // SMTPUTF8: message/global-delivery-status, message/global-headers
			MessageID:  "Vb6yHn2jKs.4dG7@acme.example",
			Recipients: []string{"josé@correo.example"},
			Reason:     "smtp; 550 5.1.1 <josé@correo.example>: Recipient address rejected: User unknown in local recipient table",
		}},
		{"bounce_exim_headers", Bounce{ // text/rfc822-headers; a local failure has no SMTP reply
			MessageID:  "x7Kq2mVb9s.1tA2@acme.example",
			Recipients: []string{"old.contact@defunct.example", "billing@nowhere.example"},
			Reason:     "smtp; 550 5.1.1 <old.contact@defunct.example>: Recipient address rejected: User unknown in virtual mailbox table",
		}},
		{"bounce_gmail_related", Bounce{ // the explanation is multipart/related with an icon
			MessageID:  "Zp4nLm8kQe.3cF1@acme.example",
			Recipients: []string{"nobody.here@example.org"},
			Reason: "smtp; 550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking " +
				"the recipient's email address for typos or unnecessary spaces. For more information, go to " +
				"https://support.google.com/mail/?p=NoSuchUser a640c23a62f3a-ab7c1d2e3f4sor123456766b.8 - gsmtp",
		}},
		{"bounce_exchange_headers", Bounce{ // multipart/alternative explanation, text/rfc822-headers, folded Message-ID
			MessageID:  "Qw3rTy7uIo.2bD9@acme.example",
			Recipients: []string{"jdoe@contoso.com"},
			Reason:     "smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := os.ReadFile("testdata/" + tc.name + ".eml")
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			if m.Auto != AutoBounce || m.Bounce == nil {
				t.Fatalf("auto %q, bounce %+v; want a bounce", m.Auto, m.Bounce)
			}
			if diff := cmp.Diff(tc.want, *m.Bounce); diff != "" {
				t.Errorf("bounce (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDeliveryReportEdges: what a report records decides what it is, and
// the original's id is read from its header only.
func TestDeliveryReportEdges(t *testing.T) {
	report := func(status, originalType, original string) []byte {
		return []byte("From: MAILER-DAEMON@mx.example\nMessage-ID: <r@mx.example>\n" +
			"Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n" +
			"--b\nContent-Type: text/plain\n\nSorry.\n" +
			"--b\nContent-Type: message/delivery-status\n\n" + status +
			"--b\nContent-Type: " + originalType + "\n\n" + original + "--b--\n")
	}
	perMessage := "Reporting-MTA: dns; mx.example\nX-Original-Message-ID: <quoted@acme.example>\n\n"
	for _, tc := range []struct {
		name string
		raw  []byte
		want *Bounce
	}{
		{"a delay is no failure", report(perMessage+"Final-Recipient: rfc822; a@b.example\nAction: delayed\nStatus: 4.4.1\n\n",
			"text/rfc822-headers", "Message-ID: <o@acme.example>\n\n"), nil},
		{"no diagnostic: the status is the reason", report(perMessage+"Final-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.4.4\n\n",
			"text/rfc822-headers", "Message-ID: <o@acme.example>\n\n"),
			&Bounce{MessageID: "o@acme.example", Recipients: []string{"a@b.example"}, Reason: "status 5.4.4"}},
		{"only the original's header names it", report(perMessage+"Original-Recipient: rfc822;<A@B.example>\nAction: Failed\nDiagnostic-Code: x\n\n",
			"message/rfc822", "Subject: hi\n\nMessage-ID: <in-body@acme.example>\n"),
			&Bounce{MessageID: "quoted@acme.example", Recipients: []string{"a@b.example"}, Reason: "x"}},
		{"the original quoted only in the text", report("Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; a@b.example\nAction: failed\nDiagnostic-Code: x\n\n",
			"text/plain", "Your message was:\n\nMessage-ID: <t@acme.example>\n"),
			&Bounce{MessageID: "t@acme.example", Recipients: []string{"a@b.example"}, Reason: "x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse(tc.raw)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, m.Bounce); diff != "" {
				t.Errorf("bounce (-want +got):\n%s", diff)
			}
		})
	}
}

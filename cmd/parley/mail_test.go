package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestMailSurvivesKill sends mail to a parley serve process over SMTP, kills
// the process (SIGKILL) the moment the last 250 is read, starts it again on
// the same data, and finds every acknowledged message.
func TestMailSurvivesKill(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			dir, smtpAddr := t.TempDir(), freeAddr(t)
			env := []string{"PARLEY_DATA_DIR=" + dir, "PARLEY_DATABASE_URL=" + storetest.URL(t, engine),
				"PARLEY_SMTP_ADDR=" + smtpAddr, "PARLEY_MAIL_DOMAIN=parley.test"}
			n := startNode(t, env...)

			c, err := gosmtp.Dial(smtpAddr)
			if err != nil {
				t.Fatal(err)
			}
			const count = 25
			for i := range count {
				msg := fmt.Sprintf("From: customer%d@example.net\r\nTo: support@parley.test\r\nSubject: Order %d\r\n"+
					"Message-ID: <kill-%d@example.net>\r\n\r\nPlease help with order %d.\r\n", i, i, i, i)
				if err := c.SendMail(fmt.Sprintf("customer%d@example.net", i), []string{"support@parley.test"}, strings.NewReader(msg)); err != nil {
					t.Fatalf("message %d: %v", i, err)
				}
			}
			n.kill(t)
			c.Close()

			n = startNode(t, env...)
			getenv := func(k string) string {
				for _, kv := range env {
					if key, v, _ := strings.Cut(kv, "="); key == k {
						return v
					}
				}
				return ""
			}
			var out bytes.Buffer
			if err := run(context.Background(), []string{"token", "create", "--email", "admin@example.com"}, getenv, strings.NewReader(""), &out, &out); err != nil {
				t.Fatalf("token: %v %s", err, out.String())
			}
			list := getJSON(t, http.DefaultClient, "http://"+n.addr+"/api/v1/conversations?view=all&limit=100", strings.TrimSpace(out.String()))
			items, _ := list["items"].([]any)
			if len(items) != count {
				t.Errorf("%d conversations after the kill, want all %d acknowledged", len(items), count)
			}
		})
	}
}

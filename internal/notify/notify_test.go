package notify_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/notify"
)

var leftover = regexp.MustCompile(`\{[a-z_]+\}`)

// TestCatalogue: every message, in every locale, fills every value and
// differs between languages.
func TestCatalogue(t *testing.T) {
	for _, tc := range []struct {
		name string
		mail func(locale string) notify.Mail
		want []string
	}{
		{"invitation", func(l string) notify.Mail {
			return notify.Invitation(l, "Acme", "Nina", "https://x.example/login/T", 7*24*time.Hour)
		}, []string{"Acme", "Nina", "https://x.example/login/T", "7"}},
		{"from address", func(l string) notify.Mail {
			return notify.FromAddress(l, "Support", "help@acme.example", "https://x.example/verify-from/T", 72*time.Hour)
		}, []string{"Support", "help@acme.example", "https://x.example/verify-from/T", "72"}},
	} {
		seen := map[string]string{}
		for _, l := range notify.Locales() {
			m := tc.mail(l)
			all := m.Subject + "\n" + m.Text
			if leftover.MatchString(all) {
				t.Errorf("%s/%s leaves a placeholder: %q", tc.name, l, all)
			}
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("%s/%s lacks %q: %q", tc.name, l, w, all)
				}
			}
			for other, text := range seen {
				if text == m.Text {
					t.Errorf("%s: %s is the same as %s", tc.name, l, other)
				}
			}
			seen[l] = m.Text
		}
	}
}

func TestLocale(t *testing.T) {
	for in, want := range map[string]string{"fr": "fr", "fr-CA": "fr", "FR": "fr", "en-GB": "en", "de": "en", "": "en"} {
		if got := notify.Locale(in); got != want {
			t.Errorf("Locale(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPages: every page the server shows has every locale, fills its
// values, and is not English in French.
func TestPages(t *testing.T) {
	for _, key := range []string{"link_failed", "link_wait", "from_confirm", "from_confirmed", "from_unknown"} {
		en, enText, _ := notify.Page("en", key, map[string]string{"reason": "R", "channel": "C", "email": "E"})
		fr, frText, _ := notify.Page("fr", key, map[string]string{"reason": "R", "channel": "C", "email": "E"})
		if en == "" || fr == "" || en == fr || enText == frText || leftover.MatchString(enText+frText) {
			t.Errorf("%s: %q / %q, %q / %q", key, en, fr, enText, frText)
		}
	}
}

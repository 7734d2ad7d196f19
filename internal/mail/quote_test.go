package mail

import (
	"strings"
	"testing"
)

func TestSplitQuote(t *testing.T) {
	tests := []struct {
		name, text, reply, quoted string
	}{
		{"no quote", "Hello\nthere", "Hello\nthere", ""},
		{"trailing quote", "Yes.\n\n> Did it work?\n> Sam", "Yes.", "> Did it work?\n> Sam"},
		{"answers between quotes stay", "> Q1?\nA1\n> Q2?\nA2", "> Q1?\nA1\n> Q2?\nA2", ""},
		{"only a quote stays whole", "> Did it work?", "> Did it work?", ""},
		{"english attribution", "Yes\n\nOn Mon, 2 Nov 2026, Sam <s@a.example> wrote:\n> Q", "Yes", "On Mon, 2 Nov 2026, Sam <s@a.example> wrote:\n> Q"},
		{"french attribution", "Oui\n\nLe lun. 2 nov. 2026 à 10:00, Sam <s@a.example> a écrit :\n> Q", "Oui", "Le lun. 2 nov. 2026 à 10:00, Sam <s@a.example> a écrit :\n> Q"},
		{"german attribution, wrapped", "Ja\n\nAm Mo., 2. Nov. 2026 um 10:00 Uhr schrieb Sam\n<s@a.example>:\n> Q", "Ja", "Am Mo., 2. Nov. 2026 um 10:00 Uhr schrieb Sam\n<s@a.example>:\n> Q"},
		{"a long paragraph is not an attribution", "Yes\n\nOn " + strings.Repeat("and so on ", 32) + "as the manual wrote:\nthe end", "Yes\n\nOn " + strings.Repeat("and so on ", 32) + "as the manual wrote:\nthe end", ""},
		{"outlook original message", "Ok\n-----Original Message-----\nFrom: Sam\nQ", "Ok", "-----Original Message-----\nFrom: Sam\nQ"},
		{"a From: line alone is text", "From: the account page\nI clicked save", "From: the account page\nI clicked save", ""},
		{"signature is kept", "Thanks\n-- \nAna\nAcme", "Thanks\n-- \nAna\nAcme", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply, quoted := SplitQuote(tt.text)
			if reply != tt.reply || quoted != tt.quoted {
				t.Errorf("SplitQuote(%q) = %q, %q; want %q, %q", tt.text, reply, quoted, tt.reply, tt.quoted)
			}
		})
	}
}

func TestSplitQuoteHTML(t *testing.T) {
	tests := []struct {
		name, html, reply, quoted string
	}{
		{"no marker", "<p>Hi</p>", "<p>Hi</p>", ""},
		{"gmail", `<div>Yes</div><div class="gmail_quote">On … wrote:<blockquote>Q</blockquote></div>`,
			"<div>Yes</div>", `<div class="gmail_quote">On … wrote:<blockquote>Q</blockquote></div>`},
		{"only a quote stays whole", `<blockquote type="cite">Q</blockquote>`, `<blockquote type="cite">Q</blockquote>`, ""},
		{"apple mail's attribution goes with its quote, however indented", "<div>Yes</div><div>" + strings.Repeat("\n  ", 200) + "On 2 Nov 2026, at 10:00, Sam wrote:\n</div><blockquote type=\"cite\">Q</blockquote>",
			"<div>Yes</div>", "<div>" + strings.Repeat("\n  ", 200) + "On 2 Nov 2026, at 10:00, Sam wrote:\n</div><blockquote type=\"cite\">Q</blockquote>"},
		{"everything after the marker goes", `<div><p>Yes</p><div id="divRplyFwdMsg">From: Sam</div><p>Q</p></div><p>more Q</p>`,
			"<div><p>Yes</p></div>", `<div id="divRplyFwdMsg">From: Sam</div><p>Q</p><p>more Q</p>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply, quoted := SplitQuoteHTML(tt.html)
			if reply != tt.reply || quoted != tt.quoted {
				t.Errorf("SplitQuoteHTML(%q) =\n %q, %q; want\n %q, %q", tt.html, reply, quoted, tt.reply, tt.quoted)
			}
		})
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, html, want string
		remote           bool
	}{
		{"script", `<p>a</p><script>alert(1)</script>`, `<p>a</p>`, false},
		{"event handler", `<img src="cid:x" onerror="alert(1)">`, `<img src="cid:x">`, false},
		{"javascript link", `<a href="javascript:alert(1)">x</a>`, `x`, false},
		{"remote image held back", `<img src="https://t.example/p.gif">`, `<img data-remote-src="https://t.example/p.gif">`, true},
		{"protocol-relative image held back", `<img src="//t.example/p.gif">`, `<img data-remote-src="//t.example/p.gif">`, true},
		{"link opens outside", `<a href="https://a.example">a</a>`, `<a href="https://a.example" rel="nofollow noreferrer noopener" target="_blank">a</a>`, false},
		{"iframe", `<iframe src="https://evil.example"></iframe>ok`, `ok`, false},
		{"style url dropped", `<p style="background:url(https://t.example/p.gif);color:red">x</p>`, `<p style="color: red">x</p>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, remote := Sanitize(tt.html)
			if got != tt.want || remote != tt.remote {
				t.Errorf("Sanitize(%q) = %q, %v; want %q, %v", tt.html, got, remote, tt.want, tt.remote)
			}
		})
	}
}

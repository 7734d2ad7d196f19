package mail_test

import (
	"testing"

	"github.com/parleyhq/parley/internal/mail"
)

// TestPlainText: the text part of a rich-text reply reads as the reply does
// (issue 11: paragraphs and lists came out as one line).
func TestPlainText(t *testing.T) {
	for _, tt := range []struct{ name, html, want string }{
		{"paragraphs", `<p>Hello Jo,</p><p>Thanks for writing.</p>`, "Hello Jo,\n\nThanks for writing."},
		{"line breaks", `<p>Line one<br>Line two<br><br>Line four</p>`, "Line one\nLine two\n\nLine four"},
		{"white space folds", "<p>  many\n   spaces\there </p>", "many spaces here"},
		{"inline elements keep their spaces", `<p>This is <strong>very</strong> <em>important</em>, really.</p>`, "This is very important, really."},
		{"bulleted list", `<p>Two things:</p><ul><li>first</li><li>second</li></ul><p>Bye</p>`, "Two things:\n\n- first\n- second\n\nBye"},
		{"numbered list, as the editor writes it", `<ol><li><p>first</p></li><li><p>second</p></li></ol>`, "1. first\n2. second"},
		{"numbered from start", `<ol start="3"><li>three</li><li>four</li></ol>`, "3. three\n4. four"},
		{"nested list", `<ul><li><p>fruit</p><ol><li>apple</li><li>pear</li></ol></li><li>bread</li></ul>`, "- fruit\n  1. apple\n  2. pear\n- bread"},
		{"a long item wraps under its text", `<ol><li><p>one</p><p>more of one</p></li></ol>`, "1. one\n   more of one"},
		{"link", `<p>See <a href="https://x.example/a">our guide</a>.</p>`, "See our guide <https://x.example/a>."},
		{"link that is its address", `<p><a href="https://x.example/b">https://x.example/b</a></p>`, "https://x.example/b"},
		{"mail link", `<p>Write to <a href="mailto:help@x.example">help@x.example</a></p>`, "Write to help@x.example"},
		{"other links keep their text", `<p><a href="#top">top</a> <a href="javascript:x()">x</a></p>`, "top x"},
		{"quote", `<p>You wrote:</p><blockquote><p>It broke.</p><p>Twice.</p></blockquote><p>Sorry.</p>`, "You wrote:\n\n> It broke.\n>\n> Twice.\n\nSorry."},
		{"preformatted", "<pre>a  b\n  c</pre>", "a  b\n  c"},
		{"entities", `<p>Fish &amp; chips &lt;3</p>`, "Fish & chips <3"},
		{"no script or style", `<style>p{}</style><p>Hi</p><script>alert(1)</script>`, "Hi"},
		{"an image says its alt", `<p><img src="x.png" alt="Our logo"> Acme</p>`, "Our logo Acme"},
		{"headings and rules", `<h2>Title</h2><p>Body</p><hr><p>Next</p>`, "Title\n\nBody\n\n----\n\nNext"},
		{"divs", `<div>One</div><div>Two</div>`, "One\nTwo"},
		{"plain text", `just words`, "just words"},
	} {
		if got := mail.PlainText(tt.html); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

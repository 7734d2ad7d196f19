package mail

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestSanitizeNewsletter reads a real-world newsletter (a 600 px table
// layout, bgcolor, a white-on-colour button, a hostile footer) the way it
// is shown: colours and widths stay, so the button is still seen; nothing
// runs, loads from outside or escapes the frame.
func TestSanitizeNewsletter(t *testing.T) {
	raw, err := os.ReadFile("testdata/newsletter_campaign.html")
	if err != nil {
		t.Fatal(err)
	}
	safe, remote := Sanitize(string(raw))
	if !remote {
		t.Error("remote images: not reported as held back")
	}
	doc, err := html.Parse(strings.NewReader(safe))
	if err != nil {
		t.Fatal(err)
	}
	byID := func(id string) *html.Node {
		var find func(*html.Node) *html.Node
		find = func(n *html.Node) *html.Node {
			if n.Type == html.ElementNode && attr(n, "id") == id {
				return n
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if f := find(c); f != nil {
					return f
				}
			}
			return nil
		}
		n := find(doc)
		if n == nil {
			t.Fatalf("#%s is gone:\n%s", id, safe)
		}
		return n
	}
	kept := []struct{ id, attr, want string }{
		{"cta", "style", "background: #e63946"},
		{"cta", "style", "color: #ffffff"},
		{"cta", "style", "border-radius: 6px"},
		{"cta", "style", "display: inline-block"},
		{"button-cell", "style", "background: #e63946"},
		{"hero", "bgcolor", "#1d3557"},
		{"hero", "style", "background-color: #1d3557"},
		{"hero", "style", "color: #ffffff"},
	}
	for _, k := range kept {
		if got := attr(byID(k.id), k.attr); !strings.Contains(got, k.want) {
			t.Errorf("#%s %s = %q, want it to keep %q", k.id, k.attr, got, k.want)
		}
	}
	if w := attr(byID("hero").Parent.Parent.Parent, "width"); w != "600" {
		t.Errorf("the 600 px table's width = %q, want 600", w)
	}
	for _, banned := range []string{"<script", "<style", "<link", "url(", "position", "fixed", "onclick", " src=\"https:", "document.cookie"} {
		if strings.Contains(safe, banned) {
			t.Errorf("sanitised newsletter still holds %q", banned)
		}
	}
}

// TestSanitizeBackground keeps a background shorthand that is a colour and
// drops one that would load anything.
func TestSanitizeBackground(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<a style="background:#e63946">x</a>`, `<a style="background: #e63946">x</a>`},
		{`<a style="background: rgb(230, 57, 70)">x</a>`, `<a style="background: rgb(230, 57, 70)">x</a>`},
		{`<a style="background: red">x</a>`, `<a style="background: red">x</a>`},
		// An anchor left with no attribute is unwrapped.
		{`<a style="background: url(https://t.example/p.gif)">x</a>`, `x`},
		{`<a style="background: #fff url('https://t.example/p.gif') no-repeat">x</a>`, `x`},
		{`<a style="background: image-set('https://t.example/p.gif' 1x)">x</a>`, `x`},
		{`<a style="background-color: #fff; position: fixed; top: 0">x</a>`, `<a style="background-color: #fff">x</a>`},
	} {
		if got, _ := Sanitize(tc.in); got != tc.want {
			t.Errorf("Sanitize(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

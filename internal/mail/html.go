package mail

import (
	"bytes"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/microcosm-cc/bluemonday/css"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// policy keeps what mail needs to read as sent — tables, inline styles,
// images — and drops scripts, forms, frames, event handlers and unknown
// URL schemes. cid: URLs point at the message's own inline attachments.
var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemes("mailto", "http", "https", "cid", "tel")
	p.AllowDataURIImages()
	p.AllowStyles("color", "background-color", "font-weight", "font-style", "font-size", "font-family",
		"text-decoration", "text-align", "vertical-align", "line-height", "margin", "margin-left",
		"margin-right", "margin-top", "margin-bottom", "padding", "padding-left", "padding-right",
		"padding-top", "padding-bottom", "border", "border-collapse", "border-left", "border-top",
		"border-right", "border-bottom", "border-radius", "border-color", "border-style", "border-width",
		"border-spacing", "width", "min-width", "max-width", "height", "min-height", "white-space", "display",
		"letter-spacing", "text-transform", "table-layout", "word-break").Globally()
	// Newsletters colour their buttons with the background shorthand
	// (white text on it): keep it when it is a colour alone. An image in
	// it (url(), image-set()) would load from outside: dropped.
	p.AllowStyles("background").MatchingHandler(css.ColorHandler).Globally()
	p.AllowAttrs("width", "height", "align", "valign", "bgcolor", "border", "cellpadding", "cellspacing", "colspan", "rowspan").Globally()
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}()

// Clean passes HTML that Parley stores and sends (an agent's reply, an API
// client's message) through the same policy as received mail, keeping its
// images as they are.
func Clean(raw string) string {
	return strings.TrimSpace(policy.Sanitize(raw))
}

// Sanitize makes an email's HTML safe to show inside the app. Remote images
// are held back: their address moves to data-remote-src, so nothing is
// fetched (no tracking pixel fires) until the agent chooses to load them.
// remote reports whether any were held back.
func Sanitize(raw string) (safe string, remote bool) {
	clean := policy.Sanitize(raw)
	z := html.NewTokenizer(strings.NewReader(clean))
	var b strings.Builder
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		t := z.Token()
		if (tt == html.StartTagToken || tt == html.SelfClosingTagToken) && t.DataAtom == atom.Img {
			for i, a := range t.Attr {
				if a.Key == "src" && (strings.HasPrefix(a.Val, "http://") || strings.HasPrefix(a.Val, "https://") || strings.HasPrefix(a.Val, "//")) {
					t.Attr[i].Key = "data-remote-src"
					remote = true
				}
			}
		}
		b.WriteString(t.String())
	}
	return strings.TrimSpace(b.String()), remote
}

// SplitQuoteHTML separates the new part of an HTML reply from the quoted
// history, at the first element a mail client uses to wrap a quote: Gmail's
// gmail_quote, Thunderbird's moz-cite-prefix, Apple Mail's and Thunderbird's
// blockquote type=cite, Outlook's divRplyFwdMsg and its border-top header
// block, Yahoo's and Proton's quote containers. Everything from there on in
// document order is the quote. When no marker is found, or the reply would
// be empty, quoted is "".
func SplitQuoteHTML(raw string) (reply, quoted string) {
	doc, err := html.Parse(strings.NewReader(raw))
	if err != nil {
		return raw, ""
	}
	marker := findQuote(doc)
	if marker == nil {
		return raw, ""
	}
	// The attribution line sits just before Apple Mail's blockquote.
	if prev := prevElement(marker); prev != nil && isAttribution(textOf(prev)) {
		marker = prev
	}
	var cut []*html.Node
	for n := marker; n != nil && n.DataAtom != atom.Body && n.DataAtom != atom.Html; n = n.Parent {
		start := n
		if n != marker {
			start = n.NextSibling
		}
		for s := start; s != nil; s = s.NextSibling {
			cut = append(cut, s)
		}
	}
	for _, n := range cut {
		n.Parent.RemoveChild(n)
	}
	body := findAtom(doc, atom.Body)
	if body == nil || strings.TrimSpace(textOf(body)) == "" && findAtom(body, atom.Img) == nil {
		return raw, ""
	}
	var r, q bytes.Buffer
	for c := body.FirstChild; c != nil; c = c.NextSibling {
		_ = html.Render(&r, c)
	}
	for _, n := range cut {
		_ = html.Render(&q, n)
	}
	return strings.TrimSpace(r.String()), strings.TrimSpace(q.String())
}

func findQuote(n *html.Node) *html.Node {
	if n.Type == html.ElementNode && isQuote(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if q := findQuote(c); q != nil {
			return q
		}
	}
	return nil
}

func isQuote(n *html.Node) bool {
	class, id, style, typ := attr(n, "class"), attr(n, "id"), attr(n, "style"), attr(n, "type")
	for _, c := range strings.Fields(class) {
		switch c {
		case "gmail_quote", "gmail_quote_container", "moz-cite-prefix", "yahoo_quoted", "protonmail_quote", "OutlookMessageHeader":
			return true
		}
	}
	switch id {
	case "appendonsend", "divRplyFwdMsg", "mail-editor-reference-message-container", "x_divRplyFwdMsg":
		return true
	}
	if n.DataAtom == atom.Blockquote && typ == "cite" {
		return true
	}
	// Outlook desktop: a div with a top border holding "From: … Sent: …".
	if n.DataAtom == atom.Div && strings.Contains(strings.ReplaceAll(style, " ", ""), "border-top:solid") {
		t := strings.TrimSpace(textOf(n))
		return headerFrom.MatchString(t)
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func prevElement(n *html.Node) *html.Node {
	for p := n.PrevSibling; p != nil; p = p.PrevSibling {
		if p.Type == html.ElementNode {
			return p
		}
		if p.Type == html.TextNode && strings.TrimSpace(p.Data) != "" {
			return nil
		}
	}
	return nil
}

func findAtom(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findAtom(c, a); f != nil {
			return f
		}
	}
	return nil
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

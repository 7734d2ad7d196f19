package mail

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// PlainText renders HTML as the plain text a reader of the text/plain part
// expects: paragraphs apart, line breaks kept, bulleted lists with "- ",
// numbered lists numbered, nested lists indented, quotes with "> ", and
// links as "text <url>". It is the text part of mail written in HTML, and
// the text form of a message given only as HTML.
func PlainText(src string) string {
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return src
	}
	var w textWriter
	w.node(doc)
	lines := strings.Split(w.b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

// textWriter writes text with the prefix of the blocks it is in (quotes,
// list indentation), and the breaks blocks ask for between them.
type textWriter struct {
	b      strings.Builder
	prefix []string
	breaks int // newlines owed before the next text: 1 a line, 2 a paragraph
	// breakDepth is how many prefixes the owed blank lines take.
	breakDepth int
	marker     string // a list item's marker, written with its first text
	started    bool   // something was written
	midLine    bool   // the current line has text
	pre        int    // inside <pre>: white space as written
}

// want owes at least n newlines before the next text. Blank lines take the
// prefix of the outermost block that asked for them: a quote's own blank
// lines are quoted, those around it are not.
func (w *textWriter) want(n int) {
	if w.breaks == 0 {
		w.breakDepth = len(w.prefix)
	}
	w.breakDepth = min(w.breakDepth, len(w.prefix))
	w.breaks = max(w.breaks, n)
}

func (w *textWriter) text(s string) {
	if w.pre > 0 {
		for i, line := range strings.Split(s, "\n") {
			if i > 0 {
				w.b.WriteString("\n")
				w.midLine = false
			}
			if line != "" {
				w.start()
				w.b.WriteString(line)
				w.midLine = true
			}
		}
		return
	}
	// Runs of white space are one space, none at the start of a line or
	// after a space.
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	t := b.String()
	if !w.midLine || w.breaks > 0 || strings.HasSuffix(w.b.String(), " ") {
		t = strings.TrimLeft(t, " ")
	}
	if t == "" {
		return
	}
	w.start()
	w.b.WriteString(t)
	w.midLine = true
}

// start begins the next text: the newlines owed, then the prefix.
func (w *textWriter) start() {
	if w.started && w.breaks > 0 {
		// Blank lines inside a quote are quoted too.
		blank := strings.TrimRight(strings.Join(w.prefix[:min(w.breakDepth, len(w.prefix))], ""), " ")
		w.b.WriteString("\n" + strings.Repeat(blank+"\n", w.breaks-1))
		w.midLine = false
	}
	w.breaks = 0
	if !w.midLine {
		p := strings.Join(w.prefix, "")
		if w.marker != "" {
			p = p[:len(p)-len(w.marker)] + w.marker
			w.marker = ""
		}
		w.b.WriteString(p)
	}
	w.started = true
}

func (w *textWriter) block(n *html.Node, before, after int) {
	w.want(before)
	w.children(n)
	w.want(after)
}

func (w *textWriter) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c)
	}
}

func (w *textWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.DocumentNode:
		w.children(n)
		return
	case html.ElementNode:
	default:
		return
	}
	switch n.DataAtom {
	case atom.Head, atom.Script, atom.Style, atom.Title, atom.Template:
	case atom.Br:
		if w.started {
			w.b.WriteString(strings.Repeat("\n", w.breaks+1))
			w.breaks = 0
			w.midLine = false
		}
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Table:
		if inListItem(n) {
			w.block(n, 1, 1)
		} else {
			w.block(n, 2, 2)
		}
	case atom.Div, atom.Tr, atom.Section, atom.Article, atom.Header, atom.Footer:
		w.block(n, 1, 1)
	case atom.Td, atom.Th:
		if w.midLine {
			w.b.WriteString("\t")
		}
		w.children(n)
	case atom.Hr:
		w.want(2)
		w.text("----")
		w.want(2)
	case atom.Blockquote:
		w.want(2)
		w.prefix = append(w.prefix, "> ")
		w.children(n)
		w.prefix = w.prefix[:len(w.prefix)-1]
		w.want(2)
	case atom.Pre:
		w.want(2)
		w.pre++
		w.children(n)
		w.pre--
		w.want(2)
	case atom.Ul, atom.Ol:
		w.want(1)
		if !inListItem(n) {
			w.want(2)
		}
		number := 0
		if v, err := strconv.Atoi(attr(n, "start")); err == nil {
			number = v - 1
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || c.DataAtom != atom.Li {
				continue
			}
			marker := "- "
			if n.DataAtom == atom.Ol {
				number++
				marker = strconv.Itoa(number) + ". "
			}
			w.want(1)
			w.prefix = append(w.prefix, strings.Repeat(" ", len(marker)))
			w.marker = marker
			w.children(c)
			w.marker = ""
			w.prefix = w.prefix[:len(w.prefix)-1]
			w.want(1)
		}
		if !inListItem(n) {
			w.want(2)
		}
	case atom.A:
		w.children(n)
		href := strings.TrimSpace(attr(n, "href"))
		shown := strings.TrimSpace(textOf(n))
		switch {
		case !strings.HasPrefix(href, "http://") && !strings.HasPrefix(href, "https://") && !strings.HasPrefix(href, "mailto:"):
		case shown == href || "mailto:"+shown == href:
		case shown == "":
			w.text(href)
		default:
			w.text(" <" + href + ">")
		}
	case atom.Img:
		if alt := strings.TrimSpace(attr(n, "alt")); alt != "" {
			w.text(alt)
		}
	default:
		w.children(n)
	}
}

func inListItem(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		switch p.DataAtom {
		case atom.Li:
			return true
		case atom.Blockquote, atom.Table, atom.Body:
			return false
		}
	}
	return false
}

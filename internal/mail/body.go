package mail

// Body is a message as Parley stores and shows it: the new text and HTML
// of the message, and the quoted history under it, folded away in the
// thread. The HTML is sanitised.
type Body struct {
	Text       string `json:"text"`
	QuotedText string `json:"quoted_text,omitempty"`
	HTML       string `json:"html,omitempty"`
	QuotedHTML string `json:"quoted_html,omitempty"`
	// RemoteImages is true when the HTML refers to remote images, held
	// back until the agent loads them.
	RemoteImages bool `json:"remote_images,omitempty"`
}

// Body splits and sanitises m for display. A forward keeps its forwarded
// content: that is what was sent to the inbox.
func (m *Message) Body() Body {
	b := Body{Text: m.Text}
	forward := m.IsForward()
	if !forward {
		b.Text, b.QuotedText = SplitQuote(m.Text)
	}
	if m.HTML == "" {
		return b
	}
	reply, quoted := m.HTML, ""
	if !forward {
		reply, quoted = SplitQuoteHTML(m.HTML)
	}
	var r1, r2 bool
	b.HTML, r1 = Sanitize(reply)
	if quoted != "" {
		b.QuotedHTML, r2 = Sanitize(quoted)
	}
	b.RemoteImages = r1 || r2
	return b
}

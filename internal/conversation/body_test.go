package conversation

import (
	"strings"
	"testing"
)

// TestBodyNormalized: HTML whoever writes it (an API client, an agent)
// loses scripts and handlers before it is stored, keeps its images; its
// text is filled in.
func TestBodyNormalized(t *testing.T) {
	b := Body{HTML: `<p onclick="x()">Hi <b>there</b></p><script>steal()</script><img src="https://cdn.example/logo.png">`}.normalized()
	if strings.Contains(b.HTML, "script") || strings.Contains(b.HTML, "onclick") || !strings.Contains(b.HTML, `<b>there</b>`) ||
		!strings.Contains(b.HTML, `src="https://cdn.example/logo.png"`) {
		t.Errorf("HTML %q", b.HTML)
	}
	if b.Text != "Hi there" {
		t.Errorf("text %q", b.Text)
	}
}

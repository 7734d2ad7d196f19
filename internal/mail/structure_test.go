package mail

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jhillyerd/enmime/v2"
)

const head = "From: Ana <ana@customer.example>\r\nTo: support@parley.test\r\nSubject: Help\r\n" +
	"Message-ID: <deep@customer.example>\r\nMIME-Version: 1.0\r\n"

// nest wraps body in levels multiparts: param(i) is level i's boundary
// parameter, delim(i) its delimiter; closed closes them at the end.
func nest(levels int, param, delim func(i int) string, closed bool, body string) string {
	var b strings.Builder
	for i := range levels {
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; %s\r\n\r\n%s\r\n", param(i), delim(i))
	}
	b.WriteString(body)
	if closed {
		for i := levels - 1; i >= 0; i-- {
			fmt.Fprintf(&b, "%s--\r\n", delim(i))
		}
	}
	return b.String()
}

const textPart = "Content-Type: text/plain\r\n\r\nhello\r\n"

// levels is a part of n nested multiparts, with boundaries name0, name1…
func levels(n int, name string, closed bool) string {
	return nest(n, func(i int) string { return fmt.Sprintf(`boundary="%s%d"`, name, i) },
		func(i int) string { return fmt.Sprintf("--%s%d", name, i) }, closed, textPart)
}

// deep is a message of n nested multiparts.
func deep(n int, closed bool) string { return head + levels(n, "b", closed) }

// flat is one multipart of n text parts.
func flat(n int) string {
	var b strings.Builder
	b.WriteString(head + "Content-Type: multipart/mixed; boundary=b\r\n\r\n")
	for range n {
		b.WriteString("--b\r\n" + textPart)
	}
	b.WriteString("--b--\r\n")
	return b.String()
}

// forwarded wraps body in levels messages forwarded as attachments: a
// multipart/mixed holding a message/rfc822 each, two levels per forward.
func forwarded(levels int, encoding string, body string) string {
	inner := head + body
	for i := range levels {
		if encoding == "base64" {
			inner = base64.StdEncoding.EncodeToString([]byte(inner))
		}
		inner = fmt.Sprintf("%sContent-Type: multipart/mixed; boundary=f%d\r\n\r\n--f%d\r\n%s--f%d\r\n"+
			"Content-Type: message/rfc822\r\nContent-Transfer-Encoding: %s\r\n\r\n%s\r\n--f%d--\r\n",
			head, i, i, textPart, i, encoding, inner, i)
	}
	return inner
}

// enmimeShape is what enmime makes of raw: the most multiparts it read
// one inside another, and its parts.
func enmimeShape(t testing.TB, raw []byte) (depth, parts int) {
	root, err := parser.ReadParts(bytes.NewReader(raw))
	if err != nil {
		return 0, 0
	}
	var walk func(p *enmime.Part, above int)
	walk = func(p *enmime.Part, above int) {
		text := p.ContentType == "text/plain" || p.ContentType == "text/html"
		if p.Parent == nil && strings.HasPrefix(p.ContentType, "multipart/") && p.Boundary != "" ||
			p.Parent != nil && p.Boundary != "" && !text {
			above++
		}
		depth = max(depth, above)
		for c := p.FirstChild; c != nil; c = c.NextSibling {
			parts++
			walk(c, above)
		}
	}
	walk(root, 0)
	return depth, parts
}

func TestCheckStructure(t *testing.T) {
	tooDeep := "MIME nesting deeper than 16 levels"
	tooWide := "more than 1000 MIME parts"
	unclosed := "more than 8 MIME levels left unclosed"
	boundary := func(format string) func(int) string {
		return func(i int) string { return fmt.Sprintf(format, i) }
	}
	tests := []struct {
		name, raw, want string
		// enmime too reads past the limits: the case is real, not only
		// seen as such here.
		enmimeToo bool
	}{
		{"no MIME", head + "\r\nhello\r\n", "", false},
		{"16 levels", deep(16, true), "", false},
		{"17 levels", deep(17, true), tooDeep, true},
		{"17 levels left open", deep(17, false), tooDeep, true},
		{"8 levels left open", deep(8, false), "", false},
		{"9 levels left open", deep(9, false), unclosed, false},
		{"16 levels, the inner 8 left open", head + nest(8, boundary("boundary=u%d"), boundary("--u%d"), true, levels(8, "b", false)), "", false},
		{"a delimiter closing 9 levels left open", head + nest(1, boundary("boundary=u%d"), boundary("--u%d"), true, levels(9, "b", false)), unclosed, false},
		{"10,000 levels", deep(10000, true), tooDeep, true},
		{"1,000 parts", flat(1000), "", false},
		{"1,001 parts", flat(1001), tooWide, true},
		{"8 forwards as attachments", forwarded(8, "7bit", ""), "", false},
		{"9 forwards as attachments", forwarded(9, "7bit", ""), tooDeep, false},
		{"forwards in base64 are opaque", forwarded(12, "base64", ""), "", false},
		{"a forward's own levels count", forwarded(1, "8bit", levels(15, "x", true)), tooDeep, false},
		{
			// A delimiter of the outer multipart closes the 8 levels
			// inside the part before it: never more than 9 open.
			"outer delimiters close inner levels",
			head + "Content-Type: multipart/mixed; boundary=outer\r\n\r\n" +
				strings.Repeat("--outer\r\n"+levels(8, "b", false), 20) + "--outer--\r\n",
			"", false,
		},
		{
			// Closing mid closes the levels inside it: after it, i3's
			// delimiter is text, and what follows is not a part.
			"an outer closing delimiter closes inner levels",
			head + "Content-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\n" +
				"Content-Type: multipart/mixed; boundary=mid\r\n\r\n--mid\r\n" + levels(7, "i", false) +
				"--mid--\r\n--i3\r\n" + levels(15, "j", true) + "--outer--\r\n",
			"", false,
		},
		{
			// "--bX" starts like the outer "--b" but is not its
			// delimiter: the levels inside stay open.
			"a look-alike of an outer delimiter closes nothing",
			head + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n" + levels(8, "c", false) +
				"Content-Type: text/plain\r\n\r\n--bX\r\n--b_\r\n--b-\r\n--c7\r\n" + levels(8, "d", false),
			tooDeep, true,
		},
		{"quoted boundary with spaces", head + nest(17, boundary(`boundary="a b %d"`), boundary("--a b %d"), true, textPart), tooDeep, true},
		{"quoted boundary with spaces, 2 levels", head + nest(2, boundary(`boundary="a b %d"`), boundary("--a b %d"), true, textPart), "", false},
		{"folded parameter", head + nest(17, boundary("\r\n\tboundary=\r\n\t\"==_%d_==\""), boundary("--==_%d_=="), true, textPart), tooDeep, true},
		{"unquoted specials", head + nest(17, boundary("boundary=_=%d=_"), boundary("--_=%d=_"), true, textPart), tooDeep, true},
		{"RFC 2231 boundary", head + nest(17, boundary(`boundary*0="ab";boundary*1="cd%d"`), boundary("--abcd%d"), true, textPart), tooDeep, true},
		{"upper-case parameter, LF line ends", strings.ReplaceAll(head+nest(17, boundary("BOUNDARY=Z%d"), boundary("--Z%d"), true, textPart), "\r\n", "\n"), tooDeep, true},
		{
			// enmime takes a delimiter one byte into a preamble line,
			// where a standard reader sees text and one level.
			"delimiters only enmime sees",
			head + nest(17, boundary("boundary=b%d"), boundary("x--b%d "), false, textPart), tooDeep, true,
		},
		{
			// enmime ends the text part at the lone CR and takes the
			// next line as a delimiter.
			"a delimiter after a lone CR",
			head + nest(2, boundary("boundary=b%d"), boundary("--b%d"), false,
				"Content-Type: text/plain\r\n\r\nx\rZ--b1 \r\nX--b1 \r\n"+levels(15, "c", false)),
			tooDeep, true,
		},
		{"a boundary quoted in the text", head + nest(3, boundary("boundary=b%d"), boundary("--b%d"), true,
			"Content-Type: text/plain\r\n\r\nsee x--b1 above\r\n"), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := defaultMIMELimits()
			err := checkStructure([]byte(tt.raw), lim)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Fatalf("checkStructure = %q, want %q", got, tt.want)
			}
			if _, err := Parse([]byte(tt.raw)); tt.want != "" && (err == nil || err.Error() != tt.want) {
				t.Errorf("Parse: %v, want %q", err, tt.want)
			}
			if len(tt.raw) > 100<<10 {
				return // too slow for enmime
			}
			depth, parts := enmimeShape(t, []byte(tt.raw))
			over := depth > lim.depth || parts > lim.parts
			if tt.want == "" && over || tt.enmimeToo && !over {
				t.Errorf("enmime reads %d levels and %d parts", depth, parts)
			}
		})
	}
}

// TestCheckStructureFixtures: no real message is refused.
func TestCheckStructureFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/*.eml")
	if err != nil || len(files) == 0 {
		t.Fatalf("fixtures: %v", err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkStructure(raw, defaultMIMELimits()); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		// Nor with far lower limits: real mail is nowhere near.
		if err := checkStructure(raw, mimeLimits{depth: 4, parts: 20, unclosed: 2}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// FuzzCheckStructure checks the promise that makes the limits hold: what
// checkStructure lets through, enmime does not read deeper or wider. Small
// limits keep enmime fast on whatever the fuzzer makes.
func FuzzCheckStructure(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for _, name := range files {
		if raw, err := os.ReadFile(name); err == nil {
			f.Add(raw)
		}
	}
	f.Add([]byte(deep(5, false)))
	f.Add([]byte(flat(12)))
	f.Add([]byte(forwarded(2, "7bit", "")))
	f.Add([]byte(head + nest(5, func(i int) string { return fmt.Sprintf("boundary=b%d", i) },
		func(i int) string { return fmt.Sprintf("x--b%d ", i) }, false, textPart)))
	f.Fuzz(func(t *testing.T, raw []byte) {
		lim := mimeLimits{depth: 3, parts: 8, unclosed: 3}
		if checkStructure(raw, lim) != nil {
			return
		}
		if d, p := enmimeShape(t, raw); d > lim.depth || p > lim.parts {
			t.Fatalf("let through %d levels and %d parts:\n%q", d, p, raw)
		}
	})
}

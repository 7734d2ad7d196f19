package mail

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// parsed is what a fixture is expected to become: the parse, the
// classification, the threading keys and the display body — or the reason
// it is quarantined.
type parsed struct {
	Quarantine   string             `json:"quarantine,omitempty"`
	Message      *Message           `json:"message,omitempty"`
	Attachments  []goldenAttachment `json:"attachments,omitempty"`
	FilterReason string             `json:"filter_reason,omitempty"`
	Forward      bool               `json:"forward,omitempty"`
	Referenced   []string           `json:"referenced,omitempty"`
	SubjectNum   int64              `json:"subject_number,omitempty"`
	Body         *Body              `json:"body,omitempty"`
}

type goldenAttachment struct {
	Name   string `json:"name"`
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
}

// TestGolden parses every .eml in testdata and compares the result with its
// .golden.json. Run with -update to rewrite them, then read the diff: the
// golden files are the specification.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.eml")
	if err != nil || len(files) < 20 {
		t.Fatalf("fixtures: %v (%d files)", err, len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".eml")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := parseFixture(raw)
			b, err := json.MarshalIndent(got, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			b = append(b, '\n')
			goldenPath := strings.TrimSuffix(f, ".eml") + ".golden.json"
			if *update {
				if err := os.WriteFile(goldenPath, b, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if diff := cmp.Diff(string(want), string(b)); diff != "" {
				t.Errorf("%s differs from %s (-want +got):\n%s", f, goldenPath, diff)
			}
		})
	}
}

func parseFixture(raw []byte) parsed {
	m, err := Parse(raw)
	if err != nil {
		return parsed{Quarantine: err.Error()}
	}
	body := m.Body()
	p := parsed{
		Message: m, FilterReason: m.FilterReason(), Forward: m.IsForward(),
		Referenced: m.Referenced(), SubjectNum: SubjectNumber(m.Subject), Body: &body,
	}
	for _, a := range m.Attachments {
		sum := sha256.Sum256(a.Data)
		p.Attachments = append(p.Attachments, goldenAttachment{Name: a.Name, Size: len(a.Data), SHA256: hex.EncodeToString(sum[:8])})
	}
	return p
}

// TestMessageIDsAsWritten: ids are read as written, encoded words and all
// (RFC 2047 does not apply to them), so that a reply references the ids the
// sender knows.
func TestMessageIDsAsWritten(t *testing.T) {
	raw := "From: Jo <jo@client.example>\r\nMessage-ID: <=?utf-8?q?a=0D=0Ab?=@client.example>\r\n" +
		"In-Reply-To: <=?utf-8?q?=C3=BC?=@acme.test>\r\nReferences: <r1@acme.test>\r\n <=?utf-8?q?=C3=BC?=@acme.test>\r\n\r\nHi\r\n"
	m, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if m.MessageID != "=?utf-8?q?a=0D=0Ab?=@client.example" || !slices.Equal(m.InReplyTo, []string{"=?utf-8?q?=C3=BC?=@acme.test"}) ||
		!slices.Equal(m.References, []string{"r1@acme.test", "=?utf-8?q?=C3=BC?=@acme.test"}) {
		t.Errorf("message-id %q, in-reply-to %q, references %q", m.MessageID, m.InReplyTo, m.References)
	}
}

// BenchmarkParseDeepMIME times Parse on the shapes that cost enmime more
// than linear time: the probe's deep nesting (refused before enmime reads
// it), and the worst that is let through — 16 levels, 1,000 parts in groups
// of 8 levels left unclosed, and a megabyte 16 levels down (enmime's time
// grows with depth × size) against the usual 3.
func BenchmarkParseDeepMIME(b *testing.B) {
	unclosed := head + "Content-Type: multipart/mixed; boundary=outer\r\n\r\n" +
		strings.Repeat("--outer\r\n"+levels(8, "b", false), 111) + "--outer--\r\n"
	file := "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		strings.Repeat(strings.Repeat("A", 76)+"\r\n", 1<<20/78)
	big := func(n int) string {
		return head + nest(n, func(i int) string { return fmt.Sprintf("boundary=b%d", i) },
			func(i int) string { return fmt.Sprintf("--b%d", i) }, true, file)
	}
	for _, bc := range []struct{ name, raw string }{
		{"levels=10000", deep(10000, true)},
		{"levels=16", deep(16, true)},
		{"unclosed=8x111", unclosed},
		{"levels=3,1MB", big(3)},
		{"levels=16,1MB", big(16)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.raw)))
			for b.Loop() {
				_, _ = Parse([]byte(bc.raw))
			}
		})
	}
}

package mail

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
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

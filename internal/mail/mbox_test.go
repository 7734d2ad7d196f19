package mail

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadMbox(t *testing.T) {
	mbox := "From ana@x.example Mon Mar  2 09:00:00 2026\n" +
		"From: ana@x.example\nSubject: one\n\nHello\n>From the start, it failed.\n>>From here too.\n\n" +
		"From bob@y.example Mon Mar  2 10:00:00 2026\r\n" +
		"From: bob@y.example\r\nSubject: two\r\n\r\nBye\r\n"
	var got []string
	if err := ReadMbox(strings.NewReader(mbox), func(raw []byte) error { got = append(got, string(raw)); return nil }); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"From: ana@x.example\nSubject: one\n\nHello\nFrom the start, it failed.\n>From here too.\n",
		"From: bob@y.example\r\nSubject: two\r\n\r\nBye\n",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
	// Text before the first separator is not a message.
	got = nil
	_ = ReadMbox(strings.NewReader("garbage\n"), func(raw []byte) error { got = append(got, string(raw)); return nil })
	if len(got) != 0 {
		t.Errorf("a file without separators gave %q", got)
	}
}

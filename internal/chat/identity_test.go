package chat

import (
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
)

// TestIdentities: a minted identity verifies on its channel and on another
// node with the same secret; a forged, altered, borrowed or foreign one is
// refused.
func TestIdentities(t *testing.T) {
	ids := NewIdentities([]byte("server secret"))
	uid, token := ids.Mint(7)
	if got, err := ids.Verify(7, token); err != nil || got != uid {
		t.Fatalf("own token: %q, %v", got, err)
	}
	if got, err := NewIdentities([]byte("server secret")).Verify(7, token); err != nil || got != uid {
		t.Errorf("another node with the same secret: %q, %v", got, err)
	}
	other, _ := ids.Mint(7)
	mac := token[strings.Index(token, ".")+1:]
	for name, bad := range map[string]string{
		"empty":             "",
		"no signature":      uid,
		"signature cut":     token[:len(token)-1],
		"someone else's id": other + "." + mac,
		"made up":           "abc.def",
		"an empty id":       "." + mac,
		"too long an id":    strings.Repeat("a", 65) + "." + mac,
	} {
		if _, err := ids.Verify(7, bad); parley.ErrorCode(err) != parley.EUNAUTHORIZED {
			t.Errorf("%s: %v, want EUNAUTHORIZED", name, err)
		}
	}
	if _, err := ids.Verify(8, token); parley.ErrorCode(err) != parley.EUNAUTHORIZED {
		t.Errorf("another chat's visitor: %v", err)
	}
	if _, err := NewIdentities([]byte("another secret")).Verify(7, token); parley.ErrorCode(err) != parley.EUNAUTHORIZED {
		t.Errorf("another server's secret: %v", err)
	}
}

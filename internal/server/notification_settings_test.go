package server_test

import (
	"testing"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestNotificationSettings: each person chooses, per kind, what reaches
// them in the app, on the desktop and by email; a setting is theirs alone.
func TestNotificationSettings(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		p := path("/me/notification-settings")
		got := w.ana.must(200, "GET", p, nil)
		if m, _ := got.body["mention"].(map[string]any); m["email"] != true || m["app"] != true || m["desktop"] != true {
			t.Errorf("defaults: %s, want everything on", got.raw)
		}
		w.ana.must(200, "PUT", p, map[string]any{"mention": map[string]bool{"email": false}, "assigned": map[string]bool{"desktop": false}})
		got = w.ana.must(200, "GET", p, nil)
		mention, _ := got.body["mention"].(map[string]any)
		assigned, _ := got.body["assigned"].(map[string]any)
		if mention["email"] != false || mention["app"] != true || assigned["desktop"] != false || assigned["email"] != true {
			t.Errorf("after setting: %s", got.raw)
		}
		if bob := w.bob.must(200, "GET", p, nil); bob.body["mention"].(map[string]any)["email"] != true {
			t.Errorf("ana's setting reached bob: %s", bob.raw)
		}
		if bad := w.ana.call("PUT", p, map[string]any{"mention": map[string]bool{"pigeon": false}}); bad.status != 400 {
			t.Errorf("an unknown medium: %d %s, want 400", bad.status, bad.raw)
		}
	})
}

package server_test

import (
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestScheduleAPI: a person sets, reads and removes their own working
// week; a bad one is refused naming the field; one that covers every hour
// makes them available at once, and one that covers none makes them away.
func TestScheduleAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		p := path("/me/availability-schedule")
		w.ana.must(404, "GET", p, nil)
		for _, bad := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"time_zone": "Europe/Atlantis", "hours": []any{}}, "time_zone"},
			{map[string]any{"time_zone": "Europe/Paris", "hours": []any{map[string]string{"day": "monday", "from": "18:00", "to": "09:00"}}}, "hours[0].to"},
			{map[string]any{"time_zone": "Europe/Paris", "hours": []any{map[string]string{"day": "someday", "from": "08:00", "to": "09:00"}}}, "hours[0].day"},
		} {
			got := w.ana.call("PUT", p, bad.body)
			if got.status != 400 || !strings.Contains(string(got.raw), bad.field) {
				t.Errorf("PUT %v: %d %s, want 400 naming %s", bad.body, got.status, got.raw, bad.field)
			}
		}
		var always []any
		for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
			always = append(always, map[string]string{"day": d, "from": "00:00", "to": "24:00"})
		}
		w.ana.must(200, "PUT", path("/me/availability"), map[string]any{"status": "away"})
		got := w.ana.must(200, "PUT", p, map[string]any{"time_zone": "Pacific/Auckland", "hours": always})
		if got.body["availability"] != "available" || got.body["time_zone"] != "Pacific/Auckland" {
			t.Errorf("a schedule of every hour: %s, want available now", got.raw)
		}
		if me := w.ana.must(200, "GET", path("/me"), nil); me.body["availability"] != "available" {
			t.Errorf("me after the schedule: %s", me.raw)
		}
		if got := w.ana.must(200, "GET", p, nil); len(got.body["hours"].([]any)) != 7 {
			t.Errorf("read back: %s", got.raw)
		}
		w.bob.must(404, "GET", p, nil) // Ana's is hers
		got = w.ana.must(200, "PUT", p, map[string]any{"time_zone": "Pacific/Auckland", "hours": []any{}})
		if got.body["availability"] != "away" {
			t.Errorf("a schedule of no hours: %s, want away now", got.raw)
		}
		w.ana.must(204, "DELETE", p, nil)
		w.ana.must(404, "GET", p, nil)
		if me := w.ana.must(200, "GET", path("/me"), nil); me.body["availability"] != "away" {
			t.Errorf("removing the schedule changed availability: %s", me.raw)
		}
	})
}

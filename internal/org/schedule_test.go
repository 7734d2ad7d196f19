package org

import (
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// TestScheduleAt: a schedule's hours are wall-clock times in its zone, so
// they follow the clocks across daylight-saving changes, and a span ends
// just before its end.
func TestScheduleAt(t *testing.T) {
	week := Schedule{TimeZone: "Europe/Paris", Hours: []Hours{
		{"monday", "09:00", "17:00"}, {"tuesday", "09:00", "12:00"}, {"tuesday", "14:00", "18:00"},
		{"saturday", "22:00", "24:00"}, {"sunday", "02:30", "03:30"},
	}}
	ny := Schedule{TimeZone: "America/New_York", Hours: []Hours{{"monday", "09:00", "17:00"}}}
	for _, tc := range []struct {
		name string
		s    Schedule
		at   string // UTC
		want parley.Availability
	}{
		{"Monday 09:30 in Paris, winter (UTC+1)", week, "2026-03-23T08:30:00Z", parley.Available},
		{"Monday 08:30 in Paris, winter", week, "2026-03-23T07:30:00Z", parley.Away},
		{"the same UTC time after the clocks went forward is 09:30 (UTC+2)", week, "2026-03-30T07:30:00Z", parley.Available},
		{"Monday 08:59 in Paris, summer", week, "2026-03-30T06:59:00Z", parley.Away},
		{"Monday 16:59 in Paris, summer", week, "2026-03-30T14:59:00Z", parley.Available},
		{"Monday 17:00 ends the span", week, "2026-03-30T15:00:00Z", parley.Away},
		{"after the clocks went back, 09:00 is 08:00 UTC", week, "2026-10-26T08:00:00Z", parley.Available},
		{"and 07:30 UTC is 08:30 in Paris", week, "2026-10-26T07:30:00Z", parley.Away},
		{"Tuesday lunch between two spans", week, "2026-03-24T12:00:00Z", parley.Away},
		{"Tuesday afternoon", week, "2026-03-24T13:00:00Z", parley.Available},
		{"Saturday 23:59 runs to the end of the day", week, "2026-03-28T22:59:00Z", parley.Available},
		{"Sunday 00:00 is another day", week, "2026-03-28T23:00:00Z", parley.Away},
		{"02:30 does not exist the night the clocks go forward: 03:00 summer time is inside", week, "2026-03-29T01:00:00Z", parley.Available},
		{"03:30 summer time ends it", week, "2026-03-29T01:30:00Z", parley.Away},
		{"Wednesday has no hours", week, "2026-03-25T10:00:00Z", parley.Away},
		{"New York Monday 09:00 before its own change (UTC-5)", ny, "2026-03-02T14:00:00Z", parley.Available},
		{"New York after its change (UTC-4): 14:00 UTC is 10:00", ny, "2026-03-09T14:00:00Z", parley.Available},
		{"New York 08:30 EDT", ny, "2026-03-09T12:30:00Z", parley.Away},
		{"an unknown zone is away", Schedule{TimeZone: "Mars/Olympus", Hours: ny.Hours}, "2026-03-09T14:00:00Z", parley.Away},
	} {
		at, err := time.Parse(time.RFC3339, tc.at)
		if err != nil {
			t.Fatal(err)
		}
		if got := tc.s.At(at); got != tc.want {
			t.Errorf("%s: At(%s) = %s, want %s", tc.name, tc.at, got, tc.want)
		}
	}
}

// TestScheduleNormalize: a bad schedule is refused naming its field; a
// good one comes back in week order.
func TestScheduleNormalize(t *testing.T) {
	for _, tc := range []struct {
		name  string
		s     Schedule
		field string
	}{
		{"no zone", Schedule{}, "time_zone"},
		{"unknown zone", Schedule{TimeZone: "Europe/Atlantis"}, "time_zone"},
		{"the machine's zone is not a person's", Schedule{TimeZone: "Local"}, "time_zone"},
		{"not a day", Schedule{TimeZone: "UTC", Hours: []Hours{{"funday", "09:00", "10:00"}}}, "hours[0].day"},
		{"not a time", Schedule{TimeZone: "UTC", Hours: []Hours{{"monday", "9am", "10:00"}}}, "hours[0].from"},
		{"24:00 does not start a day", Schedule{TimeZone: "UTC", Hours: []Hours{{"monday", "24:00", "24:00"}}}, "hours[0].from"},
		{"minutes past 59", Schedule{TimeZone: "UTC", Hours: []Hours{{"monday", "09:00", "10:60"}}}, "hours[0].to"},
		{"a sign is not a digit", Schedule{TimeZone: "UTC", Hours: []Hours{{"monday", "+9:00", "10:00"}}}, "hours[0].from"},
		{"ends before it starts", Schedule{TimeZone: "UTC", Hours: []Hours{{"monday", "09:00", "10:00"}, {"friday", "17:00", "09:00"}}}, "hours[1].to"},
		{"ends as it starts", Schedule{TimeZone: "UTC", Hours: []Hours{{"monday", "09:00", "09:00"}}}, "hours[0].to"},
	} {
		_, err := tc.s.Normalize()
		if got := parley.ErrorField(err); got != tc.field {
			t.Errorf("%s: field %q (%v), want %q", tc.name, got, err, tc.field)
		}
	}
	s, err := Schedule{TimeZone: "Europe/Paris", Hours: []Hours{{"sunday", "10:00", "11:00"}, {"monday", "14:00", "18:00"}, {"monday", "09:00", "12:00"}}}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	if s.Hours[0] != (Hours{"monday", "09:00", "12:00"}) || s.Hours[1].From != "14:00" || s.Hours[2].Day != "sunday" {
		t.Errorf("not in week order: %+v", s.Hours)
	}
}

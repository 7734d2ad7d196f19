package org

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// A person's working week (SPEC ORG-4). Inside the hours of their
// schedule, in their time zone, they are available; outside, away. The
// schedule switches their availability at each boundary and nowhere else:
// someone who goes away by hand at three keeps it until the next boundary.
// Hours are wall-clock times, so a daylight-saving change moves them with
// the clocks (09:00 is 09:00 in winter and in summer).

// Schedule is a person's working week.
type Schedule struct {
	TimeZone string  `json:"time_zone" minLength:"1" maxLength:"64" doc:"An IANA time zone, such as Europe/Paris."`
	Hours    []Hours `json:"hours" maxItems:"70" doc:"The spans of each day the person is available; outside them they are away."`
}

// Hours is one span of a day, from its start to just before its end.
type Hours struct {
	Day  string `json:"day" enum:"monday,tuesday,wednesday,thursday,friday,saturday,sunday"`
	From string `json:"from" doc:"HH:MM, 24-hour, in the schedule's time zone."`
	To   string `json:"to" doc:"HH:MM, after from; 24:00 is the end of the day."`
}

// days are the days of the week by name, in the order a week is shown.
var days = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

func weekday(name string) time.Weekday {
	return time.Weekday((slices.Index(days, name) + 1) % 7)
}

// minutes reads HH:MM as minutes into the day (24:00 is its end), or -1.
func minutes(s string) int {
	if len(s) != 5 || s[2] != ':' {
		return -1
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
	}
	h, m := int(s[0]-'0')*10+int(s[1]-'0'), int(s[3]-'0')*10+int(s[4]-'0')
	if h > 24 || m > 59 || (h == 24 && m != 0) {
		return -1
	}
	return h*60 + m
}

// Normalize checks s and returns it with its hours in week order. A field
// in error is named, as hours[i].to.
func (s Schedule) Normalize() (Schedule, error) {
	if _, err := location(s.TimeZone); err != nil {
		return s, parley.Invalid("time_zone", "is not a time zone (an IANA name such as Europe/Paris)").Because("time_zone_unknown")
	}
	hours := slices.Clone(s.Hours)
	for i, h := range hours {
		field := fmt.Sprintf("hours[%d]", i)
		if !slices.Contains(days, h.Day) {
			return s, parley.Invalid(field+".day", "must be a day of the week, such as monday")
		}
		from, to := minutes(h.From), minutes(h.To)
		if from < 0 || from == 24*60 {
			return s, parley.Invalid(field+".from", "must be a time of day, HH:MM").Because("time_invalid")
		}
		if to < 0 {
			return s, parley.Invalid(field+".to", "must be a time of day, HH:MM").Because("time_invalid")
		}
		if to <= from {
			return s, parley.Invalid(field+".to", "must be after the start").Because("hours_end_before_start")
		}
	}
	slices.SortFunc(hours, func(a, b Hours) int {
		return cmp.Or(cmp.Compare(slices.Index(days, a.Day), slices.Index(days, b.Day)), cmp.Compare(a.From, b.From))
	})
	s.Hours = hours
	return s, nil
}

// At says what the schedule makes its person at t.
func (s Schedule) At(t time.Time) parley.Availability {
	loc, err := location(s.TimeZone)
	if err != nil {
		return parley.Away
	}
	local := t.In(loc)
	now := local.Hour()*60 + local.Minute()
	for _, h := range s.Hours {
		if weekday(h.Day) == local.Weekday() && minutes(h.From) <= now && now < minutes(h.To) {
			return parley.Available
		}
	}
	return parley.Away
}

// locations caches loaded time zones: the schedules are read every few
// seconds.
var locations sync.Map

func location(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("no time zone")
	}
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locations.Store(name, l)
	return l, nil
}

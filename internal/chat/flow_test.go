package chat

import (
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
)

func onURL(op, value string) Target   { return Target{Field: "url", Op: op, Value: value} }
func param(name, value string) Target { return Target{Field: "param", Name: name, Value: value} }

// TestTargeting: every operator, the /* suffix, query parameters, AND
// within a group and OR across groups, case, audience and the on switch.
func TestTargeting(t *testing.T) {
	const page = "https://shop.example/pricing/team?utm_source=ads&plan=pro"
	for _, tc := range []struct {
		name   string
		groups [][]Target
		page   string
		want   bool
	}{
		{"no targeting: every page", nil, page, true},
		{"is, the same address", [][]Target{{onURL("is", page)}}, page, true},
		{"is, another", [][]Target{{onURL("is", "https://shop.example/pricing")}}, page, false},
		{"is with /*: the address itself", [][]Target{{onURL("is", "https://shop.example/pricing/*")}}, "https://shop.example/pricing", true},
		{"is with /*: an address under it", [][]Target{{onURL("is", "https://shop.example/pricing/*")}}, page, true},
		{"is with /*: not a longer sibling", [][]Target{{onURL("is", "https://shop.example/pricing/*")}}, "https://shop.example/pricing-old", false},
		{"is with /*: its query", [][]Target{{onURL("is", "https://shop.example/pricing/*")}}, "https://shop.example/pricing?x=1", true},
		{"is_not, another", [][]Target{{onURL("is_not", "https://shop.example/")}}, page, true},
		{"is_not, the same", [][]Target{{onURL("is_not", page)}}, page, false},
		{"is_not with /*: under it", [][]Target{{onURL("is_not", "https://shop.example/pricing/*")}}, page, false},
		{"contains", [][]Target{{onURL("contains", "/pricing/")}}, page, true},
		{"contains, absent", [][]Target{{onURL("contains", "/blog/")}}, page, false},
		{"not_contains", [][]Target{{onURL("not_contains", "/blog/")}}, page, true},
		{"not_contains, present", [][]Target{{onURL("not_contains", "pricing")}}, page, false},
		{"starts_with", [][]Target{{onURL("starts_with", "https://shop.example/pri")}}, page, true},
		{"starts_with, not", [][]Target{{onURL("starts_with", "https://blog.shop.example")}}, page, false},
		{"starts_with with /*", [][]Target{{onURL("starts_with", "https://shop.example/pricing/*")}}, page, true},
		{"not_starts_with", [][]Target{{onURL("not_starts_with", "https://blog.")}}, page, true},
		{"not_starts_with, it does", [][]Target{{onURL("not_starts_with", "https://shop.")}}, page, false},
		{"case-sensitive", [][]Target{{onURL("contains", "/Pricing/")}}, page, false},
		{"a parameter", [][]Target{{param("utm_source", "ads")}}, page, true},
		{"a parameter, another value", [][]Target{{param("utm_source", "mail")}}, page, false},
		{"a parameter, absent", [][]Target{{param("ref", "ads")}}, page, false},
		{"a parameter's case", [][]Target{{param("utm_source", "Ads")}}, page, false},
		{"AND: both pass", [][]Target{{onURL("contains", "pricing"), param("plan", "pro")}}, page, true},
		{"AND: one fails", [][]Target{{onURL("contains", "pricing"), param("plan", "free")}}, page, false},
		{"OR: the second group passes", [][]Target{{onURL("contains", "blog")}, {param("plan", "pro")}}, page, true},
		{"OR: neither", [][]Target{{onURL("contains", "blog")}, {param("plan", "free")}}, page, false},
	} {
		f := Flow{Name: "f", Enabled: true, Targeting: tc.groups}
		f, err := f.Normalize()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := f.Matches(tc.page, Who{}); got != tc.want {
			t.Errorf("%s: Matches(%q) = %v, want %v", tc.name, tc.page, got, tc.want)
		}
	}

	const vip, press parley.ID = 7, 8
	for _, tc := range []struct {
		audience string
		list     parley.ID
		who      Who
		want     bool
	}{
		{"everyone", 0, Who{}, true}, {"everyone", 0, Who{Known: true}, true},
		{"anonymous", 0, Who{}, true}, {"anonymous", 0, Who{Known: true}, false},
		{"known", 0, Who{}, false}, {"known", 0, Who{Known: true}, true},
		{"in_list", vip, Who{Known: true, Lists: []parley.ID{press, vip}}, true},
		{"in_list", vip, Who{Known: true, Lists: []parley.ID{press}}, false},
		{"in_list", vip, Who{}, false}, // an anonymous visitor is in no list
		{"not_in_list", vip, Who{Known: true, Lists: []parley.ID{vip}}, false},
		{"not_in_list", vip, Who{Known: true, Lists: []parley.ID{press}}, true},
		{"not_in_list", vip, Who{}, true},
	} {
		f, err := Flow{Name: "f", Enabled: true, Audience: tc.audience, AudienceList: tc.list}.Normalize()
		if err != nil {
			t.Fatalf("audience %s: %v", tc.audience, err)
		}
		if got := f.Matches(page, tc.who); got != tc.want {
			t.Errorf("audience %s of list %d, %+v: %v, want %v", tc.audience, tc.list, tc.who, got, tc.want)
		}
	}
	if _, err := (Flow{Name: "f", Audience: "in_list"}).Normalize(); parley.ErrorField(err) != "audience_list" {
		t.Errorf("a list audience without its list: %v, want an error naming audience_list", err)
	}
	if f, _ := (Flow{Name: "f", Audience: "known", AudienceList: vip}).Normalize(); f.AudienceList != 0 {
		t.Errorf("a list kept for audience known: %d", f.AudienceList)
	}
	if off := (Flow{Name: "off"}); off.Matches(page, Who{}) {
		t.Error("a flow turned off matched")
	}
}

// TestAvailability: always open; by the team's status; by business hours in
// the schedule's time zone, across a daylight-saving change.
func TestAvailability(t *testing.T) {
	hours := &org.Schedule{TimeZone: "America/New_York", Hours: []org.Hours{{Day: "monday", From: "09:00", To: "17:00"}}}
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		name      string
		a         Availability
		now       time.Time
		available bool
		want      bool
	}{
		{"always", Availability{Mode: "always"}, at("2026-03-08T03:00:00Z"), false, true},
		{"team, someone available", Availability{Mode: "team"}, at("2026-03-08T03:00:00Z"), true, true},
		{"team, nobody", Availability{Mode: "team"}, at("2026-03-08T03:00:00Z"), false, false},
		{"hours, Monday 09:30 EST", Availability{Mode: "hours", Schedule: hours}, at("2026-03-02T14:30:00Z"), false, true},
		{"hours, Monday 08:30 EST", Availability{Mode: "hours", Schedule: hours}, at("2026-03-02T13:30:00Z"), true, false},
		{"hours, the same UTC time after the clocks went forward is 09:30 EDT", Availability{Mode: "hours", Schedule: hours}, at("2026-03-09T13:30:00Z"), false, true},
		{"hours, Monday 17:00 EDT is closed", Availability{Mode: "hours", Schedule: hours}, at("2026-03-09T21:00:00Z"), true, false},
		{"hours, Sunday", Availability{Mode: "hours", Schedule: hours}, at("2026-03-08T15:00:00Z"), true, false},
	} {
		if got := tc.a.Open(tc.now, tc.available); got != tc.want {
			t.Errorf("%s: Open = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestFlowNormalize: a bad flow is refused naming its field; a good one
// gets its defaults.
func TestFlowNormalize(t *testing.T) {
	one := parley.ID(1)
	for _, tc := range []struct {
		name  string
		f     Flow
		field string
	}{
		{"no name", Flow{}, "name"},
		{"an empty group", Flow{Name: "f", Targeting: [][]Target{{}}}, "targeting[0]"},
		{"an unknown operator", Flow{Name: "f", Targeting: [][]Target{{onURL("matches", "x")}}}, "targeting[0][0].op"},
		{"a parameter without a name", Flow{Name: "f", Targeting: [][]Target{{onURL("is", "x"), param("", "x")}}}, "targeting[0][1].name"},
		{"an address rule without a value", Flow{Name: "f", Targeting: [][]Target{{onURL("is", "")}}}, "targeting[0][0].value"},
		{"an unknown field", Flow{Name: "f", Targeting: [][]Target{{{Field: "cookie", Value: "x"}}}}, "targeting[0][0].field"},
		{"owner heading without a fallback", Flow{Name: "f", Heading: Heading{Kind: "owner"}}, "heading.fallback_user_id"},
		{"a custom heading without a name", Flow{Name: "f", Heading: Heading{Kind: "custom"}}, "heading.name"},
		{"hours without a schedule", Flow{Name: "f", Availability: Availability{Mode: "hours"}}, "availability.schedule"},
		{"hours in no time zone", Flow{Name: "f", Availability: Availability{Mode: "hours", Schedule: &org.Schedule{TimeZone: "Mars/Base"}}}, "availability.schedule.time_zone"},
		{"explicit consent to nothing", Flow{Name: "f", Consent: Consent{Processing: "explicit"}}, "consent.text"},
		{"not a colour", Flow{Name: "f", Appearance: Appearance{Accent: "blue"}}, "appearance.accent"},
	} {
		if _, err := tc.f.Normalize(); parley.ErrorField(err) != tc.field {
			t.Errorf("%s: %v, want an error naming %s", tc.name, err, tc.field)
		}
	}
	f, err := Flow{Name: " Pricing ", Heading: Heading{Kind: "owner", FallbackUserID: &one}, Appearance: Appearance{Accent: "#AABBCC"},
		Availability: Availability{Schedule: &org.Schedule{TimeZone: "UTC"}}}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "Pricing" || f.Audience != "everyone" || f.Availability.Mode != "always" || f.Availability.Schedule != nil ||
		f.EmailCapture.When != "never" || f.Consent.Processing != "none" || f.Appearance.Accent != "#aabbcc" || f.Appearance.Position != "right" {
		t.Errorf("defaults: %+v", f)
	}
}

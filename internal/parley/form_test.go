package parley

import (
	"reflect"
	"strings"
	"testing"
)

// TestFormRead: each posted value is checked against its field's type and
// kept in the form's order, every problem reported at once.
func TestFormRead(t *testing.T) {
	set, err := FormSettings{Fields: []FormField{
		{Key: "order", Label: "Order", Type: "text", Required: true},
		{Key: "qty", Label: "Quantity", Type: "number"},
		{Key: "phone", Label: "Phone", Type: "phone"},
		{Key: "size", Label: "Size", Type: "select", Options: []string{" S ", "M", "M", ""}},
		{Key: "note", Label: "Note", Type: "textarea"},
		{Key: "agree", Label: "I agree", Type: "checkbox", Required: true},
	}}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	if got := set.Fields[3].Options; !reflect.DeepEqual(got, []string{"S", "M"}) {
		t.Errorf("options kept as %q, want trimmed and each once", got)
	}
	for _, tt := range []struct {
		name     string
		posted   map[string]string
		values   map[string]string // key → value kept
		problems map[string]string // key → reason
	}{
		{name: "all good", posted: map[string]string{"email": " Ann@Example.ORG ", "order": "  A \n 1 ", "qty": "2.5", "phone": "+33 6 12", "size": "M", "note": "line one\r\nline two", "agree": "on"},
			values: map[string]string{"order": "A 1", "qty": "2.5", "phone": "+33 6 12", "size": "M", "note": "line one\nline two", "agree": "yes"}},
		{name: "nothing", posted: map[string]string{},
			problems: map[string]string{"email": "required", "order": "required", "agree": "required"}},
		{name: "an unchecked box is no", posted: map[string]string{"email": "a@example.org", "order": "1", "agree": "false"},
			problems: map[string]string{"agree": "required"}},
		{name: "wrong types", posted: map[string]string{"email": "nope", "order": strings.Repeat("x", MaxFormText+1), "qty": "two", "phone": "call me", "size": "XL", "agree": "1"},
			problems: map[string]string{"email": "email_invalid", "order": "too_long", "qty": "number_invalid", "phone": "phone_invalid", "size": "choice_invalid"}},
	} {
		post, problems := set.Read(func(k string) string { return tt.posted[k] })
		got := map[string]string{}
		for _, p := range problems {
			got[p.Key] = p.Reason
		}
		if len(tt.problems) == 0 {
			tt.problems = map[string]string{}
		}
		if !reflect.DeepEqual(got, tt.problems) {
			t.Errorf("%s: problems %v, want %v", tt.name, got, tt.problems)
		}
		if tt.values == nil {
			continue
		}
		kept := map[string]string{}
		for _, v := range post.Values {
			kept[v.Key] = v.Value
		}
		if !reflect.DeepEqual(kept, tt.values) || post.Email != "ann@example.org" {
			t.Errorf("%s: kept %v from %s, want %v", tt.name, kept, post.Email, tt.values)
		}
	}
}

// TestFormValidate: an admin's fields are refused with the field named.
func TestFormValidate(t *testing.T) {
	for _, tt := range []struct {
		set   FormSettings
		field string
	}{
		{FormSettings{Fields: []FormField{{Key: "1st", Label: "First", Type: "text"}}}, "config.fields[0].key"},
		{FormSettings{Fields: []FormField{{Key: "a", Label: "A", Type: "text"}, {Key: "a", Label: "B", Type: "text"}}}, "config.fields[1].key"},
		{FormSettings{Fields: []FormField{{Key: "name", Label: "Name", Type: "text"}}}, "config.fields[0].key"},
		{FormSettings{Fields: []FormField{{Key: "a", Label: " ", Type: "text"}}}, "config.fields[0].label"},
		{FormSettings{Fields: []FormField{{Key: "a", Label: "A", Type: "select", Options: []string{" "}}}}, "config.fields[0].options"},
		{FormSettings{Locale: "de"}, "config.locale"},
		{FormSettings{ThanksURL: "javascript:alert(1)"}, "config.thanks_url"},
		{FormSettings{AllowedOrigins: []string{"shop.example/path"}}, "config.allowed_origins[0]"},
	} {
		_, err := tt.set.Validate()
		if ErrorField(err) != tt.field {
			t.Errorf("%+v: %v, want an error naming %s", tt.set, err, tt.field)
		}
	}
	set, err := FormSettings{}.Validate()
	if err != nil || set.Locale != "en" || set.Fields == nil {
		t.Errorf("an empty form: %+v %v, want English with no fields", set, err)
	}
}

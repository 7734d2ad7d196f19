package parley

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// FormSettings are a form channel's own settings (its config, SPEC CHN-7).
// Every form asks the submitter's name and email (the contact, answered by
// email); Fields are what the admin adds after them.
type FormSettings struct {
	Fields []FormField `json:"fields"`
	// AllowedOrigins are the sites that may post the form from their pages
	// and embed its page (CORS, frame-ancestors); the hosted page and a
	// server posting without an Origin need none.
	AllowedOrigins []string `json:"allowed_origins,omitempty"`
	// Locale is the language of the page's own words: en or fr.
	Locale string `json:"locale,omitempty" enum:"en,fr"`
	// Intro is shown above the fields; Thanks after a submission.
	Intro  string `json:"intro,omitempty"`
	Thanks string `json:"thanks,omitempty"`
	// ThanksURL is where a browser goes after posting the form, instead
	// of the hosted thank-you page.
	ThanksURL string `json:"thanks_url,omitempty"`
}

// FormField is one field an admin adds to a form.
type FormField struct {
	Key      string   `json:"key" doc:"The name it is posted under: lower-case letters, digits and _."`
	Label    string   `json:"label"`
	Type     string   `json:"type" enum:"text,textarea,email,phone,number,select,checkbox"`
	Required bool     `json:"required,omitempty"`
	Options  []string `json:"options,omitempty" doc:"A select's choices."`
}

// FormFieldTypes are the types a form field may have.
var FormFieldTypes = []string{"text", "textarea", "email", "phone", "number", "select", "checkbox"}

// Limits of a form and of what is posted to it.
const (
	MaxFormFields    = 30
	MaxFormOptions   = 50
	MaxFormText      = 1000  // a text field's value, in characters
	MaxFormTextarea  = 20000 // a textarea's
	maxFormLabel     = 200
	maxFormIntro     = 2000
	FormNameField    = "name"
	FormEmailField   = "email"
	FormHoneypot     = "_hp"  // a field people never see: what fills it is a bot
	FormSubmissionID = "_sid" // the page's id for one submission, so a double post opens one conversation
)

var formKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// FormSettings returns the channel's form settings.
func (c *Channel) FormSettings() FormSettings {
	var s FormSettings
	if len(c.Config) > 0 {
		_ = json.Unmarshal(c.Config, &s)
	}
	return s
}

// Allows reports whether a page of origin may post the form.
func (s FormSettings) Allows(origin string) bool {
	return ChatSettings{AllowedOrigins: s.AllowedOrigins}.Allows(origin)
}

// Validate checks s and returns it with its origins in canonical form and
// its texts trimmed.
func (s FormSettings) Validate() (FormSettings, error) {
	origins, err := ChatSettings{AllowedOrigins: s.AllowedOrigins}.Validate()
	if err != nil {
		return s, err
	}
	s.AllowedOrigins = origins.AllowedOrigins
	switch s.Locale {
	case "":
		s.Locale = "en"
	case "en", "fr":
	default:
		return s, Invalid("config.locale", "must be en or fr")
	}
	s.Intro, s.Thanks = strings.TrimSpace(s.Intro), strings.TrimSpace(s.Thanks)
	if utf8.RuneCountInString(s.Intro) > maxFormIntro {
		return s, Invalid("config.intro", "is longer than %d characters", maxFormIntro)
	}
	if utf8.RuneCountInString(s.Thanks) > maxFormIntro {
		return s, Invalid("config.thanks", "is longer than %d characters", maxFormIntro)
	}
	if s.ThanksURL = strings.TrimSpace(s.ThanksURL); s.ThanksURL != "" {
		u, err := url.Parse(s.ThanksURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(s.ThanksURL) > 2000 {
			return s, Invalid("config.thanks_url", "must be a page's address, starting with https://")
		}
	}
	if s.Fields == nil {
		s.Fields = []FormField{}
	}
	if len(s.Fields) > MaxFormFields {
		return s, Invalid("config.fields", "has more than %d fields", MaxFormFields)
	}
	seen := map[string]bool{FormNameField: true, FormEmailField: true}
	for i := range s.Fields {
		f := &s.Fields[i]
		at := func(name string) string { return fmt.Sprintf("config.fields[%d].%s", i, name) }
		f.Label = strings.TrimSpace(f.Label)
		if f.Label == "" || utf8.RuneCountInString(f.Label) > maxFormLabel {
			return s, Invalid(at("label"), "is required, up to %d characters", maxFormLabel)
		}
		if !formKey.MatchString(f.Key) {
			return s, Invalid(at("key"), "must start with a letter and have only lower-case letters, digits and _, up to 40").Because("form_key_invalid")
		}
		if seen[f.Key] {
			return s, Invalid(at("key"), "%q is used twice (name and email are every form's own)", f.Key).Because("form_key_taken")
		}
		seen[f.Key] = true
		if !slices.Contains(FormFieldTypes, f.Type) {
			return s, Invalid(at("type"), "must be one of %s", strings.Join(FormFieldTypes, ", "))
		}
		if f.Type != "select" {
			f.Options = nil
			continue
		}
		var options []string
		for _, o := range f.Options {
			if o = strings.TrimSpace(o); o != "" && !slices.Contains(options, o) {
				options = append(options, o)
			}
		}
		if len(options) == 0 || len(options) > MaxFormOptions {
			return s, Invalid(at("options"), "a choice needs 1 to %d options", MaxFormOptions)
		}
		for _, o := range options {
			if utf8.RuneCountInString(o) > maxFormLabel {
				return s, Invalid(at("options"), "an option is longer than %d characters", maxFormLabel)
			}
		}
		f.Options = options
	}
	return s, nil
}

// FieldProblem is what is wrong with one posted field.
type FieldProblem struct {
	Key    string `json:"key"`
	Reason string `json:"reason" enum:"required,too_long,email_invalid,phone_invalid,number_invalid,choice_invalid"`
}

// FormPost is a submission read against its form: the submitter and each
// field's value as it will be kept.
type FormPost struct {
	Name, Email string
	Values      []FormValue
}

// Read checks what was posted (value of each key, "" when absent) against
// the form: the name, the email, then each field in order. It returns every
// problem at once, so a page can show each beside its field.
func (s FormSettings) Read(value func(key string) string) (FormPost, []FieldProblem) {
	var post FormPost
	var problems []FieldProblem
	bad := func(key, reason string) { problems = append(problems, FieldProblem{Key: key, Reason: reason}) }
	post.Name = strings.TrimSpace(value(FormNameField))
	if utf8.RuneCountInString(post.Name) > maxFormLabel {
		bad(FormNameField, "too_long")
	}
	switch email := strings.TrimSpace(value(FormEmailField)); {
	case email == "":
		bad(FormEmailField, "required")
	case !IsEmailAddress(strings.ToLower(email)):
		bad(FormEmailField, "email_invalid")
	default:
		post.Email = strings.ToLower(email)
	}
	for _, f := range s.Fields {
		v := strings.TrimSpace(strings.ReplaceAll(value(f.Key), "\r\n", "\n"))
		if f.Type == "checkbox" {
			if v != "" && v != "false" && v != "0" && v != "no" && v != "off" {
				v = "yes"
			} else {
				v = ""
			}
		}
		if v == "" {
			if f.Required {
				bad(f.Key, "required")
			}
			continue
		}
		switch f.Type {
		case "text", "email", "phone", "number", "select":
			v = strings.Join(strings.Fields(v), " ") // one line
		}
		limit := MaxFormText
		if f.Type == "textarea" {
			limit = MaxFormTextarea
		}
		switch {
		case utf8.RuneCountInString(v) > limit:
			bad(f.Key, "too_long")
			continue
		case f.Type == "email" && !IsEmailAddress(strings.ToLower(v)):
			bad(f.Key, "email_invalid")
			continue
		case f.Type == "phone":
			if _, err := PhoneNumber(f.Key, v); err != nil {
				bad(f.Key, "phone_invalid")
				continue
			}
		case f.Type == "number":
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				bad(f.Key, "number_invalid")
				continue
			}
		case f.Type == "select" && !slices.Contains(f.Options, v):
			bad(f.Key, "choice_invalid")
			continue
		}
		post.Values = append(post.Values, FormValue{Key: f.Key, Label: f.Label, Type: f.Type, Value: v})
	}
	return post, problems
}

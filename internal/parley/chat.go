package parley

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// ChatSettings are a chat channel's own settings (its config).
type ChatSettings struct {
	// AllowedOrigins are the sites that may show the widget
	// ("https://shop.example"): the widget's frame may be embedded by them
	// only, and they alone may read its configuration (SPEC CHT-1).
	AllowedOrigins []string `json:"allowed_origins,omitempty"`
	// Identity holds the secret the site's server signs its signed-in
	// users' identities with (SPEC CHT-11); Parley makes and rotates it.
	Identity struct {
		Secret string `json:"secret,omitempty"`
	} `json:"identity,omitzero"`
}

// MaxOrigins bounds a chat channel's allowed origins.
const MaxOrigins = 50

// Validate checks s and returns it with each origin in canonical form
// (scheme://host[:port], lower case, no trailing slash).
func (s ChatSettings) Validate() (ChatSettings, error) {
	if len(s.AllowedOrigins) > MaxOrigins {
		return s, Invalid("config.allowed_origins", "has more than %d sites", MaxOrigins)
	}
	out := make([]string, 0, len(s.AllowedOrigins))
	for i, o := range s.AllowedOrigins {
		canon, err := Origin(o)
		if err != nil {
			return s, Invalid(fmt.Sprintf("config.allowed_origins[%d]", i), "%v", err).Because("origin_invalid")
		}
		out = append(out, canon)
	}
	s.AllowedOrigins = out
	return s, nil
}

// Origin returns s as a web origin, scheme://host[:port] in lower case, or
// an error saying what is wrong with it.
func Origin(s string) (string, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "/")
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "" || u.Opaque != "":
		return "", fmt.Errorf("is not a site's address, such as https://www.example.com")
	case u.Scheme != "https" && u.Scheme != "http":
		return "", fmt.Errorf("must start with https:// (or http://)")
	case u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return "", fmt.Errorf("must be a site alone, without a path: %s://%s", u.Scheme, u.Host)
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}

// ChatSettings returns a chat channel's settings.
func (c *Channel) ChatSettings() ChatSettings {
	var s ChatSettings
	if len(c.Config) > 0 {
		_ = json.Unmarshal(c.Config, &s)
	}
	return s
}

// Allows reports whether a page of origin may show the channel's widget.
func (s ChatSettings) Allows(origin string) bool {
	origin = strings.ToLower(origin)
	for _, o := range s.AllowedOrigins {
		if o == origin {
			return true
		}
	}
	return false
}

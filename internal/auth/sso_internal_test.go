package auth

import (
	"context"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/parleyhq/parley/internal/parley"
)

// TestSingleSignOnEndpoints holds the endpoints a provider's discovery
// document names to the issuer's rule: https, unless the organisation
// allows private targets. (The server's test cannot: its provider is on
// loopback, which only allowing private targets reaches.)
func TestSingleSignOnEndpoints(t *testing.T) {
	ctx := context.Background()
	provider := func(auth, token, keys string) *oidc.Provider {
		return (&oidc.ProviderConfig{IssuerURL: "https://id.example.com", AuthURL: auth, TokenURL: token, JWKSURL: keys}).NewProvider(ctx)
	}
	for _, c := range []struct {
		name         string
		p            *oidc.Provider
		allowPrivate bool
		want         string
	}{
		{"all https", provider("https://id.example.com/a", "https://id.example.com/t", "https://id.example.com/k"), false, ""},
		{"an http authorization endpoint", provider("http://id.example.com/a", "https://id.example.com/t", "https://id.example.com/k"), false, "sso_issuer_insecure"},
		{"an http token endpoint", provider("https://id.example.com/a", "http://id.example.com/t", "https://id.example.com/k"), false, "sso_issuer_insecure"},
		{"an http token endpoint, private targets allowed", provider("https://id.example.com/a", "http://10.0.0.1/t", "https://id.example.com/k"), true, ""},
		{"a token endpoint that is no address", provider("https://id.example.com/a", "ftp://id.example.com/t", "https://id.example.com/k"), true, "url_invalid"},
	} {
		if got := parley.ErrorReason(ssoSecureEndpoints(c.p, c.allowPrivate)); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if got := parley.ErrorReason(ssoSecure("issuer", "http://id.example.com", false)); got != "sso_issuer_insecure" {
		t.Errorf("an http issuer: %q", got)
	}
	if got := clip(strings.Repeat("é", 300), 201); len(got) > 201+len("…") || !strings.HasSuffix(got, "…") || strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("clipped to %d bytes: %q", len(got), got)
	}
}

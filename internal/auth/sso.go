package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/parleyhq/parley/internal/outbound"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Single sign-on (SPEC ORG-5): one OpenID Connect provider for the
// organisation, found by its issuer (discovery). A sign-in is the
// authorization code flow with PKCE (S256), a nonce and a state: the state
// is kept server-side (its hash, with the nonce and the verifier) for
// SSOStateTTL and taken once, and the browser that began holds it in a
// cookie, so a callback from another browser is refused. The ID token must
// come from the issuer, for our client id, unexpired, with our nonce and a
// verified email; the person is the user with that email, or, if their
// email's domain is one the admin allowed, joins with the role an admin
// chose, or is refused. The provider's subject (sub) is recorded at a
// user's first sign-in from the issuer, and later ones must present it: an
// address the provider gives someone new does not open the old account.
// The issuer and its endpoints are https unless the organisation allows
// private targets (tests, a provider on the local network). The provider's own second factor
// is its business: Parley asks no code after it. While single sign-on is
// on, an admin may turn password sign-in off for everyone but admins, who
// keep it so that nobody is locked out when the provider is down.

// SSOSettings are the organisation's provider and its sign-in rules.
type SSOSettings = store.SSOSettings

// SSOStateTTL is how long a sign-in begun at the provider may take.
const SSOStateTTL = 10 * time.Minute

// SSO signs people in through the organisation's OpenID Connect provider.
type SSO struct {
	store  *store.Store
	now    func() time.Time
	client *outbound.Client
}

// SSOOptions are its collaborators; every field has a working zero.
type SSOOptions struct {
	Now func() time.Time
	// Client makes the calls to the provider, under the outbound rule:
	// an issuer on a private network only if the organisation allows
	// private targets.
	Client *outbound.Client
}

// NewSSO returns the single sign-on service on s.
func NewSSO(s *store.Store, o SSOOptions) *SSO {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Client == nil {
		o.Client = outbound.New(outbound.Options{})
	}
	return &SSO{store: s, now: o.Now, client: o.Client}
}

func (s *SSO) clock() time.Time { return parley.Normalize(s.now()) }

// SignInOptions is what the sign-in screen offers, before anyone signs in.
type SignInOptions struct {
	SSO      bool   `json:"sso" doc:"Single sign-on is on."`
	SSOName  string `json:"sso_name" doc:"The provider's name for the \"Sign in with …\" button."`
	Password bool   `json:"password" doc:"Everyone may sign in with a password; when false, admins only."`
}

// Options says what the sign-in screen offers.
func (s *SSO) Options(ctx context.Context) (SignInOptions, error) {
	if s == nil {
		return SignInOptions{Password: true}, nil
	}
	st, err := s.store.SSOSettings(ctx)
	if err != nil || st == nil || !st.Enabled {
		return SignInOptions{Password: true}, err
	}
	return SignInOptions{SSO: true, SSOName: st.Name, Password: st.PasswordSignIn}, nil
}

// PasswordAllowed refuses u a sign-in with their password while single
// sign-on is on and password sign-in off; admins always may.
func (s *SSO) PasswordAllowed(ctx context.Context, u *parley.User) error {
	if s == nil || u.Role == parley.RoleAdmin {
		return nil
	}
	st, err := s.store.SSOSettings(ctx)
	if err != nil || st == nil || !st.Enabled || st.PasswordSignIn {
		return err
	}
	return (&parley.Error{Code: parley.EFORBIDDEN, Message: "sign in with " + st.Name + ": password sign-in is off"}).Because("password_sign_in_off")
}

// SSOInput is what an admin says of the provider. An empty ClientSecret
// keeps the one saved; ClearSecret removes it (a public client).
type SSOInput struct {
	Name           string
	Issuer         string
	ClientID       string
	ClientSecret   string
	ClearSecret    bool
	Enabled        bool
	JoinRole       parley.Role
	PasswordSignIn bool
	AllowedDomains []string
}

// Settings returns the provider's settings (admins); none saved yet is a
// zero value with password sign-in on.
func (s *SSO) Settings(ctx context.Context, a parley.Actor) (*SSOSettings, error) {
	if err := Admin(a); err != nil {
		return nil, err
	}
	st, err := s.store.SSOSettings(ctx)
	if st == nil && err == nil {
		st = &store.SSOSettings{PasswordSignIn: true}
	}
	return st, err
}

// SetSettings saves the provider's settings (admins), after fetching the
// issuer's discovery document when it is on: an issuer that does not
// answer as one is refused (sso_discovery_failed). The change is an org.sso_changed event
// with the fields after (and, for the audit log, before), never the
// secret: only whether it changed.
func (s *SSO) SetSettings(ctx context.Context, a parley.Actor, in SSOInput) (*SSOSettings, error) {
	if err := Admin(a); err != nil {
		return nil, err
	}
	// The issuer as typed: go-oidc compares the discovered one exactly,
	// and some end in a slash (Auth0's https://tenant.auth0.com/).
	next := store.SSOSettings{Name: strings.TrimSpace(in.Name), Issuer: strings.TrimSpace(in.Issuer),
		ClientID: strings.TrimSpace(in.ClientID), Enabled: in.Enabled, JoinRole: in.JoinRole, PasswordSignIn: in.PasswordSignIn,
		UpdatedAt: s.clock()}
	domains, err := ssoDomains(in.AllowedDomains)
	if err != nil {
		return nil, err
	}
	next.AllowedDomains = domains
	switch {
	case next.Name == "":
		return nil, parley.Invalid("name", "is required")
	case len(next.Name) > 60:
		return nil, parley.Invalid("name", "is longer than 60 characters")
	case next.ClientID == "":
		return nil, parley.Invalid("client_id", "is required")
	case len(next.ClientID) > 500 || len(in.ClientSecret) > 2000:
		return nil, parley.Invalid("client_id", "is too long")
	case next.JoinRole != "" && next.JoinRole != parley.RoleAgent && next.JoinRole != parley.RoleViewer:
		return nil, parley.Invalid("join_role", "must be agent, viewer or empty (nobody joins)")
	case next.JoinRole != "" && len(next.AllowedDomains) == 0:
		// Else anyone with an account at a public provider joins.
		return nil, parley.Invalid("allowed_domains", "are required when people may join").Because("sso_domains_required")
	}
	// Turned off, it is saved as it is: an admin turns off a provider
	// that is gone.
	if next.Enabled {
		allow, err := s.store.AllowPrivateTargets(ctx)
		if err != nil {
			return nil, err
		}
		if err := ssoSecure("issuer", next.Issuer, allow); err != nil {
			return nil, err
		}
		if _, err := s.client.Check(ctx, "issuer", next.Issuer, allow); err != nil {
			if parley.ErrorReason(err) == "url_private" {
				// The webhooks' screen has the switch, not this one.
				err = parley.Invalid("issuer", "%s", parley.ErrorMessage(err)).Because("sso_issuer_private")
			}
			return nil, err
		}
		p, err := s.provider(ctx, next.Issuer, allow)
		if err != nil {
			return nil, parley.Invalid("issuer", "%s", clip(err.Error(), 200)).Because("sso_discovery_failed")
		}
		if err := ssoSecureEndpoints(p, allow); err != nil {
			return nil, err
		}
	} else if u, err := url.Parse(next.Issuer); next.Issuer != "" && (err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https") {
		return nil, parley.Invalid("issuer", "is not an http or https address").Because("url_invalid")
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockOrg(ctx); err != nil {
			return err
		}
		before, err := tx.SSOSettings(ctx)
		if err != nil {
			return err
		}
		switch {
		case in.ClientSecret != "":
			next.ClientSecret = in.ClientSecret
		case before != nil && !in.ClearSecret:
			next.ClientSecret = before.ClientSecret
		}
		if err := tx.SetSSOSettings(ctx, &next); err != nil {
			return err
		}
		data := ssoFields(&next)
		data["secret_changed"] = before == nil && next.ClientSecret != "" || before != nil && before.ClientSecret != next.ClientSecret
		e := parley.NewEvent(parley.EventSSOChanged, a, next.UpdatedAt, data)
		if before != nil {
			e = e.Was(ssoFields(before))
		}
		tx.Append(e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &next, nil
}

// ssoFields are the settings an event may carry: all but the secret.
func ssoFields(st *store.SSOSettings) map[string]any {
	return map[string]any{"name": st.Name, "issuer": st.Issuer, "client_id": st.ClientID, "enabled": st.Enabled,
		"join_role": string(st.JoinRole), "password_sign_in": st.PasswordSignIn, "allowed_domains": st.AllowedDomains}
}

// ssoDomains normalises the allowed email domains: lowercase, without a
// leading "@", each once.
func ssoDomains(in []string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, d := range in {
		d = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "@")
		if d == "" || seen[d] {
			continue
		}
		if len(d) > 253 || !strings.Contains(d, ".") || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") ||
			strings.ContainsFunc(d, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-') }) {
			return nil, parley.Invalid("allowed_domains", "%q is not a domain (example.com)", clip(d, 60)).Because("sso_domain_invalid")
		}
		seen[d] = true
		out = append(out, d)
	}
	if len(out) > 50 {
		return nil, parley.Invalid("allowed_domains", "are more than 50")
	}
	return out, nil
}

// ssoSecure refuses an address of the provider that is not https, unless
// the organisation allows private targets (tests, a provider on the local
// network): the ID token and the code travel over it.
func ssoSecure(field, raw string, allowPrivate bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" {
		return parley.Invalid(field, "is not an http or https address").Because("url_invalid")
	}
	if u.Scheme != "https" && !allowPrivate {
		return parley.Invalid(field, "%s is not an https address", clip(raw, 200)).Because("sso_issuer_insecure")
	}
	return nil
}

// ssoSecureEndpoints holds the provider's discovered endpoints to the
// issuer's rule.
func ssoSecureEndpoints(p *oidc.Provider, allowPrivate bool) error {
	var doc struct {
		JWKS string `json:"jwks_uri"`
	}
	_ = p.Claims(&doc)
	for _, u := range []string{p.Endpoint().AuthURL, p.Endpoint().TokenURL, doc.JWKS} {
		if u == "" {
			continue
		}
		if err := ssoSecure("issuer", u, allowPrivate); err != nil {
			return err
		}
	}
	return nil
}

// clip cuts s to at most n bytes, on a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// provider fetches the issuer's discovery document through the outbound
// client.
func (s *SSO) provider(ctx context.Context, issuer string, allowPrivate bool) (*oidc.Provider, error) {
	return oidc.NewProvider(oidc.ClientContext(ctx, s.client.HTTP(allowPrivate)), issuer)
}

// ssoFailed is a sign-in through the provider that did not happen, for a
// reason the sign-in screen translates.
func ssoFailed(code string, reason, format string, args ...any) error {
	return (&parley.Error{Code: code, Message: fmt.Sprintf(format, args...)}).Because(reason)
}

// connection is the provider and the client Parley is there, with the
// context its calls go out with.
type connection struct {
	ctx      context.Context
	settings *store.SSOSettings
	provider *oidc.Provider
	oauth    oauth2.Config
}

func (s *SSO) connect(ctx context.Context, redirectURL string) (*connection, error) {
	st, err := s.store.SSOSettings(ctx)
	if err != nil {
		return nil, err
	}
	if st == nil || !st.Enabled {
		return nil, ssoFailed(parley.EFORBIDDEN, "sso_off", "single sign-on is off")
	}
	allow, err := s.store.AllowPrivateTargets(ctx)
	if err != nil {
		return nil, err
	}
	client := s.client.HTTP(allow)
	ctx = context.WithValue(oidc.ClientContext(ctx, client), oauth2.HTTPClient, client)
	if err := ssoSecure("issuer", st.Issuer, allow); err != nil {
		return nil, ssoFailed(parley.EUNAVAILABLE, "sso_provider_failed", "the provider: %s", parley.ErrorMessage(err))
	}
	p, err := oidc.NewProvider(ctx, st.Issuer)
	if err != nil {
		return nil, ssoFailed(parley.EUNAVAILABLE, "sso_provider_failed", "the provider's discovery: %s", clip(err.Error(), 200))
	}
	if err := ssoSecureEndpoints(p, allow); err != nil {
		return nil, ssoFailed(parley.EUNAVAILABLE, "sso_provider_failed", "the provider's discovery: %s", parley.ErrorMessage(err))
	}
	return &connection{ctx: ctx, settings: st, provider: p, oauth: oauth2.Config{ClientID: st.ClientID, ClientSecret: st.ClientSecret,
		Endpoint: p.Endpoint(), RedirectURL: redirectURL, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}}, nil
}

// Begin starts a sign-in at the provider, coming back to redirectURL: it
// returns where to send the browser and the state it keeps for the
// callback.
func (s *SSO) Begin(ctx context.Context, redirectURL string) (to, state string, err error) {
	c, err := s.connect(ctx, redirectURL)
	if err != nil {
		return "", "", err
	}
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	now := s.clock()
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		return tx.AddSSOState(ctx, HashToken(state), store.SSOState{Nonce: nonce, Verifier: verifier, ExpiresAt: now.Add(SSOStateTTL)}, now)
	})
	if err != nil {
		return "", "", err
	}
	return c.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), state, nil
}

// Callback is what the provider sends the browser back with.
type Callback struct {
	State        string // the state in the address
	BrowserState string // the state the browser kept from Begin
	Code         string
	Error        string // the provider's refusal (access_denied…)
	RedirectURL  string // as given to Begin
}

// Finish completes a sign-in at the provider and returns the person it
// proves, joining them if the organisation lets unknown people join. It
// opens no session: the caller opens it with Sessions.Open. Every refusal
// is a parley.Error with the reason the sign-in screen shows; a refusal
// after the provider named someone is an SSORefusal with their email.
func (s *SSO) Finish(ctx context.Context, cb Callback) (*parley.User, error) {
	if cb.State == "" || subtle.ConstantTimeCompare([]byte(cb.State), []byte(cb.BrowserState)) != 1 {
		return nil, ssoFailed(parley.EUNAUTHORIZED, "sso_state_invalid", "the sign-in was not begun in this browser")
	}
	var st *store.SSOState
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		st, err = tx.TakeSSOState(ctx, HashToken(cb.State))
		return err
	})
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, ssoFailed(parley.EUNAUTHORIZED, "sso_state_invalid", "unknown or used sign-in state")
	}
	if err != nil {
		return nil, err
	}
	if st.ExpiresAt.Before(s.now()) {
		return nil, ssoFailed(parley.EUNAUTHORIZED, "sso_state_expired", "the sign-in took longer than %v", SSOStateTTL)
	}
	if cb.Error != "" || cb.Code == "" {
		return nil, ssoFailed(parley.EUNAUTHORIZED, "sso_denied", "the provider answered %q", cb.Error)
	}
	c, err := s.connect(ctx, cb.RedirectURL)
	if err != nil {
		return nil, err
	}
	tok, err := c.oauth.Exchange(c.ctx, cb.Code, oauth2.VerifierOption(st.Verifier))
	if err != nil {
		return nil, ssoFailed(parley.EUNAVAILABLE, "sso_provider_failed", "exchanging the code: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, ssoFailed(parley.EUNAUTHORIZED, "sso_token_invalid", "the provider sent no ID token")
	}
	idt, err := c.provider.Verifier(&oidc.Config{ClientID: c.settings.ClientID, Now: s.now}).Verify(c.ctx, raw)
	if err != nil {
		return nil, ssoFailed(parley.EUNAUTHORIZED, "sso_token_invalid", "%v", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(st.Nonce)) != 1 {
		return nil, ssoFailed(parley.EUNAUTHORIZED, "sso_token_invalid", "the ID token's nonce is not this sign-in's")
	}
	var claims struct {
		Email         string          `json:"email"`
		EmailVerified json.RawMessage `json:"email_verified"`
		Name          string          `json:"name"`
		HostedDomain  string          `json:"hd"` // Google Workspace's
	}
	if err := idt.Claims(&claims); err != nil {
		return nil, ssoFailed(parley.EUNAUTHORIZED, "sso_token_invalid", "the ID token's claims: %v", err)
	}
	// Some providers send the flag as a string.
	verified := string(claims.EmailVerified) == "true" || string(claims.EmailVerified) == `"true"`
	email := strings.ToLower(strings.TrimSpace(claims.Email))
	if email == "" || !verified {
		return nil, &SSORefusal{email, ssoFailed(parley.EFORBIDDEN, "sso_email_unverified", "the provider did not vouch for an email (%q, verified %s)", email, claims.EmailVerified)}
	}
	if idt.Subject == "" {
		return nil, ssoFailed(parley.EUNAUTHORIZED, "sso_token_invalid", "the ID token has no subject")
	}
	u, err := s.person(ctx, c.settings, identity{email: email, name: strings.TrimSpace(claims.Name),
		hd: strings.ToLower(strings.TrimSpace(claims.HostedDomain)), issuer: c.settings.Issuer, subject: idt.Subject})
	if err != nil {
		return nil, &SSORefusal{email, err}
	}
	return u, nil
}

// SSORefusal is a sign-in refused after the provider said who it was.
type SSORefusal struct {
	Email string
	Err   error
}

func (r *SSORefusal) Error() string { return r.Err.Error() }
func (r *SSORefusal) Unwrap() error { return r.Err }

// identity is who the provider says signed in.
type identity struct {
	email, name     string
	hd              string // Google's hosted domain, if any
	issuer, subject string
}

// person is the user with the email, or one who joins as the settings
// allow, once the provider's subject is theirs: recorded at their first
// sign-in from this issuer, the same one at every later one.
func (s *SSO) person(ctx context.Context, st *store.SSOSettings, id identity) (*parley.User, error) {
	var u *parley.User
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		u, _, err = tx.UserByEmail(ctx, id.email)
		switch {
		case err == nil:
			if !u.Active() {
				return ssoFailed(parley.EFORBIDDEN, "sso_deactivated", "%s is deactivated", id.email)
			}
			return s.subject(ctx, tx, u, id)
		case parley.ErrorCode(err) != parley.ENOTFOUND:
			return err
		}
		if err := joinable(st, id); err != nil {
			return err
		}
		email, name := id.email, id.name
		if name == "" || len(name) > 100 {
			name, _, _ = strings.Cut(email, "@")
		}
		u = &parley.User{Email: email, Name: name, Role: st.JoinRole, Routable: true, Availability: parley.Available, CreatedAt: s.clock()}
		if err := tx.CreateUser(ctx, u, ""); err != nil {
			return err
		}
		tx.Append(parley.NewEvent(parley.EventUserCreated, parley.UserActor(u), u.CreatedAt,
			map[string]any{"user_id": u.ID, "role": u.Role, "via": "sso"}))
		return s.subject(ctx, tx, u, id)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// joinable refuses someone unknown unless people join, their email's
// domain is one allowed, and Google's hosted domain, when sent, is it.
func joinable(st *store.SSOSettings, id identity) error {
	if st.JoinRole == "" {
		return ssoFailed(parley.EFORBIDDEN, "sso_not_invited", "%s is not a user here and nobody joins by single sign-on", id.email)
	}
	_, domain, _ := strings.Cut(id.email, "@")
	if !slices.Contains(st.AllowedDomains, domain) {
		return ssoFailed(parley.EFORBIDDEN, "sso_domain_refused", "%s is not a user here and %s is not a domain whose people join", id.email, domain)
	}
	if id.hd != "" && id.hd != domain {
		return ssoFailed(parley.EFORBIDDEN, "sso_domain_refused", "%s is not of the provider's hosted domain %s", id.email, id.hd)
	}
	return nil
}

// subject holds u to the provider's subject at the issuer: the first
// sign-in records it, a later one must present it, and a subject already
// someone else's is refused.
func (s *SSO) subject(ctx context.Context, tx *store.Tx, u *parley.User, id identity) error {
	sub, err := tx.SSOSubject(ctx, u.ID, id.issuer)
	switch {
	case err != nil:
		return err
	case sub == id.subject:
		return nil
	case sub != "":
		return ssoFailed(parley.EFORBIDDEN, "sso_subject_changed", "the provider's account for %s is not the one that signed in before", id.email)
	}
	owner, err := tx.SSOSubjectUser(ctx, id.issuer, id.subject)
	if err != nil {
		return err
	}
	if owner != 0 {
		return ssoFailed(parley.EFORBIDDEN, "sso_subject_changed", "the provider's account that signs in as %s signed in as another user before", id.email)
	}
	return tx.AddSSOSubject(ctx, u.ID, id.issuer, id.subject, s.clock())
}

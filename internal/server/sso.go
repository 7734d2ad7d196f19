package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
)

// Single sign-on (SPEC ORG-5) through the organisation's OpenID Connect
// provider. GET /api/v1/session/sso begins: the browser keeps the state
// in a cookie for the callback's path and goes to the provider, which
// sends it back to GET /sso/callback; that opens a session as a password
// does (auth.Sessions.Open) and goes to the app, or goes to
// /?sso=<reason> for the sign-in screen to say why not. The provider's own
// second factor is its business: no Parley code is asked after it.

const (
	ssoCookie       = "parley_sso"
	ssoCallbackPath = "/sso/callback"
)

// ssoCallbackURL is where the provider sends the browser back: under the
// public URL, or, with none configured (tests), the address asked.
func (s *Server) ssoCallbackURL(r *http.Request) string {
	if s.cfg.BaseURL != "" || r == nil {
		return s.cfg.BaseURL + ssoCallbackPath
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + ssoCallbackPath
}

// ssoStateCookie holds the state of a sign-in this browser began, for the
// callback alone; Lax, as the provider's redirect is a navigation from
// its site.
func (s *Server) ssoStateCookie(state string) http.Cookie {
	c := http.Cookie{Name: ssoCookie, Value: state, Path: ssoCallbackPath, HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: strings.HasPrefix(s.cfg.BaseURL, "https://"), MaxAge: int(auth.SSOStateTTL.Seconds())}
	if state == "" {
		c.MaxAge = -1
	}
	return c
}

// ssoStart sends the browser to the provider.
func (s *Server) ssoStart(w http.ResponseWriter, r *http.Request) {
	if ok, wait := s.ssoStarts.Take(clientAddr(r.Context())); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		http.Redirect(w, r, "/?sso=sso_wait", http.StatusSeeOther)
		return
	}
	to, state, err := s.sso.Begin(r.Context(), s.ssoCallbackURL(r))
	if err != nil {
		s.ssoFailed(w, r, "", err)
		return
	}
	c := s.ssoStateCookie(state)
	http.SetCookie(w, &c)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// ssoCallback finishes a sign-in at the provider and opens the session.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) {
	ctx, q := r.Context(), r.URL.Query()
	var browser string
	if c, err := r.Cookie(ssoCookie); err == nil {
		browser = c.Value
	}
	clear := s.ssoStateCookie("")
	http.SetCookie(w, &clear)
	u, err := s.sso.Finish(ctx, auth.Callback{State: q.Get("state"), BrowserState: browser, Code: q.Get("code"),
		Error: q.Get("error"), RedirectURL: s.ssoCallbackURL(r)})
	if err != nil {
		var refused *auth.SSORefusal
		email := ""
		if errors.As(err, &refused) {
			email = refused.Email
		}
		s.ssoFailed(w, r, email, err)
		return
	}
	email := u.Email
	token, u, err := s.sessions.Open(ctx, u.ID, auth.Device{UserAgent: r.UserAgent(), Address: clientAddr(ctx), Method: auth.MethodSSO})
	if err != nil {
		s.ssoFailed(w, r, email, err)
		return
	}
	// The provider proved who this is: the account's sign-in delays lift,
	// and this browser is a known one.
	s.logins.Reset(u.Email)
	c, d := s.cookie(token), s.deviceCookie(u.Email)
	http.SetCookie(w, &c)
	http.SetCookie(w, &d)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// ssoFailed ends every sign-in through the provider that did not happen,
// email the person's when known: it logs why, records in the audit log
// those refused once the provider named someone (a callback without a
// state of ours checks nobody, as a rate-limited password guess is not
// written either), and sends the browser to the sign-in screen with the
// reason it translates.
func (s *Server) ssoFailed(w http.ResponseWriter, r *http.Request, email string, err error) {
	reason := parley.ErrorReason(err)
	switch {
	case strings.HasPrefix(reason, "sso_"):
	case parley.ErrorCode(err) == parley.EFORBIDDEN:
		reason = "sso_deactivated"
	default:
		reason = "sso_failed"
	}
	if email != "" {
		s.signInFailed(r.Context(), email, 0, auth.MethodSSO, reason)
	}
	if statusOf(parley.ErrorCode(err)) == http.StatusInternalServerError {
		s.log.Error("single sign-on", append(logAttrs(r), "err", err)...)
	} else {
		s.log.Info("single sign-on refused", append(logAttrs(r), "reason", reason, "email", email, "err", parley.ErrorMessage(err))...)
	}
	http.Redirect(w, r, "/?sso="+url.QueryEscape(reason), http.StatusSeeOther)
}

// signInOptions tells the sign-in screen what it offers.
func (s *Server) signInOptions(ctx context.Context, _ parley.Actor, _ *struct{}) (*body[auth.SignInOptions], error) {
	o, err := s.sso.Options(ctx)
	return &body[auth.SignInOptions]{o}, err
}

type ssoSettingsJSON struct {
	Name           string     `json:"name" doc:"Shown on the sign-in button: Sign in with <name>."`
	Issuer         string     `json:"issuer" doc:"The provider's issuer URL; its discovery document is at <issuer>/.well-known/openid-configuration."`
	ClientID       string     `json:"client_id"`
	SecretSet      bool       `json:"client_secret_set" doc:"A client secret is saved (it is never returned)."`
	Enabled        bool       `json:"enabled"`
	JoinRole       string     `json:"join_role" enum:"none,agent,viewer" doc:"Whom an unknown person who signs in through the provider joins as; none refuses them."`
	AllowedDomains []string   `json:"allowed_domains" doc:"The email domains whose unknown people may join (exact, lowercase); required unless join_role is none. Existing users sign in whatever their domain."`
	PasswordSignIn bool       `json:"password_sign_in" doc:"While single sign-on is on, whether people other than admins may sign in with a password."`
	CallbackURL    string     `json:"callback_url" doc:"The redirect URI to register at the provider."`
	UpdatedAt      *time.Time `json:"updated_at,omitempty"`
}

type ssoSettingsInput struct {
	Body struct {
		Name           string   `json:"name" maxLength:"60"`
		Issuer         string   `json:"issuer" maxLength:"2000"`
		ClientID       string   `json:"client_id" maxLength:"500"`
		ClientSecret   string   `json:"client_secret,omitempty" maxLength:"2000" writeOnly:"true" doc:"Empty keeps the saved secret."`
		ClearSecret    bool     `json:"clear_secret,omitempty" doc:"Remove the saved secret (a public client, with PKCE alone)."`
		Enabled        bool     `json:"enabled"`
		JoinRole       string   `json:"join_role" enum:"none,agent,viewer"`
		PasswordSignIn bool     `json:"password_sign_in"`
		AllowedDomains []string `json:"allowed_domains,omitempty" maxItems:"50" doc:"Required unless join_role is none."`
	}
}

func (s *Server) ssoSettings(ctx context.Context, a parley.Actor, _ *struct{}) (*body[ssoSettingsJSON], error) {
	st, err := s.sso.Settings(ctx, a)
	if err != nil {
		return nil, err
	}
	out := ssoSettingsJSON{Name: st.Name, Issuer: st.Issuer, ClientID: st.ClientID, SecretSet: st.ClientSecret != "", Enabled: st.Enabled,
		JoinRole: string(st.JoinRole), PasswordSignIn: st.PasswordSignIn, AllowedDomains: st.AllowedDomains, CallbackURL: s.ssoCallbackURL(nil)}
	if out.AllowedDomains == nil {
		out.AllowedDomains = []string{}
	}
	if out.JoinRole == "" {
		out.JoinRole = "none"
	}
	if !st.UpdatedAt.IsZero() {
		out.UpdatedAt = &st.UpdatedAt
	}
	return &body[ssoSettingsJSON]{out}, nil
}

func (s *Server) setSSOSettings(ctx context.Context, a parley.Actor, in *ssoSettingsInput) (*body[ssoSettingsJSON], error) {
	b := in.Body
	role := parley.Role(b.JoinRole)
	if role == "none" {
		role = ""
	}
	if _, err := s.sso.SetSettings(ctx, a, auth.SSOInput{Name: b.Name, Issuer: b.Issuer, ClientID: b.ClientID, ClientSecret: b.ClientSecret,
		ClearSecret: b.ClearSecret, Enabled: b.Enabled, JoinRole: role, PasswordSignIn: b.PasswordSignIn,
		AllowedDomains: b.AllowedDomains}); err != nil {
		return nil, err
	}
	return s.ssoSettings(ctx, a, nil)
}

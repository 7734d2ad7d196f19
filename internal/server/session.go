package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
)

const (
	sessionCookie = "parley_session"
	deviceCookie  = "parley_device"
)

type loginInput struct {
	Body struct {
		Email    string `json:"email" maxLength:"320"`
		Password string `json:"password" maxLength:"1024"`
	}
	Device    string `cookie:"parley_device" doc:"Set by a previous sign-in in this browser."`
	UserAgent string `header:"User-Agent"`
}

type sessionOutput struct {
	SetCookie []http.Cookie `header:"Set-Cookie"`
	Body      present.UserJSON
}

// A limit on sign-in attempts and the key it counts by.
type attempt struct {
	l   *auth.Limiter
	key string
}

// login signs in with email and password. Attempts are counted before the
// password is checked: per email and, more loosely (an office shares one
// address), per client address; past the free ones, each must wait longer
// (429 with Retry-After). A browser that signed in as this email before
// (its device cookie) is counted on its own instead, so a stranger's guesses
// never lock the user out of their usual browser.
func (s *Server) login(ctx context.Context, _ parley.Actor, in *loginInput) (*sessionOutput, error) {
	email := strings.ToLower(strings.TrimSpace(in.Body.Email))
	attempts := []attempt{{s.logins, email}, {s.loginsByIP, clientAddr(ctx)}}
	if id, ok := s.devices.Known(in.Device, email); ok {
		attempts = []attempt{{s.loginsByDevice, id}}
	}
	forgive := func(as []attempt) {
		for _, a := range as {
			a.l.Forgive(a.key)
		}
	}
	for i, a := range attempts {
		if ok, wait := a.l.Try(a.key); !ok {
			forgive(attempts[:i])
			return nil, retryAfter(huma.NewError(http.StatusTooManyRequests, "too many failed sign-ins; try again later"), wait)
		}
	}
	u, err := s.sessions.Verify(ctx, email, in.Body.Password)
	if err != nil {
		switch parley.ErrorCode(err) {
		case parley.EUNAUTHORIZED:
			s.signInFailed(ctx, email, 0, auth.MethodPassword, "wrong_credentials")
		case parley.EFORBIDDEN:
			s.signInFailed(ctx, email, 0, auth.MethodPassword, "deactivated")
		}
		if parley.ErrorCode(err) != parley.EUNAUTHORIZED {
			forgive(attempts) // not a guess: the server could not check it
		}
		if parley.ErrorCode(err) == parley.EUNAVAILABLE {
			return nil, retryAfter(s.problem(err), auth.Busy)
		}
		return nil, err
	}
	// The password was right, but single sign-on may have replaced it: the
	// answer is a wrong password's, counted as one, so that it confirms no
	// password while it is off (the sign-in screen offers none to those
	// who are not admins); the audit log says why.
	if err := s.sso.PasswordAllowed(ctx, u); err != nil {
		if parley.ErrorReason(err) != "password_sign_in_off" {
			forgive(attempts)
			return nil, err
		}
		s.signInFailed(ctx, email, u.ID, auth.MethodPassword, "password_sign_in_off")
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "wrong email or password") // as auth.Sessions.Verify says it
	}
	forgive(attempts)
	// The password was right: a second factor may be asked for first.
	if err := s.secondFactor(ctx, u); err != nil {
		return nil, err
	}
	token, u, err := s.sessions.Open(ctx, u.ID, auth.Device{UserAgent: in.UserAgent, Address: clientAddr(ctx), Method: auth.MethodPassword})
	if err != nil {
		return nil, err
	}
	return &sessionOutput{SetCookie: []http.Cookie{s.cookie(token), s.deviceCookie(email)}, Body: present.User(u)}, nil
}

// signInFailed records a failed sign-in in the audit log; a failure to
// record it is logged, and the answer stays the refusal it was.
func (s *Server) signInFailed(ctx context.Context, email string, userID parley.ID, method, reason string) {
	if err := s.sessions.SignInFailed(ctx, email, userID, method, reason); err != nil {
		s.log.Error("audit a failed sign-in", "err", err)
	}
}

// deviceCookie marks this browser as one that signed in as email; only the
// sign-in route reads it.
func (s *Server) deviceCookie(email string) http.Cookie {
	return http.Cookie{Name: deviceCookie, Value: s.devices.Issue(email), Path: "/api/v1/session", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: strings.HasPrefix(s.cfg.BaseURL, "https://"), MaxAge: int(auth.DeviceTTL.Seconds())}
}

func (s *Server) cookie(token string) http.Cookie {
	c := http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: strings.HasPrefix(s.cfg.BaseURL, "https://"), MaxAge: int(auth.SessionTTL.Seconds())}
	if token == "" {
		c.MaxAge = -1
	}
	return c
}

type logoutInput struct {
	Session string `cookie:"parley_session"`
}

type logoutOutput struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
}

// logout ends the session of the cookie, if any, and clears the cookie.
func (s *Server) logout(ctx context.Context, _ parley.Actor, in *logoutInput) (*logoutOutput, error) {
	if in.Session != "" {
		if err := s.sessions.Logout(ctx, in.Session); err != nil {
			return nil, err
		}
	}
	return &logoutOutput{SetCookie: s.cookie("")}, nil
}

type body[T any] struct{ Body T }

func (s *Server) me(ctx context.Context, a parley.Actor, _ *struct{}) (*body[present.UserJSON], error) {
	u, err := s.org.User(ctx, a, a.UserID)
	if err != nil {
		return nil, err
	}
	return &body[present.UserJSON]{present.User(u)}, nil
}

// loginLink signs in with a one-time link printed at first start, then goes
// to the app.
func (s *Server) loginLink(w http.ResponseWriter, r *http.Request) {
	// Counted per address like passwords: a guessed link costs a lookup
	// and an audit entry, so guessing is slowed before either.
	addr := clientAddr(r.Context())
	if ok, wait := s.loginsByIP.Try(addr); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		page(w, r, http.StatusTooManyRequests, "link_wait", nil)
		return
	}
	token, u, err := s.sessions.UseLoginLink(r.Context(), r.PathValue("token"), auth.Device{UserAgent: r.UserAgent(), Address: addr})
	if err == nil || parley.ErrorCode(err) != parley.EUNAUTHORIZED {
		s.loginsByIP.Forgive(addr) // not a guess
	}
	if err != nil {
		s.signInFailed(r.Context(), "", 0, auth.MethodLink, "link_invalid")
		status := statusOf(parley.ErrorCode(err))
		if status == http.StatusInternalServerError {
			s.log.Error("login link", "err", err)
		}
		page(w, r, status, "link_failed", nil)
		return
	}
	// The link proves who this is: it lifts the account's sign-in delays
	// and makes this browser a known one. It is no second factor: someone
	// who has one, or must, is asked for it before the session is theirs.
	s.logins.Reset(u.Email)
	if purpose, err := s.secondFactorFor(r.Context(), u); err != nil || purpose != "" {
		s.sessions.Logout(r.Context(), token)
		if err != nil {
			s.log.Error("login link", "err", err)
			page(w, r, http.StatusInternalServerError, "link_failed", nil)
			return
		}
		c, d := s.challengeCookie(s.twoFactor.Challenge(u.ID, purpose)), s.deviceCookie(u.Email)
		http.SetCookie(w, &c)
		http.SetCookie(w, &d)
		http.Redirect(w, r, "/?two-factor="+url.QueryEscape(challengeReasons[purpose]), http.StatusSeeOther)
		return
	}
	c, d := s.cookie(token), s.deviceCookie(u.Email)
	http.SetCookie(w, &c)
	http.SetCookie(w, &d)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

type credentialKey struct{}

// credential is what a request authenticated with: an API token or a
// session cookie.
type credential struct{ bearer, cookie string }

// credentialUser returns the user of c as they are now, or EUNAUTHORIZED
// when c no longer works, and whether c may only read (a read-only token).
func (s *Server) credentialUser(ctx context.Context, c credential) (*parley.User, bool, error) {
	if c.bearer != "" {
		return s.sessions.Bearer(ctx, c.bearer)
	}
	u, err := s.sessions.Session(ctx, c.cookie)
	return u, false, err
}

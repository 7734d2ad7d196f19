package server

import (
	"context"
	"net"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
)

const sessionCookie = "parley_session"

type loginInput struct {
	Body struct {
		Email    string `json:"email" maxLength:"320"`
		Password string `json:"password" maxLength:"1024"`
	}
	remote string
}

// Resolve records the client's address for the sign-in limit.
func (in *loginInput) Resolve(ctx huma.Context) []error {
	in.remote = ctx.RemoteAddr()
	return nil
}

type sessionOutput struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
	Body      userJSON
}

// login signs in with email and password. Failed attempts are limited per
// email, and, more loosely (an office shares one address), per client
// address: 429 with Retry-After.
func (s *Server) login(ctx context.Context, _ parley.Actor, in *loginInput) (*sessionOutput, error) {
	host, _, err := net.SplitHostPort(in.remote)
	if err != nil {
		host = in.remote
	}
	limits := []struct {
		l   *auth.Limiter
		key string
	}{{s.logins, strings.ToLower(strings.TrimSpace(in.Body.Email))}, {s.loginsByIP, host}}
	for _, lim := range limits {
		if blocked, wait := lim.l.Blocked(lim.key); blocked {
			return nil, retryAfter(huma.NewError(http.StatusTooManyRequests, "too many failed sign-ins; try again later"), wait)
		}
	}
	token, u, err := s.sessions.Login(ctx, in.Body.Email, in.Body.Password)
	if err != nil {
		if parley.ErrorCode(err) == parley.EUNAUTHORIZED {
			for _, lim := range limits {
				lim.l.Fail(lim.key)
			}
		}
		return nil, err
	}
	return &sessionOutput{SetCookie: s.cookie(token), Body: userView(u)}, nil
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

func (s *Server) me(ctx context.Context, a parley.Actor, _ *struct{}) (*body[userJSON], error) {
	u, err := s.store.User(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	return &body[userJSON]{userView(u)}, nil
}

// loginLink signs in with a one-time link printed at first start, then goes
// to the app.
func (s *Server) loginLink(w http.ResponseWriter, r *http.Request) {
	token, _, err := s.sessions.UseLoginLink(r.Context(), r.PathValue("token"))
	if err != nil {
		status := statusOf(parley.ErrorCode(err))
		if status == http.StatusInternalServerError {
			s.log.Error("login link", "err", err)
		}
		page(w, r, status, "link_failed", map[string]string{"reason": parley.ErrorMessage(err)})
		return
	}
	c := s.cookie(token)
	http.SetCookie(w, &c)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

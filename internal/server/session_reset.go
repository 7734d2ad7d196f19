package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/parley"
)

type resetRequestInput struct {
	AcceptLanguage string `header:"Accept-Language" doc:"The mail's language when the user has not chosen one."`
	Body           struct {
		Email string `json:"email" maxLength:"320"`
	}
}

// requestPasswordReset mails a reset link to the address, if it is an
// active user's. It answers 202 either way, so it tells no one whether an
// address has an account; requests are limited per address asked for and
// per client address (429 with Retry-After).
func (s *Server) requestPasswordReset(ctx context.Context, _ parley.Actor, in *resetRequestInput) (*struct{}, error) {
	email := strings.ToLower(strings.TrimSpace(in.Body.Email))
	if email == "" {
		return nil, parley.Invalid("email", "is required")
	}
	for _, a := range []attempt{{s.resetsByIP, clientAddr(ctx)}, {s.resets, email}} {
		if ok, wait := a.l.Try(a.key); !ok {
			return nil, retryAfter(huma.NewError(http.StatusTooManyRequests, "too many reset requests; try again later"), wait)
		}
	}
	locale := notify.Locale(strings.Split(in.AcceptLanguage, ",")[0])
	return nil, s.org.RequestPasswordReset(ctx, email, s.cfg.BaseURL+"/reset-password/", locale)
}

type resetInput struct {
	Body struct {
		Token    string `json:"token" maxLength:"100" doc:"From the reset link: /reset-password/<token>."`
		Password string `json:"password" maxLength:"1024"`
	}
}

// resetPassword sets a new password with a reset link's token and signs
// the user out everywhere; the link then no longer works. The link proves
// who this is, so it lifts the account's sign-in delays too.
func (s *Server) resetPassword(ctx context.Context, _ parley.Actor, in *resetInput) (*struct{}, error) {
	u, err := s.org.ResetPassword(ctx, in.Body.Token, in.Body.Password)
	if parley.ErrorCode(err) == parley.EUNAVAILABLE {
		return nil, retryAfter(s.problem(err), auth.Busy)
	}
	if err != nil {
		return nil, err
	}
	s.logins.Reset(u.Email)
	return nil, nil
}

package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
)

// Two-factor sign-in (SPEC ORG-5). A right password for someone with an
// authenticator opens no session: it is answered 401 with the reason
// two_factor_required and a challenge cookie (HttpOnly, for the session
// path, five minutes), and POST /session/two-factor with the code opens
// the session. Someone the organisation requires it of, without one, gets
// two_factor_enrol: they enrol with the challenge (POST
// /session/two-factor/enrol), and their first code opens the session and
// shows their recovery codes. Codes are limited per person as passwords are.

const challengeCookie = "parley_challenge"

// secondFactor returns the problem that asks u for a second factor, with
// its challenge cookie, or nil when u needs none.
func (s *Server) secondFactor(ctx context.Context, u *parley.User) error {
	purpose, err := s.secondFactorFor(ctx, u)
	if err != nil || purpose == "" {
		return err
	}
	c := s.challengeCookie(s.twoFactor.Challenge(u.ID, purpose))
	detail := "enter the code from your authenticator app"
	if purpose == auth.ChallengeEnrol {
		detail = "your organisation requires two-factor sign-in: set it up to go on"
	}
	return huma.ErrorWithHeaders(s.problem((&parley.Error{Code: parley.EUNAUTHORIZED, Message: detail}).Because(challengeReasons[purpose])),
		http.Header{"Set-Cookie": {c.String()}})
}

// challengeReasons are the problems' reasons for each purpose.
var challengeReasons = map[string]string{auth.ChallengeCode: "two_factor_required", auth.ChallengeEnrol: "two_factor_enrol"}

// secondFactorFor is what u must give after their password: a code, an
// enrolment, or "" for nothing.
func (s *Server) secondFactorFor(ctx context.Context, u *parley.User) (string, error) {
	on, err := s.twoFactor.Enabled(ctx, u.ID)
	if err != nil || on {
		return auth.ChallengeCode, err
	}
	required, err := s.twoFactor.Required(ctx, u)
	if err != nil || !required {
		return "", err
	}
	return auth.ChallengeEnrol, nil
}

func (s *Server) challengeCookie(value string) http.Cookie {
	c := http.Cookie{Name: challengeCookie, Value: value, Path: "/api/v1/session", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: strings.HasPrefix(s.cfg.BaseURL, "https://"), MaxAge: int(auth.ChallengeTTL.Seconds())}
	if value == "" {
		c.MaxAge = -1
	}
	return c
}

// challenged returns the user and purpose of the request's challenge.
func (s *Server) challenged(value string) (parley.ID, string, error) {
	id, purpose, ok := s.twoFactor.Challenged(value)
	if !ok {
		return 0, "", (&parley.Error{Code: parley.EUNAUTHORIZED, Message: "sign in with your password again: this step expired"}).Because("challenge_expired")
	}
	return id, purpose, nil
}

type codeInput struct {
	Challenge string `cookie:"parley_challenge"`
	UserAgent string `header:"User-Agent"`
	Body      struct {
		Code string `json:"code" maxLength:"40" doc:"Six digits from the authenticator app, or a recovery code."`
	}
}

type signedIn2FA struct {
	User          present.UserJSON `json:"user"`
	RecoveryCodes []string         `json:"recovery_codes,omitempty" doc:"Set when this sign-in turned two-factor on: shown once."`
}

type codeOutput struct {
	SetCookie []http.Cookie `header:"Set-Cookie"`
	Body      signedIn2FA
}

// signInCode finishes a sign-in with the second factor: the code of an
// enrolled person, or the first code of one enrolling.
func (s *Server) signInCode(ctx context.Context, _ parley.Actor, in *codeInput) (*codeOutput, error) {
	id, purpose, err := s.challenged(in.Challenge)
	if err != nil {
		return nil, err
	}
	key := strconv.FormatInt(int64(id), 10)
	if ok, wait := s.codes.Try(key); !ok {
		return nil, retryAfter(huma.NewError(http.StatusTooManyRequests, "too many wrong codes; try again later"), wait)
	}
	var codes []string
	if purpose == auth.ChallengeEnrol {
		u, err := s.twoFactor.User(ctx, id)
		if err != nil {
			return nil, err
		}
		codes, err = s.twoFactor.Confirm(ctx, u, in.Body.Code)
		if parley.ErrorReason(err) == "two_factor_wrong" {
			s.signInFailed(ctx, "", id, auth.MethodTwoFactor, "code_wrong")
			return nil, err
		}
		if err != nil {
			s.codes.Forgive(key)
			return nil, err
		}
	} else if err := s.twoFactor.Check(ctx, id, in.Body.Code); err != nil {
		if parley.ErrorCode(err) != parley.EUNAUTHORIZED {
			s.codes.Forgive(key)
		} else {
			s.signInFailed(ctx, "", id, auth.MethodTwoFactor, "code_wrong")
		}
		return nil, err
	}
	s.codes.Forgive(key)
	token, u, err := s.sessions.Open(ctx, id, auth.Device{UserAgent: in.UserAgent, Address: clientAddr(ctx), Method: auth.MethodTwoFactor})
	if err != nil {
		return nil, err
	}
	return &codeOutput{SetCookie: []http.Cookie{s.cookie(token), s.deviceCookie(u.Email), s.challengeCookie("")},
		Body: signedIn2FA{User: present.User(u), RecoveryCodes: codes}}, nil
}

type challengeInput struct {
	Challenge string `cookie:"parley_challenge"`
}

// enrolAtSignIn begins the enrolment of someone the organisation requires
// two-factor sign-in of, between their password and their first code.
func (s *Server) enrolAtSignIn(ctx context.Context, _ parley.Actor, in *challengeInput) (*body[auth.Enrolment], error) {
	id, purpose, err := s.challenged(in.Challenge)
	if err != nil {
		return nil, err
	}
	if purpose != auth.ChallengeEnrol {
		return nil, parley.Errorf(parley.ECONFLICT, "two-factor sign-in is on already").Because("two_factor_on")
	}
	u, err := s.twoFactor.User(ctx, id)
	if err != nil {
		return nil, err
	}
	e, err := s.twoFactor.Begin(ctx, u)
	if err != nil {
		return nil, err
	}
	return &body[auth.Enrolment]{*e}, nil
}

// myTwoFactor says where the signed-in person stands.
func (s *Server) myTwoFactor(ctx context.Context, a parley.Actor, _ *struct{}) (*body[auth.TwoFactorState], error) {
	u, err := s.twoFactor.User(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	st, err := s.twoFactor.State(ctx, u)
	return &body[auth.TwoFactorState]{st}, err
}

// beginTwoFactor starts the signed-in person's enrolment.
func (s *Server) beginTwoFactor(ctx context.Context, a parley.Actor, _ *struct{}) (*body[auth.Enrolment], error) {
	u, err := s.twoFactor.User(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	e, err := s.twoFactor.Begin(ctx, u)
	if err != nil {
		return nil, err
	}
	return &body[auth.Enrolment]{*e}, nil
}

type recoveryCodesJSON struct {
	RecoveryCodes []string `json:"recovery_codes" doc:"Shown once: each works once, in place of a code."`
}

type confirmInput struct {
	Body struct {
		Code string `json:"code" maxLength:"40"`
	}
}

// confirmTwoFactor turns two-factor sign-in on with a first code.
func (s *Server) confirmTwoFactor(ctx context.Context, a parley.Actor, in *confirmInput) (*body[recoveryCodesJSON], error) {
	u, err := s.twoFactor.User(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	key := strconv.FormatInt(int64(u.ID), 10)
	if ok, wait := s.codes.Try(key); !ok {
		return nil, retryAfter(huma.NewError(http.StatusTooManyRequests, "too many wrong codes; try again later"), wait)
	}
	codes, err := s.twoFactor.Confirm(ctx, u, in.Body.Code)
	if err != nil {
		if parley.ErrorReason(err) == "two_factor_wrong" {
			// Not a sign-in: the person is signed in, the code was mistyped.
			return nil, &parley.Error{Code: parley.EINVALID, Field: "code", Message: "is not the code the app shows now", Reason: "two_factor_wrong"}
		}
		return nil, err
	}
	s.codes.Forgive(key)
	return &body[recoveryCodesJSON]{recoveryCodesJSON{codes}}, nil
}

type confirmPasswordInput struct {
	Body struct {
		Password string `json:"password" maxLength:"1024"`
	}
}

// disableTwoFactor turns the signed-in person's two-factor sign-in off,
// with their password.
func (s *Server) disableTwoFactor(ctx context.Context, a parley.Actor, in *confirmPasswordInput) (*struct{}, error) {
	u, err := s.twoFactor.User(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	return nil, s.twoFactor.Disable(ctx, u, in.Body.Password)
}

// newRecoveryCodes replaces the signed-in person's recovery codes.
func (s *Server) newRecoveryCodes(ctx context.Context, a parley.Actor, in *confirmPasswordInput) (*body[recoveryCodesJSON], error) {
	u, err := s.twoFactor.User(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	codes, err := s.twoFactor.NewRecoveryCodes(ctx, u, in.Body.Password)
	if err != nil {
		return nil, err
	}
	return &body[recoveryCodesJSON]{recoveryCodesJSON{codes}}, nil
}

// resetTwoFactor turns someone's two-factor sign-in off (admins).
func (s *Server) resetTwoFactor(ctx context.Context, a parley.Actor, in *idInput) (*struct{}, error) {
	return nil, s.twoFactor.Reset(ctx, a, in.ID)
}

type signInSettingsJSON struct {
	RequireTwoFactor string `json:"require_two_factor" enum:"none,admins,everyone" doc:"Whom two-factor sign-in is required of."`
}

// signInSettings are the organisation's sign-in rules.
func (s *Server) signInSettings(ctx context.Context, a parley.Actor, _ *struct{}) (*body[signInSettingsJSON], error) {
	who, err := s.twoFactor.RequiredOf(ctx)
	return &body[signInSettingsJSON]{signInSettingsJSON{who}}, err
}

// setSignInSettings changes them (admins).
func (s *Server) setSignInSettings(ctx context.Context, a parley.Actor, in *body[signInSettingsJSON]) (*body[signInSettingsJSON], error) {
	if err := s.twoFactor.SetRequired(ctx, a, in.Body.RequireTwoFactor); err != nil {
		return nil, err
	}
	return &body[signInSettingsJSON]{in.Body}, nil
}

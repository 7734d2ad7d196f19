package auth

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"image/png"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Two-factor sign-in (SPEC ORG-5): a time-based code from an authenticator
// app (RFC 6238: SHA-1, 30-second steps, six digits, one step of drift
// either way) after the password, or one of ten single-use recovery codes.
// A code works once: the last step taken is kept, and an earlier or equal
// one is refused. Between the password and the code, the browser holds a
// challenge: a signed, short-lived statement that the password was right.

const (
	totpPeriod = 30
	// ChallengeTTL is how long after the password the code may come.
	ChallengeTTL  = 5 * time.Minute
	recoveryCodes = 10
)

// Whom an organisation may require two-factor sign-in of.
const (
	RequireNobody   = "none"
	RequireAdmins   = "admins"
	RequireEveryone = "everyone"
)

// TwoFactor keeps people's authenticators and checks their codes.
type TwoFactor struct {
	store     *store.Store
	now       func() time.Time
	passwords *Hasher
	key       []byte
}

// TwoFactorOptions are its collaborators; every field has a working zero
// but Key, which every node must share (it signs the challenges).
type TwoFactorOptions struct {
	Now       func() time.Time
	Passwords *Hasher
	Key       []byte
}

// NewTwoFactor returns the two-factor service on s.
func NewTwoFactor(s *store.Store, o TwoFactorOptions) *TwoFactor {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Passwords == nil {
		o.Passwords = NewHasher(DefaultHashes())
	}
	if len(o.Key) == 0 {
		o.Key = make([]byte, 32)
		rand.Read(o.Key)
	}
	return &TwoFactor{store: s, now: o.Now, passwords: o.Passwords, key: o.Key}
}

func (f *TwoFactor) clock() time.Time { return parley.Normalize(f.now()) }

// Enrolment is what an authenticator app needs: the secret as a key to
// type, as an otpauth:// URL, and that URL as a QR code (a PNG data URL).
type Enrolment struct {
	Secret string `json:"secret"`
	URL    string `json:"otpauth_url"`
	QRCode string `json:"qr_code" doc:"A data: URL of a PNG image."`
}

// TwoFactorState is where a person stands with two-factor sign-in.
type TwoFactorState struct {
	Enabled       bool `json:"enabled"`
	Required      bool `json:"required" doc:"The organisation requires it of this person."`
	RecoveryCodes int  `json:"recovery_codes_left"`
}

// State says whether u signs in with a second factor, whether they must,
// and how many recovery codes they have left.
func (f *TwoFactor) State(ctx context.Context, u *parley.User) (TwoFactorState, error) {
	var st TwoFactorState
	tf, err := f.store.TwoFactor(ctx, u.ID)
	if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
		return st, err
	}
	st.Enabled = tf != nil && tf.EnabledAt != nil
	if st.Required, err = f.Required(ctx, u); err != nil {
		return st, err
	}
	st.RecoveryCodes, err = f.store.RecoveryCodesLeft(ctx, u.ID)
	return st, err
}

// User returns a user by id, for the steps of a sign-in.
func (f *TwoFactor) User(ctx context.Context, id parley.ID) (*parley.User, error) {
	return f.store.User(ctx, id)
}

// RequiredOf is whom the organisation requires two-factor sign-in of.
func (f *TwoFactor) RequiredOf(ctx context.Context) (string, error) {
	return f.store.RequireTwoFactor(ctx)
}

// Required reports whether the organisation requires two-factor sign-in
// of u.
func (f *TwoFactor) Required(ctx context.Context, u *parley.User) (bool, error) {
	who, err := f.store.RequireTwoFactor(ctx)
	return who == RequireEveryone || who == RequireAdmins && u.Role == parley.RoleAdmin, err
}

// Enabled reports whether u signs in with a second factor.
func (f *TwoFactor) Enabled(ctx context.Context, userID parley.ID) (bool, error) {
	tf, err := f.store.TwoFactor(ctx, userID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return false, nil
	}
	return err == nil && tf.EnabledAt != nil, err
}

// Begin starts u's enrolment with a new secret, replacing one they began
// before; one already on is ECONFLICT (turn it off first).
func (f *TwoFactor) Begin(ctx context.Context, u *parley.User) (*Enrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Parley", AccountName: u.Email, Period: totpPeriod, SecretSize: 20, Rand: rand.Reader})
	if err != nil {
		return nil, err
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return nil, err
	}
	var qr bytes.Buffer
	if err := png.Encode(&qr, img); err != nil {
		return nil, err
	}
	err = f.store.InTx(ctx, func(tx *store.Tx) error {
		if tf, err := tx.TwoFactor(ctx, u.ID); err == nil && tf.EnabledAt != nil {
			return parley.Errorf(parley.ECONFLICT, "two-factor sign-in is on already: turn it off first").Because("two_factor_on")
		}
		return tx.BeginTwoFactor(ctx, u.ID, key.Secret(), f.clock())
	})
	if err != nil {
		return nil, err
	}
	return &Enrolment{Secret: key.Secret(), URL: key.URL(), QRCode: "data:image/png;base64," + base64.StdEncoding.EncodeToString(qr.Bytes())}, nil
}

// Confirm turns u's two-factor sign-in on with a first code from the
// secret they began with, and returns their recovery codes, shown once.
func (f *TwoFactor) Confirm(ctx context.Context, u *parley.User, code string) ([]string, error) {
	var codes []string
	err := f.store.InTx(ctx, func(tx *store.Tx) error {
		tf, err := tx.TwoFactor(ctx, u.ID)
		if parley.ErrorCode(err) == parley.ENOTFOUND || err == nil && tf.EnabledAt != nil {
			return parley.Errorf(parley.ECONFLICT, "begin two-factor sign-in first").Because("two_factor_not_begun")
		}
		if err != nil {
			return err
		}
		step, ok := f.match(tf.Secret, code, 0)
		if !ok {
			return wrongCode()
		}
		var hashes []string
		codes, hashes = newRecoveryCodes(u.ID)
		if err := tx.EnableTwoFactor(ctx, u.ID, step, f.clock(), hashes); err != nil {
			return err
		}
		tx.Append(twoFactorChanged(parley.UserActor(u), u.ID, true, f.clock()))
		return nil
	})
	return codes, err
}

// Check takes a code from u at sign-in: six digits from their
// authenticator, once each, or an unused recovery code. A wrong one is
// EUNAUTHORIZED.
func (f *TwoFactor) Check(ctx context.Context, userID parley.ID, code string) error {
	return f.store.InTx(ctx, func(tx *store.Tx) error {
		tf, err := tx.TwoFactor(ctx, userID)
		if err != nil || tf.EnabledAt == nil {
			return wrongCode()
		}
		if step, ok := f.match(tf.Secret, code, tf.LastStep); ok {
			if taken, err := tx.TakeStep(ctx, userID, step); err != nil || !taken {
				return orWrong(err)
			}
			return nil
		}
		used, err := tx.UseRecoveryCode(ctx, userID, recoveryHash(userID, code), f.clock())
		if err != nil || !used {
			return orWrong(err)
		}
		return nil
	})
}

// Disable turns u's two-factor sign-in off, with their password; not while
// the organisation requires it of them.
func (f *TwoFactor) Disable(ctx context.Context, u *parley.User, password string) error {
	if err := f.password(ctx, u, password); err != nil {
		return err
	}
	if required, err := f.Required(ctx, u); err != nil || required {
		if err == nil {
			err = parley.Errorf(parley.EFORBIDDEN, "your organisation requires two-factor sign-in").Because("two_factor_required")
		}
		return err
	}
	return f.remove(ctx, parley.UserActor(u), u.ID)
}

// Reset turns someone's two-factor sign-in off for them (admins), when they
// lost their authenticator and their recovery codes.
func (f *TwoFactor) Reset(ctx context.Context, a parley.Actor, userID parley.ID) error {
	if err := Admin(a); err != nil {
		return err
	}
	if _, err := f.store.User(ctx, userID); err != nil {
		return err
	}
	return f.remove(ctx, a, userID)
}

func (f *TwoFactor) remove(ctx context.Context, a parley.Actor, userID parley.ID) error {
	return f.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteTwoFactor(ctx, userID); err != nil {
			return err
		}
		tx.Append(twoFactorChanged(a, userID, false, f.clock()))
		return nil
	})
}

// NewRecoveryCodes replaces u's recovery codes, with their password.
func (f *TwoFactor) NewRecoveryCodes(ctx context.Context, u *parley.User, password string) ([]string, error) {
	if err := f.password(ctx, u, password); err != nil {
		return nil, err
	}
	if on, err := f.Enabled(ctx, u.ID); err != nil || !on {
		if err == nil {
			err = parley.Errorf(parley.ECONFLICT, "two-factor sign-in is off").Because("two_factor_off")
		}
		return nil, err
	}
	codes, hashes := newRecoveryCodes(u.ID)
	return codes, f.store.InTx(ctx, func(tx *store.Tx) error { return tx.SetRecoveryCodes(ctx, u.ID, hashes) })
}

// SetRequired says whom the organisation requires two-factor sign-in of
// (admins only).
func (f *TwoFactor) SetRequired(ctx context.Context, a parley.Actor, who string) error {
	if err := Admin(a); err != nil {
		return err
	}
	if who != RequireNobody && who != RequireAdmins && who != RequireEveryone {
		return parley.Invalid("require_two_factor", "must be none, admins or everyone")
	}
	return f.store.InTx(ctx, func(tx *store.Tx) error {
		was, err := tx.RequireTwoFactor(ctx)
		if err != nil {
			return err
		}
		if err := tx.SetRequireTwoFactor(ctx, who); err != nil {
			return err
		}
		tx.Append(parley.NewEvent(parley.EventOrgUpdated, a, f.clock(), map[string]any{"require_two_factor": who}).
			Was(map[string]any{"require_two_factor": was}))
		return nil
	})
}

func (f *TwoFactor) password(ctx context.Context, u *parley.User, password string) error {
	_, hash, err := f.store.UserByEmail(ctx, u.Email)
	if err != nil {
		return err
	}
	ok, err := f.passwords.Check(ctx, hash, password)
	if err != nil {
		return err
	}
	if !ok || hash == "" {
		return &parley.Error{Code: parley.EINVALID, Field: "password", Message: "is not your password", Reason: "wrong_password"}
	}
	return nil
}

// match finds the step, after last, whose code is code: now's, or one
// step either side.
func (f *TwoFactor) match(secret, code string, last int64) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 {
		return 0, false
	}
	now := f.now().Unix() / totpPeriod
	for _, step := range []int64{now, now - 1, now + 1} {
		if step <= last {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0),
			totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && hmac.Equal([]byte(want), []byte(code)) {
			return step, true
		}
	}
	return 0, false
}

// Code is the authenticator's code for secret at t (tests and the bench
// sign in with it).
func Code(secret string, t time.Time) string {
	c, _ := totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	return c
}

func wrongCode() error {
	return (&parley.Error{Code: parley.EUNAUTHORIZED, Message: "wrong or used code"}).Because("two_factor_wrong")
}

func orWrong(err error) error {
	if err != nil {
		return err
	}
	return wrongCode()
}

// newRecoveryCodes makes ten codes, "xxxxx-xxxxx" of 50 random bits each,
// and their hashes.
func newRecoveryCodes(userID parley.ID) (codes, hashes []string) {
	for range recoveryCodes {
		t := strings.ToLower(rand.Text())[:10]
		c := t[:5] + "-" + t[5:]
		codes = append(codes, c)
		hashes = append(hashes, recoveryHash(userID, c))
	}
	return codes, hashes
}

// recoveryHash is how a recovery code is kept: typed with or without its
// dash, in either case.
func recoveryHash(userID parley.ID, code string) string {
	code = strings.NewReplacer("-", "", " ", "").Replace(strings.ToLower(strings.TrimSpace(code)))
	return HashToken(strconv.FormatInt(int64(userID), 10) + ":" + code)
}

func twoFactorChanged(a parley.Actor, userID parley.ID, enabled bool, at time.Time) parley.Event {
	return parley.NewEvent(parley.EventTwoFactorChanged, a, at, map[string]any{"user_id": userID, "enabled": enabled})
}

// Challenge purposes: the code of an enrolled person, or enrolment for
// one the organisation requires it of.
const (
	ChallengeCode  = "code"
	ChallengeEnrol = "enrol"
)

// Challenge vouches, for ChallengeTTL, that userID gave the right password:
// the browser brings it back with the code.
func (f *TwoFactor) Challenge(userID parley.ID, purpose string) string {
	body := fmt.Sprintf("%d.%d.%s", userID, f.now().Add(ChallengeTTL).Unix(), purpose)
	return base64.RawURLEncoding.EncodeToString([]byte(body)) + "." + f.sign(body)
}

// Challenged returns the user and purpose of a valid, unexpired challenge.
func (f *TwoFactor) Challenged(value string) (parley.ID, string, bool) {
	enc, sum, ok := strings.Cut(value, ".")
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if !ok || err != nil || len(value) > 200 || !hmac.Equal([]byte(sum), []byte(f.sign(string(raw)))) {
		return 0, "", false
	}
	parts := strings.Split(string(raw), ".")
	if len(parts) != 3 {
		return 0, "", false
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	until, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || time.Unix(until, 0).Before(f.now()) {
		return 0, "", false
	}
	return parley.ID(id), parts[2], true
}

func (f *TwoFactor) sign(body string) string {
	m := hmac.New(sha256.New, f.key)
	m.Write([]byte("two-factor challenge\x00" + body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

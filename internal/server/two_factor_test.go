package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestTwoFactor walks two-factor sign-in on an injected clock: enrolling
// with a first code, a password that opens no session until the code, a
// code that works once, recovery codes that work once, a challenge that
// expires, turning it off with the password, an organisation that requires
// it (enrolling at sign-in), an admin's reset, and wrong codes limited.
func TestTwoFactor(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1"})
		// The organisation's row holds its sign-in rules (the first start makes it).
		if err := s.InTx(context.Background(), func(tx *store.Tx) error { return tx.CreateOrg(context.Background(), "Acme", time.Now()) }); err != nil {
			t.Fatal(err)
		}
		clock := a.twoFactorClock
		admin, _ := a.user("root", parley.RoleAdmin)
		ana, _ := a.user("ana", parley.RoleAgent)
		_, bobID := a.user("bob", parley.RoleAgent)
		problem := func(r response) string {
			v, _ := r.body["type"].(string)
			return strings.TrimPrefix(v, "urn:parley:problem:")
		}

		// Enrolling: a secret, then a first code turns it on.
		enrol := ana.must(200, "POST", path("/me/two-factor"), nil)
		secret, _ := enrol.body["secret"].(string)
		if secret == "" || !strings.HasPrefix(enrol.body["qr_code"].(string), "data:image/png;base64,") ||
			!strings.HasPrefix(enrol.body["otpauth_url"].(string), "otpauth://totp/Parley:ana@example.com?") {
			t.Fatalf("enrolment: %s", enrol.raw)
		}
		if r := ana.call("POST", path("/me/two-factor/confirm"), map[string]string{"code": "000000"}); r.status != 400 || !strings.Contains(string(r.raw), "body.code") {
			t.Errorf("a wrong first code: %d %s", r.status, r.raw)
		}
		codes := ana.must(200, "POST", path("/me/two-factor/confirm"), map[string]string{"code": auth.Code(secret, clock.Now())}).body["recovery_codes"].([]any)
		if len(codes) != 10 {
			t.Fatalf("recovery codes: %v", codes)
		}
		if st := ana.must(200, "GET", path("/me/two-factor"), nil).body; st["enabled"] != true || st["recovery_codes_left"] != 10.0 {
			t.Errorf("state after enrolling: %v", st)
		}

		// The password alone opens no session.
		signIn := func(email, password string) (*client, response) {
			t.Helper()
			c, _ := a.browser(email, password)
			return c, c.call("POST", "/api/v1/session", map[string]string{"email": email, "password": password})
		}
		browser, r := signIn("ana@example.com", "password-ana")
		if r.status != 401 || problem(r) != "two_factor_required" || !strings.Contains(r.header.Get("Set-Cookie"), "parley_challenge=") {
			t.Fatalf("password of someone with two-factor: %d %v %s", r.status, r.header, r.raw)
		}
		if r := browser.call("GET", path("/me"), nil); r.status != 401 {
			t.Errorf("signed in without the code: %d", r.status)
		}
		code := func(c *client, code string) response {
			return c.call("POST", path("/session/two-factor"), map[string]string{"code": code})
		}
		if r := code(browser, "123456"); r.status != 401 || problem(r) != "two_factor_wrong" {
			t.Errorf("a wrong code: %d %s", r.status, r.raw)
		}
		if r := code(browser, auth.Code(secret, clock.Now())); r.status != 401 {
			t.Errorf("the code used to enrol, again: %d %s", r.status, r.raw)
		}
		clock.Advance(30 * time.Second)
		if r := code(browser, auth.Code(secret, clock.Now())); r.status != 200 || r.body["user"].(map[string]any)["email"] != "ana@example.com" {
			t.Fatalf("the next code: %d %s", r.status, r.raw)
		}
		browser.must(200, "GET", path("/me"), nil)

		// A code works once; a recovery code works once, typed any way.
		again, _ := signIn("ana@example.com", "password-ana")
		if r := code(again, auth.Code(secret, clock.Now())); r.status != 401 {
			t.Errorf("a code used before: %d", r.status)
		}
		recovery := strings.ToUpper(strings.ReplaceAll(codes[0].(string), "-", ""))
		if r := code(again, recovery); r.status != 200 {
			t.Errorf("a recovery code: %d %s", r.status, r.raw)
		}
		third, _ := signIn("ana@example.com", "password-ana")
		if r := code(third, codes[0].(string)); r.status != 401 {
			t.Errorf("a recovery code used before: %d", r.status)
		}
		if st := ana.must(200, "GET", path("/me/two-factor"), nil).body; st["recovery_codes_left"] != 9.0 {
			t.Errorf("recovery codes left: %v", st)
		}
		// The step between password and code expires.
		late, _ := signIn("ana@example.com", "password-ana")
		clock.Advance(6 * time.Minute)
		if r := code(late, auth.Code(secret, clock.Now())); r.status != 401 || problem(r) != "challenge_expired" {
			t.Errorf("a code after the challenge expired: %d %s", r.status, r.raw)
		}

		// Off, with the password only.
		if r := ana.call("POST", path("/me/two-factor/disable"), map[string]string{"password": "guess"}); r.status != 400 || !strings.Contains(string(r.raw), "body.password") {
			t.Errorf("turning it off with a wrong password: %d %s", r.status, r.raw)
		}
		ana.must(204, "POST", path("/me/two-factor/disable"), map[string]string{"password": "password-ana"})
		if _, r := signIn("ana@example.com", "password-ana"); r.status != 201 {
			t.Errorf("a password sign-in after turning it off: %d %s", r.status, r.raw)
		}

		// An organisation that requires it: enrolling at sign-in.
		if r := ana.call("PUT", path("/sign-in-settings"), map[string]string{"require_two_factor": "everyone"}); r.status != 403 {
			t.Errorf("an agent sets the sign-in rules: %d", r.status)
		}
		admin.must(200, "PUT", path("/sign-in-settings"), map[string]string{"require_two_factor": "everyone"})
		bob, r := signIn("bob@example.com", "password-bob")
		if r.status != 401 || problem(r) != "two_factor_enrol" {
			t.Fatalf("a sign-in that must enrol: %d %s", r.status, r.raw)
		}
		bobSecret := bob.must(200, "POST", path("/session/two-factor/enrol"), nil).body["secret"].(string)
		r = code(bob, auth.Code(bobSecret, clock.Now()))
		if r.status != 200 || len(r.body["recovery_codes"].([]any)) != 10 {
			t.Fatalf("the first code at sign-in: %d %s", r.status, r.raw)
		}
		if r := bob.call("POST", path("/me/two-factor/disable"), map[string]string{"password": "password-bob"}); r.status != 403 || problem(r) != "two_factor_required" {
			t.Errorf("turning off what is required: %d %s", r.status, r.raw)
		}
		// An admin resets it for someone who lost their phone.
		if r := ana.call("DELETE", path("/users/%d/two-factor", bobID), nil); r.status != 403 {
			t.Errorf("an agent resets someone's two-factor: %d", r.status)
		}
		admin.must(204, "DELETE", path("/users/%d/two-factor", bobID), nil)
		if _, r := signIn("bob@example.com", "password-bob"); problem(r) != "two_factor_enrol" {
			t.Errorf("after a reset, with the rule on: %d %s", r.status, r.raw)
		}

		// Guessing codes is limited like guessing passwords.
		guesser, _ := signIn("bob@example.com", "password-bob")
		guesser.must(200, "POST", path("/session/two-factor/enrol"), nil)
		for i := 0; ; i++ {
			r := code(guesser, "000000")
			if r.status == 429 {
				if r.header.Get("Retry-After") == "" {
					t.Error("429 without Retry-After")
				}
				break
			}
			if i > 10 {
				t.Fatalf("wrong code %d: %d, want 429 by now", i, r.status)
			}
		}
	})
}

package chat

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// sign makes an identity token as README tells a site's server to.
func sign(secret, payload string) string {
	p := base64.RawURLEncoding.EncodeToString([]byte(payload))
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(p))
	return p + "." + hex.EncodeToString(m.Sum(nil))
}

// TestVerifyUser: a site's signed-in user is taken when signed with the
// chat's secret and not expired; forged, altered, expired, foreign or
// incomplete identities are refused, saying why.
func TestVerifyUser(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	const secret = "chat secret"
	good := sign(secret, `{"id":"42","email":"Ana@Shop.example","name":"Ana","exp":1800000060}`)
	u, err := VerifyUser(secret, good, now)
	if err != nil || u.ID != "42" || u.Email != "Ana@Shop.example" || u.Name != "Ana" {
		t.Fatalf("a good identity: %+v, %v", u, err)
	}
	payload := good[:len(good)-65]
	for _, tc := range []struct {
		name, secret, token, reason string
	}{
		{"expired", secret, sign(secret, `{"id":"42","exp":1800000000}`), "identity_expired"},
		{"another chat's secret", "other secret", good, "identity_invalid"},
		{"forged signature", secret, payload + "." + hex.EncodeToString(make([]byte, 32)), "identity_invalid"},
		{"altered payload", secret, base64.RawURLEncoding.EncodeToString([]byte(`{"id":"1","exp":1900000000}`)) + good[len(payload):], "identity_invalid"},
		{"no signature", secret, payload, "identity_invalid"},
		{"no id", secret, sign(secret, `{"exp":1900000000}`), "identity_invalid"},
		{"no expiry", secret, sign(secret, `{"id":"42"}`), "identity_invalid"},
		{"not JSON", secret, sign(secret, `id=42`), "identity_invalid"},
		{"a chat without a secret", "", good, "identity_invalid"},
	} {
		_, err := VerifyUser(tc.secret, tc.token, now)
		if parley.ErrorCode(err) != parley.EUNAUTHORIZED || parley.ErrorReason(err) != tc.reason {
			t.Errorf("%s: %v, want EUNAUTHORIZED %s", tc.name, err, tc.reason)
		}
	}
	if u, err := VerifyUser(secret, sign(secret, `{"id":"7","email":"not an email","exp":1900000000}`), now); err != nil || u.Email != "" {
		t.Errorf("a bad email is dropped, the identity kept: %+v %v", u, err)
	}
	if userUID(1, "42") == userUID(2, "42") || userUID(1, "42") == userUID(1, "43") {
		t.Error("a user's visitor identity must differ between chats and between users")
	}
}

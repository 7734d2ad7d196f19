package chat

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// A site may say who its signed-in user is (SPEC CHT-11), so their
// conversations follow them from one device to another: its server signs
// the user with the chat's identity secret, and the page passes the token
// to the widget (data-identity). The token is
//
//	base64url(JSON) "." hex(HMAC-SHA256(secret, base64url(JSON)))
//
// where the JSON is {"id": "…", "email": "…", "name": "…", "exp": <unix
// seconds>}; id and exp are required. README shows it made in Node, Python
// and PHP.

// SignedUser is a site's signed-in user, as its server vouches.
type SignedUser struct {
	ID    string `json:"id"`
	Email string `json:"email,omitempty"`
	Name  string `json:"name,omitempty"`
	Exp   int64  `json:"exp"`
}

// MaxIdentity bounds an identity token.
const MaxIdentity = 4096

// VerifyUser returns the user a token vouches for, signed with secret and
// not expired at now; EUNAUTHORIZED with the reason otherwise.
func VerifyUser(secret, token string, now time.Time) (*SignedUser, error) {
	bad := func(reason, msg string) error {
		return (&parley.Error{Code: parley.EUNAUTHORIZED, Message: msg}).Because(reason)
	}
	payload, sig, ok := strings.Cut(token, ".")
	if secret == "" || !ok || len(token) > MaxIdentity {
		return nil, bad("identity_invalid", "not a signed identity")
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(payload))
	want := hex.EncodeToString(m.Sum(nil))
	if !hmac.Equal([]byte(strings.ToLower(sig)), []byte(want)) {
		return nil, bad("identity_invalid", "the identity's signature does not match this chat's secret")
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(payload, "="))
	if err != nil {
		return nil, bad("identity_invalid", "the identity is not base64url")
	}
	var u SignedUser
	if err := json.Unmarshal(raw, &u); err != nil || strings.TrimSpace(u.ID) == "" || len(u.ID) > 200 || u.Exp == 0 {
		return nil, bad("identity_invalid", "the identity needs an id and an exp")
	}
	if now.Unix() >= u.Exp {
		return nil, bad("identity_expired", "the identity has expired")
	}
	u.Email = strings.TrimSpace(u.Email)
	if u.Email != "" && !parley.IsEmailAddress(u.Email) {
		u.Email = ""
	}
	if len([]rune(u.Name)) > 200 {
		u.Name = string([]rune(u.Name)[:200])
	}
	return &u, nil
}

// userUID is the visitor identity of a site's user on a chat: the same on
// every device.
func userUID(channel parley.ID, user string) string {
	h := sha256.Sum256([]byte(user))
	return fmt.Sprintf("user-%d-%s", channel, hex.EncodeToString(h[:20]))
}

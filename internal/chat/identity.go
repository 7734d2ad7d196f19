// Package chat is the live chat widget's side of Parley (SPEC CHT-1..13):
// who a visitor is, what the widget shows them, and their messages in and
// out. The widget's HTTP and WebSocket endpoints (internal/server) call it;
// messages go in through the conversation service's one way in.
package chat

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/parley"
)

// A visitor's identity is a random id the browser keeps, signed by the
// server for one chat channel (SPEC CHT-11): the server stores nothing
// until they write, and a forged or borrowed identity is refused.

// Identities mints and checks visitors' signed identities.
type Identities struct {
	key []byte
}

// NewIdentities returns identities signed with a key derived from the
// server's secret; nodes sharing the secret accept each other's.
func NewIdentities(secret []byte) *Identities {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("parley chat visitor identity"))
	return &Identities{key: m.Sum(nil)}
}

// Mint returns a new visitor identity for a channel: its id, and the
// token the browser keeps.
func (ids *Identities) Mint(channel parley.ID) (uid, token string) {
	uid = strings.ToLower(rand.Text())
	return uid, uid + "." + ids.sign(channel, uid)
}

// Verify returns the visitor id a token names for a channel, or
// EUNAUTHORIZED.
func (ids *Identities) Verify(channel parley.ID, token string) (string, error) {
	uid, mac, ok := strings.Cut(token, ".")
	if !ok || uid == "" || len(uid) > 64 || !hmac.Equal([]byte(mac), []byte(ids.sign(channel, uid))) {
		return "", parley.Errorf(parley.EUNAUTHORIZED, "not a visitor of this chat")
	}
	return uid, nil
}

func (ids *Identities) sign(channel parley.ID, uid string) string {
	m := hmac.New(sha256.New, ids.key)
	m.Write([]byte(strconv.FormatInt(int64(channel), 10) + ":" + uid))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// signFile signs a file's address: whoever has it may download that file
// (an image in the widget is fetched without the visitor's identity).
func (ids *Identities) signFile(id parley.ID) string {
	m := hmac.New(sha256.New, ids.key)
	m.Write([]byte("file:" + strconv.FormatInt(int64(id), 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))[:32]
}

// signAvatar signs the address of a teammate's picture as the widget shows
// it: only pictures the chat shows have addresses.
func (ids *Identities) signAvatar(user parley.ID) string {
	m := hmac.New(sha256.New, ids.key)
	m.Write([]byte("avatar:" + strconv.FormatInt(int64(user), 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))[:32]
}

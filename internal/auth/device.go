package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"
)

// DeviceTTL is how long a browser stays known after a sign-in.
const DeviceTTL = 365 * 24 * time.Hour

// Devices vouches for browsers that signed in to an account before (OWASP's
// "device cookies"). A sign-in from a known device is limited on its own
// count, not the account's: a stranger guessing a user's password slows down
// the strangers, never the user at their usual browser. The cookie names the
// account by a keyed hash of its email and is signed with the server's key;
// it grants nothing but that separate count.
type Devices struct {
	key []byte
	now func() time.Time
}

// NewDevices returns devices signed with key; nil now means the real clock.
func NewDevices(key []byte, now func() time.Time) *Devices {
	if now == nil {
		now = time.Now
	}
	return &Devices{key: key, now: now}
}

const (
	deviceTag   = 12 // bytes of the email's keyed hash
	deviceNonce = 12
	deviceMAC   = 16
)

func (d *Devices) mac(parts ...[]byte) []byte {
	m := hmac.New(sha256.New, d.key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

func (d *Devices) tag(email string) []byte {
	return d.mac([]byte("device-email\x00"), []byte(strings.ToLower(strings.TrimSpace(email))))[:deviceTag]
}

// Issue returns a new device cookie value for a browser that just signed in
// as email.
func (d *Devices) Issue(email string) string {
	body := make([]byte, 0, deviceTag+8+deviceNonce)
	body = append(body, d.tag(email)...)
	body = binary.BigEndian.AppendUint64(body, uint64(d.now().Add(DeviceTTL).Unix()))
	nonce := make([]byte, deviceNonce)
	rand.Read(nonce)
	body = append(body, nonce...)
	b64 := base64.RawURLEncoding
	return b64.EncodeToString(body) + "." + b64.EncodeToString(d.mac([]byte("device\x00"), body)[:deviceMAC])
}

// Known returns the device's id when value is an unexpired device cookie
// issued for email, and false otherwise.
func (d *Devices) Known(value, email string) (string, bool) {
	b64 := base64.RawURLEncoding
	bodyText, macText, ok := strings.Cut(value, ".")
	if !ok || len(value) > 200 {
		return "", false
	}
	body, err1 := b64.DecodeString(bodyText)
	sum, err2 := b64.DecodeString(macText)
	if err1 != nil || err2 != nil || len(body) != deviceTag+8+deviceNonce ||
		!hmac.Equal(sum, d.mac([]byte("device\x00"), body)[:deviceMAC]) {
		return "", false
	}
	if !hmac.Equal(body[:deviceTag], d.tag(email)) {
		return "", false
	}
	if time.Unix(int64(binary.BigEndian.Uint64(body[deviceTag:])), 0).Before(d.now()) {
		return "", false
	}
	return bodyText, true
}

package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Signing follows the Standard Webhooks scheme: the secret is "whsec_"
// and base64 key bytes; each request carries webhook-id (the same on
// every retry, for the receiver to drop repeats), webhook-timestamp (Unix
// seconds) and webhook-signature: "v1," and the base64 HMAC-SHA256 of
// "<id>.<timestamp>.<body>".

const secretPrefix = "whsec_"

// NewSecret returns a fresh signing secret.
func NewSecret() string {
	key := make([]byte, 24)
	rand.Read(key)
	return secretPrefix + base64.StdEncoding.EncodeToString(key)
}

func secretKey(secret string) ([]byte, error) {
	return base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
}

// Sign returns the webhook-signature header of a request.
func Sign(secret, id string, at time.Time, body []byte) (string, error) {
	key, err := secretKey(secret)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + strconv.FormatInt(at.Unix(), 10) + "."))
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
}

// ErrSignature says a request was not signed with the secret, or too long
// ago.
var ErrSignature = errors.New("webhook: bad signature")

// Verify checks a request's headers as a receiver does: one of the
// signatures matches, and the timestamp is within tolerance of now.
func Verify(secret, id, timestamp, signatures string, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return ErrSignature
	}
	at := time.Unix(ts, 0)
	if at.Before(now.Add(-tolerance)) || at.After(now.Add(tolerance)) {
		return ErrSignature
	}
	want, err := Sign(secret, id, at, body)
	if err != nil {
		return ErrSignature
	}
	for _, s := range strings.Fields(signatures) {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return ErrSignature
}

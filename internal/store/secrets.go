package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
)

// Channel secrets (the passwords of connected mailboxes' IMAP and SMTP
// servers) are sealed with a key derived from the server's secret key
// before they reach the database, and opened when read: a copy of the
// database alone does not give away the team's mailbox passwords. Every
// node of an installation must share the secret key.

const sealedPrefix = "enc:v1:"

// secretFields are the config paths that hold secrets.
var secretFields = [][2]string{{"imap", "password"}, {"smtp", "password"}, {"identity", "secret"}}

// errNoKey says a secret was sealed but this store has no key to open it.
var errNoKey = errors.New("a channel secret is sealed and this server has no secret key for it")

type sealer struct{ aead cipher.AEAD }

func newSealer(secret []byte) (*sealer, error) {
	if len(secret) == 0 {
		return nil, nil
	}
	key := sha256.Sum256(append([]byte("parley channel secrets v1\x00"), secret...))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead}, nil
}

func (s *sealer) seal(plain string) string {
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce)
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, []byte(plain), nil))
}

func (s *sealer) open(v string) (string, error) {
	if s == nil {
		return "", errNoKey
	}
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(v, sealedPrefix))
	n := s.aead.NonceSize()
	if err != nil || len(raw) < n {
		return "", errors.New("a channel secret is damaged")
	}
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", errors.New("a channel secret was sealed with another secret key")
	}
	return string(plain), nil
}

// mapSecrets returns config with f applied to each secret present in it:
// config itself, the same bytes, when f changed none.
func mapSecrets(config []byte, f func(string) (string, error)) ([]byte, error) {
	var cfg map[string]any
	if len(config) == 0 || json.Unmarshal(config, &cfg) != nil {
		return config, nil
	}
	changed := false
	for _, path := range secretFields {
		sub, _ := cfg[path[0]].(map[string]any)
		v, _ := sub[path[1]].(string)
		if v == "" {
			continue
		}
		nv, err := f(v)
		if err != nil {
			return config, err
		}
		if nv != v {
			sub[path[1]] = nv
			changed = true
		}
	}
	if !changed {
		return config, nil
	}
	return json.Marshal(cfg)
}

// sealConfig seals the secrets of a config about to be stored; without a
// key they are stored as they are.
func (q *Q) sealConfig(config []byte) ([]byte, error) {
	if q.secrets == nil {
		return config, nil
	}
	return mapSecrets(config, func(v string) (string, error) {
		if strings.HasPrefix(v, sealedPrefix) {
			return v, nil
		}
		return q.secrets.seal(v), nil
	})
}

// openConfig opens the secrets of a stored config. One that cannot be
// opened (no key, another key) is left out, so the channel still reads and
// its mailbox reports a failed login until the password is entered again.
func (q *Q) openConfig(config []byte) []byte {
	out, _ := mapSecrets(config, func(v string) (string, error) {
		if !strings.HasPrefix(v, sealedPrefix) {
			return v, nil // stored before sealing, or without a key
		}
		plain, err := q.secrets.open(v)
		if err != nil {
			return "", nil
		}
		return plain, nil
	})
	return out
}

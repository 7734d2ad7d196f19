// Package config loads Parley's configuration from PARLEY_* environment
// variables. Everything has a working default.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is Parley's configuration.
type Config struct {
	Listen      string // PARLEY_LISTEN
	BaseURL     string // PARLEY_BASE_URL
	DataDir     string // PARLEY_DATA_DIR
	DatabaseURL string // PARLEY_DATABASE_URL: a postgres:// URL or a SQLite path
	SecretKey   string // PARLEY_SECRET_KEY: hex; generated into the data dir if unset
	AdminEmail  string // PARLEY_ADMIN_EMAIL: the admin made on first start
	OrgName     string // PARLEY_ORG_NAME
	LogFormat   string // PARLEY_LOG_FORMAT: text or json
	LogLevel    string // PARLEY_LOG_LEVEL: debug, info, warn, error
	// StreamPoll is how often a node re-reads the event log in case a
	// notification from another node was lost (PARLEY_STREAM_POLL).
	StreamPoll time.Duration
	// NotifyMailDelay is how long a notification waits for others about
	// the same conversation before its email goes (PARLEY_NOTIFY_MAIL_DELAY).
	NotifyMailDelay time.Duration
	// APIRate and APIBurst bound each user's API requests per second, per
	// node (PARLEY_API_RATE, PARLEY_API_BURST).
	APIRate, APIBurst float64
	// MailDomain is the domain of every inbox's own address,
	// <slug>@<domain> (PARLEY_MAIL_DOMAIN; default: the base URL's host,
	// or localhost when that is an IP address).
	MailDomain string
	// SMTPAddr is where the built-in SMTP listener accepts mail
	// (PARLEY_SMTP_ADDR); "off" turns it off.
	SMTPAddr string
	// SMTPCert and SMTPKey are PEM files; with them the listener offers
	// STARTTLS (PARLEY_SMTP_TLS_CERT, PARLEY_SMTP_TLS_KEY).
	SMTPCert, SMTPKey string
	// MaxMessageBytes caps one inbound email, attachments included
	// (PARLEY_MAX_MESSAGE_MB; default 35 MB: 25 MB of attachments once
	// base64-encoded).
	MaxMessageBytes int64
	// BlobDir holds attachments and raw messages (PARLEY_BLOB_DIR;
	// default <data dir>/blobs).
	BlobDir string
	// SMTPRelay is the server outbound mail goes through:
	// smtp://[user:pass@]host[:port] or smtps://… (PARLEY_SMTP_RELAY).
	SMTPRelay string
	// DKIMKey is a PEM private key (RSA or Ed25519) that signs outbound
	// mail for the mail domain with DKIMSelector (PARLEY_DKIM_KEY,
	// PARLEY_DKIM_SELECTOR, default "parley").
	DKIMKey, DKIMSelector string
	// PProf is a loopback address serving Go's profiler at /debug/pprof/
	// (PARLEY_PPROF; off when empty).
	PProf string
	// TrustedProxies are the reverse proxies in front of Parley, as
	// addresses or CIDR blocks (PARLEY_TRUSTED_PROXIES, comma-separated;
	// default loopback): their X-Forwarded-For names the client that
	// per-address limits count.
	TrustedProxies []netip.Prefix
	// MetricsToken, when set, is the bearer token that /metrics requires
	// (PARLEY_METRICS_TOKEN); without it /metrics is open to anyone who
	// can reach the listen address.
	MetricsToken string
	// BackupDir, when set, turns on scheduled backups: serve writes one
	// archive there every BackupEvery and keeps the last BackupKeep
	// (PARLEY_BACKUP_DIR, PARLEY_BACKUP_EVERY default 24h,
	// PARLEY_BACKUP_KEEP default 7). SQLite only: PostgreSQL has its own
	// tools.
	BackupDir   string
	BackupEvery time.Duration
	BackupKeep  int
}

// Load reads the configuration from getenv and validates it.
func Load(getenv func(string) string) (Config, error) {
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		Listen:     get("PARLEY_LISTEN", "127.0.0.1:8080"),
		DataDir:    get("PARLEY_DATA_DIR", "./data"),
		SecretKey:  get("PARLEY_SECRET_KEY", ""),
		AdminEmail: get("PARLEY_ADMIN_EMAIL", "admin@example.com"),
		OrgName:    get("PARLEY_ORG_NAME", "My company"),
		LogFormat:  get("PARLEY_LOG_FORMAT", "text"),
		LogLevel:   get("PARLEY_LOG_LEVEL", "info"),
	}
	c.DatabaseURL = get("PARLEY_DATABASE_URL", filepath.Join(c.DataDir, "parley.db"))
	poll, err := time.ParseDuration(get("PARLEY_STREAM_POLL", "3s"))
	if err != nil || poll <= 0 {
		return c, fmt.Errorf("config: PARLEY_STREAM_POLL %q: want a duration such as 3s", getenv("PARLEY_STREAM_POLL"))
	}
	c.StreamPoll = poll
	delay, err := time.ParseDuration(get("PARLEY_NOTIFY_MAIL_DELAY", "2m"))
	if err != nil || delay < 0 {
		return c, fmt.Errorf("config: PARLEY_NOTIFY_MAIL_DELAY %q: want a duration such as 2m", getenv("PARLEY_NOTIFY_MAIL_DELAY"))
	}
	c.NotifyMailDelay = delay
	for _, v := range []struct {
		key, def string
		dst      *float64
	}{{"PARLEY_API_RATE", "50", &c.APIRate}, {"PARLEY_API_BURST", "100", &c.APIBurst}} {
		n, err := strconv.ParseFloat(get(v.key, v.def), 64)
		if err != nil || n <= 0 {
			return c, fmt.Errorf("config: %s %q: want a positive number", v.key, getenv(v.key))
		}
		*v.dst = n
	}
	c.BaseURL = strings.TrimRight(get("PARLEY_BASE_URL", "http://"+c.Listen), "/")
	c.MailDomain = strings.ToLower(get("PARLEY_MAIL_DOMAIN", defaultMailDomain(c.BaseURL)))
	c.SMTPAddr = get("PARLEY_SMTP_ADDR", "127.0.0.1:2525")
	c.SMTPCert, c.SMTPKey = get("PARLEY_SMTP_TLS_CERT", ""), get("PARLEY_SMTP_TLS_KEY", "")
	c.BlobDir = get("PARLEY_BLOB_DIR", filepath.Join(c.DataDir, "blobs"))
	c.SMTPRelay = get("PARLEY_SMTP_RELAY", "")
	c.DKIMKey, c.DKIMSelector = get("PARLEY_DKIM_KEY", ""), get("PARLEY_DKIM_SELECTOR", "parley")
	c.PProf = get("PARLEY_PPROF", "")
	c.MetricsToken = get("PARLEY_METRICS_TOKEN", "")
	mb, err := strconv.ParseFloat(get("PARLEY_MAX_MESSAGE_MB", "35"), 64)
	if err != nil || mb < 1 {
		return c, fmt.Errorf("config: PARLEY_MAX_MESSAGE_MB %q: want a size in megabytes, at least 1", getenv("PARLEY_MAX_MESSAGE_MB"))
	}
	c.MaxMessageBytes = int64(mb * (1 << 20))
	c.BackupDir = get("PARLEY_BACKUP_DIR", "")
	// Less than a minute apart, backups would follow each other without
	// rest on a database of any size.
	every, err := time.ParseDuration(get("PARLEY_BACKUP_EVERY", "24h"))
	if err != nil || every < time.Minute {
		return c, fmt.Errorf("config: PARLEY_BACKUP_EVERY %q: want a duration of a minute or more, such as 24h", getenv("PARLEY_BACKUP_EVERY"))
	}
	c.BackupEvery = every
	keep, err := strconv.Atoi(get("PARLEY_BACKUP_KEEP", "7"))
	if err != nil || keep < 1 {
		return c, fmt.Errorf("config: PARLEY_BACKUP_KEEP %q: want how many backups to keep, at least 1", getenv("PARLEY_BACKUP_KEEP"))
	}
	c.BackupKeep = keep
	// Loopback by default: Parley listens there, and what connects from
	// the same machine is the proxy in front of it.
	for _, v := range strings.Split(get("PARLEY_TRUSTED_PROXIES", "127.0.0.0/8, ::1"), ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, aerr := netip.ParseAddr(v)
			if aerr != nil {
				return c, fmt.Errorf("config: PARLEY_TRUSTED_PROXIES %q: want addresses or CIDR blocks, comma-separated", v)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		c.TrustedProxies = append(c.TrustedProxies, p.Masked())
	}
	return c, c.Validate()
}

// Validate reports the first setting that cannot work, naming its variable.
func (c Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return fmt.Errorf("config: PARLEY_LISTEN %q: want host:port", c.Listen)
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("config: PARLEY_BASE_URL %q: want an http(s) URL", c.BaseURL)
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return fmt.Errorf("config: PARLEY_LOG_FORMAT %q: want text or json", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("config: PARLEY_LOG_LEVEL %q: want debug, info, warn or error", c.LogLevel)
	}
	if c.SMTPAddr != "off" {
		if _, _, err := net.SplitHostPort(c.SMTPAddr); err != nil {
			return fmt.Errorf("config: PARLEY_SMTP_ADDR %q: want host:port or off", c.SMTPAddr)
		}
	}
	if c.PProf != "" {
		host, _, err := net.SplitHostPort(c.PProf)
		if ip := net.ParseIP(host); err != nil || host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return fmt.Errorf("config: PARLEY_PPROF %q: want a loopback host:port (the profiler is not for the network)", c.PProf)
		}
	}
	if (c.SMTPCert == "") != (c.SMTPKey == "") {
		return fmt.Errorf("config: PARLEY_SMTP_TLS_CERT and PARLEY_SMTP_TLS_KEY go together")
	}
	if c.MailDomain == "" || strings.ContainsAny(c.MailDomain, "@ /:") {
		return fmt.Errorf("config: PARLEY_MAIL_DOMAIN %q: want a domain such as mail.example.com", c.MailDomain)
	}
	if c.MetricsToken != "" && (len(c.MetricsToken) < 16 || strings.ContainsFunc(c.MetricsToken, notTokenChar)) {
		// Never echo the token: it is a secret.
		return fmt.Errorf("config: PARLEY_METRICS_TOKEN: want at least 16 printable characters without spaces (openssl rand -hex 32 makes one)")
	}
	if c.SecretKey != "" {
		if b, err := hex.DecodeString(c.SecretKey); err != nil || len(b) < 32 {
			return fmt.Errorf("config: PARLEY_SECRET_KEY: want at least 64 hex characters")
		}
	}
	return nil
}

// notTokenChar reports a character that cannot be sent in an
// Authorization header's token.
func notTokenChar(r rune) bool { return r <= ' ' || r >= 0x7f }

func defaultMailDomain(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil || u.Hostname() == "" || net.ParseIP(u.Hostname()) != nil {
		return "localhost"
	}
	return u.Hostname()
}

// SecretKeyFile is where the secret key is kept when PARLEY_SECRET_KEY is
// not set: secret.key in the data dir.
func (c Config) SecretKeyFile() string { return filepath.Join(c.DataDir, "secret.key") }

// EnsureSecretKey sets c.SecretKey from the data dir's secret.key, creating
// that file with a random key on first start. A key set in the environment
// wins.
func (c *Config) EnsureSecretKey() error {
	if c.SecretKey != "" {
		return nil
	}
	path := c.SecretKeyFile()
	b, err := os.ReadFile(path)
	if err == nil {
		key := strings.TrimSpace(string(b))
		if raw, err := hex.DecodeString(key); err != nil || len(raw) < 32 {
			return fmt.Errorf("config: %s is not a key: delete it to make a new one (signed links break)", path)
		}
		c.SecretKey = key
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("config: %w", err)
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	key := hex.EncodeToString(raw)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return c.EnsureSecretKey() // another process made it first
		}
		return fmt.Errorf("config: %w", err)
	}
	if _, err := f.WriteString(key + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("config: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	c.SecretKey = key
	return nil
}

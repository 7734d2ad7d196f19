package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:8080" || c.BaseURL != "http://127.0.0.1:8080" || c.DatabaseURL != filepath.Join("data", "parley.db") {
		t.Errorf("defaults = %+v", c)
	}
}

func TestLoadRefuses(t *testing.T) {
	for name, vars := range map[string]map[string]string{
		"PARLEY_LISTEN":                     {"PARLEY_LISTEN": "8080"},
		"PARLEY_BASE_URL":                   {"PARLEY_BASE_URL": "ftp://x"},
		"PARLEY_LOG_FORMAT":                 {"PARLEY_LOG_FORMAT": "xml"},
		"PARLEY_SECRET_KEY":                 {"PARLEY_SECRET_KEY": "short"},
		"PARLEY_TRUSTED_PROXIES":            {"PARLEY_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"},
		"PARLEY_METRICS_TOKEN too short":    {"PARLEY_METRICS_TOKEN": "short"},
		"PARLEY_METRICS_TOKEN with a space": {"PARLEY_METRICS_TOKEN": "0123456789 abcdef"},
		"PARLEY_BACKUP_EVERY":               {"PARLEY_BACKUP_EVERY": "daily"},
		"PARLEY_BACKUP_EVERY too often":     {"PARLEY_BACKUP_EVERY": "30s"},
		"PARLEY_BACKUP_KEEP":                {"PARLEY_BACKUP_KEEP": "0"},
	} {
		if _, err := config.Load(env(vars)); err == nil || !strings.Contains(err.Error(), strings.Fields(name)[0]) {
			t.Errorf("%v: error %v, want one naming %s", vars, err, name)
		}
	}
}

func TestBackups(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil || c.BackupDir != "" || c.BackupEvery != 24*time.Hour || c.BackupKeep != 7 {
		t.Errorf("by default: dir %q every %v keep %d, %v; want off, 24h, 7", c.BackupDir, c.BackupEvery, c.BackupKeep, err)
	}
	c, err = config.Load(env(map[string]string{"PARLEY_BACKUP_DIR": "/var/backups/parley", "PARLEY_BACKUP_EVERY": "6h", "PARLEY_BACKUP_KEEP": "28"}))
	if err != nil || c.BackupDir != "/var/backups/parley" || c.BackupEvery != 6*time.Hour || c.BackupKeep != 28 {
		t.Errorf("set: dir %q every %v keep %d, %v", c.BackupDir, c.BackupEvery, c.BackupKeep, err)
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil || len(c.TrustedProxies) != 2 || c.TrustedProxies[0].String() != "127.0.0.0/8" || c.TrustedProxies[1].String() != "::1/128" {
		t.Errorf("by default: %v, %v; want loopback", c.TrustedProxies, err)
	}
	c, err = config.Load(env(map[string]string{"PARLEY_TRUSTED_PROXIES": " 127.0.0.1, 10.1.2.3/8 ,::1,"}))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.TrustedProxies {
		got = append(got, p.String())
	}
	if want := "127.0.0.1/32 10.0.0.0/8 ::1/128"; strings.Join(got, " ") != want {
		t.Errorf("TrustedProxies = %v, want %s", got, want)
	}
}

func TestMetricsToken(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil || c.MetricsToken != "" {
		t.Errorf("by default: token %q, %v; want none (/metrics open)", c.MetricsToken, err)
	}
	c, err = config.Load(env(map[string]string{"PARLEY_METRICS_TOKEN": " 0123456789abcdef0123 "}))
	if err != nil || c.MetricsToken != "0123456789abcdef0123" {
		t.Errorf("token %q, %v; want 0123456789abcdef0123", c.MetricsToken, err)
	}
}

func TestSecretKeyIsMadeOnceAndKept(t *testing.T) {
	dir := t.TempDir()
	c, err := config.Load(env(map[string]string{"PARLEY_DATA_DIR": dir}))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.EnsureSecretKey(); err != nil {
		t.Fatal(err)
	}
	if len(c.SecretKey) != 64 {
		t.Fatalf("key %q: want 64 hex characters", c.SecretKey)
	}
	if c.SecretKeyFile() != filepath.Join(dir, "secret.key") {
		t.Errorf("SecretKeyFile = %s", c.SecretKeyFile())
	}
	st, err := os.Stat(filepath.Join(dir, "secret.key"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("secret.key: %v, mode %v; want 0600", err, st.Mode())
	}
	c2, _ := config.Load(env(map[string]string{"PARLEY_DATA_DIR": dir}))
	if err := c2.EnsureSecretKey(); err != nil || c2.SecretKey != c.SecretKey {
		t.Errorf("second start got key %q, %v; want the first start's", c2.SecretKey, err)
	}
}

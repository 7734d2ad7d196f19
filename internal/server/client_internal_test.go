package server

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientAddress(t *testing.T) {
	s := &Server{log: slog.New(slog.NewTextHandler(io.Discard, nil)), cfg: Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32")}}}
	for _, tt := range []struct {
		name, remote, xff, want string
	}{
		{"a direct client", "203.0.113.7:5000", "", "203.0.113.7"},
		{"a direct client cannot claim another address", "203.0.113.7:5000", "198.51.100.1", "203.0.113.7"},
		{"behind a trusted proxy", "127.0.0.1:5000", "198.51.100.1", "198.51.100.1"},
		{"through two trusted proxies", "127.0.0.1:5000", "198.51.100.1, 10.0.0.2", "198.51.100.1"},
		{"a forged hop before the real client is ignored", "127.0.0.1:5000", "192.0.2.66, 198.51.100.1", "198.51.100.1"},
		{"a garbage header stops at the proxy", "127.0.0.1:5000", "not-an-ip", "127.0.0.1"},
		{"a hop with a port", "127.0.0.1:5000", "198.51.100.1:4711", "198.51.100.1"},
		{"IPv6 counts by its /64", "[2001:db8:1:2:aaaa::1]:5000", "", "2001:db8:1:2::/64"},
		{"IPv4 mapped in IPv6", "[::ffff:203.0.113.7]:5000", "", "203.0.113.7"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.remote
		if tt.xff != "" {
			r.Header.Set("X-Forwarded-For", tt.xff)
		}
		if got := s.clientAddress(r); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

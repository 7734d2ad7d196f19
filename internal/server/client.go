package server

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
)

// clientAddr returns the client's address that authenticate put in ctx
// (with parley.WithAddress, so the audit log records it too).
func clientAddr(ctx context.Context) string { return parley.AddressOf(ctx) }

// clientAddress is the address per-address limits count by: the peer, or,
// when the peer is a trusted proxy (Config.TrustedProxies), the nearest
// address in X-Forwarded-For that is not one, keyed by auth.AddressKey.
func (s *Server) clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	forwarded := r.Header.Values("X-Forwarded-For")
	switch {
	case len(forwarded) == 0:
	case s.trusted(ip):
		hops := strings.Split(strings.Join(forwarded, ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			hop, ok := parseHop(hops[i])
			if !ok {
				break
			}
			ip = hop
			if !s.trusted(ip) {
				break
			}
		}
	default:
		// A proxy Parley was not told of: every client counts as it.
		s.untrustedProxy.Do(func() {
			s.log.Warn("X-Forwarded-For from an address not in PARLEY_TRUSTED_PROXIES: if it is your proxy, add it, "+
				"or every client behind it shares one address's limits", "peer", ip.String())
		})
	}
	return auth.AddressKey(ip)
}

func (s *Server) trusted(ip netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// parseHop reads one X-Forwarded-For entry: an address, with or without a
// port.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

// Package outbound is how Parley calls addresses that people outside the
// code chose: webhooks, chat-tool posts, messaging bridges. Every such
// call goes through a Client, which refuses to reach loopback, private,
// link-local and other internal addresses unless an admin allowed private
// targets, checks each address a name resolves to at the moment it dials
// (so neither a DNS answer that changes nor a redirect gets around it),
// bounds every call in time and reads at most so much of an answer.
package outbound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// Options says how calls are made. Zero fields work.
type Options struct {
	// Timeout bounds a whole call, redirects and the answer's body
	// included (default 10 s).
	Timeout time.Duration
	// MaxBody is how much of an answer is read (default 64 KiB); the rest
	// is left unread.
	MaxBody int64
	// Resolve returns the addresses of a host (default: the system's
	// resolver). Tests give names their own answers.
	Resolve func(ctx context.Context, host string) ([]netip.Addr, error)
	// Public lists addresses that count as public although they are not,
	// for tests whose receivers listen on loopback.
	Public []netip.Prefix
}

// Client makes outbound calls. It is safe for concurrent use; its two
// http.Clients keep their connections alive across calls.
type Client struct {
	opts            Options
	strict, lenient *http.Client
}

// New returns a client.
func New(o Options) *Client {
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.MaxBody == 0 {
		o.MaxBody = 64 << 10
	}
	if o.Resolve == nil {
		o.Resolve = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	c := &Client{opts: o}
	c.strict, c.lenient = c.http(false), c.http(true)
	return c
}

// http returns a client that dials only what the policy allows.
func (c *Client) http(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	t := &http.Transport{
		Proxy: nil, // a proxy would dial for us, past the check
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			ip, err := c.resolve(ctx, addr, allowPrivate)
			if err != nil {
				return nil, err
			}
			_, port, _ := net.SplitHostPort(addr)
			return dialer.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		},
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: c.opts.Timeout,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: t, Timeout: c.opts.Timeout, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 3 {
			return errors.New("more than 3 redirects")
		}
		if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
			return fmt.Errorf("a redirect to %s: is not http or https", req.URL.Scheme)
		}
		if via[0].Method != http.MethodGet && via[0].Method != http.MethodHead {
			// A POST redirected would lose its body (301-303) or carry it
			// elsewhere (307, 308): the answer is the redirect itself, not a 2xx.
			return http.ErrUseLastResponse
		}
		return nil // where it leads is checked when it is dialled
	}}
}

// ErrRefused says an address is one Parley may not call.
var ErrRefused = errors.New("refused")

// resolve returns the address to dial for host:port: every address the
// host has must be allowed, so a name that also points inside is refused.
func (c *Client) resolve(ctx context.Context, hostport string, allowPrivate bool) (netip.Addr, error) {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		ips = []netip.Addr{ip}
	} else if ips, err = c.opts.Resolve(ctx, host); err != nil {
		return netip.Addr{}, fmt.Errorf("%s does not resolve: %w", host, err)
	}
	if len(ips) == 0 {
		return netip.Addr{}, fmt.Errorf("%s has no address", host)
	}
	for _, ip := range ips {
		if !allowPrivate && c.internal(ip) {
			return netip.Addr{}, fmt.Errorf("%w: %s is an internal address (%s)", ErrRefused, host, ip.Unmap())
		}
	}
	return ips[0].Unmap(), nil
}

// internal reports whether ip is not on the public internet.
func (c *Client) internal(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range c.opts.Public {
		if p.Contains(ip) {
			return false
		}
	}
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() ||
		ip.IsMulticast() || ip.IsUnspecified() || !ip.IsValid() {
		return true
	}
	for _, p := range reserved {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// reserved are ranges that netip has no predicate for: "this network",
// shared address space (carrier NAT), IETF protocol assignments,
// benchmarking, the class E space and broadcast, and IPv6 translation
// prefixes that can carry an internal IPv4 address.
var reserved = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2002::/16"),
}

// Check checks an address people give as a target: http or https, a
// host, no user or password in it, and — unless private targets are
// allowed — a host that resolves to public addresses only. Its error is
// EINVALID naming field, with a reason the app translates.
func (c *Client) Check(ctx context.Context, field, raw string, allowPrivate bool) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
		return nil, parley.Invalid(field, "is not an http or https address").Because("url_invalid")
	case u.User != nil:
		return nil, parley.Invalid(field, "must not hold a user name or password").Because("url_invalid")
	case len(raw) > 2000:
		return nil, parley.Invalid(field, "is longer than 2,000 characters").Because("url_invalid")
	}
	if _, err := c.resolve(ctx, u.Host, allowPrivate); errors.Is(err, ErrRefused) {
		return nil, parley.Invalid(field, "%v: an admin can allow private targets in Settings", err).Because("url_private")
	} else if err != nil {
		return nil, parley.Invalid(field, "%v", err).Because("url_unresolved")
	}
	return u, nil
}

// HTTP returns an http.Client that dials under the same policy, for a
// library that makes its own calls (OpenID Connect discovery, keys and
// tokens); each answer's body is cut at MaxBody.
func (c *Client) HTTP(allowPrivate bool) *http.Client {
	h := *c.strict
	if allowPrivate {
		h = *c.lenient
	}
	h.Transport = capped{h.Transport, c.opts.MaxBody}
	return &h
}

// capped reads at most max bytes of each answer's body.
type capped struct {
	rt  http.RoundTripper
	max int64
}

func (t capped) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := t.rt.RoundTrip(req)
	if err == nil {
		res.Body = struct {
			io.Reader
			io.Closer
		}{io.LimitReader(res.Body, t.max), res.Body}
	}
	return res, err
}

// Response is what came back from a call: its status and the start of its
// body.
type Response struct {
	Status int
	Body   []byte
}

// Do makes req under the policy and reads at most MaxBody of the answer.
// An error is a call that got no answer: refused, unreachable, timed out.
func (c *Client) Do(req *http.Request, allowPrivate bool) (*Response, error) {
	h := c.strict
	if allowPrivate {
		h = c.lenient
	}
	res, err := h.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, c.opts.MaxBody))
	if err != nil {
		return nil, err
	}
	return &Response{Status: res.StatusCode, Body: body}, nil
}

package outbound_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/outbound"
	"github.com/parleyhq/parley/internal/parley"
)

// names is the test's DNS: a public-looking name that points inside, and
// one with an inside address among public ones.
func names(_ context.Context, host string) ([]netip.Addr, error) {
	switch host {
	case "inside.example":
		return []netip.Addr{netip.MustParseAddr("10.1.2.3")}, nil
	case "mixed.example":
		return []netip.Addr{netip.MustParseAddr("93.184.215.14"), netip.MustParseAddr("192.168.1.1")}, nil
	case "metadata.example":
		return []netip.Addr{netip.MustParseAddr("169.254.169.254")}, nil
	case "localhost":
		return []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("::1")}, nil
	}
	return nil, errors.New("no such host")
}

// TestRefused: by default no call reaches loopback, private, link-local or
// unique-local addresses, whether named by address, by a name resolving
// to one, or by a redirect from a public address; allowed by the admin,
// the same calls go through.
func TestRefused(t *testing.T) {
	inside := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("inside")) }))
	defer inside.Close()
	port := strconv.Itoa(inside.Listener.Addr().(*net.TCPAddr).Port)
	// The "public" server listens on 127.0.0.2, which the test calls public;
	// it redirects wherever ?to= says.
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if to := r.URL.Query().Get("to"); to != "" {
			http.Redirect(w, r, to, http.StatusFound)
			return
		}
		w.Write([]byte("public"))
	})
	public := httptest.NewUnstartedServer(mux)
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatal(err)
	}
	public.Listener = l
	public.Start()
	defer public.Close()

	c := outbound.New(outbound.Options{Resolve: names, Timeout: 3 * time.Second, Public: []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")}})
	for _, tc := range []struct {
		name, url string
	}{
		{"loopback", "http://127.0.0.1:" + port + "/"},
		{"loopback, another", "http://127.9.9.9:" + port + "/"},
		{"10/8", "http://10.0.0.1/"},
		{"172.16/12", "http://172.16.5.4/"},
		{"192.168/16", "http://192.168.0.10/"},
		{"169.254/16", "http://169.254.169.254/latest/meta-data/"},
		{"::1", "http://[::1]:" + port + "/"},
		{"fc00::/7", "http://[fd00::1]/"},
		{"fe80::/10", "http://[fe80::1]/"},
		{"IPv4 in IPv6", "http://[::ffff:127.0.0.1]:" + port + "/"},
		{"unspecified", "http://0.0.0.0:" + port + "/"},
		{"carrier NAT", "http://100.64.0.1/"},
		{"a name resolving inside", "http://inside.example/"},
		{"a name with one inside address", "http://mixed.example/"},
		{"localhost", "http://localhost:" + port + "/"},
		{"a redirect to loopback", public.URL + "/?to=http://127.0.0.1:" + port + "/"},
		{"a redirect to a name resolving inside", public.URL + "/?to=http://metadata.example/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, tc.url, nil)
			if res, err := c.Do(req, false); !errors.Is(err, outbound.ErrRefused) {
				t.Errorf("by default: %+v %v, want refused", res, err)
			}
			if !strings.Contains(tc.name, "redirect") {
				_, err := c.Check(context.Background(), "url", tc.url, false)
				if parley.ErrorField(err) != "url" || parley.ErrorReason(err) != "url_private" {
					t.Errorf("checked: %v", err)
				}
			}
		})
	}

	// Allowed, loopback and a redirect to it go through.
	for _, u := range []string{"http://127.0.0.1:" + port + "/", "http://localhost:" + port + "/", public.URL + "/?to=http://127.0.0.1:" + port + "/"} {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		if res, err := c.Do(req, true); err != nil || string(res.Body) != "inside" {
			t.Errorf("allowed, %s: %+v %v", u, res, err)
		}
		if _, err := c.Check(context.Background(), "url", u, true); err != nil {
			t.Errorf("allowed, checked %s: %v", u, err)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, public.URL, nil)
	if res, err := c.Do(req, false); err != nil || string(res.Body) != "public" {
		t.Errorf("a public address: %+v %v", res, err)
	}
}

// TestCheck: what people type as a target is named when it is no address.
func TestCheck(t *testing.T) {
	c := outbound.New(outbound.Options{Resolve: names})
	for raw, reason := range map[string]string{
		"":                           "url_invalid",
		"example.com/hook":           "url_invalid",
		"ftp://example.com/":         "url_invalid",
		"http://user:pw@example.com": "url_invalid",
		"http://nowhere.example/":    "url_unresolved",
		"http://inside.example/":     "url_private",
	} {
		if _, err := c.Check(context.Background(), "url", raw, false); parley.ErrorField(err) != "url" || parley.ErrorReason(err) != reason {
			t.Errorf("%q: %v, want %s", raw, err, reason)
		}
	}
}

// TestLimits: an answer is read up to the limit, and a receiver that does
// not answer in time is given up on.
func TestLimits(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-block
			return
		}
		w.Write([]byte(big))
	}))
	defer srv.Close()
	defer close(block)
	c := outbound.New(outbound.Options{MaxBody: 1000, Timeout: 200 * time.Millisecond})
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/big", nil)
	if res, err := c.Do(req, true); err != nil || len(res.Body) != 1000 {
		t.Errorf("a big answer: %d bytes, %v", len(res.Body), err)
	}
	req, _ = http.NewRequest(http.MethodGet, srv.URL+"/slow", nil)
	if _, err := c.Do(req, true); err == nil {
		t.Error("a receiver that never answers was waited for")
	}
}

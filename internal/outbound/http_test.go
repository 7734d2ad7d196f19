package outbound_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/outbound"
)

// TestHTTP: the http.Client a library is given (OpenID Connect) follows
// the same rule as Do — loopback refused unless private targets are
// allowed, by address or by a name resolving to it — and reads at most
// MaxBody of an answer.
func TestHTTP(t *testing.T) {
	big := strings.Repeat("x", 10_000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, big) }))
	defer srv.Close()
	c := outbound.New(outbound.Options{MaxBody: 1000, Resolve: names})
	for _, target := range []string{srv.URL, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)} {
		if _, err := c.HTTP(false).Get(target); !errors.Is(err, outbound.ErrRefused) {
			t.Errorf("%s without private targets: %v, want refused", target, err)
		}
		res, err := c.HTTP(true).Get(target)
		if err != nil {
			t.Fatalf("%s with private targets: %v", target, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if len(body) != 1000 {
			t.Errorf("%s: read %d bytes, want the first 1000", target, len(body))
		}
	}
}

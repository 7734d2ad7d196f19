package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestMetricsToken: /metrics is open without PARLEY_METRICS_TOKEN; with it,
// it answers only that bearer token, which authenticate, taking any bearer
// for an API token, must not refuse first.
func TestMetricsToken(t *testing.T) {
	const token = "metrics-0123456789abcdef"
	s := storetest.New(t, "sqlite", nil)
	open := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1"})
	guarded := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1", MetricsToken: token})
	ana, _ := guarded.user("ana", parley.RoleAgent)
	for _, a := range []*api{open, guarded} {
		get(t, "GET", a.url+"/healthz", "") // something to count
	}

	scrape := func(a *api, authorization string) (int, string) {
		req, _ := http.NewRequest("GET", a.url+"/metrics", nil)
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	for _, tt := range []struct {
		name          string
		a             *api
		authorization string
		status        int
	}{
		{"open without a token set", open, "", 200},
		{"no token", guarded, "", 401},
		{"a wrong token", guarded, "Bearer metrics-0123456789abcdeX", 401},
		{"the token, not as a bearer", guarded, "Basic " + token, 401},
		{"an API token", guarded, "Bearer " + ana.token, 401},
		{"the token", guarded, "Bearer " + token, 200},
	} {
		status, body := scrape(tt.a, tt.authorization)
		if status != tt.status {
			t.Errorf("%s: %d %.200q, want %d", tt.name, status, body, tt.status)
		}
		if scraped := strings.Contains(body, "parley_http_requests_total"); scraped != (tt.status == 200) {
			t.Errorf("%s: metrics in the answer: %v, want %v", tt.name, scraped, tt.status == 200)
		}
	}
	// The API still takes its bearer tokens.
	ana.must(200, "GET", path("/me"), nil)
}

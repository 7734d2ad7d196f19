package server_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// oidcProvider is an OpenID Connect provider over real HTTP: discovery,
// its keys, an authorization endpoint that signs in whoever the test says
// at once and sends the browser back with a code, and a token endpoint
// that checks the code, the PKCE verifier and the client, and signs an
// RS256 ID token. tweak changes the claims of the next tokens.
type oidcProvider struct {
	srv      *httptest.Server
	key      *rsa.PrivateKey
	other    *rsa.PrivateKey // signs a forged token: its key is not in the set
	clientID string
	secret   string
	slash    bool // its issuer ends in "/", as Auth0's do

	mu     sync.Mutex
	person map[string]any // the claims about the person signed in
	tweak  func(claims map[string]any)
	codes  map[string]grant
}

// grant is what an authorization code stands for.
type grant struct{ nonce, challenge, redirect string }

func newOIDCProvider(t *testing.T) *oidcProvider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &oidcProvider{key: key, other: other, clientID: "parley-test", secret: "s3cret", codes: map[string]grant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{
			"issuer": p.issuer(), "authorization_endpoint": p.srv.URL + "/authorize", "token_endpoint": p.srv.URL + "/token",
			"jwks_uri": p.srv.URL + "/jwks", "response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("response_type") != "code" || q.Get("client_id") != p.clientID || q.Get("code_challenge_method") != "S256" ||
			q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" || !strings.Contains(q.Get("scope"), "openid") {
			http.Error(w, "bad authorization request: "+r.URL.RawQuery, http.StatusBadRequest)
			return
		}
		code := rand.Text()
		p.mu.Lock()
		p.codes[code] = grant{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
		p.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?"+url.Values{"code": {code}, "state": {q.Get("state")}}.Encode(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		id, secret, ok := r.BasicAuth()
		if !ok {
			id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		}
		p.mu.Lock()
		g, known := p.codes[r.PostForm.Get("code")]
		delete(p.codes, r.PostForm.Get("code"))
		person, tweak := p.person, p.tweak
		p.mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		switch {
		case id != p.clientID || secret != p.secret:
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		case !known || r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("redirect_uri") != g.redirect ||
			base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
			http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
			return
		}
		now := time.Now()
		claims := map[string]any{"iss": p.issuer(), "sub": "subject-1", "aud": p.clientID, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "nonce": g.nonce}
		for k, v := range person {
			claims[k] = v
		}
		// Each address its own subject at the provider, as a person.
		if email, ok := person["email"].(string); ok {
			claims["sub"] = "subject-" + strings.ToLower(email)
		}
		if tweak != nil {
			tweak(claims)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": rand.Text(), "token_type": "Bearer", "expires_in": 3600, "id_token": p.sign(t, claims)})
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *oidcProvider) issuer() string {
	if p.slash {
		return p.srv.URL + "/"
	}
	return p.srv.URL
}

func (p *oidcProvider) sign(t *testing.T, claims map[string]any) string {
	key := p.key
	if claims["forged"] == true {
		key = p.other
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		t.Error(err)
		return ""
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Error(err)
		return ""
	}
	raw, _ := jws.CompactSerialize()
	return raw
}

// as makes the provider sign in someone with these claims, changed by tweak.
func (p *oidcProvider) as(person map[string]any, tweak func(map[string]any)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.person, p.tweak = person, tweak
}

// ssoBrowser is a browser that remembers where it was sent.
type ssoBrowser struct {
	*client
	visited []*url.URL
}

func (a *api) ssoBrowser() *ssoBrowser {
	jar, _ := cookiejar.New(nil)
	b := &ssoBrowser{client: &client{api: a, name: "browser", http: &http.Client{Jar: jar}}}
	b.http.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		b.visited = append(b.visited, req.URL)
		return nil
	}
	return b
}

// get follows redirects from path and returns where the browser ended.
func (b *ssoBrowser) get(rawURL string) *url.URL {
	b.api.t.Helper()
	if !strings.HasPrefix(rawURL, "http") {
		rawURL = b.api.url + rawURL
	}
	res, err := b.http.Get(rawURL)
	if err != nil {
		b.api.t.Fatal(err)
	}
	res.Body.Close()
	return res.Request.URL
}

// step makes one request without following a redirect and returns where
// it points.
func (b *ssoBrowser) step(rawURL string) string {
	b.api.t.Helper()
	if !strings.HasPrefix(rawURL, "http") {
		rawURL = b.api.url + rawURL
	}
	c := *b.http
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Get(rawURL)
	if err != nil {
		b.api.t.Fatal(err)
	}
	res.Body.Close()
	loc, _ := res.Location()
	if loc == nil {
		b.api.t.Fatalf("GET %s: %d, no redirect", rawURL, res.StatusCode)
	}
	return loc.String()
}

// signIn begins a sign-in with the provider and returns the browser and
// the reason it was refused ("" when it landed signed in).
func ssoSignIn(t *testing.T, a *api) (*ssoBrowser, string) {
	t.Helper()
	b := a.ssoBrowser()
	end := b.get("/api/v1/session/sso")
	if end.Path != "/" {
		t.Fatalf("the sign-in ended at %s", end)
	}
	reason := end.Query().Get("sso")
	if r := b.call("GET", path("/me"), nil); (r.status == 200) != (reason == "") {
		t.Fatalf("ended at %s and /me answers %d", end, r.status)
	}
	return b, reason
}

// TestSingleSignOn signs in through an OpenID Connect provider started
// here, over real HTTP: the ID tokens it signs that Parley must refuse
// (wrong audience, nonce, issuer, expired, unverified email), the join
// policy, a state taken once, bound to its browser and expiring, a
// deactivated person, and password sign-in turned off for all but admins.
func TestSingleSignOn(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := newAPI(t, s, server.Config{}) // the callback is on the address asked
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOrg(ctx, "Acme", time.Now()) }); err != nil {
			t.Fatal(err)
		}
		p := newOIDCProvider(t)
		admin, _ := a.user("root", parley.RoleAdmin)
		ana, anaID := a.user("ana", parley.RoleAgent)
		_, bobID := a.user("bob", parley.RoleAgent)
		a.user("dan", parley.RoleAgent) // signs in with a password
		settings := map[string]any{"name": "Acme ID", "issuer": p.srv.URL, "client_id": p.clientID, "client_secret": p.secret,
			"enabled": true, "join_role": "none", "password_sign_in": true}

		// Before any settings, the sign-in screen offers passwords alone,
		// and beginning a sign-in says it is off.
		if o := ana.must(200, "GET", path("/session/options"), nil).body; o["sso"] != false || o["password"] != true {
			t.Errorf("options before: %v", o)
		}
		if _, reason := ssoSignIn(t, a); reason != "sso_off" {
			t.Errorf("single sign-on before any settings: %q", reason)
		}

		with := func(changes map[string]any) map[string]any {
			out := map[string]any{}
			for k, v := range settings {
				out[k] = v
			}
			for k, v := range changes {
				out[k] = v
			}
			return out
		}
		// The issuer is https, unless private targets are allowed (the ID
		// token and the code travel to it); on loopback it is refused until
		// they are, as a webhook's address is; one that is no provider is
		// refused when saved, with what it answered cut short.
		if r := admin.call("PUT", path("/sso-settings"), with(map[string]any{"issuer": "http://sso.example.com"})); r.status != 400 ||
			!strings.Contains(string(r.raw), "sso_issuer_insecure") || !strings.Contains(string(r.raw), "body.issuer") {
			t.Errorf("an http issuer: %d %s", r.status, r.raw)
		}
		if r := admin.call("PUT", path("/sso-settings"), with(map[string]any{"issuer": strings.Replace(p.srv.URL, "http:", "https:", 1)})); r.status != 400 ||
			!strings.Contains(string(r.raw), "sso_issuer_private") || !strings.Contains(string(r.raw), "body.issuer") {
			t.Fatalf("a loopback issuer: %d %s", r.status, r.raw)
		}
		admin.must(200, "PUT", path("/outbound-settings"), map[string]any{"allow_private_targets": true})
		// Parley has no discovery document.
		if r := admin.call("PUT", path("/sso-settings"), with(map[string]any{"issuer": a.url})); r.status != 400 || !strings.Contains(string(r.raw), "sso_discovery_failed") {
			t.Fatalf("an issuer with no discovery: %d %s", r.status, r.raw)
		}
		chatty := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, strings.Repeat("a long page ", 5000), http.StatusNotFound)
		}))
		defer chatty.Close()
		if r := admin.call("PUT", path("/sso-settings"), with(map[string]any{"issuer": chatty.URL})); r.status != 400 ||
			!strings.Contains(string(r.raw), "sso_discovery_failed") || len(r.raw) > 1000 {
			t.Errorf("an issuer whose discovery answers a long page: %d, %d bytes: %.300s", r.status, len(r.raw), r.raw)
		}
		if r := ana.call("PUT", path("/sso-settings"), settings); r.status != 403 {
			t.Errorf("an agent saving the settings: %d", r.status)
		}
		saved := admin.must(200, "PUT", path("/sso-settings"), settings).body
		if saved["client_secret_set"] != true || saved["client_secret"] != nil || strings.Contains(admin.must(200, "GET", path("/sso-settings"), nil).raw2(), p.secret) ||
			!strings.HasSuffix(saved["callback_url"].(string), "/sso/callback") {
			t.Errorf("saved settings: %v", saved)
		}
		if o := ana.must(200, "GET", path("/session/options"), nil).body; o["sso"] != true || o["sso_name"] != "Acme ID" || o["password"] != true {
			t.Errorf("options: %v", o)
		}

		person := func(email string, verified any) map[string]any {
			return map[string]any{"email": email, "email_verified": verified, "name": "From the provider"}
		}
		for _, c := range []struct {
			name   string
			person map[string]any
			tweak  func(map[string]any)
			want   string
		}{
			{"an existing user", person("ana@example.com", true), nil, ""},
			{"an email in another case", person("Ana@Example.COM", true), nil, ""},
			{"a verified flag as a string", person("ana@example.com", "true"), nil, ""},
			{"an unverified email", person("ana@example.com", false), nil, "sso_email_unverified"},
			{"no email_verified claim", map[string]any{"email": "ana@example.com"}, nil, "sso_email_unverified"},
			{"no email", map[string]any{"email_verified": true}, nil, "sso_email_unverified"},
			{"a wrong audience", person("ana@example.com", true), func(c map[string]any) { c["aud"] = "another-client" }, "sso_token_invalid"},
			{"a wrong nonce", person("ana@example.com", true), func(c map[string]any) { c["nonce"] = "not-ours" }, "sso_token_invalid"},
			{"no nonce", person("ana@example.com", true), func(c map[string]any) { delete(c, "nonce") }, "sso_token_invalid"},
			{"a wrong issuer", person("ana@example.com", true), func(c map[string]any) { c["iss"] = "https://evil.example" }, "sso_token_invalid"},
			{"an expired token", person("ana@example.com", true), func(c map[string]any) {
				c["exp"] = a.ssoClock.Now().Add(-time.Minute).Unix()
			}, "sso_token_invalid"},
			{"a token signed by another key", person("ana@example.com", true), func(c map[string]any) { c["forged"] = true }, "sso_token_invalid"},
			{"someone unknown, nobody joins", person("zoe@example.com", true), nil, "sso_not_invited"},
			// The provider's subject: ana's first sign-in recorded hers.
			{"ana's address with another subject", person("ana@example.com", true), func(c map[string]any) { c["sub"] = "someone-new" }, "sso_subject_changed"},
			{"ana's subject with another address", person("dan@example.com", true), func(c map[string]any) { c["sub"] = "subject-ana@example.com" }, "sso_subject_changed"},
			{"ana again", person("ana@example.com", true), nil, ""},
		} {
			p.as(c.person, c.tweak)
			if _, reason := ssoSignIn(t, a); reason != c.want {
				t.Errorf("%s: %q, want %q", c.name, reason, c.want)
			}
		}

		// The signed-in browser is ana's, with a session she sees.
		p.as(person("ana@example.com", true), nil)
		b, _ := ssoSignIn(t, a)
		if me := b.call("GET", path("/me"), nil).body; me["id"] != float64(anaID) || me["role"] != "agent" {
			t.Errorf("signed in as %v", me)
		}

		// A state works once: the callback again is refused, even in the
		// browser that began and holding its state cookie again.
		var callback *url.URL
		for _, u := range b.visited {
			if u.Path == "/sso/callback" {
				callback = u
			}
		}
		if callback == nil {
			t.Fatalf("no callback among %v", b.visited)
		}
		b.http.Jar.SetCookies(callback, []*http.Cookie{{Name: "parley_sso", Value: callback.Query().Get("state"), Path: "/sso/callback"}})
		if end := b.get(callback.String()); end.Query().Get("sso") != "sso_state_invalid" {
			t.Errorf("a used state: ended at %s", end)
		}

		// A state is bound to the browser that began: a callback in another
		// browser (a link someone was sent) is refused.
		b = a.ssoBrowser()
		atProvider := b.step("/api/v1/session/sso")
		back := b.step(atProvider)
		if end := a.ssoBrowser().get(back); end.Query().Get("sso") != "sso_state_invalid" {
			t.Errorf("a callback in another browser: ended at %s", end)
		}

		// A state expires after ten minutes.
		b = a.ssoBrowser()
		back = b.step(b.step("/api/v1/session/sso"))
		a.ssoClock.Advance(11 * time.Minute)
		if end := b.get(back); end.Query().Get("sso") != "sso_state_expired" {
			t.Errorf("a late callback: ended at %s", end)
		}
		b = a.ssoBrowser()
		back = b.step(b.step("/api/v1/session/sso"))
		a.ssoClock.Advance(9 * time.Minute)
		if end := b.get(back); end.Query().Get("sso") != "" {
			t.Errorf("a callback within ten minutes: ended at %s", end)
		}

		// The provider's refusal comes back as one.
		b = a.ssoBrowser()
		atProvider = b.step("/api/v1/session/sso")
		state := must(url.Parse(atProvider)).Query().Get("state")
		if end := b.get("/sso/callback?" + url.Values{"error": {"access_denied"}, "state": {state}}.Encode()); end.Query().Get("sso") != "sso_denied" {
			t.Errorf("the provider refused: ended at %s", end)
		}

		// A deactivated person is refused.
		admin.must(200, "PATCH", path("/users/%d", bobID), map[string]any{"active": false})
		p.as(person("bob@example.com", true), nil)
		if _, reason := ssoSignIn(t, a); reason != "sso_deactivated" {
			t.Errorf("a deactivated person: %q", reason)
		}

		// Unknown people join as the role an admin chose, never admin, and
		// only from the email domains the admin allowed: without them,
		// anyone with an account at a public provider would.
		for _, role := range []string{"admin", "owner"} {
			settings["join_role"] = role
			if r := admin.call("PUT", path("/sso-settings"), settings); r.status != 400 || !strings.Contains(string(r.raw), "body.join_role") {
				t.Errorf("joining as %s: %d %s", role, r.status, r.raw)
			}
		}
		settings["join_role"] = "viewer"
		for _, domains := range []any{nil, []string{}, []string{" "}} {
			settings["allowed_domains"] = domains
			if r := admin.call("PUT", path("/sso-settings"), settings); r.status != 400 || !strings.Contains(string(r.raw), "body.allowed_domains") ||
				!strings.Contains(string(r.raw), "sso_domains_required") {
				t.Errorf("joining with allowed domains %v: %d %s", domains, r.status, r.raw)
			}
		}
		settings["allowed_domains"] = []string{"not a domain"}
		if r := admin.call("PUT", path("/sso-settings"), settings); r.status != 400 || !strings.Contains(string(r.raw), "body.allowed_domains") {
			t.Errorf("an allowed domain that is none: %d %s", r.status, r.raw)
		}
		settings["allowed_domains"] = []string{"@Example.COM ", "example.com", "example.org"}
		if d := admin.must(200, "PUT", path("/sso-settings"), settings).body["allowed_domains"]; len(d.([]any)) != 2 || d.([]any)[0] != "example.com" {
			t.Errorf("allowed domains saved as %v", d)
		}
		for _, c := range []struct {
			name   string
			person map[string]any
			want   string
		}{
			{"someone from another domain", person("eve@gmail.com", true), "sso_domain_refused"},
			{"someone from a domain that ends like one allowed", person("eve@notexample.com", true), "sso_domain_refused"},
			{"someone of another Google hosted domain", map[string]any{"email": "eve@example.com", "email_verified": true, "hd": "evil.com"}, "sso_domain_refused"},
			{"an existing user, whatever the domain", person("ana@example.com", true), ""},
		} {
			p.as(c.person, nil)
			if _, reason := ssoSignIn(t, a); reason != c.want {
				t.Errorf("%s: %q, want %q", c.name, reason, c.want)
			}
		}
		settings["allowed_domains"] = []string{"example.org"}
		admin.must(200, "PUT", path("/sso-settings"), settings)
		p.as(person("ana@example.com", true), nil)
		if _, reason := ssoSignIn(t, a); reason != "" {
			t.Errorf("an invited user of a domain not allowed to join: %q", reason)
		}
		settings["allowed_domains"] = []string{"example.com"}
		admin.must(200, "PUT", path("/sso-settings"), settings)
		p.as(map[string]any{"email": "Zoe@Example.com", "email_verified": true, "name": "Zoé Martin", "hd": "example.com"}, nil)
		b, reason := ssoSignIn(t, a)
		if me := b.call("GET", path("/me"), nil).body; reason != "" || me["email"] != "zoe@example.com" || me["name"] != "Zoé Martin" || me["role"] != "viewer" {
			t.Errorf("someone who joined: %q %v", reason, me)
		}
		if _, reason := ssoSignIn(t, a); reason != "" {
			t.Errorf("the one who joined, again: %q", reason)
		}

		// Parley's second factor is not asked after the provider's: the
		// provider's own is its business (docs/security.md).
		secret := ana.must(200, "POST", path("/me/two-factor"), nil).body["secret"].(string)
		ana.must(200, "POST", path("/me/two-factor/confirm"), map[string]string{"code": auth.Code(secret, a.twoFactorClock.Now())})
		p.as(person("ana@example.com", true), nil)
		if _, reason := ssoSignIn(t, a); reason != "" {
			t.Errorf("someone with two-factor sign-in, through the provider: %q", reason)
		}

		// Password sign-in off: agents are refused, their right password
		// answered as a wrong one (it confirms nothing), admins keep it;
		// off again when single sign-on is.
		settings["password_sign_in"] = false
		delete(settings, "client_secret") // kept
		admin.must(200, "PUT", path("/sso-settings"), settings)
		if o := ana.must(200, "GET", path("/session/options"), nil).body; o["password"] != false {
			t.Errorf("options with passwords off: %v", o)
		}
		dan := a.ssoBrowser()
		right := dan.call("POST", "/api/v1/session", map[string]string{"email": "dan@example.com", "password": "password-dan"})
		wrong := dan.call("POST", "/api/v1/session", map[string]string{"email": "dan@example.com", "password": "wrong-password"})
		if _, status := a.browser("dan@example.com", "password-dan"); status != 401 || right.status != 401 || wrong.status != 401 ||
			right.raw2() != wrong.raw2() || right.header.Get("Content-Type") != wrong.header.Get("Content-Type") {
			t.Errorf("an agent's password with passwords off: %d %d %s, a wrong one: %d %s", status, right.status, right.raw, wrong.status, wrong.raw)
		}
		if _, status := a.browser("root@example.com", "password-root"); status != 201 {
			t.Errorf("an admin's password with passwords off: %d", status)
		}
		p.as(person("ana@example.com", true), nil)
		if _, reason := ssoSignIn(t, a); reason != "" {
			t.Errorf("ana through the provider with passwords off: %q", reason)
		}
		if r := admin.must(200, "GET", path("/sso-settings"), nil).body; r["client_secret_set"] != true {
			t.Errorf("the secret was not kept: %v", r)
		}
		// An issuer that ends in "/" is kept as typed: the discovered one
		// must be it exactly. The subject is recorded per issuer.
		slash := newOIDCProvider(t)
		slash.slash = true
		admin.must(200, "PUT", path("/sso-settings"), with(map[string]any{"issuer": slash.issuer(), "client_id": slash.clientID, "client_secret": slash.secret,
			"join_role": "none", "password_sign_in": false}))
		if got := admin.must(200, "GET", path("/sso-settings"), nil).body["issuer"]; got != slash.issuer() {
			t.Errorf("an issuer with a slash saved as %v", got)
		}
		slash.as(person("ana@example.com", true), nil)
		if _, reason := ssoSignIn(t, a); reason != "" {
			t.Errorf("ana through an issuer that ends in a slash: %q", reason)
		}
		// A provider that is gone can be turned off.
		settings["enabled"], settings["issuer"] = false, "http://127.0.0.1:1"
		admin.must(200, "PUT", path("/sso-settings"), settings)
		if _, status := a.browser("dan@example.com", "password-dan"); status != 201 {
			t.Errorf("an agent's password with single sign-on off: %d", status)
		}
		if _, reason := ssoSignIn(t, a); reason != "sso_off" {
			t.Errorf("single sign-on turned off: %q", reason)
		}

		// The audit log has the sign-ins through the provider, and those
		// refused once it named someone, with why.
		methods, refusals := map[string]int{}, map[string]int{}
		entries, _ := admin.must(200, "GET", path("/audit?action=sign_in.&limit=200"), nil).body["entries"].([]any)
		for _, v := range entries {
			e, _ := v.(map[string]any)
			after, _ := e["after"].(map[string]any)
			if m, _ := after["method"].(string); m == "sso" && e["action"] == "sign_in.succeeded" {
				methods[m]++
			}
			if r, _ := after["reason"].(string); e["action"] == "sign_in.failed" {
				refusals[r]++
			}
		}
		if methods["sso"] < 5 || refusals["sso_not_invited"] != 1 || refusals["sso_deactivated"] != 1 || refusals["sso_email_unverified"] != 2 ||
			refusals["password_sign_in_off"] != 2 || refusals["wrong_credentials"] < 1 || refusals["sso_state_invalid"] != 0 ||
			refusals["sso_subject_changed"] != 2 || refusals["sso_domain_refused"] != 3 {
			t.Errorf("the audit log's sign-ins: %v, refusals %v", methods, refusals)
		}

		// Each change is an org.sso_changed event that never holds the
		// secret; whoever joined is a user.created by sso.
		evs, err := s.EventsAfter(ctx, 0, 100000)
		if err != nil {
			t.Fatal(err)
		}
		changes, joined := 0, 0
		for _, e := range evs {
			var data struct{ Via, Role string }
			json.Unmarshal(e.Data, &data)
			switch {
			case e.Type == parley.EventSSOChanged:
				changes++
				if strings.Contains(string(e.Data), p.secret) || strings.Contains(string(e.Before), p.secret) {
					t.Errorf("an event holds the secret: %s", e.Data)
				}
			case e.Type == parley.EventUserCreated && data.Via == "sso" && data.Role == "viewer":
				joined++
			}
		}
		if changes != 7 || joined != 1 {
			t.Errorf("%d sso changes (want 7), %d joined (want 1)", changes, joined)
		}
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func (r response) raw2() string { return string(r.raw) }

// TestSingleSignOnStartsLimited: each start writes a state and may fetch
// the provider's discovery document, so one address may begin a hundred
// at once (an office at nine), then one a second.
func TestSingleSignOnStartsLimited(t *testing.T) {
	s := storetest.New(t, "sqlite", nil)
	a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1"})
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var last *http.Response
	for range 101 {
		res, err := c.Get(a.url + "/api/v1/session/sso")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		last = res
		if strings.Contains(res.Header.Get("Location"), "sso_wait") {
			break
		}
	}
	if loc := last.Header.Get("Location"); !strings.Contains(loc, "sso=sso_wait") || last.Header.Get("Retry-After") == "" {
		t.Fatalf("101 starts from one address: the last went to %q (Retry-After %q)", loc, last.Header.Get("Retry-After"))
	}
}

// Package server is Parley's HTTP face: the REST API (huma, OpenAPI 3.1),
// authentication middleware, health and metrics endpoints, and the embedded
// web app. routes.go is its table of contents.
package server

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/chat"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/crm"
	"github.com/parleyhq/parley/internal/export"
	"github.com/parleyhq/parley/internal/library"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/realtime"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/webhook"
)

// Config is what the server needs to know about its deployment.
type Config struct {
	// BaseURL is the public URL, used for cookies' Secure flag and links.
	BaseURL string
	Version string
	// LoginLimit and LoginWindow bound sign-in attempts per email and per
	// client address: LoginLimit free ones in the window, then delays
	// doubling from LoginDelay (default 1s).
	LoginLimit  int
	LoginWindow time.Duration
	LoginDelay  time.Duration
	// APIRate and APIBurst bound the API requests per second of each
	// credential (a token bucket per API token or session, per node); over
	// it, 429.
	APIRate  float64
	APIBurst float64
	// MailDomain is the domain of inbox addresses, <slug>@<MailDomain>.
	MailDomain string
	// MaxMessageBytes caps raw mail posted to the API (default 35 MB).
	MaxMessageBytes int64
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the
	// client; per-address limits count by that client.
	TrustedProxies []netip.Prefix
	// DeviceKey signs the cookies that mark browsers that signed in before
	// (every node needs the same); nil makes a random one.
	DeviceKey []byte
	// MaxStreams caps the realtime streams open on this node, so the
	// process keeps file descriptors to answer other requests with;
	// StreamsPerUser caps one user's.
	MaxStreams int
	// MaxVisitorStreams bounds the chat widgets' streams open on this node
	// (default 20,000); VisitorStreamsPerAddress those of one address
	// (default 200: an office behind one address), so one client cannot
	// take them all.
	MaxVisitorStreams        int
	VisitorStreamsPerAddress int
	// WidgetPing is how often a chat widget's stream is pinged; one that
	// has not answered a ping by the next is closed (default 30 s).
	WidgetPing     time.Duration
	StreamsPerUser int
	// StreamRecheck is how often a stream checks that its credential still
	// works, for sessions that expire (default 5 minutes); events end
	// streams of sessions that end otherwise at once.
	StreamRecheck time.Duration
	// MetricsToken, when set, is the bearer token /metrics requires.
	MetricsToken string
}

// Server serves the API and the web app.
type Server struct {
	cfg      Config
	log      *slog.Logger
	database interface {
		Ping(ctx context.Context) error
	}
	conv          *conversation.Service
	org           *org.Service
	library       *library.Service
	routing       *routing.Service
	notifications *notify.Notifications
	chat          *chat.Service
	crm           *crm.Service
	webhooks      *webhook.Service
	sessions      *auth.Sessions
	twoFactor     *auth.TwoFactor
	sso           *auth.SSO
	exports       *export.Service
	logins        *auth.Limiter // sign-ins per email
	// loginsByIP allows more failures per address than per email: many
	// people may sign in from one office.
	loginsByIP     *auth.Limiter
	loginsByDevice *auth.Limiter // sign-ins from a browser known to the account
	devices        *auth.Devices
	// resets and resetsByIP bound password reset mails per address asked
	// for and per client address: each request counts, none is forgiven.
	resets, resetsByIP *auth.Limiter
	// badCredentials counts unknown API tokens per client address; anonymous
	// is a token bucket per address for requests without credentials.
	badCredentials *auth.Limiter
	// codes counts wrong second-factor codes per person.
	codes          *auth.Limiter
	staleCookies   *auth.Limiter
	anonymous      *auth.Buckets
	api            *auth.Buckets // per credential
	users          *auth.Buckets // per user, whatever their credentials
	streams        *streamCount[parley.ID]
	visitorStreams *streamCount[string] // chat widgets' streams, by the visitor's address
	chatTabs       *widgetTabs          // each visitor's open widgets on this node
	// A chat visitor's messages, and all of one chat's.
	visitorRate, siteRate *auth.Buckets
	// Form posts from one address, and to one form (SPEC CHN-7).
	formsByAddress, formsByForm *auth.Buckets
	// ssoStarts bounds single sign-on begun per address: each writes a
	// state and may fetch the provider's discovery document.
	ssoStarts      *auth.Buckets
	untrustedProxy sync.Once // warns once of X-Forwarded-For from an unknown proxy
	metrics        *metrics
	hub            *realtime.Hub
	web            fs.FS
	blobs          Blobs
}

// Deps are the server's collaborators.
type Deps struct {
	Log *slog.Logger
	// Database answers /readyz: the database answers.
	Database interface {
		Ping(ctx context.Context) error
	}
	Conv          *conversation.Service
	Org           *org.Service
	Library       *library.Service
	Routing       *routing.Service
	Notifications *notify.Notifications
	Chat          *chat.Service
	CRM           *crm.Service
	Webhooks      *webhook.Service
	Sessions      *auth.Sessions
	// TwoFactor checks second factors at sign-in.
	TwoFactor *auth.TwoFactor
	// SSO signs people in through the organisation's OpenID Connect
	// provider.
	SSO *auth.SSO
	// Exports are the admins' archives of the data (SPEC PLT-3).
	Exports  *export.Service
	Registry *prometheus.Registry
	Hub      *realtime.Hub
	Web      fs.FS
	Blobs    Blobs
}

// Blobs reads attachment and raw-message content.
type Blobs interface {
	Open(key string) (io.ReadCloser, error)
}

// New returns the server's handler.
func New(cfg Config, d Deps) http.Handler {
	if cfg.LoginLimit == 0 {
		cfg.LoginLimit, cfg.LoginWindow = 10, 5*time.Minute
	}
	if cfg.MaxMessageBytes == 0 {
		cfg.MaxMessageBytes = 35 << 20
	}
	if cfg.APIRate == 0 {
		cfg.APIRate, cfg.APIBurst = 50, 100
	}
	if cfg.LoginDelay == 0 {
		cfg.LoginDelay = time.Second
	}
	if cfg.DeviceKey == nil {
		cfg.DeviceKey = make([]byte, 32)
		rand.Read(cfg.DeviceKey)
	}
	if cfg.MaxStreams == 0 {
		cfg.MaxStreams = 10000
	}
	if cfg.StreamsPerUser == 0 {
		cfg.StreamsPerUser = 32
	}
	if cfg.WidgetPing <= 0 {
		cfg.WidgetPing = 30 * time.Second
	}
	if cfg.VisitorStreamsPerAddress == 0 {
		cfg.VisitorStreamsPerAddress = 200
	}
	if cfg.MaxVisitorStreams == 0 {
		cfg.MaxVisitorStreams = 20000
	}
	if cfg.StreamRecheck == 0 {
		cfg.StreamRecheck = 5 * time.Minute
	}
	s := &Server{
		cfg: cfg, log: d.Log, database: d.Database, conv: d.Conv, org: d.Org, library: d.Library, routing: d.Routing, notifications: d.Notifications, chat: d.Chat, crm: d.CRM, webhooks: d.Webhooks, sessions: d.Sessions, twoFactor: d.TwoFactor, sso: d.SSO, exports: d.Exports,
		logins:         auth.NewLimiter(cfg.LoginLimit, cfg.LoginWindow),
		loginsByIP:     auth.NewLimiter(5*cfg.LoginLimit, cfg.LoginWindow),
		loginsByDevice: auth.NewLimiter(cfg.LoginLimit, cfg.LoginWindow),
		devices:        auth.NewDevices(cfg.DeviceKey, nil),
		resets:         auth.NewLimiter(3, time.Hour),
		resetsByIP:     auth.NewLimiter(10, time.Hour),
		badCredentials: auth.NewLimiter(20, time.Minute),
		codes:          auth.NewLimiter(cfg.LoginLimit, cfg.LoginWindow),
		anonymous:      auth.NewBuckets(20, 200),
		staleCookies:   auth.NewLimiter(60, time.Minute),
		api:            auth.NewBuckets(cfg.APIRate, cfg.APIBurst),
		users:          auth.NewBuckets(2*cfg.APIRate, 2*cfg.APIBurst),
		streams:        newStreamCount[parley.ID](cfg.MaxStreams, cfg.StreamsPerUser),
		visitorStreams: newStreamCount[string](cfg.MaxVisitorStreams, cfg.VisitorStreamsPerAddress),
		chatTabs:       &widgetTabs{n: map[string]int{}},
		visitorRate:    auth.NewBuckets(1, 10),
		siteRate:       auth.NewBuckets(50, 500),
		formsByAddress: auth.NewBuckets(1.0/60, 10),
		ssoStarts:      auth.NewBuckets(1, 100), // an office signing in at nine is not refused
		formsByForm:    auth.NewBuckets(1, 100),
		metrics:        newMetrics(d.Registry), hub: d.Hub, web: d.Web, blobs: d.Blobs,
	}
	for _, l := range []*auth.Limiter{s.logins, s.loginsByIP, s.loginsByDevice, s.codes} {
		l.Delay = cfg.LoginDelay
	}
	s.resets.Delay, s.resetsByIP.Delay = 5*time.Minute, 5*time.Minute
	mux := http.NewServeMux()
	hc := huma.DefaultConfig("Parley API", cfg.Version)
	hc.OpenAPIPath = "/api/v1/openapi"
	hc.DocsPath = "" // our own page (docs.go): huma's loads its script from a CDN
	hc.SchemasPath = "/api/v1/schemas"
	hc.CreateHooks = nil // no $schema links in responses: clients get plain JSON
	hc.Info.Description = "The Parley REST API. Authenticate with `Authorization: Bearer <token>` " +
		"(create one with `parley token create` or POST /api/v1/tokens) or a session cookie."
	hc.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer":  {Type: "http", Scheme: "bearer"},
		"session": {Type: "apiKey", In: "cookie", Name: sessionCookie},
	}
	api := humago.New(mux, hc)
	s.routes(api, mux)

	// instrument wraps the mux directly: the mux records the matched pattern
	// on the request it is given, which the metrics label by.
	h := s.metrics.instrument(mux)
	h = s.authenticate(h)
	h = guardMetrics(h, cfg.MetricsToken) // before authenticate, which would take its bearer for an API token
	cop := http.NewCrossOriginProtection()
	// A form is posted from other sites by design (SPEC CHN-7): it checks
	// their origin itself, and no credential of ours acts through it.
	cop.AddInsecureBypassPattern("POST /f/{key}")
	h = cop.Handler(h)
	return secureHeaders(s.recoverer(h), append(widgetPaths, formPaths...)...)
}

// authenticate puts the actor of a session cookie or bearer token, and the
// client's address, in the request's context. Requests without credentials
// go on anonymous, within a rate per address; a route that needs a user
// refuses them. Invalid credentials are refused here, and an address that
// keeps presenting them is refused before its credentials are looked up.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		addr := s.clientAddress(r)
		r = r.WithContext(parley.WithAddress(r.Context(), addr))
		var bearer, cookie string
		if h := r.Header.Get("Authorization"); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				writeProblem(w, http.StatusUnauthorized, "use Authorization: Bearer <token>")
				return
			}
			bearer = strings.TrimSpace(token)
		} else if c, err := r.Cookie(sessionCookie); err == nil {
			cookie = c.Value
		}
		if bearer == "" && cookie == "" {
			if s.limitAnonymous(w, r, addr) {
				next.ServeHTTP(w, r)
			}
			return
		}
		// The rate limits come first, so a flooding client is refused
		// without a database lookup: an address that keeps sending unknown
		// API tokens (or stale cookies, counted apart), for a while, then
		// each credential's own rate.
		bad := s.badCredentials
		if cookie != "" {
			bad = s.staleCookies
		}
		if blocked, wait := bad.Blocked(addr); blocked {
			tooMany(w, wait, "too many invalid credentials from this address: slow down")
			return
		}
		if ok, wait := s.api.Take("cred:" + auth.HashToken(bearer+"\x00"+cookie)); !ok {
			tooMany(w, wait, "too many requests: slow down")
			return
		}
		cred := credential{bearer: bearer, cookie: cookie}
		u, readOnly, err := s.credentialUser(r.Context(), cred)
		if cookie != "" {
			if parley.ErrorCode(err) == parley.EUNAUTHORIZED {
				// A stale cookie is no credential: forget it and go on
				// anonymous, so the sign-in page and public routes work.
				// A browser sends it a few times before it is forgotten;
				// an address that sends many is guessing.
				s.staleCookies.Try(addr)
				c := s.cookie("")
				http.SetCookie(w, &c)
				if s.limitAnonymous(w, r, addr) {
					next.ServeHTTP(w, r)
				}
				return
			}
		}
		switch {
		case parley.ErrorCode(err) == parley.EUNAUTHORIZED:
			s.badCredentials.Try(addr)
			writeProblem(w, http.StatusUnauthorized, parley.ErrorMessage(err))
			return
		case err != nil:
			s.log.Error("authenticate", append(logAttrs(r), "err", err)...)
			writeProblem(w, http.StatusServiceUnavailable, "cannot check credentials now")
			return
		}
		// Each user has a rate of their own too, so that minting tokens or
		// signing in again does not multiply it.
		if ok, wait := s.users.Take(strconv.FormatInt(int64(u.ID), 10)); !ok {
			tooMany(w, wait, "too many requests: slow down")
			return
		}
		// A read-only token reads: anything else is refused here, for
		// every route at once.
		if readOnly && r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"title":"Forbidden","status":403,"type":"urn:parley:problem:read_only_token","detail":"this API token may only read"}` + "\n"))
			return
		}
		ctx := parley.WithActor(r.Context(), parley.UserActor(u))
		ctx = context.WithValue(ctx, credentialKey{}, cred)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// limitAnonymous spends one of addr's anonymous requests, or answers 429
// and returns false. The app's own files are free: they cost nothing to
// serve, and a whole office opening the sign-in page at nine must not be
// refused.
func (s *Server) limitAnonymous(w http.ResponseWriter, r *http.Request, addr string) bool {
	if s.isAppFile(r) {
		return true
	}
	if ok, wait := s.anonymous.Take(addr); !ok {
		tooMany(w, wait, "too many requests from this address: slow down")
		return false
	}
	return true
}

// isAppFile reports whether r asks for one of the web app's own files.
func (s *Server) isAppFile(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	name := strings.TrimPrefix(r.URL.Path, "/")
	if name == "" {
		return true
	}
	_, err := fs.Stat(s.web, name)
	return err == nil
}

func tooMany(w http.ResponseWriter, wait time.Duration, detail string) {
	w.Header().Set("Retry-After", retrySeconds(wait))
	writeProblem(w, http.StatusTooManyRequests, detail)
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", append(logAttrs(r), "panic", v)...)
				writeProblem(w, http.StatusInternalServerError, "internal error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func writeProblem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"title": http.StatusText(status), "status": status, "detail": detail})
	w.Write(b)
}

// health answers /healthz: the process is up.
func (s *Server) health(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// ready answers /readyz: the database answers.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.database.Ping(ctx); err != nil {
		s.log.Warn("not ready", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ready\n"))
}

// app serves the web app: its files, and index.html for every other path so
// the app's own routes work on reload.
func (s *Server) app() http.Handler {
	files := http.FileServerFS(s.web)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			writeProblem(w, http.StatusNotFound, "no such API route")
			return
		}
		name := strings.TrimPrefix(r.URL.Path, "/")
		if name != "" {
			if _, err := fs.Stat(s.web, name); errors.Is(err, fs.ErrNotExist) {
				r = r.Clone(r.Context())
				r.URL.Path = "/"
			}
		}
		files.ServeHTTP(w, r)
	})
}

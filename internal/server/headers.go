package server

import (
	"mime"
	"net/http"
	"strings"
)

// The Content-Security-Policy of a response that sets none itself. Every
// policy gets frame-ancestors 'none' on top (see secureHeaders).
const (
	// pagePolicy is for HTML: the app's index.html (and the placeholder
	// page of a build without the app). Scripts only from our own files;
	// styles may be inline because the editor (ProseMirror) writes style
	// attributes, and because the thread shows email HTML in a srcdoc
	// iframe, which inherits this policy: email needs its inline styles,
	// data: images and fonts, and, once the reader asks for them, remote
	// images (the frame's own policy narrows this down again). connect-src
	// 'self' covers the same-origin websocket.
	pagePolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data: https: http:; font-src 'self' data:; connect-src 'self'; " +
		"object-src 'none'; base-uri 'none'; form-action 'self'"
	// dataPolicy is for everything else (JSON, problems, text, scripts,
	// styles, downloads): nothing in it may load or run anything, should a
	// browser ever render it as a document.
	dataPolicy = "default-src 'none'"
	noFraming  = "frame-ancestors 'none'"
)

// secureHeaders sets on every response: nosniff, a Referrer-Policy, and,
// against clickjacking, X-Frame-Options: DENY and a Content-Security-Policy
// with frame-ancestors 'none'. A handler that sets its own
// Content-Security-Policy keeps it, with frame-ancestors 'none' added unless
// it names frame-ancestors itself.
//
// Paths in framable (exact, or a prefix when they end in "/") are exempt
// from the framing rules, for a page made to be embedded on other sites
// (the chat widget's frame), which then names its frame-ancestors itself.
func secureHeaders(next http.Handler, framable ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		// same-origin: no URL of ours (a sign-in link, a shared document's
		// token, a conversation) ever reaches another site as a Referer,
		// while same-origin requests keep their Origin header, which
		// cross-origin protection falls back on in browsers that do not
		// send Sec-Fetch-Site (no-referrer would make it "null").
		h.Set("Referrer-Policy", "same-origin")
		frame := !matchesAny(r.URL.Path, framable)
		if frame {
			h.Set("X-Frame-Options", "DENY")
		}
		pw := &policyWriter{ResponseWriter: w, frame: frame}
		next.ServeHTTP(pw, r)
		// A handler that wrote nothing leaves net/http to send the header
		// after it returns.
		pw.settle()
	})
}

func matchesAny(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if path == p || strings.HasSuffix(p, "/") && strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// policyWriter settles the Content-Security-Policy when the handler writes
// its header: only then is it known whether the handler set one, and what
// type of content it sends.
type policyWriter struct {
	http.ResponseWriter
	frame   bool // deny framing
	settled bool
}

func (w *policyWriter) settle() {
	if w.settled {
		return
	}
	w.settled = true
	h := w.Header()
	csp := h.Get("Content-Security-Policy")
	if csp == "" {
		csp = dataPolicy
		if t, _, _ := mime.ParseMediaType(h.Get("Content-Type")); t == "text/html" {
			csp = pagePolicy
		}
	}
	// What does not say who may frame it is framed by nobody: on the
	// framable paths too, whose refusals and errors name no one.
	if !strings.Contains(csp, "frame-ancestors") {
		csp += "; " + noFraming
	}
	h.Set("Content-Security-Policy", csp)
}

func (w *policyWriter) WriteHeader(code int) {
	w.settle()
	w.ResponseWriter.WriteHeader(code)
}

func (w *policyWriter) Write(b []byte) (int, error) {
	w.settle()
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController and the websocket upgrade reach the
// connection underneath (Flush, Hijack, deadlines).
func (w *policyWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

package server

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// The chat widget's public endpoints (SPEC CHT-1). A site adds
// <script src="https://<parley>/widget.js" data-inbox="<key>" async>: the
// loader (widget.js) asks /widget/v1/config, across origins, whether and
// how to show the launcher, and opens the chat in an iframe of ours
// (/widget/frame), which speaks to /widget/v1/stream from our own origin.
// The frame may be embedded only by the chat's allowed origins
// (frame-ancestors), and only they may read its configuration (CORS).

// widgetPaths are exempt from the framing rules: the frame names its own
// frame-ancestors.
var widgetPaths = []string{"/widget/frame"}

func (s *Server) widgetRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /widget.js", s.widgetLoader)
	mux.HandleFunc("GET /widget/frame", s.widgetFrame)
	mux.HandleFunc("GET /widget/v1/config", s.widgetConfig)
	mux.HandleFunc("OPTIONS /widget/v1/config", s.widgetConfig)
	mux.HandleFunc("GET /widget/v1/stream", s.widgetStream)
	mux.HandleFunc("POST /widget/v1/messages", s.widgetUpload)
	mux.HandleFunc("GET /widget/v1/files/{id}/{sig}", s.widgetFile)
	mux.HandleFunc("GET /widget/v1/avatars/{id}/{sig}", s.widgetAvatar)
	mux.HandleFunc("GET /widget/v1/flows/{id}/picture/{sig}", s.widgetFlowPicture)
}

// widgetLoader serves the loader script. It is cached for minutes only, so
// a new version reaches every site soon; the frame's files are immutable.
func (s *Server) widgetLoader(w http.ResponseWriter, r *http.Request) {
	b, err := fs.ReadFile(s.web, "widget.js")
	if err != nil {
		writeProblem(w, http.StatusNotFound, "this build has no chat widget")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=300")
	// The loader runs on other sites: they may load it.
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	w.Write(b)
}

// widgetFrame serves the chat's page, to be embedded by the chat's allowed
// origins only (and by Parley itself, for the settings' preview).
func (s *Server) widgetFrame(w http.ResponseWriter, r *http.Request) {
	ch, err := s.chat.Channel(r.Context(), r.URL.Query().Get("inbox"))
	if err != nil {
		writeProblem(w, http.StatusNotFound, "no such chat")
		return
	}
	b, err := fs.ReadFile(s.web, "widget.html")
	if err != nil {
		writeProblem(w, http.StatusNotFound, "this build has no chat widget")
		return
	}
	ancestors := append([]string{"'self'"}, ch.ChatSettings().AllowedOrigins...)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "+
		"img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "+
		"frame-ancestors "+strings.Join(ancestors, " "))
	w.Write(b)
}

// widgetConfig answers the loader, and the frame: whether the chat shows
// on this page (?url=), and how — the first matching flow (chat.Show). Only the chat's allowed origins may read it (CORS); a page of
// ours (the frame) may too.
func (s *Server) widgetConfig(w http.ResponseWriter, r *http.Request) {
	ch, err := s.chat.Channel(r.Context(), r.URL.Query().Get("inbox"))
	if err != nil {
		writeProblem(w, http.StatusNotFound, "no such chat")
		return
	}
	if origin := r.Header.Get("Origin"); origin != "" && origin != s.cfg.BaseURL {
		if !ch.ChatSettings().Allows(origin) {
			writeProblem(w, http.StatusForbidden, "this site may not show this chat: add it to the chat's allowed sites")
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
		if r.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Methods", "GET")
			h.Set("Access-Control-Allow-Headers", visitorHeader+", "+identityHeader)
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	shown, err := s.chat.Show(r.Context(), ch, r.Header.Get(visitorHeader), r.Header.Get(identityHeader), r.URL.Query().Get("url"), time.Now())
	if err != nil {
		s.log.Error("chat config", "err", err)
		writeProblem(w, http.StatusInternalServerError, "internal error")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(shown)
}

// visitorHeader carries the visitor's identity to the configuration: a
// flow may be for known contacts only, and a heading their owner.
const visitorHeader = "X-Parley-Visitor"

// identityHeader carries a site's signed-in user (data-identity, SPEC
// CHT-11).
const identityHeader = "X-Parley-Identity"

// widgetProblem is an error frame of the widget's stream, in the terms of
// an HTTP answer: status, reason, and when to try again.
type widgetProblem struct {
	Type       string `json:"type"` // "error"
	ClientID   string `json:"client_id,omitempty"`
	Status     int    `json:"status"`
	Reason     string `json:"reason,omitempty"`
	Detail     string `json:"detail"`
	RetryAfter int    `json:"retry_after,omitempty"` // seconds
}

func (s *Server) widgetProblem(clientID string, err error) widgetProblem {
	status := statusOf(parley.ErrorCode(err))
	p := widgetProblem{Type: "error", ClientID: clientID, Status: status, Reason: parley.ErrorReason(err), Detail: parley.ErrorMessage(err)}
	if status == http.StatusInternalServerError {
		s.log.Error("chat", "err", err)
		p.Detail = "internal error"
	}
	return p
}

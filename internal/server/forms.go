package server

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/parley"
)

// Forms (SPEC CHN-7). /f/<key> is a form's hosted page (GET) and where it
// is posted (POST), from that page, from an HTML form on the site (the
// settings' snippet) or by a script. An HTML post is answered with pages —
// the thank-you page, or the form again with each error beside its field —
// JSON with JSON. Posts come from the page itself, a server (no Origin) or
// the form's allowed sites (CORS); each address and each form has a rate
// (429 with Retry-After); a hidden field catches bots, answered as if
// received.

// formPaths frame themselves: the page names its own frame-ancestors.
var formPaths = []string{"/f/"}

// maxFormPost bounds a form's body: fields only, never files.
const maxFormPost = 64 << 10

func (s *Server) formRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /f/{key}", s.formPage)
	mux.HandleFunc("POST /f/{key}", s.formPost)
	mux.HandleFunc("OPTIONS /f/{key}", s.formPreflight)
}

// formRequest is one request to a form: the form, and how to answer.
type formRequest struct {
	ch    *parley.Channel
	set   parley.FormSettings
	json  bool   // answer with JSON
	lang  string // the page's language
	embed bool   // the page is in a frame on the site
}

// formFor loads the form of r and works out how to answer; a missing form
// is answered here (nil).
func (s *Server) formFor(w http.ResponseWriter, r *http.Request) *formRequest {
	media, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	fr := &formRequest{json: media == "application/json", embed: r.URL.Query().Get("embed") == "1"}
	ch, err := s.conv.Form(r.Context(), r.PathValue("key"))
	if err != nil {
		fr.lang = notify.Locale(r.URL.Query().Get("lang"))
		s.formRefused(w, r, fr, http.StatusNotFound, "missing", 0)
		return nil
	}
	fr.ch, fr.set = ch, ch.FormSettings()
	fr.lang = fr.set.Locale
	if l := r.URL.Query().Get("lang"); l == "en" || l == "fr" {
		fr.lang = l
	}
	return fr
}

// formPage shows a form, or its thank-you page (?sent=1).
func (s *Server) formPage(w http.ResponseWriter, r *http.Request) {
	fr := s.formFor(w, r)
	if fr == nil {
		return
	}
	switch {
	case !fr.ch.Enabled:
		s.formRefused(w, r, fr, http.StatusOK, "off", 0)
	case r.URL.Query().Get("sent") == "1":
		renderForm(w, fr, http.StatusOK, formView{Sent: true})
	default:
		renderForm(w, fr, http.StatusOK, formView{})
	}
}

// formPreflight lets a script on one of the form's sites post JSON.
func (s *Server) formPreflight(w http.ResponseWriter, r *http.Request) {
	fr := s.formFor(w, r)
	if fr == nil {
		return
	}
	if !s.formOrigin(w, r, fr) {
		writeProblem(w, http.StatusForbidden, "this site may not post this form: add it to the form's allowed sites")
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "POST")
	h.Set("Access-Control-Allow-Headers", "Content-Type")
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

// formOrigin reports whether r may post the form: a page of ours, a server
// (no Origin) or one of the form's sites, given the CORS headers it needs.
func (s *Server) formOrigin(w http.ResponseWriter, r *http.Request, fr *formRequest) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || r.Header.Get("Sec-Fetch-Site") == "same-origin" {
		return true
	}
	if own, err := parley.Origin(s.cfg.BaseURL); err == nil && strings.EqualFold(origin, own) {
		return true
	}
	if !fr.set.Allows(origin) {
		return false
	}
	w.Header().Set("Access-Control-Allow-Origin", origin)
	w.Header().Add("Vary", "Origin")
	return true
}

// formPost takes a submission in.
func (s *Server) formPost(w http.ResponseWriter, r *http.Request) {
	fr := s.formFor(w, r)
	if fr == nil {
		return
	}
	if !s.formOrigin(w, r, fr) {
		s.formRefused(w, r, fr, http.StatusForbidden, "origin", 0)
		return
	}
	if !fr.ch.Enabled {
		s.formRefused(w, r, fr, http.StatusConflict, "off", 0)
		return
	}
	if ok, wait := s.formsByAddress.Take(clientAddr(r.Context())); !ok {
		s.formRefused(w, r, fr, http.StatusTooManyRequests, "busy", wait)
		return
	}
	if ok, wait := s.formsByForm.Take(fr.ch.PublicKey); !ok {
		s.formRefused(w, r, fr, http.StatusTooManyRequests, "busy", wait)
		return
	}
	value, err := readFormPost(w, r, fr.json)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeProblem(w, http.StatusRequestEntityTooLarge, "a form's fields are at most 64 KB together")
			return
		}
		writeProblem(w, http.StatusBadRequest, "send the fields as an HTML form or a JSON object of strings: "+err.Error())
		return
	}
	if value(parley.FormHoneypot) != "" {
		// A bot: answered as if received, so it learns nothing.
		s.formReceived(w, r, fr)
		return
	}
	post, problems := fr.set.Read(value)
	if len(problems) > 0 {
		s.formInvalid(w, fr, value, problems)
		return
	}
	page := r.Header.Get("Referer")
	if u, err := url.Parse(page); err != nil || (u.Scheme != "http" && u.Scheme != "https") || len(page) > 2000 {
		page = ""
	}
	_, err = s.conv.ReceiveForm(r.Context(), conversation.FormInbound{Channel: fr.ch, SubmissionID: value(parley.FormSubmissionID), Post: post, PageURL: page})
	switch {
	case parley.ErrorReason(err) == "channel_off":
		s.formRefused(w, r, fr, http.StatusConflict, "off", 0)
	case parley.ErrorCode(err) == parley.ECONFLICT:
		s.formReceived(w, r, fr) // sent before, and its conversation since deleted
	case parley.ErrorCode(err) == parley.EINVALID:
		s.formInvalid(w, fr, value, []parley.FieldProblem{{Key: parley.ErrorField(err), Reason: "required"}})
	case err != nil:
		s.log.Error("form", "form", fr.ch.ID, "err", err)
		writeProblem(w, http.StatusInternalServerError, "internal error")
	default:
		s.formReceived(w, r, fr)
	}
}

// readFormPost reads an HTML form or a JSON object: the value posted under
// each key ("" when absent; true is "yes", a number its digits).
func readFormPost(w http.ResponseWriter, r *http.Request, asJSON bool) (func(string) string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormPost)
	if !asJSON {
		if err := r.ParseMultipartForm(maxFormPost); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return nil, err
		}
		return r.PostFormValue, nil
	}
	var fields map[string]any
	if err := json.NewDecoder(r.Body).Decode(&fields); err != nil {
		return nil, err
	}
	return func(key string) string {
		switch v := fields[key].(type) {
		case string:
			return v
		case bool:
			if v {
				return "yes"
			}
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return ""
	}, nil
}

// formReceived answers a submission taken in: JSON, the form's own
// thank-you address, or the hosted thank-you page.
func (s *Server) formReceived(w http.ResponseWriter, r *http.Request, fr *formRequest) {
	if fr.json {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"received":true}` + "\n"))
		return
	}
	to := fr.set.ThanksURL
	if to == "" {
		to = formURL(fr, "sent=1")
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// formProblem is a field's error in a JSON answer.
type formProblem struct {
	Location string `json:"location"`
	Reason   string `json:"reason"`
	Message  string `json:"message"`
}

// formInvalid answers a submission with fields to fix: each named, in the
// page beside its field with what was typed kept.
func (s *Server) formInvalid(w http.ResponseWriter, fr *formRequest, value func(string) string, problems []parley.FieldProblem) {
	if fr.json {
		words := notify.FormWords("en")
		out := make([]formProblem, len(problems))
		for i, p := range problems {
			out[i] = formProblem{Location: "body." + p.Key, Reason: p.Reason, Message: words[p.Reason]}
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]any{"title": "Bad Request", "status": http.StatusBadRequest,
			"type": problemType("form_invalid"), "detail": "some fields need fixing: see errors", "errors": out})
		return
	}
	renderForm(w, fr, http.StatusBadRequest, formView{Value: value, Problems: problems})
}

// formRefused answers a post (or a page) that cannot be taken: no such
// form, one that is off, a site not allowed, too many posts.
func (s *Server) formRefused(w http.ResponseWriter, r *http.Request, fr *formRequest, status int, why string, wait time.Duration) {
	if wait > 0 {
		w.Header().Set("Retry-After", retrySeconds(wait))
	}
	words := notify.FormWords(fr.lang)
	if fr.json || r.Method == http.MethodOptions {
		writeProblem(w, status, strings.ReplaceAll(notify.FormWords("en")[why], "{wait}", "a while"))
		return
	}
	text := words[why]
	if wait > 0 {
		unit := words["seconds"]
		if wait > time.Minute {
			unit = words["minutes"]
		}
		text = strings.ReplaceAll(text, "{wait}", unit)
	}
	title := words[why+"_title"]
	if title == "" {
		title = words["off_title"]
	}
	renderForm(w, fr, status, formView{Notice: text, NoticeTitle: title})
}

// formURL is the form's page with the request's language and framing kept,
// and more query.
func formURL(fr *formRequest, more string) string {
	q := url.Values{}
	if fr.lang != fr.set.Locale {
		q.Set("lang", fr.lang)
	}
	if fr.embed {
		q.Set("embed", "1")
	}
	u := "/f/" + url.PathEscape(fr.ch.PublicKey) + "?" + q.Encode()
	if more != "" {
		u += "&" + more
	}
	return strings.Replace(u, "?&", "?", 1)
}

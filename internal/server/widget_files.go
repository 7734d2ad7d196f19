package server

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/chat"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
)

// Files in the chat (SPEC CHT-13): a visitor sends one with a message by
// POST /widget/v1/messages?inbox=<key> (multipart: file, client_id, text,
// url, consent as JSON; the visitor's identity in X-Parley-Visitor), acknowledged
// like a message on the stream; every file shows in the widget at a signed
// address, GET /widget/v1/files/{id}/{sig}.

// MaxWidgetFile bounds a file a visitor sends.
const MaxWidgetFile = 10 << 20

func (s *Server) widgetUpload(w http.ResponseWriter, r *http.Request) {
	ch, err := s.chat.Channel(r.Context(), r.URL.Query().Get("inbox"))
	if err != nil {
		writeProblem(w, http.StatusNotFound, "no such chat")
		return
	}
	v := s.chat.Visitor(ch, r.Header.Get(visitorHeader), r.Header.Get(identityHeader), time.Now())
	if v.Token != "" && v.Token != r.Header.Get(visitorHeader) {
		writeProblem(w, http.StatusUnauthorized, "not a visitor of this chat: open the chat first")
		return
	}
	if ok, wait := s.rates(v, ch); !ok {
		tooMany(w, wait, "too many messages: slow down")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxWidgetFile+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeProblem(w, http.StatusRequestEntityTooLarge, "the file is larger than 10 MB")
			return
		}
		writeProblem(w, http.StatusBadRequest, "send a multipart form with the file")
		return
	}
	defer r.MultipartForm.RemoveAll()
	f, hdr, err := r.FormFile("file")
	if err != nil {
		writeProblem(w, http.StatusBadRequest, "file: send the file")
		return
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		writeProblem(w, http.StatusBadRequest, "file: could not be read")
		return
	}
	if len(data) > MaxWidgetFile {
		writeProblem(w, http.StatusRequestEntityTooLarge, "the file is larger than 10 MB")
		return
	}
	var consent *chat.Agreed
	if raw := r.FormValue("consent"); raw != "" {
		consent = &chat.Agreed{}
		if json.Unmarshal([]byte(raw), consent) != nil {
			writeProblem(w, http.StatusBadRequest, "consent: must be the JSON the stream takes")
			return
		}
	}
	m, _, err := v.Send(r.Context(), r.FormValue("client_id"), r.FormValue("text"), r.FormValue("url"), consent,
		conversation.ChatFile{Name: hdr.Filename, ContentType: hdr.Header.Get("Content-Type"), Data: data})
	if err != nil {
		p := s.widgetProblem(r.FormValue("client_id"), err)
		if p.Status == http.StatusInternalServerError {
			writeProblem(w, p.Status, "internal error")
			return
		}
		writeProblem(w, p.Status, p.Detail)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(widgetOut{Type: "ack", ClientID: r.FormValue("client_id"), Message: m})
}

// widgetFile serves a chat file at its signed address.
func (s *Server) widgetFile(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeProblem(w, http.StatusNotFound, "no such file")
		return
	}
	att, err := s.chat.File(r.Context(), parley.ID(id), r.PathValue("sig"))
	if err != nil || s.blobs == nil {
		writeProblem(w, http.StatusNotFound, "no such file")
		return
	}
	body, err := s.blobs.Open(att.Blob)
	if err != nil {
		writeProblem(w, http.StatusNotFound, "no such file")
		return
	}
	defer body.Close()
	contentType := att.ContentType
	if _, _, err := mime.ParseMediaType(contentType); err != nil {
		contentType = "application/octet-stream"
	}
	disposition := "attachment"
	if strings.HasPrefix(contentType, "image/") && contentType != "image/svg+xml" {
		disposition = "inline"
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": att.Name}))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, max-age=86400")
	io.Copy(w, body)
}

// widgetAvatar serves a teammate's picture at the signed address the
// widget was given (a heading, an agent's message).
func (s *Server) widgetAvatar(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeProblem(w, http.StatusNotFound, "no such picture")
		return
	}
	u, err := s.chat.Avatar(r.Context(), parley.ID(id), r.PathValue("sig"))
	if err != nil {
		writeProblem(w, http.StatusNotFound, "no such picture")
		return
	}
	s.widgetPicture(w, u.AvatarBlob, u.AvatarType, "public, max-age=300")
}

// widgetFlowPicture serves a chat flow's picture at its signed address,
// which changes with the picture: it may be cached for good.
func (s *Server) widgetFlowPicture(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeProblem(w, http.StatusNotFound, "no such picture")
		return
	}
	p, err := s.chat.FlowPicture(r.Context(), parley.ID(id), r.PathValue("sig"))
	if err != nil {
		writeProblem(w, http.StatusNotFound, "no such picture")
		return
	}
	s.widgetPicture(w, p.Blob, p.Type, "public, max-age=31536000, immutable")
}

// widgetPicture writes a stored picture, sandboxed.
func (s *Server) widgetPicture(w http.ResponseWriter, blob, typ, cache string) {
	if s.blobs == nil {
		writeProblem(w, http.StatusNotFound, "no such picture")
		return
	}
	body, err := s.blobs.Open(blob)
	if err != nil {
		writeProblem(w, http.StatusNotFound, "no such picture")
		return
	}
	defer body.Close()
	h := w.Header()
	h.Set("Content-Type", typ)
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	h.Set("Cache-Control", cache)
	io.Copy(w, body)
}

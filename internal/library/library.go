// Package library keeps what the composer inserts (SPEC CMP-2): email
// templates, #snippets, knowledge-base articles and documents shared by
// link. The whole team reads them; anyone but a viewer writes them. Each
// change is one transaction with its event, so every open app refreshes.
package library

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Blobs stores document contents.
type Blobs interface {
	Put(data []byte) (string, error)
}

// Service runs the library's use-cases.
type Service struct {
	store *store.Store
	blobs Blobs
	now   func() time.Time
}

// New returns a service on s; now is the clock, nil for the real one.
func New(s *store.Store, blobs Blobs, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, blobs: blobs, now: now}
}

func (s *Service) clock() time.Time { return parley.Normalize(s.now()) }

// Limits of an item's fields, in bytes.
const (
	maxTitle = 200
	maxBody  = 64 << 10
	maxURL   = 2000
)

// validShortcut: 1 to 40 letters, digits, - or _ (a loop, not a regexp:
// Unicode classes compile to a megabyte held for the process's life).
func validShortcut(s string) bool {
	n := 0
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' {
			return false
		}
		n++
	}
	return n >= 1 && n <= 40
}

// validate normalises it and names the first field that is wrong for its kind.
func validate(it *parley.LibraryItem) error {
	it.Title = strings.TrimSpace(it.Title)
	it.Shortcut = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(it.Shortcut), "#"))
	it.Subject = strings.TrimSpace(it.Subject)
	it.URL = strings.TrimSpace(it.URL)
	switch {
	case !it.Kind.Valid():
		return parley.Invalid("kind", "must be template, snippet or article")
	case it.Title == "" || len(it.Title) > maxTitle:
		return parley.Invalid("title", "is required, up to %d bytes", maxTitle)
	case len(it.Body) > maxBody:
		return parley.Invalid("body", "is longer than %d bytes", maxBody)
	case it.Kind == parley.LibrarySnippet && !validShortcut(it.Shortcut):
		return parley.Invalid("shortcut", "is required: up to 40 letters, digits, - or _")
	case it.Kind != parley.LibrarySnippet && it.Shortcut != "":
		return parley.Invalid("shortcut", "is only for snippets")
	case it.Kind != parley.LibraryArticle && strings.TrimSpace(it.Body) == "":
		return parley.Invalid("body", "is required")
	case it.Kind == parley.LibraryArticle && !webURL(it.URL):
		return parley.Invalid("url", "is required: an http or https address")
	case it.Kind != parley.LibraryArticle && it.URL != "":
		return parley.Invalid("url", "is only for articles")
	case it.Kind != parley.LibraryTemplate && it.Subject != "":
		return parley.Invalid("subject", "is only for templates")
	case it.Language != "" && it.Language != "en" && it.Language != "fr":
		return parley.Invalid("language", "must be en, fr or empty")
	case it.Kind != parley.LibraryArticle && it.Language != "":
		return parley.Invalid("language", "is only for articles")
	}
	return nil
}

func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && len(s) <= maxURL && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// Items returns the items of a kind. Anyone signed in may read them.
func (s *Service) Items(ctx context.Context, a parley.Actor, kind parley.LibraryKind) ([]parley.LibraryItem, error) {
	if a.Kind != parley.ActorUser && a.Kind != parley.ActorSystem {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "sign in first")
	}
	if !kind.Valid() {
		return nil, parley.Invalid("kind", "must be template, snippet or article")
	}
	return s.store.LibraryItems(ctx, kind)
}

// Create adds an item; a snippet's shortcut already taken is ECONFLICT.
func (s *Service) Create(ctx context.Context, a parley.Actor, it parley.LibraryItem) (*parley.LibraryItem, error) {
	if err := auth.Author(a); err != nil {
		return nil, err
	}
	if err := validate(&it); err != nil {
		return nil, err
	}
	now := s.clock()
	it.CreatedAt, it.UpdatedAt = now, now
	if a.Kind == parley.ActorUser {
		it.CreatedBy = &a.UserID
	}
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateLibraryItem(ctx, &it); err != nil {
			return shortcutTaken(err, it.Shortcut)
		}
		tx.Append(changed(a, now, it.Kind, it.ID, "created"))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &it, nil
}

// Patch changes some of an item's fields; nil leaves one as it is.
type Patch struct {
	Title, Shortcut, Subject, Body, URL, Language *string
}

// Apply sets the fields of it that p gives.
func (p Patch) Apply(it *parley.LibraryItem) {
	for _, f := range []struct {
		to   *string
		from *string
	}{{&it.Title, p.Title}, {&it.Shortcut, p.Shortcut}, {&it.Subject, p.Subject}, {&it.Body, p.Body}, {&it.URL, p.URL}, {&it.Language, p.Language}} {
		if f.from != nil {
			*f.to = *f.from
		}
	}
}

// Update changes an item of kind (ENOTFOUND for another kind's id).
func (s *Service) Update(ctx context.Context, a parley.Actor, kind parley.LibraryKind, id parley.ID, p Patch) (*parley.LibraryItem, error) {
	if err := auth.Author(a); err != nil {
		return nil, err
	}
	var out *parley.LibraryItem
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		it, err := tx.LibraryItem(ctx, id)
		if err != nil {
			return err
		}
		if it.Kind != kind {
			return parley.NotFound(string(kind))
		}
		p.Apply(it)
		if err := validate(it); err != nil {
			return err
		}
		it.UpdatedAt = s.clock()
		if err := tx.UpdateLibraryItem(ctx, it); err != nil {
			return shortcutTaken(err, it.Shortcut)
		}
		tx.Append(changed(a, it.UpdatedAt, it.Kind, it.ID, "updated"))
		out = it
		return nil
	})
	return out, err
}

// Delete removes an item of kind (ENOTFOUND for another kind's id).
func (s *Service) Delete(ctx context.Context, a parley.Actor, kind parley.LibraryKind, id parley.ID) error {
	if err := auth.Author(a); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		it, err := tx.LibraryItem(ctx, id)
		if err != nil {
			return err
		}
		if it.Kind != kind {
			return parley.NotFound(string(kind))
		}
		if err := tx.DeleteLibraryItem(ctx, id); err != nil {
			return err
		}
		tx.Append(changed(a, s.clock(), kind, id, "deleted"))
		return nil
	})
}

func changed(a parley.Actor, now time.Time, kind parley.LibraryKind, id parley.ID, action string) parley.Event {
	return parley.NewEvent(parley.EventLibraryChanged, a, now, map[string]any{"kind": kind, "id": id, "action": action})
}

func shortcutTaken(err error, shortcut string) error {
	if parley.ErrorCode(err) == parley.ECONFLICT {
		return &parley.Error{Code: parley.ECONFLICT, Field: "shortcut", Message: fmt.Sprintf("#%s is already a snippet's shortcut", shortcut), Reason: "shortcut_taken"}
	}
	return err
}

// AddDocument stores a file once for the team to link in replies. The size
// limit is the caller's (the HTTP body limit).
func (s *Service) AddDocument(ctx context.Context, a parley.Actor, name, contentType string, data []byte) (*parley.Document, error) {
	if err := auth.Author(a); err != nil {
		return nil, err
	}
	name, contentType, err := parley.File(name, contentType, data)
	if err != nil {
		return nil, err
	}
	key, err := s.blobs.Put(data)
	if err != nil {
		return nil, err
	}
	token, _ := auth.NewToken("")
	d := &parley.Document{Name: name, ContentType: contentType, Size: int64(len(data)), Blob: key, Token: token, CreatedAt: s.clock()}
	if a.Kind == parley.ActorUser {
		d.CreatedBy = &a.UserID
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateDocument(ctx, d); err != nil {
			return err
		}
		tx.Append(changed(a, d.CreatedAt, "document", d.ID, "created"))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Documents lists the team's documents. Anyone signed in may read them.
func (s *Service) Documents(ctx context.Context, a parley.Actor) ([]parley.Document, error) {
	if a.Kind != parley.ActorUser && a.Kind != parley.ActorSystem {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "sign in first")
	}
	return s.store.Documents(ctx)
}

// DeleteDocument removes a document; links to it stop working.
func (s *Service) DeleteDocument(ctx context.Context, a parley.Actor, id parley.ID) error {
	if err := auth.Author(a); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteDocument(ctx, id); err != nil {
			return err
		}
		tx.Append(changed(a, s.clock(), "document", id, "deleted"))
		return nil
	})
}

// DocumentByLink returns the document a shared link names, or ENOTFOUND:
// whoever holds the link may download it, as a customer given it in a reply.
func (s *Service) DocumentByLink(ctx context.Context, token string) (*parley.Document, error) {
	if len(token) < 20 {
		return nil, parley.NotFound("document")
	}
	return s.store.DocumentByToken(ctx, token)
}

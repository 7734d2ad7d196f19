package server

import (
	"context"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/parleyhq/parley/internal/library"
	"github.com/parleyhq/parley/internal/parley"
)

type libraryItemJSON struct {
	ID        parley.ID          `json:"id"`
	Kind      parley.LibraryKind `json:"kind" enum:"template,snippet,article"`
	Title     string             `json:"title"`
	Shortcut  string             `json:"shortcut,omitempty" doc:"Snippets: typed as #shortcut in the composer."`
	Subject   string             `json:"subject,omitempty" doc:"Templates: the email's subject."`
	Body      string             `json:"body" doc:"Templates and snippets may hold {{contact.name}}, {{contact.first_name}}, {{contact.email}}, {{agent.full_name}}, {{agent.first_name}}, {{agent.last_name}} and {{agent.meeting_link}}."`
	URL       string             `json:"url,omitempty" doc:"Articles: the article's address."`
	Language  string             `json:"language,omitempty" doc:"Articles: en or fr, the language a chat bot suggests it in; empty: every language."`
	CreatedBy *parley.ID         `json:"created_by"`
	UpdatedAt time.Time          `json:"updated_at"`
}

func libraryView(it *parley.LibraryItem) libraryItemJSON {
	return libraryItemJSON{ID: it.ID, Kind: it.Kind, Title: it.Title, Shortcut: it.Shortcut, Subject: it.Subject, Body: it.Body,
		URL: it.URL, Language: it.Language, CreatedBy: it.CreatedBy, UpdatedAt: it.UpdatedAt}
}

type libraryFields struct {
	Title    *string `json:"title,omitempty" maxLength:"200"`
	Shortcut *string `json:"shortcut,omitempty" maxLength:"41" doc:"Snippets only."`
	Subject  *string `json:"subject,omitempty" maxLength:"1000" doc:"Templates only."`
	Body     *string `json:"body,omitempty" maxLength:"65536"`
	URL      *string `json:"url,omitempty" maxLength:"2000" doc:"Articles only."`
	Language *string `json:"language,omitempty" enum:"en,fr," doc:"Articles only: en or fr, the language a chat bot suggests it in; empty: every language."`
}

func (f libraryFields) patch() library.Patch {
	return library.Patch{Title: f.Title, Shortcut: f.Shortcut, Subject: f.Subject, Body: f.Body, URL: f.URL, Language: f.Language}
}

type libraryItemInput struct {
	ID   parley.ID `path:"id"`
	Body libraryFields
}

type libraryCreateInput struct {
	Body libraryFields
}

type libraryIDInput struct {
	ID parley.ID `path:"id"`
}

// libraryRoutes registers the list, create, update and delete operations of
// one kind of library item under /api/v1/<plural>.
func (s *Server) libraryRoutes(api huma.API, kind parley.LibraryKind, plural string) {
	base := "/api/v1/" + plural
	op(api, s, "list_"+plural, "GET", base, signedIn, func(ctx context.Context, a parley.Actor, _ *struct{}) (*body[listJSON[libraryItemJSON]], error) {
		items, err := s.library.Items(ctx, a, kind)
		if err != nil {
			return nil, err
		}
		out := make([]libraryItemJSON, len(items))
		for i := range items {
			out[i] = libraryView(&items[i])
		}
		return list(out), nil
	})
	op(api, s, "create_"+string(kind), "POST", base, signedIn, func(ctx context.Context, a parley.Actor, in *libraryCreateInput) (*body[libraryItemJSON], error) {
		it := parley.LibraryItem{Kind: kind}
		in.Body.patch().Apply(&it)
		made, err := s.library.Create(ctx, a, it)
		if err != nil {
			return nil, err
		}
		return &body[libraryItemJSON]{libraryView(made)}, nil
	}, created)
	op(api, s, "update_"+string(kind), "PATCH", base+"/{id}", signedIn, func(ctx context.Context, a parley.Actor, in *libraryItemInput) (*body[libraryItemJSON], error) {
		it, err := s.library.Update(ctx, a, kind, in.ID, in.Body.patch())
		if err != nil {
			return nil, err
		}
		return &body[libraryItemJSON]{libraryView(it)}, nil
	})
	op(api, s, "delete_"+string(kind), "DELETE", base+"/{id}", signedIn, func(ctx context.Context, a parley.Actor, in *libraryIDInput) (*struct{}, error) {
		return nil, s.library.Delete(ctx, a, kind, in.ID)
	}, noContent)
}

type documentJSON struct {
	ID          parley.ID  `json:"id"`
	Name        string     `json:"name"`
	ContentType string     `json:"content_type"`
	Size        int64      `json:"size"`
	URL         string     `json:"url" doc:"The link to put in a reply: whoever holds it may download the file."`
	CreatedBy   *parley.ID `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
}

func (s *Server) documentView(d *parley.Document) documentJSON {
	return documentJSON{ID: d.ID, Name: d.Name, ContentType: d.ContentType, Size: d.Size, URL: s.cfg.BaseURL + "/d/" + d.Token,
		CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt}
}

func (s *Server) listDocuments(ctx context.Context, a parley.Actor, _ *struct{}) (*body[listJSON[documentJSON]], error) {
	docs, err := s.library.Documents(ctx, a)
	if err != nil {
		return nil, err
	}
	out := make([]documentJSON, len(docs))
	for i := range docs {
		out[i] = s.documentView(&docs[i])
	}
	return list(out), nil
}

// addDocument stores a file for the team to link (send its bytes as the
// body, its type as Content-Type, its name as ?name=).
func (s *Server) addDocument(ctx context.Context, a parley.Actor, in *uploadInput) (*body[documentJSON], error) {
	d, err := s.library.AddDocument(ctx, a, in.Name, in.ContentType, in.RawBody)
	if err != nil {
		return nil, err
	}
	return &body[documentJSON]{s.documentView(d)}, nil
}

func (s *Server) deleteDocument(ctx context.Context, a parley.Actor, in *libraryIDInput) (*struct{}, error) {
	return nil, s.library.DeleteDocument(ctx, a, in.ID)
}

type documentLinkInput struct {
	Token string `path:"token" maxLength:"100"`
}

// sharedDocument serves a document to whoever holds its link, always as a
// download.
func (s *Server) sharedDocument(ctx context.Context, _ parley.Actor, in *documentLinkInput) (*huma.StreamResponse, error) {
	d, err := s.library.DocumentByLink(ctx, in.Token)
	if err != nil {
		return nil, err
	}
	return s.download(d.Blob, d.Name, d.ContentType, false)
}

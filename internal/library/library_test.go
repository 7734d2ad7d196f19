package library_test

import (
	"context"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/library"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

func str(s string) *string { return &s }

// TestValidation: each kind takes its own fields, and a wrong one is
// refused naming it.
func TestValidation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		blobs, _ := blob.Open(t.TempDir())
		lib := library.New(s, blobs, nil)
		ana := parley.UserActor(storetest.NewFixtures(t, s).User("ana", parley.RoleAgent))
		for _, tc := range []struct {
			name  string
			item  parley.LibraryItem
			field string // "" when it is accepted
		}{
			{"a template", parley.LibraryItem{Kind: parley.LibraryTemplate, Title: "Refund", Subject: "Your refund", Body: "Hi {{contact.first_name}}"}, ""},
			{"a snippet", parley.LibraryItem{Kind: parley.LibrarySnippet, Title: "Thanks", Shortcut: "#Thanks", Body: "Thank you!"}, ""},
			{"an article", parley.LibraryItem{Kind: parley.LibraryArticle, Title: "Returns", URL: "https://help.acme.example/returns"}, ""},
			{"no title", parley.LibraryItem{Kind: parley.LibrarySnippet, Shortcut: "x", Body: "x"}, "title"},
			{"a snippet without shortcut", parley.LibraryItem{Kind: parley.LibrarySnippet, Title: "T", Body: "x"}, "shortcut"},
			{"a shortcut with a space", parley.LibraryItem{Kind: parley.LibrarySnippet, Title: "T", Shortcut: "two words", Body: "x"}, "shortcut"},
			{"a template with a shortcut", parley.LibraryItem{Kind: parley.LibraryTemplate, Title: "T", Shortcut: "t", Body: "x"}, "shortcut"},
			{"an empty template", parley.LibraryItem{Kind: parley.LibraryTemplate, Title: "T"}, "body"},
			{"an article without a link", parley.LibraryItem{Kind: parley.LibraryArticle, Title: "T"}, "url"},
			{"an article linking a script", parley.LibraryItem{Kind: parley.LibraryArticle, Title: "T", URL: "javascript:alert(1)"}, "url"},
			{"a snippet with a subject", parley.LibraryItem{Kind: parley.LibrarySnippet, Title: "T", Shortcut: "s", Subject: "x", Body: "x"}, "subject"},
			{"an unknown kind", parley.LibraryItem{Kind: "macro", Title: "T", Body: "x"}, "kind"},
		} {
			_, err := lib.Create(context.Background(), ana, tc.item)
			switch {
			case tc.field == "" && err != nil:
				t.Errorf("%s: %v", tc.name, err)
			case tc.field != "" && (parley.ErrorCode(err) != parley.EINVALID || !strings.Contains(err.Error(), tc.field)):
				t.Errorf("%s: %v, want EINVALID naming %s", tc.name, err, tc.field)
			}
		}
		snippets, _ := lib.Items(context.Background(), ana, parley.LibrarySnippet)
		if len(snippets) != 1 || snippets[0].Shortcut != "thanks" {
			t.Errorf("snippets: %+v, want #thanks", snippets)
		}
	})
}

// TestLifecycle: create, update, delete; shortcuts are unique; viewers
// read but do not write; an id of another kind is not found.
func TestLifecycle(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		blobs, _ := blob.Open(t.TempDir())
		lib := library.New(s, blobs, nil)
		f := storetest.NewFixtures(t, s)
		ana := parley.UserActor(f.User("ana", parley.RoleAgent))
		vic := parley.UserActor(f.User("vic", parley.RoleViewer))

		hi, err := lib.Create(ctx, ana, parley.LibraryItem{Kind: parley.LibrarySnippet, Title: "Hello", Shortcut: "hi", Body: "Hello {{contact.first_name}}"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = lib.Create(ctx, ana, parley.LibraryItem{Kind: parley.LibrarySnippet, Title: "Other", Shortcut: "HI", Body: "x"})
		if e, ok := err.(*parley.Error); !ok || e.Code != parley.ECONFLICT || e.Field != "shortcut" {
			t.Errorf("a taken shortcut: %v, want ECONFLICT on shortcut", err)
		}
		if _, err := lib.Create(ctx, vic, parley.LibraryItem{Kind: parley.LibrarySnippet, Title: "V", Shortcut: "v", Body: "x"}); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("a viewer writing: %v, want EFORBIDDEN", err)
		}
		if items, err := lib.Items(ctx, vic, parley.LibrarySnippet); err != nil || len(items) != 1 {
			t.Errorf("a viewer reading: %v %v", items, err)
		}
		if _, err := lib.Update(ctx, ana, parley.LibraryTemplate, hi.ID, library.Patch{Title: str("x")}); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("a snippet updated as a template: %v, want ENOTFOUND", err)
		}
		got, err := lib.Update(ctx, ana, parley.LibrarySnippet, hi.ID, library.Patch{Body: str("Hi there"), Shortcut: str("hey")})
		if err != nil || got.Body != "Hi there" || got.Shortcut != "hey" || got.Title != "Hello" {
			t.Errorf("update: %+v %v", got, err)
		}
		if _, err := lib.Update(ctx, ana, parley.LibrarySnippet, hi.ID, library.Patch{Shortcut: str("")}); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("shortcut removed: %v, want EINVALID", err)
		}
		if err := lib.Delete(ctx, ana, parley.LibrarySnippet, hi.ID); err != nil {
			t.Fatal(err)
		}
		if err := lib.Delete(ctx, ana, parley.LibrarySnippet, hi.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("deleted twice: %v, want ENOTFOUND", err)
		}
		evs, _ := s.EventsAfter(ctx, 0, 100)
		var n int
		for _, e := range evs {
			if e.Type == parley.EventLibraryChanged {
				n++
			}
		}
		if n != 3 {
			t.Errorf("%d library events, want 3 (created, updated, deleted)", n)
		}
	})
}

// TestDocuments: a document is stored once, fetched by its link, which is
// not guessable and stops working when it is deleted.
func TestDocuments(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		blobs, _ := blob.Open(t.TempDir())
		lib := library.New(s, blobs, nil)
		f := storetest.NewFixtures(t, s)
		ana := parley.UserActor(f.User("ana", parley.RoleAgent))
		vic := parley.UserActor(f.User("vic", parley.RoleViewer))
		if _, err := lib.AddDocument(ctx, vic, "x.pdf", "application/pdf", []byte("%PDF")); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("a viewer adding: %v", err)
		}
		if _, err := lib.AddDocument(ctx, ana, "", "application/pdf", []byte("%PDF")); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("no name: %v", err)
		}
		d, err := lib.AddDocument(ctx, ana, `C:\docs\Price list.pdf`, "application/pdf; name=x", []byte("%PDF-1.7"))
		if err != nil {
			t.Fatal(err)
		}
		if d.Name != "Price list.pdf" || d.ContentType != "application/pdf" || len(d.Token) < 40 {
			t.Errorf("document: %+v", d)
		}
		got, err := lib.DocumentByLink(ctx, d.Token)
		if err != nil || got.ID != d.ID {
			t.Fatalf("by link: %+v %v", got, err)
		}
		other := "x"
		if strings.HasSuffix(d.Token, other) {
			other = "y"
		}
		for _, guess := range []string{"", "1", d.Token[:len(d.Token)-1] + other} {
			if _, err := lib.DocumentByLink(ctx, guess); parley.ErrorCode(err) != parley.ENOTFOUND {
				t.Errorf("link %q: %v, want ENOTFOUND", guess, err)
			}
		}
		if err := lib.DeleteDocument(ctx, ana, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := lib.DocumentByLink(ctx, d.Token); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("deleted document by link: %v", err)
		}
	})
}

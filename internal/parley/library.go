package parley

import "time"

// LibraryKind is what a library item is for in the composer (SPEC CMP-2).
type LibraryKind string

// Library kinds.
const (
	LibraryTemplate LibraryKind = "template" // an email with a subject and a body
	LibrarySnippet  LibraryKind = "snippet"  // short text, inserted by typing #shortcut
	LibraryArticle  LibraryKind = "article"  // a knowledge-base article: title and link
)

// Valid reports whether k is a known kind.
func (k LibraryKind) Valid() bool {
	return k == LibraryTemplate || k == LibrarySnippet || k == LibraryArticle
}

// LibraryItem is a template, a snippet or an article the team shares.
// Templates and snippets may hold contact and agent tokens such as
// {{contact.first_name}}, filled in when inserted.
type LibraryItem struct {
	ID        ID
	Kind      LibraryKind
	Title     string
	Shortcut  string // snippets: the word after #, unique
	Subject   string // templates
	Body      string
	URL       string // articles
	Language  string // articles: en or fr, the language chat bots suggest it in; "": every language
	CreatedBy *ID
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Document is a file stored once and shared by link in replies; the link
// carries Token, which no one can guess.
type Document struct {
	ID          ID
	Name        string
	ContentType string
	Size        int64
	Blob        string
	Token       string
	CreatedBy   *ID
	CreatedAt   time.Time
}

package store

import (
	"context"
	"fmt"

	"github.com/parleyhq/parley/internal/parley"
)

const libraryColumns = `id, kind, title, COALESCE(shortcut, ''), subject, body, url, language, created_by, created_at, updated_at`

func scanLibraryItem(sc interface{ Scan(...any) error }, it *parley.LibraryItem) error {
	return sc.Scan(&it.ID, &it.Kind, &it.Title, &it.Shortcut, &it.Subject, &it.Body, &it.URL, &it.Language, &it.CreatedBy, &it.CreatedAt, &it.UpdatedAt)
}

// CreateLibraryItem inserts it and sets it.ID. A taken shortcut is ECONFLICT.
func (tx *Tx) CreateLibraryItem(ctx context.Context, it *parley.LibraryItem) error {
	err := tx.db.QueryRowContext(ctx, `INSERT INTO library_items (kind, title, shortcut, subject, body, url, language, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		it.Kind, it.Title, nullString(it.Shortcut), it.Subject, it.Body, it.URL, it.Language, it.CreatedBy, it.CreatedAt, it.UpdatedAt).Scan(&it.ID)
	return tx.wrap(err, "create %s", it.Kind)
}

// UpdateLibraryItem saves it. A taken shortcut is ECONFLICT.
func (tx *Tx) UpdateLibraryItem(ctx context.Context, it *parley.LibraryItem) error {
	return tx.exec1(ctx, string(it.Kind), `UPDATE library_items SET title = $2, shortcut = $3, subject = $4, body = $5, url = $6, language = $7, updated_at = $8
		WHERE id = $1`, it.ID, it.Title, nullString(it.Shortcut), it.Subject, it.Body, it.URL, it.Language, it.UpdatedAt)
}

// DeleteLibraryItem removes an item, or is ENOTFOUND.
func (tx *Tx) DeleteLibraryItem(ctx context.Context, id parley.ID) error {
	return tx.exec1(ctx, "library item", `DELETE FROM library_items WHERE id = $1`, id)
}

// LibraryItem returns an item, or ENOTFOUND.
func (q *Q) LibraryItem(ctx context.Context, id parley.ID) (*parley.LibraryItem, error) {
	var it parley.LibraryItem
	err := scanLibraryItem(q.db.QueryRowContext(ctx, `SELECT `+libraryColumns+` FROM library_items WHERE id = $1`, id), &it)
	if err != nil {
		return nil, q.notFound(err, "library item")
	}
	return &it, nil
}

// LibraryItems returns the items of a kind, by title.
func (q *Q) LibraryItems(ctx context.Context, kind parley.LibraryKind) ([]parley.LibraryItem, error) {
	return appendRows(ctx, q, nil, fmt.Sprintf("%ss", kind),
		`SELECT `+libraryColumns+` FROM library_items WHERE kind = $1 ORDER BY title, id`, []any{kind}, scanLibraryItem)
}

const documentColumns = `id, name, content_type, size, blob, token, created_by, created_at`

func scanDocument(sc interface{ Scan(...any) error }, d *parley.Document) error {
	return sc.Scan(&d.ID, &d.Name, &d.ContentType, &d.Size, &d.Blob, &d.Token, &d.CreatedBy, &d.CreatedAt)
}

// CreateDocument inserts d and sets d.ID.
func (tx *Tx) CreateDocument(ctx context.Context, d *parley.Document) error {
	err := tx.db.QueryRowContext(ctx, `INSERT INTO documents (name, content_type, size, blob, token, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, d.Name, d.ContentType, d.Size, d.Blob, d.Token, d.CreatedBy, d.CreatedAt).Scan(&d.ID)
	return tx.wrap(err, "create document")
}

// DeleteDocument removes a document (its link stops working), or is ENOTFOUND.
func (tx *Tx) DeleteDocument(ctx context.Context, id parley.ID) error {
	return tx.exec1(ctx, "document", `DELETE FROM documents WHERE id = $1`, id)
}

// Documents returns every document, newest first.
func (q *Q) Documents(ctx context.Context) ([]parley.Document, error) {
	return appendRows(ctx, q, nil, "documents", `SELECT `+documentColumns+` FROM documents ORDER BY created_at DESC, id DESC`, nil, scanDocument)
}

// DocumentByToken returns the document a link names, or ENOTFOUND.
func (q *Q) DocumentByToken(ctx context.Context, token string) (*parley.Document, error) {
	var d parley.Document
	err := scanDocument(q.db.QueryRowContext(ctx, `SELECT `+documentColumns+` FROM documents WHERE token = $1`, token), &d)
	if err != nil {
		return nil, q.notFound(err, "document")
	}
	return &d, nil
}

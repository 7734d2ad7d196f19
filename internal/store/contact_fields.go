package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/parleyhq/parley/internal/parley"
)

const contactFieldColumns = `id, key, label, type, choices, applies_to, position, created_at`

func scanContactField(sc interface{ Scan(...any) error }, f *parley.ContactField) error {
	var choices string
	if err := sc.Scan(&f.ID, &f.Key, &f.Label, &f.Type, &choices, &f.AppliesTo, &f.Position, &f.CreatedAt); err != nil {
		return err
	}
	if choices != "" {
		if err := json.Unmarshal([]byte(choices), &f.Choices); err != nil {
			return fmt.Errorf("contact field %d: choices: %w", f.ID, err)
		}
	}
	return nil
}

// ContactFields returns the contact fields, in order.
func (q *Q) ContactFields(ctx context.Context) ([]parley.ContactField, error) {
	return appendRows(ctx, q, nil, "contact fields", `SELECT `+contactFieldColumns+` FROM contact_fields ORDER BY position, id`, nil, scanContactField)
}

// ContactField returns a contact field, or ENOTFOUND.
func (q *Q) ContactField(ctx context.Context, id parley.ID) (*parley.ContactField, error) {
	var f parley.ContactField
	if err := scanContactField(q.db.QueryRowContext(ctx, `SELECT `+contactFieldColumns+` FROM contact_fields WHERE id = $1`, id), &f); err != nil {
		return nil, q.notFound(err, "contact field")
	}
	return &f, nil
}

// ContactFieldByKey returns the contact field with a key, or ENOTFOUND.
func (q *Q) ContactFieldByKey(ctx context.Context, key string) (*parley.ContactField, error) {
	var f parley.ContactField
	if err := scanContactField(q.db.QueryRowContext(ctx, `SELECT `+contactFieldColumns+` FROM contact_fields WHERE key = $1`, key), &f); err != nil {
		return nil, q.notFound(err, "contact field")
	}
	return &f, nil
}

// CreateContactField inserts f, last, and sets its id. A taken key is
// ECONFLICT.
func (tx *Tx) CreateContactField(ctx context.Context, f *parley.ContactField) error {
	choices, err := jsonColumn(&f.Choices)
	if err != nil || f.Choices == nil {
		choices = ""
	}
	if f.AppliesTo == "" {
		f.AppliesTo = "contact"
	}
	err = tx.db.QueryRowContext(ctx, `INSERT INTO contact_fields (key, label, type, choices, applies_to, position, created_at)
		VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(position), 0) + 1 FROM contact_fields), $6) RETURNING id, position`,
		f.Key, f.Label, f.Type, choices, f.AppliesTo, f.CreatedAt).Scan(&f.ID, &f.Position)
	return tx.wrap(err, "create contact field")
}

// UpdateContactField saves a field's label and choices.
func (tx *Tx) UpdateContactField(ctx context.Context, f *parley.ContactField) error {
	choices, err := jsonColumn(&f.Choices)
	if err != nil || f.Choices == nil {
		choices = ""
	}
	return tx.exec1(ctx, "contact field", `UPDATE contact_fields SET label = $2, choices = $3 WHERE id = $1`, f.ID, f.Label, choices)
}

// DeleteContactField removes a field's definition (its values stay in the
// contacts' details), or is ENOTFOUND.
func (tx *Tx) DeleteContactField(ctx context.Context, id parley.ID) error {
	return tx.exec1(ctx, "contact field", `DELETE FROM contact_fields WHERE id = $1`, id)
}

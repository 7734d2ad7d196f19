package store

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// ContactList is a named set of contacts (SPEC CHT-3), with how many are
// in it.
type ContactList struct {
	ID        parley.ID
	Name      string
	Members   int
	CreatedAt time.Time
}

const contactListColumns = `l.id, l.name, l.created_at,
	(SELECT COUNT(*) FROM contact_list_members m WHERE m.list_id = l.id)`

func scanContactList(sc interface{ Scan(...any) error }, l *ContactList) error {
	return sc.Scan(&l.ID, &l.Name, &l.CreatedAt, &l.Members)
}

// ContactLists returns every contact list by name.
func (q *Q) ContactLists(ctx context.Context) ([]ContactList, error) {
	return appendRows(ctx, q, nil, "contact lists", `SELECT `+contactListColumns+` FROM contact_lists l ORDER BY l.name, l.id`,
		nil, scanContactList)
}

// ContactList returns a contact list, or ENOTFOUND; in a transaction the
// row is locked until it ends, so a list is not deleted while a chat flow
// that names it is saved, nor named while it is deleted.
func (q *Q) ContactList(ctx context.Context, id parley.ID) (*ContactList, error) {
	var l ContactList
	err := scanContactList(q.db.QueryRowContext(ctx, `SELECT `+contactListColumns+` FROM contact_lists l WHERE l.id = $1`+q.lock, id), &l)
	if err != nil {
		return nil, q.notFound(err, "contact list")
	}
	return &l, nil
}

// CreateContactList inserts l and sets its id. A taken name is ECONFLICT.
func (tx *Tx) CreateContactList(ctx context.Context, l *ContactList) error {
	err := tx.db.QueryRowContext(ctx, `INSERT INTO contact_lists (name, created_at) VALUES ($1, $2) RETURNING id`,
		l.Name, l.CreatedAt).Scan(&l.ID)
	return tx.wrap(err, "create contact list")
}

// RenameContactList changes a list's name. A taken name is ECONFLICT, a
// missing list ENOTFOUND.
func (tx *Tx) RenameContactList(ctx context.Context, id parley.ID, name string) error {
	return tx.exec1(ctx, "contact list", `UPDATE contact_lists SET name = $2 WHERE id = $1`, id, name)
}

// DeleteContactList removes a list; its contacts stay.
func (tx *Tx) DeleteContactList(ctx context.Context, id parley.ID) error {
	return tx.exec1(ctx, "contact list", `DELETE FROM contact_lists WHERE id = $1`, id)
}

// AddToContactList puts a contact in a list, and reports whether it was
// not in it already.
func (tx *Tx) AddToContactList(ctx context.Context, listID, contactID parley.ID, at time.Time) (bool, error) {
	res, err := tx.db.ExecContext(ctx, `INSERT INTO contact_list_members (list_id, contact_id, added_at) VALUES ($1, $2, $3)
		ON CONFLICT (list_id, contact_id) DO NOTHING`, listID, contactID, at)
	if err != nil {
		return false, tx.wrap(err, "add to contact list")
	}
	n, err := res.RowsAffected()
	return n > 0, tx.wrap(err, "add to contact list")
}

// RemoveFromContactList takes a contact out of a list, and reports whether
// it was in it.
func (tx *Tx) RemoveFromContactList(ctx context.Context, listID, contactID parley.ID) (bool, error) {
	res, err := tx.db.ExecContext(ctx, `DELETE FROM contact_list_members WHERE list_id = $1 AND contact_id = $2`, listID, contactID)
	if err != nil {
		return false, tx.wrap(err, "remove from contact list")
	}
	n, err := res.RowsAffected()
	return n > 0, tx.wrap(err, "remove from contact list")
}

// ContactListsOf returns the ids of the lists a contact is in.
func (q *Q) ContactListsOf(ctx context.Context, contactID parley.ID) ([]parley.ID, error) {
	return appendRows(ctx, q, nil, "contact lists", `SELECT list_id FROM contact_list_members WHERE contact_id = $1 ORDER BY list_id`,
		[]any{contactID}, func(sc interface{ Scan(...any) error }, id *parley.ID) error { return sc.Scan(id) })
}

// ContactListMembers returns the ids of a list's contacts, in id order,
// after the one with id after, up to limit.
func (q *Q) ContactListMembers(ctx context.Context, listID, after parley.ID, limit int) ([]parley.ID, error) {
	return appendRows(ctx, q, nil, "contact list members", `SELECT contact_id FROM contact_list_members
		WHERE list_id = $1 AND contact_id > $2 ORDER BY contact_id LIMIT $3`,
		[]any{listID, after, limit}, func(sc interface{ Scan(...any) error }, id *parley.ID) error { return sc.Scan(id) })
}

// Package crm keeps what Parley knows of its customers beyond their
// conversations. Today: contact lists (SPEC CHT-3), which a chat flow
// shows to or hides from. Contacts, companies, deals and tickets move here
// with issue 16.
package crm

import (
	"context"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Service is the CRM's use-cases.
type Service struct {
	store *store.Store
	now   func() time.Time
	inUse func(ctx context.Context, q *store.Q, listID parley.ID) ([]string, error)
}

// Options complete a Service; every field has a working zero.
type Options struct {
	Now func() time.Time // nil: the real clock
	// InUse names what uses a list (chat flows whose audience is it), read
	// with q in the deleting transaction: a list in use is not deleted.
	InUse func(ctx context.Context, q *store.Q, listID parley.ID) ([]string, error)
}

// New returns the CRM on s.
func New(s *store.Store, o Options) *Service {
	if o.Now == nil {
		o.Now = parley.Now
	}
	if o.InUse == nil {
		o.InUse = func(context.Context, *store.Q, parley.ID) ([]string, error) { return nil, nil }
	}
	return &Service{store: s, now: o.Now, inUse: o.InUse}
}

// signedIn checks that a is a teammate (or Parley itself): what the whole
// team reads.
func signedIn(a parley.Actor) error {
	if a.Kind != parley.ActorUser && a.Kind != parley.ActorSystem {
		return parley.Errorf(parley.EUNAUTHORIZED, "sign in first")
	}
	return nil
}

// Lists returns every contact list, by name: everyone signed in may see
// them (the sidebar offers them).
func (s *Service) Lists(ctx context.Context) ([]store.ContactList, error) {
	return s.store.ContactLists(ctx)
}

// CreateList makes a contact list (admins). A taken name is ECONFLICT.
func (s *Service) CreateList(ctx context.Context, a parley.Actor, name string) (*store.ContactList, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	l := &store.ContactList{CreatedAt: s.now()}
	var err error
	if l.Name, err = listName(name); err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateContactList(ctx, l); err != nil {
			return listError(err)
		}
		tx.Append(parley.NewEvent(parley.EventContactListCreated, a, l.CreatedAt, map[string]any{"list_id": l.ID, "name": l.Name}))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// RenameList renames a contact list (admins).
func (s *Service) RenameList(ctx context.Context, a parley.Actor, id parley.ID, name string) (*store.ContactList, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	name, err := listName(name)
	if err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RenameContactList(ctx, id, name); err != nil {
			return listError(err)
		}
		tx.Append(parley.NewEvent(parley.EventContactListUpdated, a, s.now(), map[string]any{"list_id": id, "name": name}))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.store.ContactList(ctx, id)
}

// DeleteList removes a contact list (admins); its contacts stay. A list a
// chat flow shows to or hides from is ECONFLICT, naming the flow.
func (s *Service) DeleteList(ctx context.Context, a parley.Actor, id parley.ID) error {
	if err := auth.Admin(a); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		// The list's row first: a flow being saved with it waits, or has
		// committed and is seen below.
		l, err := tx.ContactList(ctx, id)
		if err != nil {
			return err
		}
		users, err := s.inUse(ctx, &tx.Q, id)
		if err != nil {
			return err
		}
		if len(users) > 0 {
			return &parley.Error{Code: parley.ECONFLICT, Reason: "list_in_use",
				Message: "the chat flow “" + users[0] + "” shows to or hides from this list: change its audience first"}
		}
		if err := tx.DeleteContactList(ctx, id); err != nil {
			return err
		}
		tx.Append(parley.NewEvent(parley.EventContactListDeleted, a, s.now(), map[string]any{"list_id": id, "name": l.Name}))
		return nil
	})
}

// Members returns a list's contacts in id order after the one with id
// after, up to limit (admins: a list holds contacts of every inbox).
func (s *Service) Members(ctx context.Context, a parley.Actor, id, after parley.ID, limit int) ([]*parley.Contact, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	if _, err := s.store.ContactList(ctx, id); err != nil {
		return nil, err
	}
	ids, err := s.store.ContactListMembers(ctx, id, after, limit)
	if err != nil {
		return nil, err
	}
	byID, err := s.store.ContactsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*parley.Contact, 0, len(ids))
	for _, id := range ids {
		if c, ok := byID[id]; ok {
			out = append(out, c)
		}
	}
	return out, nil
}

// ListsOf returns the lists a contact is in, to anyone who may see the
// contact.
func (s *Service) ListsOf(ctx context.Context, a parley.Actor, contactID parley.ID) ([]store.ContactList, error) {
	if _, err := s.mayContact(ctx, &s.store.Q, a, contactID, auth.Read); err != nil {
		return nil, err
	}
	in, err := s.store.ContactListsOf(ctx, contactID)
	if err != nil {
		return nil, err
	}
	all, err := s.store.ContactLists(ctx)
	if err != nil {
		return nil, err
	}
	out := []store.ContactList{}
	for _, l := range all {
		for _, id := range in {
			if l.ID == id {
				out = append(out, l)
			}
		}
	}
	return out, nil
}

// SetMember puts a contact in a list or takes them out: anyone who may act
// in one of the contact's conversations, or an admin. Doing what is done
// already changes nothing.
func (s *Service) SetMember(ctx context.Context, a parley.Actor, listID, contactID parley.ID, in bool) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.mayContact(ctx, &tx.Q, a, contactID, auth.Act); err != nil {
			return err
		}
		if _, err := tx.ContactList(ctx, listID); err != nil {
			return err
		}
		var changed bool
		var err error
		typ := parley.EventContactListAdded
		if in {
			changed, err = tx.AddToContactList(ctx, listID, contactID, s.now())
		} else {
			typ = parley.EventContactListRemoved
			changed, err = tx.RemoveFromContactList(ctx, listID, contactID)
		}
		if err == nil && changed {
			tx.Append(parley.NewEvent(typ, a, s.now(), map[string]any{"list_id": listID, "contact_id": contactID}))
		}
		return err
	})
}

func listName(name string) (string, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" || len([]rune(name)) > 100 {
		return "", parley.Invalid("name", "is required, up to 100 characters")
	}
	return name, nil
}

func listError(err error) error {
	if parley.ErrorCode(err) == parley.ECONFLICT {
		return &parley.Error{Code: parley.ECONFLICT, Field: "name", Message: "a list with this name exists", Reason: "name_taken"}
	}
	return err
}

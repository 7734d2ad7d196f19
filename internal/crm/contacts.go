package crm

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Contacts (SPEC CRM-1) are the customers: a name, several emails and
// phones, an owner, custom fields. Who may see one follows from its
// conversations (auth.Contact, the one rule): those who may read one of
// them, or, with none, everyone signed in; viewers read, the others edit.

// ContactInput is a new contact, or the fields of one to change: nil
// leaves a field as it is. OwnerID 0 takes the owner away.
type ContactInput struct {
	Name   *string
	Emails *[]string
	Phones *[]string
	// Phone is the primary phone alone: it replaces the first, or, empty,
	// removes it; the others stay.
	Phone   *string
	OwnerID *parley.ID
	// CompanyID attaches the contact to a company; 0 takes it off.
	CompanyID *parley.ID
}

// ContactQuery chooses a page of contacts, newest first.
type ContactQuery struct {
	Q         string     // words each contact has, as the start of a word
	OwnerID   *parley.ID // 0: without an owner
	CompanyID parley.ID
	Domain    string    // those with an address at it and no company
	After     parley.ID // the cursor: the last id of the page before
	Limit     int
}

// Contact returns a contact a may see, as a may see it (without a name
// learnt in an inbox they cannot read); ENOTFOUND otherwise.
func (s *Service) Contact(ctx context.Context, a parley.Actor, id parley.ID) (*parley.Contact, error) {
	c, err := s.mayContact(ctx, &s.store.Q, a, id, auth.Read)
	if err != nil {
		return nil, err
	}
	return seen(ctx, &s.store.Q, a, c)
}

func seen(ctx context.Context, q *store.Q, a parley.Actor, c *parley.Contact) (*parley.Contact, error) {
	readable, err := auth.Readable(ctx, q, a)
	if err != nil {
		return nil, err
	}
	return c.Seen(readable), nil
}

// Contacts returns a page of the contacts a may see, newest first, and
// the cursor of the next page (0 on the last).
func (s *Service) Contacts(ctx context.Context, a parley.Actor, q ContactQuery) ([]*parley.Contact, parley.ID, error) {
	if err := signedIn(a); err != nil {
		return nil, 0, err
	}
	f := store.ContactFilter{OwnerID: q.OwnerID, CompanyID: q.CompanyID, Domain: q.Domain, After: q.After, Limit: q.Limit + 1, All: auth.Admin(a) == nil}
	if strings.TrimSpace(q.Q) != "" {
		if len(q.Q) > store.MaxSearchLength {
			return nil, 0, parley.Invalid("q", "is longer than %d characters", store.MaxSearchLength)
		}
		// An address, or its start (but "@acme.com" is words to find).
		if typed := strings.ToLower(strings.TrimSpace(q.Q)); strings.Index(typed, "@") > 0 && !strings.ContainsFunc(typed, unicode.IsSpace) {
			f.EmailPrefix = typed // an address, or its start
		} else if f.Query = store.Words(q.Q); len(f.Query) == 0 {
			return []*parley.Contact{}, 0, nil
		}
		if len(f.Query) > store.MaxSearchTerms {
			return nil, 0, parley.Invalid("q", "has more than %d words", store.MaxSearchTerms)
		}
	}
	if !f.All {
		var err error
		if f.Inboxes, err = auth.ReadableInboxIDs(ctx, s.store, a); err != nil {
			return nil, 0, err
		}
	}
	readable, err := auth.Readable(ctx, s.store, a)
	if err != nil {
		return nil, 0, err
	}
	out := []*parley.Contact{}
	for {
		page, err := s.store.ListContacts(ctx, f)
		if err != nil {
			return nil, 0, err
		}
		for _, c := range page {
			c = c.Seen(readable)
			// A name learnt in an inbox a cannot read is hidden from them:
			// it must not find the contact either.
			if len(f.Query) > 0 && c.Name == "" && c.NameInbox != nil && !matchesWithoutName(c, f.Query) {
				continue
			}
			if out = append(out, c); len(out) > q.Limit {
				return out[:q.Limit], out[q.Limit-1].ID, nil
			}
		}
		if len(page) < f.Limit {
			return out, 0, nil
		}
		f.After = page[len(page)-1].ID
	}
}

// matchesWithoutName reports whether every word starts a word of c's
// addresses or phones.
func matchesWithoutName(c *parley.Contact, words []string) bool {
	have := store.Words(strings.Join(append(slices.Clone(c.Emails), c.Phones...), " "))
	for _, w := range words {
		if !slices.ContainsFunc(have, func(h string) bool { return strings.HasPrefix(h, w) }) {
			return false
		}
	}
	return true
}

// CreateContact adds a contact by hand (not from a conversation): anyone
// who is not a viewer. It has no conversation, so the whole team sees it.
func (s *Service) CreateContact(ctx context.Context, a parley.Actor, in ContactInput) (*parley.Contact, error) {
	if err := auth.Author(a); err != nil {
		return nil, err
	}
	c := &parley.Contact{CreatedAt: s.now()}
	var out *parley.Contact
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := apply(ctx, tx, c, in); err != nil {
			return err
		}
		if c.Name == "" && len(c.Emails) == 0 && len(c.Phones) == 0 {
			return parley.Invalid("name", "give a name, an email or a phone")
		}
		if err := tx.CreateContact(ctx, c); err != nil {
			return emailTaken(err)
		}
		tx.Append(parley.NewEvent(parley.EventContactCreated, a, s.now(), map[string]any{"contact_id": c.ID}))
		out = c
		return nil
	})
	return out, err
}

// UpdateContact changes a contact's name, emails, phones or owner: anyone
// who may act for the contact. A name a person sets shows to everyone who
// may see the contact.
func (s *Service) UpdateContact(ctx context.Context, a parley.Actor, id parley.ID, in ContactInput) (*parley.Contact, error) {
	var out *parley.Contact
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := s.mayContact(ctx, &tx.Q, a, id, auth.Act)
		if err != nil {
			return err
		}
		if in.Emails != nil && len(*in.Emails) == 0 && len(c.Emails) > 0 {
			// The address mail arrives from is how the contact is known.
			convs, err := tx.ContactConversationIDs(ctx, id, "")
			if err != nil {
				return err
			}
			if len(convs) > 0 {
				return parley.Invalid("emails", "keep at least one address: the contact has conversations").Because("contact_email_needed")
			}
		}
		from := c.OwnerID
		if err := apply(ctx, tx, c, in); err != nil {
			return err
		}
		if err := tx.UpdateContact(ctx, c); err != nil {
			return emailTaken(err)
		}
		tx.Append(parley.NewEvent(parley.EventContactUpdated, a, s.now(), map[string]any{
			"contact_id": c.ID, "owner_id": c.OwnerID, "from_owner_id": from}))
		out, err = seen(ctx, &tx.Q, a, c)
		return err
	})
	return out, err
}

// apply checks in and writes it onto c.
func apply(ctx context.Context, tx *store.Tx, c *parley.Contact, in ContactInput) error {
	if in.Name != nil {
		name := strings.Join(strings.Fields(*in.Name), " ")
		if utf8.RuneCountInString(name) > 200 {
			return parley.Invalid("name", "is longer than 200 characters")
		}
		c.Name, c.NameInbox = name, nil
	}
	if in.Emails != nil {
		emails, err := checkEmails(*in.Emails)
		if err != nil {
			return err
		}
		c.Emails, c.Email = emails, ""
		if len(emails) > 0 {
			c.Email = emails[0]
		}
	}
	if in.Phones != nil {
		phones, err := checkPhones(*in.Phones)
		if err != nil {
			return err
		}
		c.Phones, c.Phone = phones, ""
		if len(phones) > 0 {
			c.Phone = phones[0]
		}
	}
	if in.Phone != nil {
		phones := slices.Clone(c.Phones)
		if len(phones) > 0 {
			phones = phones[1:]
		}
		if strings.TrimSpace(*in.Phone) != "" {
			phone, err := CheckPhone("phone", *in.Phone)
			if err != nil {
				return err
			}
			phones = append([]string{phone}, slices.DeleteFunc(phones, func(p string) bool { return p == phone })...)
		}
		c.Phones, c.Phone = phones, ""
		if len(phones) > 0 {
			c.Phone = phones[0]
		}
	}
	if in.CompanyID != nil {
		c.CompanyID = nil
		if *in.CompanyID != 0 {
			if err := checkCompany(ctx, tx, *in.CompanyID); err != nil {
				return err
			}
			c.CompanyID = in.CompanyID
		}
	}
	if in.OwnerID != nil {
		c.OwnerID = nil
		if *in.OwnerID != 0 {
			if err := checkOwner(ctx, tx, in.OwnerID); err != nil {
				return err
			}
			c.OwnerID = in.OwnerID
		}
	}
	return nil
}

// A contact has at most this many emails and phones.
const maxAddresses = 20

func checkEmails(in []string) ([]string, error) {
	if len(in) > maxAddresses {
		return nil, parley.Invalid("emails", "has more than %d addresses", maxAddresses)
	}
	out := make([]string, 0, len(in))
	for i, e := range in {
		e, err := parley.EmailAddress(fmt.Sprintf("emails[%d]", i), e)
		if err != nil {
			return nil, err
		}
		if slices.Contains(out, e) {
			return nil, parley.Invalid(fmt.Sprintf("emails[%d]", i), "%s is given twice", e)
		}
		out = append(out, e)
	}
	return out, nil
}

// CheckPhone returns a phone number as kept (trimmed), or EINVALID naming
// field (parley.PhoneNumber).
func CheckPhone(field, phone string) (string, error) { return parley.PhoneNumber(field, phone) }

func checkPhones(in []string) ([]string, error) {
	if len(in) > maxAddresses {
		return nil, parley.Invalid("phones", "has more than %d phones", maxAddresses)
	}
	out := make([]string, 0, len(in))
	for i, p := range in {
		p, err := CheckPhone(fmt.Sprintf("phones[%d]", i), p)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// emailTaken says which address another contact has.
func emailTaken(err error) error {
	if parley.ErrorCode(err) == parley.ECONFLICT {
		return (&parley.Error{Code: parley.ECONFLICT, Field: "emails",
			Message: "another contact has one of these addresses: merge the two contacts instead"}).Because("contact_email_taken")
	}
	return err
}

// Consents returns what a contact agreed to, oldest first, to someone who
// may see the contact (SPEC CHT-10).
func (s *Service) Consents(ctx context.Context, a parley.Actor, id parley.ID) ([]store.Consent, error) {
	if _, err := s.mayContact(ctx, &s.store.Q, a, id, auth.Read); err != nil {
		return nil, err
	}
	return s.store.Consents(ctx, id)
}

// ContactConversations returns a contact's conversations that a may read,
// most recently active first, up to limit (SPEC CRM-1: past conversations
// in the sidebar and on the contact's page).
func (s *Service) ContactConversations(ctx context.Context, a parley.Actor, contactID parley.ID, limit int) ([]parley.Conversation, error) {
	if _, err := s.mayContact(ctx, &s.store.Q, a, contactID, auth.Read); err != nil {
		return nil, err
	}
	// Look further back than limit: some may be in inboxes a cannot read.
	convs, err := s.store.ContactConversations(ctx, contactID, 4*limit)
	if err != nil {
		return nil, err
	}
	readable, err := auth.Readable(ctx, s.store, a)
	if err != nil {
		return nil, err
	}
	out := convs[:0]
	for _, c := range convs {
		if readable(c.InboxID) && len(out) < limit {
			out = append(out, c)
		}
	}
	return out, nil
}

// mayContact loads a contact a may do p to (auth.Contact decides); anyone
// else is told it does not exist.
func (s *Service) mayContact(ctx context.Context, q *store.Q, a parley.Actor, contactID parley.ID, p auth.Perm) (*parley.Contact, error) {
	c, err := q.Contact(ctx, contactID)
	if err != nil {
		return nil, err
	}
	convs, err := q.ContactConversationIDs(ctx, contactID, "")
	if err != nil {
		return nil, err
	}
	return c, auth.Contact(ctx, q, a, convs, p)
}

package crm

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Contact fields (SPEC CRM-1): admins define typed fields every contact
// may have; whoever may act for a contact sets their values, checked by
// type. A value lives in the contact's details under the field's key — a
// chat bot asking custom:<key> fills the same — so removing a field keeps
// its values, and adding it again finds them.

// Field types.
var fieldTypes = []string{"text", "number", "date", "choice"}

var fieldKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,49}$`)

// Fields returns the contact fields, in order; anyone signed in reads them.
func (s *Service) Fields(ctx context.Context, a parley.Actor) ([]parley.ContactField, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	return s.store.ContactFields(ctx)
}

// checkField normalises a field's label and choices, naming the field at
// fault.
func checkField(f *parley.ContactField) error {
	f.Label = strings.TrimSpace(f.Label)
	if f.Label == "" || len([]rune(f.Label)) > 60 {
		return parley.Invalid("label", "is required, up to 60 characters")
	}
	if f.Type != "choice" {
		f.Choices = nil
		return nil
	}
	if len(f.Choices) == 0 || len(f.Choices) > 50 {
		return parley.Invalid("choices", "a choice offers 1 to 50 choices")
	}
	seen := map[string]bool{}
	for i := range f.Choices {
		c := strings.TrimSpace(f.Choices[i])
		if c == "" || len([]rune(c)) > 100 || seen[c] {
			return parley.Invalid(fmt.Sprintf("choices[%d]", i), "must be a new choice, up to 100 characters")
		}
		seen[c], f.Choices[i] = true, c
	}
	return nil
}

// CreateField defines a contact field (admins). Its key is fixed once
// made; a taken key is ECONFLICT.
func (s *Service) CreateField(ctx context.Context, a parley.Actor, f parley.ContactField) (*parley.ContactField, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	f.Key = strings.TrimSpace(f.Key)
	switch {
	case !fieldKey.MatchString(f.Key):
		return nil, parley.Invalid("key", "is 1 to 50 lowercase letters, digits or _, starting with a letter")
	case f.Key == "name" || f.Key == "email" || f.Key == "phone" || f.Key == "company":
		return nil, parley.Invalid("key", "%q is a contact's own field", f.Key)
	case !slices.Contains(fieldTypes, f.Type):
		return nil, parley.Invalid("type", "must be text, number, date or choice")
	case f.AppliesTo != "" && f.AppliesTo != "contact" && f.AppliesTo != "company":
		return nil, parley.Invalid("applies_to", "must be contact or company")
	}
	if err := checkField(&f); err != nil {
		return nil, err
	}
	f.CreatedAt = s.now()
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateContactField(ctx, &f); err != nil {
			if parley.ErrorCode(err) == parley.ECONFLICT {
				return (&parley.Error{Code: parley.ECONFLICT, Field: "key", Message: fmt.Sprintf("a field already has the key %q", f.Key)}).Because("field_key_taken")
			}
			return err
		}
		tx.Append(fieldEvent(a, &f, "created", f.CreatedAt))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// UpdateField changes a field's label and choices (admins); its key and
// type stay.
func (s *Service) UpdateField(ctx context.Context, a parley.Actor, id parley.ID, label string, choices []string) (*parley.ContactField, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	var out *parley.ContactField
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		f, err := tx.ContactField(ctx, id)
		if err != nil {
			return err
		}
		f.Label, f.Choices = label, choices
		if err := checkField(f); err != nil {
			return err
		}
		if err := tx.UpdateContactField(ctx, f); err != nil {
			return err
		}
		tx.Append(fieldEvent(a, f, "updated", s.now()))
		out = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteField removes a field's definition (admins); the values stay on
// the contacts, found again if a field with its key comes back.
func (s *Service) DeleteField(ctx context.Context, a parley.Actor, id parley.ID) error {
	if err := auth.Admin(a); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		f, err := tx.ContactField(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteContactField(ctx, id); err != nil {
			return err
		}
		tx.Append(fieldEvent(a, f, "deleted", s.now()))
		return nil
	})
}

func fieldEvent(a parley.Actor, f *parley.ContactField, change string, at time.Time) parley.Event {
	return parley.NewEvent(parley.EventContactFieldChanged, a, at, map[string]any{"field_id": f.ID, "key": f.Key, "change": change})
}

// SetField sets a contact's value of a field, checked by its type, for
// whoever may act for the contact; an empty value clears it.
func (s *Service) SetField(ctx context.Context, a parley.Actor, contactID parley.ID, key, value string) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.mayContact(ctx, &tx.Q, a, contactID, auth.Act); err != nil {
			return err
		}
		f, err := fieldFor(ctx, tx, "contact", key)
		if err != nil {
			return err
		}
		if value, err = fieldValue(f, value); err != nil {
			return err
		}
		if err := tx.SetContactDetail(ctx, contactID, key, value); err != nil {
			return err
		}
		tx.Append(parley.NewEvent(parley.EventContactUpdated, a, s.now(), map[string]any{"contact_id": contactID, "field": key}))
		return nil
	})
}

// fieldFor returns the field with a key that applies to a contact or a
// company (what), or EINVALID naming key.
func fieldFor(ctx context.Context, tx *store.Tx, what, key string) (*parley.ContactField, error) {
	f, err := tx.ContactFieldByKey(ctx, key)
	if parley.ErrorCode(err) == parley.ENOTFOUND || err == nil && f.AppliesTo != what {
		return nil, parley.Invalid("key", "no %s field has the key %q", what, key)
	}
	return f, err
}

// SetCompanyField sets a company's value of a company field, checked by
// its type, for anyone but viewers; an empty value clears it.
func (s *Service) SetCompanyField(ctx context.Context, a parley.Actor, companyID parley.ID, key, value string) error {
	if err := auth.Author(a); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.Company(ctx, companyID)
		if err != nil {
			return err
		}
		f, err := fieldFor(ctx, tx, "company", key)
		if err != nil {
			return err
		}
		if value, err = fieldValue(f, value); err != nil {
			return err
		}
		if err := tx.SetCompanyDetail(ctx, companyID, key, value); err != nil {
			return err
		}
		tx.Append(companyEvent(a, c, parley.EventCompanyUpdated, s.now()))
		return nil
	})
}

// fieldValue checks a value for a field's type and returns it as kept:
// numbers as written (a dot for decimals), dates as YYYY-MM-DD.
func fieldValue(f *parley.ContactField, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	bad := func(format string, args ...any) error {
		return (&parley.Error{Code: parley.EINVALID, Field: "value", Message: fmt.Sprintf(format, args...)}).Because("field_value")
	}
	switch f.Type {
	case "number":
		n, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
		if err != nil {
			return "", bad("%s must be a number", f.Label)
		}
		return strconv.FormatFloat(n, 'f', -1, 64), nil
	case "date":
		d, err := time.Parse("2006-01-02", v)
		if err != nil {
			return "", bad("%s must be a date, YYYY-MM-DD", f.Label)
		}
		return d.Format("2006-01-02"), nil
	case "choice":
		if !slices.Contains(f.Choices, v) {
			return "", bad("%s must be one of its choices", f.Label)
		}
	default:
		if len([]rune(v)) > 500 {
			return "", bad("%s is longer than 500 characters", f.Label)
		}
	}
	return v, nil
}

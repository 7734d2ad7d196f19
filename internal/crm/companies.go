package crm

import (
	"context"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Companies (SPEC CRM-1) are the organisations contacts work for. They
// are the whole team's: everyone signed in reads them, everyone but
// viewers edits. A company's domain suggests it for a contact with an
// address there; a person attaches the contact, never Parley alone.

// CompanyInput is a new company, or the fields of one to change: nil
// leaves a field as it is; OwnerID 0 takes the owner away.
type CompanyInput struct {
	Name    *string
	Domain  *string
	OwnerID *parley.ID
}

// CompanyQuery chooses a page of companies, newest first.
type CompanyQuery struct {
	Q       string
	OwnerID *parley.ID
	After   parley.ID
	Limit   int
}

// Companies returns a page of companies, and the next page's cursor (0 on
// the last).
func (s *Service) Companies(ctx context.Context, a parley.Actor, q CompanyQuery) ([]parley.Company, parley.ID, error) {
	if err := signedIn(a); err != nil {
		return nil, 0, err
	}
	if len(q.Q) > 200 {
		return nil, 0, parley.Invalid("q", "is longer than 200 characters")
	}
	cs, err := s.store.Companies(ctx, store.CompanyFilter{Query: strings.TrimSpace(q.Q), OwnerID: q.OwnerID, After: q.After, Limit: q.Limit + 1})
	if err != nil {
		return nil, 0, err
	}
	if len(cs) > q.Limit {
		return cs[:q.Limit], cs[q.Limit-1].ID, nil
	}
	return cs, 0, nil
}

// Company returns a company to anyone signed in.
func (s *Service) Company(ctx context.Context, a parley.Actor, id parley.ID) (*parley.Company, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	return s.store.Company(ctx, id)
}

// CreateCompany adds a company.
func (s *Service) CreateCompany(ctx context.Context, a parley.Actor, in CompanyInput) (*parley.Company, error) {
	if err := auth.Author(a); err != nil {
		return nil, err
	}
	if in.Name == nil {
		return nil, parley.Invalid("name", "is required")
	}
	c := &parley.Company{CreatedAt: s.now()}
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := applyCompany(ctx, tx, c, in); err != nil {
			return err
		}
		if err := tx.CreateCompany(ctx, c); err != nil {
			return err
		}
		tx.Append(companyEvent(a, c, parley.EventCompanyCreated, s.now()))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateCompany changes a company's name, domain or owner.
func (s *Service) UpdateCompany(ctx context.Context, a parley.Actor, id parley.ID, in CompanyInput) (*parley.Company, error) {
	if err := auth.Author(a); err != nil {
		return nil, err
	}
	var out *parley.Company
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.Company(ctx, id)
		if err != nil {
			return err
		}
		if err := applyCompany(ctx, tx, c, in); err != nil {
			return err
		}
		if err := tx.UpdateCompany(ctx, c); err != nil {
			return err
		}
		tx.Append(companyEvent(a, c, parley.EventCompanyUpdated, s.now()))
		out = c
		return nil
	})
	return out, err
}

// DeleteCompany removes a company; its contacts and tickets stay, without
// a company.
func (s *Service) DeleteCompany(ctx context.Context, a parley.Actor, id parley.ID) error {
	if err := auth.Author(a); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.Company(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteCompany(ctx, id); err != nil {
			return err
		}
		tx.Append(companyEvent(a, c, parley.EventCompanyDeleted, s.now()))
		return nil
	})
}

func companyEvent(a parley.Actor, c *parley.Company, typ string, at time.Time) parley.Event {
	return parley.NewEvent(typ, a, at, map[string]any{"company_id": c.ID, "name": c.Name})
}

func applyCompany(ctx context.Context, tx *store.Tx, c *parley.Company, in CompanyInput) error {
	if in.Name != nil {
		name := strings.Join(strings.Fields(*in.Name), " ")
		switch {
		case name == "":
			return parley.Invalid("name", "is required")
		case utf8.RuneCountInString(name) > 200:
			return parley.Invalid("name", "is longer than 200 characters")
		}
		c.Name = name
	}
	if in.Domain != nil {
		d, err := Domain(*in.Domain)
		if err != nil {
			return err
		}
		c.Domain = d
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

// Domain returns a company's domain as kept — lowercased, without a
// scheme, "www." or a path — or EINVALID naming domain; "" is none.
func Domain(s string) (string, error) {
	d := strings.ToLower(strings.TrimSpace(s))
	d = strings.TrimPrefix(strings.TrimPrefix(d, "https://"), "http://")
	d = strings.TrimPrefix(d, "www.")
	if i := strings.IndexAny(d, "/?#"); i >= 0 {
		d = d[:i]
	}
	if d == "" {
		return "", nil
	}
	if len(d) > 253 || !strings.Contains(d, ".") || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") ||
		strings.ContainsFunc(d, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') }) {
		return "", parley.Invalid("domain", "is not a domain name such as example.com").Because("domain_invalid")
	}
	return d, nil
}

// SuggestedCompanies returns the companies whose domain one of a
// contact's addresses is at, but not the contact's own: for a person to
// attach (SPEC CRM-1: suggested, never silently attached).
func (s *Service) SuggestedCompanies(ctx context.Context, a parley.Actor, contactID parley.ID) ([]parley.Company, error) {
	c, err := s.mayContact(ctx, &s.store.Q, a, contactID, auth.Read)
	if err != nil {
		return nil, err
	}
	domains := []string{}
	for _, e := range c.Emails {
		if addr, err := mail.ParseAddress(e); err == nil {
			d := strings.ToLower(addr.Address[strings.LastIndex(addr.Address, "@")+1:])
			if !slices.Contains(domains, d) {
				domains = append(domains, d)
			}
		}
	}
	cs, err := s.store.Companies(ctx, store.CompanyFilter{Domains: domains, Limit: 5})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(cs, func(m parley.Company) bool { return c.CompanyID != nil && m.ID == *c.CompanyID }), nil
}

// CompanyConversations returns the conversations of a company's contacts
// that a may read, most recently active first.
func (s *Service) CompanyConversations(ctx context.Context, a parley.Actor, id parley.ID, limit int) ([]parley.Conversation, error) {
	if _, err := s.Company(ctx, a, id); err != nil {
		return nil, err
	}
	inboxes, err := auth.ReadableInboxIDs(ctx, s.store, a)
	if err != nil {
		return nil, err
	}
	return s.store.CompanyConversations(ctx, id, inboxes, limit)
}

// CompanyContacts returns a page of a company's contacts that a may see.
func (s *Service) CompanyContacts(ctx context.Context, a parley.Actor, id parley.ID, after parley.ID, limit int) ([]*parley.Contact, parley.ID, error) {
	if _, err := s.Company(ctx, a, id); err != nil {
		return nil, 0, err
	}
	return s.Contacts(ctx, a, ContactQuery{CompanyID: id, After: after, Limit: limit})
}

// SuggestedContacts returns a page of the contacts a may see with an
// address at a company's domain and no company: for a person to attach
// (SPEC CRM-1: suggested, never silently attached).
func (s *Service) SuggestedContacts(ctx context.Context, a parley.Actor, id parley.ID, after parley.ID, limit int) ([]*parley.Contact, parley.ID, error) {
	c, err := s.Company(ctx, a, id)
	if err != nil {
		return nil, 0, err
	}
	if c.Domain == "" {
		return []*parley.Contact{}, 0, nil
	}
	return s.Contacts(ctx, a, ContactQuery{Domain: c.Domain, After: after, Limit: limit})
}

package server

import (
	"context"
	"strconv"
	"time"

	"github.com/parleyhq/parley/internal/crm"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
)

// companyJSON is a company as the API shows it.
type companyJSON struct {
	ID        parley.ID  `json:"id"`
	Name      string     `json:"name"`
	Domain    string     `json:"domain" doc:"Contacts with an address at this domain are offered the company; empty for none."`
	OwnerID   *parley.ID `json:"owner_id"`
	Contacts  int        `json:"contacts" doc:"How many contacts it has."`
	CreatedAt time.Time  `json:"created_at"`
	// Details are its values of the company fields.
	Details map[string]string `json:"details,omitempty" doc:"Its values of the company fields (key: value)."`
}

func companyView(c *parley.Company) companyJSON {
	return companyJSON{ID: c.ID, Name: c.Name, Domain: c.Domain, OwnerID: c.OwnerID, Contacts: c.Contacts, CreatedAt: c.CreatedAt, Details: c.Details}
}

type companyBody struct {
	Name    *string    `json:"name,omitempty" maxLength:"200"`
	Domain  *string    `json:"domain,omitempty" maxLength:"300" doc:"example.com; a URL is cut to its domain; empty for none."`
	OwnerID *parley.ID `json:"owner_id,omitempty" doc:"0 takes the owner away."`
}

func (b companyBody) input() crm.CompanyInput {
	return crm.CompanyInput{Name: b.Name, Domain: b.Domain, OwnerID: b.OwnerID}
}

type listCompaniesInput struct {
	Q       string `query:"q" maxLength:"200" doc:"Part of the name or the domain."`
	OwnerID string `query:"owner_id" doc:"Only the companies this teammate owns; 0 for those without an owner."`
	Cursor  string `query:"cursor" doc:"next_cursor of the previous page."`
	Limit   int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
}

// listCompanies pages through the companies, newest first.
func (s *Server) listCompanies(ctx context.Context, a parley.Actor, in *listCompaniesInput) (*body[listJSON[companyJSON]], error) {
	after, err := seqCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	q := crm.CompanyQuery{Q: in.Q, After: parley.ID(after), Limit: in.Limit}
	if q.Limit == 0 {
		q.Limit = 50
	}
	if q.OwnerID, err = ownerFilter(in.OwnerID); err != nil {
		return nil, err
	}
	cs, next, err := s.crm.Companies(ctx, a, q)
	if err != nil {
		return nil, err
	}
	out := make([]companyJSON, len(cs))
	for i := range cs {
		out[i] = companyView(&cs[i])
	}
	return paged(out, next), nil
}

// ownerFilter reads an owner_id filter: a user's id, or 0 for none.
func ownerFilter(s string) (*parley.ID, error) {
	if s == "" {
		return nil, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 0 {
		return nil, parley.Invalid("owner_id", "is not a user id")
	}
	return (*parley.ID)(&id), nil
}

// paged is a list with the cursor of the page after it (none at 0).
func paged[T any](items []T, next parley.ID) *body[listJSON[T]] {
	res := list(items)
	if next != 0 {
		cursor := strconv.FormatInt(int64(next), 10)
		res.Body.NextCursor = &cursor
	}
	return res
}

type createCompanyInput struct {
	Body companyBody
}

func (s *Server) createCompany(ctx context.Context, a parley.Actor, in *createCompanyInput) (*body[companyJSON], error) {
	c, err := s.crm.CreateCompany(ctx, a, in.Body.input())
	if err != nil {
		return nil, err
	}
	return &body[companyJSON]{companyView(c)}, nil
}

func (s *Server) getCompany(ctx context.Context, a parley.Actor, in *idInput) (*body[companyJSON], error) {
	c, err := s.crm.Company(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[companyJSON]{companyView(c)}, nil
}

type updateCompanyInput struct {
	ID   parley.ID `path:"id"`
	Body companyBody
}

func (s *Server) updateCompany(ctx context.Context, a parley.Actor, in *updateCompanyInput) (*body[companyJSON], error) {
	c, err := s.crm.UpdateCompany(ctx, a, in.ID, in.Body.input())
	if err != nil {
		return nil, err
	}
	return &body[companyJSON]{companyView(c)}, nil
}

// deleteCompany removes a company; its contacts and tickets stay.
func (s *Server) deleteCompany(ctx context.Context, a parley.Actor, in *idInput) (*struct{}, error) {
	return nil, s.crm.DeleteCompany(ctx, a, in.ID)
}

type companyConversationsInput struct {
	ID    parley.ID `path:"id"`
	Limit int       `query:"limit" minimum:"1" maximum:"100" default:"50"`
}

// companyConversations lists the conversations of a company's contacts
// the caller may read, most recently active first.
func (s *Server) companyConversations(ctx context.Context, a parley.Actor, in *companyConversationsInput) (*body[listJSON[present.ConversationJSON]], error) {
	limit := in.Limit
	if limit == 0 {
		limit = 50
	}
	convs, err := s.crm.CompanyConversations(ctx, a, in.ID, limit)
	if err != nil {
		return nil, err
	}
	views, err := s.conversationViews(ctx, a, convs)
	if err != nil {
		return nil, err
	}
	return list(views), nil
}

// suggestedCompanies lists the companies at the domain of one of a
// contact's addresses, for a person to attach.
func (s *Server) suggestedCompanies(ctx context.Context, a parley.Actor, in *idInput) (*body[listJSON[companyJSON]], error) {
	cs, err := s.crm.SuggestedCompanies(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	out := make([]companyJSON, len(cs))
	for i := range cs {
		out[i] = companyView(&cs[i])
	}
	return list(out), nil
}

type companyContactsInput struct {
	ID     parley.ID `path:"id"`
	Cursor string    `query:"cursor" doc:"next_cursor of the previous page."`
	Limit  int       `query:"limit" minimum:"1" maximum:"200" default:"50"`
}

// suggestedContacts lists the contacts with an address at a company's
// domain and no company, for a person to attach.
func (s *Server) suggestedContacts(ctx context.Context, a parley.Actor, in *companyContactsInput) (*body[listJSON[present.ContactJSON]], error) {
	after, err := seqCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	limit := in.Limit
	if limit == 0 {
		limit = 50
	}
	cs, next, err := s.crm.SuggestedContacts(ctx, a, in.ID, parley.ID(after), limit)
	if err != nil {
		return nil, err
	}
	out := make([]present.ContactJSON, len(cs))
	for i, c := range cs {
		out[i] = present.Contact(c)
	}
	return paged(out, next), nil
}

package server

import (
	"context"

	"github.com/parleyhq/parley/internal/parley"
)

// Contact fields (SPEC CRM-1): admins define them; whoever may act for a
// contact sets their values (crm.SetField).

type contactFieldJSON struct {
	ID      parley.ID `json:"id"`
	Key     string    `json:"key" doc:"Where the value is kept on each contact (details.<key>); a chat bot's ask step saves to it as custom:<key>."`
	Label   string    `json:"label"`
	Type    string    `json:"type" enum:"text,number,date,choice"`
	Choices []string  `json:"choices,omitempty"`
	// AppliesTo says what has the field.
	AppliesTo string `json:"applies_to" enum:"contact,company" doc:"Contacts have the field, or companies (a company's values are its details)."`
}

func contactFieldView(f *parley.ContactField) contactFieldJSON {
	return contactFieldJSON{ID: f.ID, Key: f.Key, Label: f.Label, Type: f.Type, Choices: f.Choices, AppliesTo: f.AppliesTo}
}

func (s *Server) listContactFields(ctx context.Context, a parley.Actor, _ *struct{}) (*body[listJSON[contactFieldJSON]], error) {
	fs, err := s.crm.Fields(ctx, a)
	if err != nil {
		return nil, err
	}
	out := make([]contactFieldJSON, len(fs))
	for i := range fs {
		out[i] = contactFieldView(&fs[i])
	}
	return list(out), nil
}

type createContactFieldInput struct {
	Body struct {
		Key     string   `json:"key" maxLength:"50"`
		Label   string   `json:"label" maxLength:"60"`
		Type    string   `json:"type" enum:"text,number,date,choice"`
		Choices []string `json:"choices,omitempty" maxItems:"50"`
		// AppliesTo is contact by default.
		AppliesTo string `json:"applies_to,omitempty" enum:"contact,company" doc:"contact (the default) or company."`
	}
}

func (s *Server) createContactField(ctx context.Context, a parley.Actor, in *createContactFieldInput) (*body[contactFieldJSON], error) {
	f, err := s.crm.CreateField(ctx, a, parley.ContactField{Key: in.Body.Key, Label: in.Body.Label, Type: in.Body.Type, Choices: in.Body.Choices, AppliesTo: in.Body.AppliesTo})
	if err != nil {
		return nil, err
	}
	return &body[contactFieldJSON]{contactFieldView(f)}, nil
}

type updateContactFieldInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		Label   string   `json:"label" maxLength:"60"`
		Choices []string `json:"choices,omitempty" maxItems:"50"`
	}
}

// updateContactField changes a field's label and choices; its key and
// type stay.
func (s *Server) updateContactField(ctx context.Context, a parley.Actor, in *updateContactFieldInput) (*body[contactFieldJSON], error) {
	f, err := s.crm.UpdateField(ctx, a, in.ID, in.Body.Label, in.Body.Choices)
	if err != nil {
		return nil, err
	}
	return &body[contactFieldJSON]{contactFieldView(f)}, nil
}

// deleteContactField removes a field's definition; the contacts keep
// their values, found again if a field with its key comes back.
func (s *Server) deleteContactField(ctx context.Context, a parley.Actor, in *idInput) (*struct{}, error) {
	return nil, s.crm.DeleteField(ctx, a, in.ID)
}

type setContactFieldInput struct {
	ID   parley.ID `path:"id"`
	Key  string    `path:"key"`
	Body struct {
		Value string `json:"value" maxLength:"500" doc:"Checked by the field's type: a number, a date as YYYY-MM-DD, one of its choices; empty clears it."`
	}
}

func (s *Server) setContactField(ctx context.Context, a parley.Actor, in *setContactFieldInput) (*struct{}, error) {
	return nil, s.crm.SetField(ctx, a, in.ID, in.Key, in.Body.Value)
}

// setCompanyField sets a company's value of a company field (the path's
// id is the company's).
func (s *Server) setCompanyField(ctx context.Context, a parley.Actor, in *setContactFieldInput) (*struct{}, error) {
	return nil, s.crm.SetCompanyField(ctx, a, in.ID, in.Key, in.Body.Value)
}

package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/crm"
	"github.com/parleyhq/parley/internal/parley"
)

// maxImportBytes caps a CSV file of contacts.
const maxImportBytes = 8 << 20

type importContactsInput struct {
	Body struct {
		CSV     string   `json:"csv" required:"true" maxLength:"8000000" doc:"The file: a header line, then a line per contact."`
		Columns []string `json:"columns,omitempty" doc:"What each column is: name, email, phone, owner (a teammate's email), a contact field's key, or \"\" to leave it out. Without it, guessed from the header."`
		DryRun  bool     `json:"dry_run,omitempty" doc:"Check and count, write nothing: the preview."`
	}
}

type importErrorJSON struct {
	Row     int    `json:"row" doc:"The line in the file; the header is line 1."`
	Column  string `json:"column" doc:"The column's title; empty for the whole line."`
	Reason  string `json:"reason" enum:"email_invalid,email_twice,phone_invalid,owner_unknown,field_value,name_long,row_empty,two_contacts" doc:"What is wrong, for an app to say in its language."`
	Value   string `json:"value" doc:"The value at fault, if one is."`
	Other   int    `json:"other,omitempty" doc:"For email_twice: the line that has the address first."`
	Message string `json:"message" doc:"The same in English."`
}

type importResultJSON struct {
	Header   []string          `json:"header"`
	Columns  []string          `json:"columns" doc:"What each column was taken as."`
	Sample   [][]string        `json:"sample" doc:"The first lines, for a preview."`
	Rows     int               `json:"rows"`
	Create   int               `json:"create" doc:"Lines that make a new contact."`
	Update   int               `json:"update" doc:"Lines whose address a contact has: it is updated."`
	Errors   []importErrorJSON `json:"errors" doc:"What is wrong, line by line. One error and nothing is written."`
	Imported bool              `json:"imported"`
}

// importContacts reads contacts from CSV (admins): every line is written,
// or, with one wrong, none.
func (s *Server) importContacts(ctx context.Context, a parley.Actor, in *importContactsInput) (*body[importResultJSON], error) {
	r, err := s.crm.ImportContacts(ctx, a, crm.ImportInput{CSV: in.Body.CSV, Columns: in.Body.Columns, DryRun: in.Body.DryRun})
	if err != nil {
		return nil, err
	}
	out := importResultJSON{Header: r.Header, Columns: r.Columns, Sample: orEmpty(r.Sample), Rows: r.Rows, Create: r.Create, Update: r.Update,
		Errors: make([]importErrorJSON, len(r.Errors)), Imported: r.Imported}
	for i, e := range r.Errors {
		out.Errors[i] = importErrorJSON{Row: e.Row, Column: e.Column, Reason: e.Reason, Value: e.Value, Other: e.Other, Message: e.Message}
	}
	return &body[importResultJSON]{out}, nil
}

// exportContacts streams every contact as CSV (admins).
func (s *Server) exportContacts(ctx context.Context, a parley.Actor, _ *struct{}) (*huma.StreamResponse, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		hc.SetHeader("Content-Type", "text/csv; charset=utf-8")
		hc.SetHeader("Content-Disposition", `attachment; filename="contacts.csv"`)
		hc.SetHeader("Cache-Control", "no-store")
		hc.SetStatus(http.StatusOK)
		if err := s.crm.ExportContacts(ctx, a, hc.BodyWriter()); err != nil {
			// The status is sent: the file ends short, and the log says why.
			s.log.Error("contacts export", "err", err)
		}
	}}, nil
}

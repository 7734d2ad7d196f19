package crm

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Contacts move in and out as CSV (SPEC CRM-1), admins only: an import
// writes every row or none, an export streams every contact.

// Import limits.
const (
	MaxImportRows = 10000
	importSample  = 5
)

// The columns an import understands besides contact fields' keys: "" is
// a column left out.
var importColumns = []string{"name", "email", "phone", "owner", "company"}

// ImportInput is a CSV file of contacts, a header first, and what each of
// its columns is: name, email, phone, owner (a teammate's email), company
// (a name: a company by that name, or a new one), a contact field's key,
// or "" to leave it out. Without Columns they are
// guessed from the header. A cell of an email or phone column may hold
// several, separated by ";".
type ImportInput struct {
	CSV     string
	Columns []string
	DryRun  bool
}

// ImportError is what is wrong with one cell, or a whole row.
type ImportError struct {
	Row    int    // the line in the file, the header being 1
	Column string // as the header names it; "" for the whole row
	// Reason says what is wrong in a word an app translates: email_invalid,
	// email_twice (Other: the line that has it first), phone_invalid,
	// owner_unknown, field_value, name_long, row_empty, two_contacts.
	Reason  string
	Value   string // the cell's value at fault, if one is
	Other   int
	Message string // the same in English
}

// ImportResult is what an import did, or, with errors or a dry run, would
// do: nothing is written unless every row is right.
type ImportResult struct {
	Header   []string
	Columns  []string // what each column was taken as
	Sample   [][]string
	Rows     int
	Create   int
	Update   int
	Errors   []ImportError
	Imported bool
}

// importRow is one row made ready: the contact found by an address (nil:
// a new one) and what the row gives it.
type importRow struct {
	contact *parley.Contact
	name    string
	emails  []string
	phones  []string
	owner   *parley.ID
	company string
	fields  map[string]string
}

// ImportContacts reads contacts from a CSV file: a row whose address a
// contact has updates that contact (its name, owner and the fields the
// row gives; addresses and phones added), any other row creates one. Every
// row is checked first; one wrong row and nothing is written.
func (s *Service) ImportContacts(ctx context.Context, a parley.Actor, in ImportInput) (*ImportResult, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(in.CSV, "\ufeff")))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, parley.Invalid("csv", "is empty: give a header line and a line per contact")
	}
	if err != nil {
		return nil, parley.Invalid("csv", "is not CSV: %v", err)
	}
	var rows [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, parley.Invalid("csv", "is not CSV: %v", err)
		}
		if len(rows) == MaxImportRows {
			return nil, parley.Invalid("csv", "has more than %d contacts: split it", MaxImportRows)
		}
		rows = append(rows, rec)
	}
	res := &ImportResult{Header: header, Rows: len(rows), Sample: rows[:min(len(rows), importSample)], Errors: []ImportError{}}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		fields, err := contactFields(ctx, &tx.Q)
		if err != nil {
			return err
		}
		if res.Columns, err = importColumnsOf(header, in.Columns, fields); err != nil {
			return err
		}
		plans, err := planImport(ctx, tx, res, rows, fields)
		if err != nil || len(res.Errors) > 0 || in.DryRun {
			return err
		}
		now := s.now()
		companies := map[string]*parley.ID{}
		for _, p := range plans {
			if err := writeImport(ctx, tx, p, companies, now); err != nil {
				return err
			}
		}
		tx.Append(parley.NewEvent(parley.EventContactsImported, a, now, map[string]any{"created": res.Create, "updated": res.Update}))
		res.Imported = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// importColumnsOf checks the columns given, or guesses them from the
// header: a column is taken as what its title names, in English or
// French, or a field by its key or label.
func importColumnsOf(header, given []string, fields []parley.ContactField) ([]string, error) {
	known := func(c string) bool {
		return c == "" || slices.Contains(importColumns, c) || slices.ContainsFunc(fields, func(f parley.ContactField) bool { return f.Key == c })
	}
	if given != nil {
		if len(given) != len(header) {
			return nil, parley.Invalid("columns", "has %d entries for %d columns", len(given), len(header))
		}
		for i, c := range given {
			if !known(c) {
				return nil, parley.Invalid(fmt.Sprintf("columns[%d]", i), "%q is not name, email, phone, owner or a contact field's key", c)
			}
			if c != "" && c != "email" && c != "phone" && slices.Index(given, c) != i {
				return nil, parley.Invalid(fmt.Sprintf("columns[%d]", i), "%q is chosen for two columns", c)
			}
		}
		return given, nil
	}
	aliases := map[string]string{
		"name": "name", "nom": "name", "full name": "name", "nom complet": "name", "contact": "name",
		"email": "email", "emails": "email", "e-mail": "email", "courriel": "email", "adresse e-mail": "email", "email address": "email",
		"phone": "phone", "phones": "phone", "téléphone": "phone", "telephone": "phone", "mobile": "phone", "phone number": "phone",
		"owner": "owner", "propriétaire": "owner", "responsable": "owner",
		"company": "company", "entreprise": "company", "société": "company", "organisation": "company", "organization": "company",
	}
	out := make([]string, len(header))
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		c := aliases[h]
		for _, f := range fields {
			if c == "" && (h == f.Key || h == strings.ToLower(f.Label)) {
				c = f.Key
			}
		}
		if c != "" && c != "email" && c != "phone" && slices.Contains(out, c) {
			c = ""
		}
		out[i] = c
	}
	return out, nil
}

// planImport checks every row, noting what is wrong in res, and returns
// what the rows would write.
func planImport(ctx context.Context, tx *store.Tx, res *ImportResult, rows [][]string, fields []parley.ContactField) ([]importRow, error) {
	users, err := tx.Users(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]int{} // an address → the line that gave it
	var plans []importRow
	for i, rec := range rows {
		line := i + 2
		bad := func(col int, e ImportError, format string, args ...any) {
			e.Row, e.Message = line, fmt.Sprintf(format, args...)
			if col >= 0 {
				e.Column = res.Header[col]
			}
			res.Errors = append(res.Errors, e)
		}
		before := len(res.Errors)
		p := importRow{fields: map[string]string{}}
		for j, col := range res.Columns {
			cell := ""
			if j < len(rec) {
				cell = strings.TrimSpace(rec[j])
			}
			if len(cell) > 1 && cell[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(cell[1])) {
				cell = cell[1:] // as an export made it inert
			}
			if cell == "" || col == "" {
				continue
			}
			switch col {
			case "name":
				p.name = strings.Join(strings.Fields(cell), " ")
				if len([]rune(p.name)) > 200 {
					bad(j, ImportError{Reason: "name_long"}, "the name is longer than 200 characters")
				}
			case "email":
				for _, e := range splitCell(cell) {
					email, err := parley.EmailAddress("email", e)
					switch {
					case err != nil:
						bad(j, ImportError{Reason: "email_invalid", Value: e}, "%q is not an email address", e)
					case seen[email] != 0:
						bad(j, ImportError{Reason: "email_twice", Value: email, Other: seen[email]}, "%s is on line %d too", email, seen[email])
					default:
						seen[email] = line
						p.emails = append(p.emails, email)
					}
				}
			case "phone":
				for _, ph := range splitCell(cell) {
					phone, err := CheckPhone("phone", ph)
					if err != nil {
						bad(j, ImportError{Reason: "phone_invalid", Value: ph}, "%q is not a phone number", ph)
					} else if !slices.Contains(p.phones, phone) {
						p.phones = append(p.phones, phone)
					}
				}
			case "company":
				p.company = strings.Join(strings.Fields(cell), " ")
				if len([]rune(p.company)) > 200 {
					bad(j, ImportError{Reason: "name_long"}, "the company's name is longer than 200 characters")
				}
			case "owner":
				u := ownerByEmail(users, cell)
				if u == nil {
					bad(j, ImportError{Reason: "owner_unknown", Value: cell}, "no active teammate who works conversations has the address %s", cell)
				} else {
					p.owner = &u.ID
				}
			default:
				f := fields[slices.IndexFunc(fields, func(f parley.ContactField) bool { return f.Key == col })]
				v, err := fieldValue(&f, cell)
				if err != nil {
					bad(j, ImportError{Reason: "field_value", Value: cell}, "%s", parley.ErrorMessage(err))
				} else {
					p.fields[col] = v
				}
			}
		}
		if len(res.Errors) > before {
			continue
		}
		if p.name == "" && len(p.emails) == 0 && len(p.phones) == 0 {
			bad(-1, ImportError{Reason: "row_empty"}, "the line has no name, email or phone")
			continue
		}
		for _, e := range p.emails {
			c, err := tx.ContactByEmail(ctx, e)
			if parley.ErrorCode(err) == parley.ENOTFOUND {
				continue
			}
			if err != nil {
				return nil, err
			}
			if p.contact != nil && p.contact.ID != c.ID {
				bad(-1, ImportError{Reason: "two_contacts"}, "its addresses belong to two contacts: merge them first")
				break
			}
			p.contact = c
		}
		if len(res.Errors) > before {
			continue
		}
		if p.contact == nil {
			res.Create++
		} else {
			res.Update++
		}
		plans = append(plans, p)
	}
	return plans, nil
}

func splitCell(cell string) []string {
	var out []string
	for _, s := range strings.Split(cell, ";") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func ownerByEmail(users []parley.User, email string) *parley.User {
	for i, u := range users {
		if strings.EqualFold(u.Email, email) && u.Active() && u.Role != parley.RoleViewer {
			return &users[i]
		}
	}
	return nil
}

// writeImport writes one checked row; companies are those found or made
// by name so far.
func writeImport(ctx context.Context, tx *store.Tx, p importRow, companies map[string]*parley.ID, now time.Time) error {
	var company *parley.ID
	if p.company != "" {
		var err error
		if company, err = companyNamed(ctx, tx, p.company, companies, now); err != nil {
			return err
		}
	}
	c := p.contact
	if c != nil {
		// Read again: an earlier line of the file may have changed it.
		var err error
		if c, err = tx.Contact(ctx, c.ID); err != nil {
			return err
		}
	}
	if c == nil {
		c = &parley.Contact{Name: p.name, Emails: p.emails, Phones: p.phones, OwnerID: p.owner, CompanyID: company, Details: p.fields, CreatedAt: now}
		if err := tx.CreateContact(ctx, c); err != nil {
			return err
		}
		tx.Append(parley.NewEvent(parley.EventContactCreated, parley.System, now, map[string]any{"contact_id": c.ID}))
		return nil
	}
	if p.name != "" {
		c.Name, c.NameInbox = p.name, nil
	}
	if p.owner != nil {
		c.OwnerID = p.owner
	}
	if company != nil {
		c.CompanyID = company
	}
	fold(c, &parley.Contact{Emails: p.emails, Phones: p.phones})
	if err := tx.UpdateContact(ctx, c); err != nil {
		return err
	}
	for k, v := range p.fields {
		if err := tx.SetContactDetail(ctx, c.ID, k, v); err != nil {
			return err
		}
	}
	return nil
}

// companyNamed returns the company with a name (any case), made if there
// is none.
func companyNamed(ctx context.Context, tx *store.Tx, name string, seen map[string]*parley.ID, now time.Time) (*parley.ID, error) {
	key := strings.ToLower(name)
	if id, ok := seen[key]; ok {
		return id, nil
	}
	found, err := tx.Companies(ctx, store.CompanyFilter{Name: name, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(found) > 0 {
		seen[key] = &found[0].ID
		return &found[0].ID, nil
	}
	m := &parley.Company{Name: name, CreatedAt: now}
	if err := tx.CreateCompany(ctx, m); err != nil {
		return nil, err
	}
	seen[key] = &m.ID
	return &m.ID, nil
}

// ExportContacts writes every contact as CSV to w, newest first: id,
// name, emails and phones (each joined by "; "), owner (an email),
// company (its name), created_at, then a column per contact field by its key, so an export
// imports back.
func (s *Service) ExportContacts(ctx context.Context, a parley.Actor, w io.Writer) error {
	if err := auth.Admin(a); err != nil {
		return err
	}
	fields, err := contactFields(ctx, &s.store.Q)
	if err != nil {
		return err
	}
	users, err := s.store.Users(ctx)
	if err != nil {
		return err
	}
	email := map[parley.ID]string{}
	for _, u := range users {
		email[u.ID] = u.Email
	}
	names := map[parley.ID]string{} // companies' names, read once each
	out := csv.NewWriter(w)
	header := []string{"id", "name", "email", "phone", "owner", "company", "created_at"}
	for _, f := range fields {
		header = append(header, f.Key)
	}
	if err := out.Write(header); err != nil {
		return err
	}
	f := store.ContactFilter{All: true, Limit: 500}
	for {
		page, err := s.store.ListContacts(ctx, f)
		if err != nil {
			return err
		}
		for _, c := range page {
			owner := ""
			if c.OwnerID != nil {
				owner = email[*c.OwnerID]
			}
			company := ""
			if c.CompanyID != nil {
				if company, err = s.companyName(ctx, names, *c.CompanyID); err != nil {
					return err
				}
			}
			rec := []string{fmt.Sprint(c.ID), c.Name, strings.Join(c.Emails, "; "), strings.Join(c.Phones, "; "), owner, company, c.CreatedAt.UTC().Format(time.RFC3339)}
			for _, f := range fields {
				rec = append(rec, c.Details[f.Key])
			}
			for i := range rec {
				rec[i] = inert(rec[i])
			}
			if err := out.Write(rec); err != nil {
				return err
			}
		}
		out.Flush()
		if err := out.Error(); err != nil {
			return err
		}
		if len(page) < f.Limit {
			return nil
		}
		f.After = page[len(page)-1].ID
	}
}

func (s *Service) companyName(ctx context.Context, names map[parley.ID]string, id parley.ID) (string, error) {
	if n, ok := names[id]; ok {
		return n, nil
	}
	m, err := s.store.Company(ctx, id)
	if err != nil {
		return "", err
	}
	names[id] = m.Name
	return m.Name, nil
}

// contactFields returns the fields contacts have (not companies').
func contactFields(ctx context.Context, q *store.Q) ([]parley.ContactField, error) {
	fs, err := q.ContactFields(ctx)
	return slices.DeleteFunc(fs, func(f parley.ContactField) bool { return f.AppliesTo == "company" }), err
}

// inert keeps a spreadsheet from reading a cell as a formula: a value
// that starts with = + - @, a tab or a return (a name from a From header
// can) gets a ' before it, which the import takes off again.
func inert(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

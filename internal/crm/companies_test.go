package crm_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley/internal/crm"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestCompanies: a company's domain is tidied and checked; it suggests the
// company for a contact with an address there, but only a person attaches
// them; its page lists its contacts and their conversations as the reader
// may see them; a ticket of its contact is its ticket; deleted, its
// contacts stay.
func TestCompanies(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newContactWorld(t, s)
		for _, bad := range []struct {
			in    crm.CompanyInput
			field string
		}{
			{crm.CompanyInput{}, "name"},
			{crm.CompanyInput{Name: ptr("  ")}, "name"},
			{crm.CompanyInput{Name: ptr("Acme"), Domain: ptr("not a domain")}, "domain"},
			{crm.CompanyInput{Name: ptr("Acme"), Domain: ptr("localhost")}, "domain"},
			{crm.CompanyInput{Name: ptr("Acme"), OwnerID: &w.viewer.UserID}, "owner_id"},
		} {
			if _, err := w.c.CreateCompany(ctx, w.agent, bad.in); parley.ErrorField(err) != bad.field {
				t.Errorf("%+v: %v, want the field %s", bad.in, err, bad.field)
			}
		}
		if _, err := w.c.CreateCompany(ctx, w.viewer, crm.CompanyInput{Name: ptr("Acme")}); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("a viewer creates a company: %v", err)
		}
		client, err := w.c.CreateCompany(ctx, w.agent, crm.CompanyInput{Name: ptr(" Client  Co "), Domain: ptr("https://www.Client.example/about")})
		if err != nil || client.Name != "Client Co" || client.Domain != "client.example" {
			t.Fatalf("create: %+v %v", client, err)
		}
		other, _ := w.c.CreateCompany(ctx, w.agent, crm.CompanyInput{Name: ptr("Other")})

		// Suggested, not attached: the company's contacts at its domain,
		// the contacts' company at theirs.
		people, _, err := w.c.SuggestedContacts(ctx, w.agent, client.ID, 0, 50)
		if err != nil || len(people) != 1 || people[0].ID != w.openContact {
			t.Errorf("contacts suggested to the agent: %d %v", len(people), err)
		}
		if people, _, _ := w.c.SuggestedContacts(ctx, w.boss, client.ID, 0, 50); len(people) != 2 {
			t.Errorf("contacts suggested to the admin: %d", len(people))
		}
		if people, _, _ := w.c.SuggestedContacts(ctx, w.agent, other.ID, 0, 50); len(people) != 0 {
			t.Errorf("a company without a domain suggests %d", len(people))
		}
		sug, err := w.c.SuggestedCompanies(ctx, w.agent, w.openContact)
		if err != nil || len(sug) != 1 || sug[0].ID != client.ID {
			t.Errorf("suggested: %+v %v", sug, err)
		}
		if jo, _ := s.Contact(ctx, w.openContact); jo.CompanyID != nil {
			t.Errorf("attached without a person: %v", *jo.CompanyID)
		}
		if _, err := w.c.SuggestedCompanies(ctx, w.agent, w.ceo); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("suggestions for a contact the agent cannot see: %v", err)
		}
		if _, err := w.c.UpdateContact(ctx, w.agent, w.openContact, crm.ContactInput{CompanyID: ptr(parley.ID(other.ID + 1000))}); parley.ErrorField(err) != "company_id" {
			t.Errorf("a company that does not exist: %v", err)
		}
		if _, err := w.c.UpdateContact(ctx, w.agent, w.openContact, crm.ContactInput{CompanyID: &client.ID}); err != nil {
			t.Fatal(err)
		}
		if sug, _ := w.c.SuggestedCompanies(ctx, w.agent, w.openContact); len(sug) != 0 {
			t.Errorf("its own company suggested: %+v", sug)
		}
		// The hidden inbox's contact works there too: the admin attached them.
		if _, err := w.c.UpdateContact(ctx, w.boss, w.ceo, crm.ContactInput{CompanyID: &client.ID}); err != nil {
			t.Fatal(err)
		}
		if people, _, _ := w.c.SuggestedContacts(ctx, w.boss, client.ID, 0, 50); len(people) != 0 {
			t.Errorf("attached contacts still suggested: %d", len(people))
		}
		got, _ := w.c.Company(ctx, w.agent, client.ID)
		if got.Contacts != 2 {
			t.Errorf("contacts: %d", got.Contacts)
		}
		people, _, err = w.c.CompanyContacts(ctx, w.agent, client.ID, 0, 50)
		if err != nil || len(people) != 1 || people[0].ID != w.openContact {
			t.Errorf("the agent's view of its contacts: %d %v", len(people), err)
		}
		convs, _ := w.c.CompanyConversations(ctx, w.agent, client.ID, 50)
		if len(convs) != 1 || convs[0].ID != w.open.ID {
			t.Errorf("the agent's view of its conversations: %+v", convs)
		}
		if convs, _ := w.c.CompanyConversations(ctx, w.boss, client.ID, 50); len(convs) != 2 {
			t.Errorf("the admin's view of its conversations: %d", len(convs))
		}
		if _, err := w.c.Company(ctx, w.agent, other.ID+1000); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("a guessed company: %v", err)
		}

		w.c.CreatePipeline(ctx, w.boss, parley.Pipeline{Kind: parley.PipelineTickets, Name: "Support", Stages: []parley.Stage{{Name: "New"}}})
		tk, err := w.c.CreateTicket(ctx, w.agent, crm.TicketInput{Subject: "Invoice", ConversationIDs: []parley.ID{w.open.ID}})
		if err != nil || tk.CompanyID == nil || *tk.CompanyID != client.ID {
			t.Fatalf("a ticket of the company's contact: %+v %v", tk, err)
		}
		if ts, _ := w.c.Tickets(ctx, w.agent, store.TicketFilter{CompanyID: client.ID}); len(ts) != 1 {
			t.Errorf("the company's tickets: %d", len(ts))
		}
		if tk, _ = w.c.UpdateTicket(ctx, w.agent, tk.ID, crm.TicketPatch{CompanyID: ptr(parley.ID(0))}); tk.CompanyID != nil {
			t.Errorf("the company taken off the ticket: %v", *tk.CompanyID)
		}
		// Its contact changes too, but never to one the agent cannot see.
		if _, err := w.c.UpdateTicket(ctx, w.agent, tk.ID, crm.TicketPatch{ContactID: &w.ceo}); parley.ErrorField(err) != "contact_id" {
			t.Errorf("a contact of an inbox the agent cannot read: %v", err)
		}
		if tk, err = w.c.UpdateTicket(ctx, w.agent, tk.ID, crm.TicketPatch{ContactID: ptr(parley.ID(0))}); err != nil || tk.ContactID != nil {
			t.Errorf("the contact taken off the ticket: %+v %v", tk, err)
		}
		if tk, err = w.c.UpdateTicket(ctx, w.agent, tk.ID, crm.TicketPatch{ContactID: &w.openContact}); err != nil || tk.ContactID == nil || *tk.ContactID != w.openContact {
			t.Errorf("the contact put back: %+v %v", tk, err)
		}

		// Pages, newest first, and a search by name or domain.
		page, next, err := w.c.Companies(ctx, w.viewer, crm.CompanyQuery{Limit: 1, After: other.ID + 1})
		if err != nil || len(page) != 1 || page[0].ID != other.ID || next == 0 {
			t.Errorf("first page: %+v %d %v", page, next, err)
		}
		if page, next, _ = w.c.Companies(ctx, w.viewer, crm.CompanyQuery{Limit: 1, After: next}); len(page) != 1 || page[0].ID != client.ID || next != 0 {
			t.Errorf("last page: %+v %d", page, next)
		}
		w.c.CreateCompany(ctx, w.agent, crm.CompanyInput{Name: ptr("Élan Vital")})
		for q, want := range map[string]int{"client": 1, "CLIENT.EX": 1, "oth": 1, "nothing": 0, "%": 0, "élan": 1, "ÉLAN VI": 1} {
			if found, _, _ := w.c.Companies(ctx, w.agent, crm.CompanyQuery{Q: q, Limit: 10}); len(found) != want {
				t.Errorf("%q finds %d, want %d", q, len(found), want)
			}
		}

		if err := w.c.DeleteCompany(ctx, w.viewer, client.ID); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("a viewer deletes: %v", err)
		}
		if err := w.c.DeleteCompany(ctx, w.agent, client.ID); err != nil {
			t.Fatal(err)
		}
		if jo, err := s.Contact(ctx, w.openContact); err != nil || jo.CompanyID != nil {
			t.Errorf("the contact after its company went: %+v %v", jo, err)
		}
	})
}

// TestCompanyFields: a field is for contacts or for companies; a
// company's value is checked by type and kept on the company; a contact
// field is not a company's, nor the other way round.
func TestCompanyFields(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newContactWorld(t, s)
		if _, err := w.c.CreateField(ctx, w.boss, parley.ContactField{Key: "x", Label: "X", Type: "text", AppliesTo: "deal"}); parley.ErrorField(err) != "applies_to" {
			t.Errorf("a field for deals: %v", err)
		}
		size, err := w.c.CreateField(ctx, w.boss, parley.ContactField{Key: "employees", Label: "Employees", Type: "number", AppliesTo: "company"})
		if err != nil || size.AppliesTo != "company" {
			t.Fatalf("create: %+v %v", size, err)
		}
		plan, _ := w.c.CreateField(ctx, w.boss, parley.ContactField{Key: "plan", Label: "Plan", Type: "text"})
		if plan.AppliesTo != "contact" {
			t.Errorf("a field with no applies_to is for %q", plan.AppliesTo)
		}
		acme, _ := w.c.CreateCompany(ctx, w.agent, crm.CompanyInput{Name: ptr("Acme")})
		for _, tc := range []struct {
			key, value, field string
		}{{"employees", "many", "value"}, {"plan", "Pro", "key"}, {"nothing", "1", "key"}} {
			if err := w.c.SetCompanyField(ctx, w.agent, acme.ID, tc.key, tc.value); parley.ErrorField(err) != tc.field {
				t.Errorf("%s = %q: %v, want the field %s", tc.key, tc.value, err, tc.field)
			}
		}
		if err := w.c.SetCompanyField(ctx, w.viewer, acme.ID, "employees", "12"); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("a viewer sets a value: %v", err)
		}
		if err := w.c.SetCompanyField(ctx, w.agent, acme.ID+1000, "employees", "12"); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("a guessed company: %v", err)
		}
		if err := w.c.SetCompanyField(ctx, w.agent, acme.ID, "employees", " 1200 "); err != nil {
			t.Fatal(err)
		}
		if got, _ := w.c.Company(ctx, w.agent, acme.ID); got.Details["employees"] != "1200" {
			t.Errorf("kept: %v", got.Details)
		}
		if err := w.c.SetField(ctx, w.agent, w.openContact, "employees", "3"); parley.ErrorField(err) != "key" {
			t.Errorf("a company field on a contact: %v", err)
		}
		// The CSV import knows the contacts' fields only.
		res, err := w.c.ImportContacts(ctx, w.boss, crm.ImportInput{CSV: "name,employees\nZed,4\n"})
		if err != nil || res.Columns[1] != "" {
			t.Errorf("an import guessed a company field: %+v %v", res, err)
		}
	})
}

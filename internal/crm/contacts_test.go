package crm_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/crm"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// contactWorld is an organisation with an open inbox, one only its admin
// reads, and a conversation in each.
type contactWorld struct {
	s                   *store.Store
	c                   *crm.Service
	o                   *org.Service
	boss, agent, viewer parley.Actor
	inbox, hidden       parley.ID
	open, secret        *parley.Conversation
	receive             func(inbox parley.ID, email string) *parley.Conversation
	openContact, ceo    parley.ID
	conv                *conversation.Service
}

func newContactWorld(t *testing.T, s *store.Store) *contactWorld {
	t.Helper()
	ctx := context.Background()
	o, inbox, boss := firstStart(t, s)
	w := &contactWorld{s: s, c: crm.New(s, crm.Options{}), o: o, boss: boss, inbox: inbox,
		agent: person(t, o, boss, "ag", parley.RoleAgent), viewer: person(t, o, boss, "vi", parley.RoleViewer),
		conv: conversation.New(s, conversation.Options{MailDomain: "parley.test"})}
	w.receive = func(inboxID parley.ID, email string) *parley.Conversation {
		in, err := w.conv.Receive(ctx, parley.System, conversation.Inbound{ChannelID: channelOf(t, s, inboxID, parley.ChannelAPI), ContactEmail: email, Text: "Help"})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := s.Conversation(ctx, in.ConversationID)
		return got
	}
	hidden, err := o.CreateInbox(ctx, boss, org.NewInbox{Name: "Board", Access: parley.AccessSpecific, UserIDs: []parley.ID{boss.UserID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.CreateChannel(ctx, boss, hidden.ID, org.NewChannel{Kind: parley.ChannelAPI, Name: "Board API"}); err != nil {
		t.Fatal(err)
	}
	w.hidden = hidden.ID
	w.open = w.receive(inbox, "jo@client.example")
	w.secret = w.receive(hidden.ID, "ceo@client.example")
	w.openContact, w.ceo = *w.open.ContactID, *w.secret.ContactID
	return w
}

// TestContactAccess: a contact is seen by whoever reads one of its
// conversations; one without conversations by everyone signed in; viewers
// read, the others edit; a guessed id is not found.
func TestContactAccess(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newContactWorld(t, s)
		loose, err := w.c.CreateContact(ctx, w.agent, crm.ContactInput{Name: ptr(" Lee  Park "), Phones: &[]string{"+33 1 23 45 67 89"}})
		if err != nil || loose.Name != "Lee Park" || loose.Phone != "+33 1 23 45 67 89" {
			t.Fatalf("create: %+v %v", loose, err)
		}
		for _, tc := range []struct {
			who    string
			a      parley.Actor
			id     parley.ID
			read   string
			act    string
			listed bool
		}{
			{"agent, open inbox", w.agent, w.openContact, "", "", true},
			{"agent, hidden inbox", w.agent, w.ceo, parley.ENOTFOUND, parley.ENOTFOUND, false},
			{"agent, no conversations", w.agent, loose.ID, "", "", true},
			{"viewer, open inbox", w.viewer, w.openContact, "", parley.EFORBIDDEN, true},
			{"viewer, no conversations", w.viewer, loose.ID, "", parley.EFORBIDDEN, true},
			{"agent, guessed", w.agent, loose.ID + 1000, parley.ENOTFOUND, parley.ENOTFOUND, false},
			{"admin, hidden inbox", w.boss, w.ceo, "", "", true},
		} {
			_, err := w.c.Contact(ctx, tc.a, tc.id)
			if parley.ErrorCode(err) != tc.read {
				t.Errorf("%s reads: %v, want %q", tc.who, err, tc.read)
			}
			_, err = w.c.UpdateContact(ctx, tc.a, tc.id, crm.ContactInput{Name: ptr("Renamed")})
			if parley.ErrorCode(err) != tc.act {
				t.Errorf("%s edits: %v, want %q", tc.who, err, tc.act)
			}
			all, _, err := w.c.Contacts(ctx, tc.a, crm.ContactQuery{Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.ContainsFunc(all, func(c *parley.Contact) bool { return c.ID == tc.id }); got != tc.listed {
				t.Errorf("%s lists it: %v, want %v", tc.who, got, tc.listed)
			}
		}
		if _, err := w.c.CreateContact(ctx, w.viewer, crm.ContactInput{Name: ptr("No")}); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("a viewer creates a contact: %v", err)
		}
		if _, err := w.c.Merge(ctx, w.agent, w.openContact, w.ceo); parley.ErrorField(err) != "contact_id" {
			t.Errorf("an agent merges in a contact they cannot see: %v", err)
		}
		if _, err := w.c.ContactMerges(ctx, w.agent, w.ceo); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("an agent reads the merges of a contact they cannot see: %v", err)
		}
	})
}

// TestContactEdit: emails and phones are checked, tidied, kept in order;
// an address another contact has is refused naming the remedy; a contact
// with conversations keeps an address.
func TestContactEdit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newContactWorld(t, s)
		for _, bad := range []struct {
			in    crm.ContactInput
			field string
		}{
			{crm.ContactInput{Emails: &[]string{"jo@client.example", "not an address"}}, "emails[1]"},
			{crm.ContactInput{Emails: &[]string{"jo@client.example", "JO@client.example"}}, "emails[1]"},
			{crm.ContactInput{Emails: &[]string{"ceo@client.example"}}, "emails"},
			{crm.ContactInput{Emails: &[]string{}}, "emails"},
			{crm.ContactInput{Phones: &[]string{"call me"}}, "phones[0]"},
			{crm.ContactInput{OwnerID: &w.viewer.UserID}, "owner_id"},
			{crm.ContactInput{Name: ptr(strings.Repeat("x", 201))}, "name"},
		} {
			if _, err := w.c.UpdateContact(ctx, w.agent, w.openContact, bad.in); parley.ErrorField(err) != bad.field {
				t.Errorf("%+v: %v, want the field %s", bad.in, err, bad.field)
			}
		}
		got, err := w.c.UpdateContact(ctx, w.agent, w.openContact, crm.ContactInput{
			Emails:  &[]string{" Jo.Lima@Work.example ", "jo@client.example"},
			Phones:  &[]string{"+1 555 0100", "+1 555 0199", "+1 555 0100"},
			OwnerID: &w.agent.UserID,
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.Email != "jo.lima@work.example" || len(got.Emails) != 2 || !slices.Equal(got.Phones, []string{"+1 555 0100", "+1 555 0199"}) || *got.OwnerID != w.agent.UserID {
			t.Errorf("saved: %+v", got)
		}
		// Mail from either address is the same contact's.
		again := w.receive(w.inbox, "jo.lima@work.example")
		if *again.ContactID != w.openContact {
			t.Errorf("mail from the new address made contact %d", *again.ContactID)
		}
		// The primary phone alone: replaced, the other kept; then removed.
		if got, _ = w.c.UpdateContact(ctx, w.agent, w.openContact, crm.ContactInput{Phone: ptr("+1 555 0142")}); !slices.Equal(got.Phones, []string{"+1 555 0142", "+1 555 0199"}) {
			t.Errorf("primary phone replaced: %v", got.Phones)
		}
		if got, _ = w.c.UpdateContact(ctx, w.agent, w.openContact, crm.ContactInput{Phone: ptr("")}); !slices.Equal(got.Phones, []string{"+1 555 0199"}) {
			t.Errorf("primary phone removed: %v", got.Phones)
		}
	})
}

// TestContactList pages by cursor, newest first, and finds contacts by
// the start of any word of their name, addresses or phones.
func TestContactList(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newContactWorld(t, s)
		for i := range 7 {
			if _, err := w.c.CreateContact(ctx, w.agent, crm.ContactInput{Name: ptr(fmt.Sprintf("Page Person %d", i)), Emails: &[]string{fmt.Sprintf("p%d@pages.example", i)}}); err != nil {
				t.Fatal(err)
			}
		}
		var seen []parley.ID
		var after parley.ID
		for pages := 0; ; pages++ {
			page, next, err := w.c.Contacts(ctx, w.agent, crm.ContactQuery{Q: "page", After: after, Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page {
				seen = append(seen, c.ID)
			}
			if next == 0 {
				if pages != 2 || len(page) != 1 {
					t.Errorf("the last page is page %d with %d contacts", pages, len(page))
				}
				break
			}
			after = next
		}
		if len(seen) != 7 || !slices.IsSortedFunc(seen, func(a, b parley.ID) int { return int(b - a) }) {
			t.Errorf("paged through %v", seen)
		}
		for _, tc := range []struct {
			q    string
			want int
		}{
			{"pag pers", 7}, {"p3", 1}, {"pages.example", 7}, {"client", 1}, {"ceo", 0}, {"nobody", 0}, {"!!", 0},
			{"p3@pag", 1}, {"P1@PAGES.EXAMPLE", 1}, {"p@", 0}, {"jo@client.example", 1}, {"ceo@client.example", 0}, {"@pages.example", 7},
		} {
			found, _, err := w.c.Contacts(ctx, w.agent, crm.ContactQuery{Q: tc.q, Limit: 50})
			if err != nil || len(found) != tc.want {
				t.Errorf("%q finds %d (%v), want %d", tc.q, len(found), err, tc.want)
			}
		}
		if found, _, _ := w.c.Contacts(ctx, w.boss, crm.ContactQuery{Q: "ceo", Limit: 50}); len(found) != 1 {
			t.Errorf("the admin finds the hidden inbox's contact %d times", len(found))
		}
		// More matches than a full-text window: every one, once, in order.
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for i := range 230 {
				if err := tx.CreateContact(ctx, &parley.Contact{Name: fmt.Sprintf("Window %d", i), CreatedAt: parley.Now()}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		seen, after = nil, 0
		for {
			page, next, err := w.c.Contacts(ctx, w.agent, crm.ContactQuery{Q: "windo", After: after, Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page {
				seen = append(seen, c.ID)
			}
			if next == 0 {
				break
			}
			after = next
		}
		if len(seen) != 230 || !slices.IsSortedFunc(seen, func(a, b parley.ID) int { return int(b - a) }) {
			t.Errorf("through the windows: %d contacts", len(seen))
		}
		none := parley.ID(0)
		if found, _, _ := w.c.Contacts(ctx, w.agent, crm.ContactQuery{OwnerID: &none, Q: "p1", Limit: 50}); len(found) != 1 {
			t.Errorf("without an owner: %d", len(found))
		}
	})
}

// TestMerge: conversations, tickets and addresses follow the contact kept;
// its own fields stand, what it lacked comes from the other; the moved
// conversations' timelines and the kept contact's record say so.
func TestMerge(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newContactWorld(t, s)
		if _, err := w.c.CreatePipeline(ctx, w.boss, parley.Pipeline{Kind: parley.PipelineTickets, Name: "Support", Stages: []parley.Stage{{Name: "New"}}}); err != nil {
			t.Fatal(err)
		}
		other := w.receive(w.inbox, "jo.home@mail.example")
		gone := *other.ContactID
		ticket, err := w.c.CreateTicket(ctx, w.agent, crm.TicketInput{Subject: "Refund", ConversationIDs: []parley.ID{other.ID}})
		if err != nil {
			t.Fatal(err)
		}
		w.c.CreateField(ctx, w.boss, parley.ContactField{Key: "plan", Label: "Plan", Type: "text"})
		w.c.SetField(ctx, w.agent, gone, "plan", "Pro")
		w.c.UpdateContact(ctx, w.agent, gone, crm.ContactInput{Name: ptr("Jo Home"), Phones: &[]string{"+1 555 0100"}, OwnerID: &w.agent.UserID})
		w.c.UpdateContact(ctx, w.agent, w.openContact, crm.ContactInput{Name: ptr("Jo Lima")})

		if _, err := w.conv.Block(ctx, w.agent, gone); err != nil {
			t.Fatal(err)
		}
		if _, err := w.c.Merge(ctx, w.agent, w.openContact, w.openContact); parley.ErrorField(err) != "contact_id" {
			t.Errorf("a contact into itself: %v", err)
		}
		if _, err := w.c.Merge(ctx, w.viewer, w.openContact, gone); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("a viewer merges: %v", err)
		}
		kept, err := w.c.Merge(ctx, w.agent, w.openContact, gone)
		if err != nil {
			t.Fatal(err)
		}
		if kept.Name != "Jo Lima" || !slices.Equal(kept.Emails, []string{"jo@client.example", "jo.home@mail.example"}) ||
			!slices.Equal(kept.Phones, []string{"+1 555 0100"}) || kept.OwnerID == nil || kept.Details["plan"] != "Pro" || kept.BlockedAt == nil {
			t.Errorf("kept: %+v", kept)
		}
		if _, err := w.c.Contact(ctx, w.agent, gone); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("the merged contact: %v", err)
		}
		if c, _ := s.Conversation(ctx, other.ID); *c.ContactID != w.openContact {
			t.Errorf("the conversation stayed with contact %d", *c.ContactID)
		}
		if tk, _ := w.c.Ticket(ctx, w.agent, ticket.ID); tk.ContactID == nil || *tk.ContactID != w.openContact {
			t.Errorf("the ticket's contact: %v", tk.ContactID)
		}
		convs, _ := w.c.ContactConversations(ctx, w.agent, w.openContact, 10)
		if len(convs) != 2 {
			t.Errorf("the kept contact has %d conversations", len(convs))
		}
		if again := w.receive(w.inbox, "jo.home@mail.example"); *again.ContactID != w.openContact {
			t.Errorf("mail from the merged address made contact %d", *again.ContactID)
		}
		merges, err := w.c.ContactMerges(ctx, w.agent, w.openContact)
		if err != nil || len(merges) != 1 || merges[0].MergedID != gone || merges[0].Name != "Jo Home" || *merges[0].UserID != w.agent.UserID {
			t.Errorf("merges: %+v %v", merges, err)
		}
		events, _ := s.ConversationEvents(ctx, other.ID, 0, 100)
		if !slices.ContainsFunc(events, func(e parley.Event) bool { return e.Type == parley.EventContactMerged }) {
			t.Error("the moved conversation's timeline does not say it was merged")
		}
	})
}

// TestImport: a file with one bad line writes nothing and names each
// error by line and column; a good one creates and updates; an export
// imports back unchanged.
func TestImport(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newContactWorld(t, s)
		w.c.CreateField(ctx, w.boss, parley.ContactField{Key: "seats", Label: "Seats", Type: "number"})
		if _, err := w.c.ImportContacts(ctx, w.agent, crm.ImportInput{CSV: "name\nx\n"}); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("an agent imports: %v", err)
		}
		bad := "Nom,Courriel,Téléphone,Seats,Owner\n" +
			"Ana,ana@new.example,+1 555 0101,3,ag@example.com\n" +
			"Bo,not-an-email,,2,\n" +
			"Cy,cy@new.example,,many,\n" +
			",,,,\n" +
			"Di,ana@new.example,,,vi@example.com\n"
		res, err := w.c.ImportContacts(ctx, w.boss, crm.ImportInput{CSV: bad})
		if err != nil {
			t.Fatal(err)
		}
		if res.Imported || !slices.Equal(res.Columns, []string{"name", "email", "phone", "seats", "owner"}) {
			t.Errorf("columns %v, imported %v", res.Columns, res.Imported)
		}
		want := []crm.ImportError{
			{Row: 3, Column: "Courriel", Reason: "email_invalid"}, {Row: 4, Column: "Seats", Reason: "field_value"}, {Row: 5, Reason: "row_empty"},
			{Row: 6, Column: "Courriel", Reason: "email_twice", Other: 2}, {Row: 6, Column: "Owner", Reason: "owner_unknown"},
		}
		if len(res.Errors) != len(want) {
			t.Fatalf("errors: %+v", res.Errors)
		}
		for i, e := range res.Errors {
			if e.Row != want[i].Row || e.Column != want[i].Column || e.Reason != want[i].Reason || e.Other != want[i].Other || e.Message == "" {
				t.Errorf("error %d: %+v, want %+v", i, e, want[i])
			}
		}
		if _, err := s.ContactByEmail(ctx, "ana@new.example"); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("a good line of a bad file was written: %v", err)
		}

		good := "name,email,phone,seats,owner,Entreprise\n" +
			"Ana,ana@new.example; ana@home.example,+1 555 0101,3,ag@example.com,Acme\n" +
			"Jo Lima,jo@client.example,,12,,ACME\n"
		res, err = w.c.ImportContacts(ctx, w.boss, crm.ImportInput{CSV: good, DryRun: true})
		if err != nil || res.Imported || res.Create != 1 || res.Update != 1 || len(res.Errors) != 0 {
			t.Fatalf("dry run: %+v %v", res, err)
		}
		if _, err := s.ContactByEmail(ctx, "ana@new.example"); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("a dry run wrote: %v", err)
		}
		res, err = w.c.ImportContacts(ctx, w.boss, crm.ImportInput{CSV: good, Columns: []string{"name", "email", "", "seats", "owner", "company"}})
		if err != nil || !res.Imported {
			t.Fatalf("import: %+v %v", res, err)
		}
		ana, err := s.ContactByEmail(ctx, "ana@home.example")
		if err != nil || ana.Name != "Ana" || len(ana.Phones) != 0 || ana.Details["seats"] != "3" || *ana.OwnerID != w.agent.UserID {
			t.Errorf("created: %+v %v", ana, err)
		}
		jo, _ := s.Contact(ctx, w.openContact)
		if jo.Name != "Jo Lima" || jo.Details["seats"] != "12" || jo.CompanyID == nil || ana.CompanyID == nil || *jo.CompanyID != *ana.CompanyID {
			t.Errorf("updated: %+v", jo)
		}
		if acme, _ := s.Company(ctx, *ana.CompanyID); acme.Name != "Acme" || acme.Contacts != 2 {
			t.Errorf("the company made by the import: %+v", acme)
		}

		var out bytes.Buffer
		if err := w.c.ExportContacts(ctx, w.agent, &out); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("an agent exports: %v", err)
		}
		if err := w.c.ExportContacts(ctx, w.boss, &out); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(out.Bytes())).ReadAll()
		if err != nil || len(recs) != 4 || !slices.Equal(recs[0], []string{"id", "name", "email", "phone", "owner", "company", "created_at", "seats"}) {
			t.Fatalf("export: %q %v", recs, err)
		}
		if recs[1][1] != "Ana" || recs[1][2] != "ana@new.example; ana@home.example" || recs[1][4] != "ag@example.com" || recs[1][5] != "Acme" || recs[1][7] != "3" {
			t.Errorf("exported Ana as %q", recs[1])
		}
		res, err = w.c.ImportContacts(ctx, w.boss, crm.ImportInput{CSV: out.String()})
		if err != nil || !res.Imported || res.Create != 0 || res.Update != 3 {
			t.Errorf("the export imported back: %+v %v", res, err)
		}
	})
}

// TestImportEdges: two lines about one contact both count; a name that a
// spreadsheet would run as a formula is exported inert and imports back
// as it was.
func TestImportEdges(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newContactWorld(t, s)
		w.c.UpdateContact(ctx, w.boss, w.openContact, crm.ContactInput{Emails: &[]string{"jo@client.example", "jo2@client.example"}})
		res, err := w.c.ImportContacts(ctx, w.boss, crm.ImportInput{CSV: "name,email,phone\nJo Lima,jo@client.example; jo3@client.example,\n,jo2@client.example,+1 555 0100\n"})
		if err != nil || !res.Imported || res.Update != 2 {
			t.Fatalf("import: %+v %v", res, err)
		}
		jo, _ := s.Contact(ctx, w.openContact)
		if jo.Name != "Jo Lima" || len(jo.Emails) != 3 || !slices.Equal(jo.Phones, []string{"+1 555 0100"}) {
			t.Errorf("both lines: %+v", jo)
		}
		w.c.UpdateContact(ctx, w.boss, w.openContact, crm.ContactInput{Name: ptr(`=HYPERLINK("http://evil.example","x")`)})
		var out bytes.Buffer
		if err := w.c.ExportContacts(ctx, w.boss, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), `'=HYPERLINK(`) {
			t.Errorf("a formula exported live: %s", out.String())
		}
		w.c.UpdateContact(ctx, w.boss, w.openContact, crm.ContactInput{Name: ptr("Someone else")})
		if res, err := w.c.ImportContacts(ctx, w.boss, crm.ImportInput{CSV: out.String()}); err != nil || !res.Imported {
			t.Fatalf("import back: %+v %v", res, err)
		}
		if jo, _ := s.Contact(ctx, w.openContact); jo.Name != `=HYPERLINK("http://evil.example","x")` {
			t.Errorf("imported back as %q", jo.Name)
		}
	})
}

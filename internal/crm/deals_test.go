package crm_test

import (
	"context"
	"slices"
	"testing"

	"github.com/parleyhq/parley/internal/crm"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestDeals: a deal made from a conversation is with its contact and their
// company and says so in the timeline; amounts, currencies and dates are
// checked; stage moves close and reopen it; who may see and change one
// follows from its conversations; a merge carries its contacts; a
// pipeline holding deals is kept.
func TestDeals(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newContactWorld(t, s)
		if _, err := w.c.CreateDeal(ctx, w.agent, crm.DealInput{Name: ptr("Too soon")}); parley.ErrorReason(err) != "no_pipeline" {
			t.Errorf("no deal pipeline yet: %v", err)
		}
		support, _ := w.c.CreatePipeline(ctx, w.boss, parley.Pipeline{Kind: parley.PipelineTickets, Name: "Support", Stages: []parley.Stage{{Name: "New"}}})
		sales, err := w.c.CreatePipeline(ctx, w.boss, parley.Pipeline{Kind: parley.PipelineDeals, Name: "Sales",
			Stages: []parley.Stage{{Name: "Lead"}, {Name: "Proposal"}, {Name: "Won", Closed: true}}})
		if err != nil {
			t.Fatal(err)
		}
		client, _ := w.c.CreateCompany(ctx, w.agent, crm.CompanyInput{Name: ptr("Client Co")})
		w.c.UpdateContact(ctx, w.agent, w.openContact, crm.ContactInput{CompanyID: &client.ID})

		for _, bad := range []struct {
			in    crm.DealInput
			field string
		}{
			{crm.DealInput{}, "name"},
			{crm.DealInput{Name: ptr(" ")}, "name"},
			{crm.DealInput{Name: ptr("x"), Amount: ptr("lots"), Currency: ptr("EUR")}, "amount"},
			{crm.DealInput{Name: ptr("x"), Amount: ptr("-5"), Currency: ptr("EUR")}, "amount"},
			{crm.DealInput{Name: ptr("x"), Amount: ptr("1.234"), Currency: ptr("EUR")}, "amount"},
			{crm.DealInput{Name: ptr("x"), Amount: ptr("10")}, "currency"},
			{crm.DealInput{Name: ptr("x"), Amount: ptr("10"), Currency: ptr("euro")}, "currency"},
			{crm.DealInput{Name: ptr("x"), CloseDate: ptr("31/12/2026")}, "close_date"},
			{crm.DealInput{Name: ptr("x"), PipelineID: &support.ID}, "pipeline_id"},
			{crm.DealInput{Name: ptr("x"), StageID: &support.Stages[0].ID}, "stage_id"},
			{crm.DealInput{Name: ptr("x"), ContactIDs: &[]parley.ID{w.ceo}}, "contact_ids[0]"},
			{crm.DealInput{Name: ptr("x"), ConversationIDs: []parley.ID{w.secret.ID}}, "conversation_ids[0]"},
		} {
			if _, err := w.c.CreateDeal(ctx, w.agent, bad.in); parley.ErrorField(err) != bad.field {
				t.Errorf("%+v: %v, want the field %s", bad.in, err, bad.field)
			}
		}
		if _, err := w.c.CreateDeal(ctx, w.viewer, crm.DealInput{Name: ptr("x")}); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("a viewer opens a deal: %v", err)
		}

		deal, err := w.c.CreateDeal(ctx, w.agent, crm.DealInput{Name: ptr(" Annual  plan "), Amount: ptr("12 500,50"), Currency: ptr("eur"),
			CloseDate: ptr("2027-01-31"), OwnerID: &w.agent.UserID, ConversationIDs: []parley.ID{w.open.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if deal.Name != "Annual plan" || deal.Amount != "12500.5" || deal.Currency != "EUR" || deal.StageID != sales.Stages[0].ID ||
			deal.Status != parley.StatusOpen || !slices.Equal(deal.ContactIDs, []parley.ID{w.openContact}) || deal.CompanyID == nil || *deal.CompanyID != client.ID {
			t.Errorf("from a conversation: %+v", deal)
		}
		events, _ := s.ConversationEvents(ctx, w.open.ID, 0, 100)
		if !slices.ContainsFunc(events, func(e parley.Event) bool { return e.Type == parley.EventDealCreated }) {
			t.Error("the timeline does not say a deal was made")
		}

		won, err := w.c.UpdateDeal(ctx, w.agent, deal.ID, crm.DealInput{StageID: &sales.Stages[2].ID})
		if err != nil || won.Status != parley.StatusClosed {
			t.Fatalf("won: %+v %v", won, err)
		}
		events, _ = s.ConversationEvents(ctx, w.open.ID, 0, 100)
		if !slices.ContainsFunc(events, func(e parley.Event) bool { return e.Type == parley.EventDealStageChanged }) {
			t.Error("the timeline does not say the deal moved")
		}

		// A contact the agent cannot see, added by the admin, stays on the
		// deal when the agent saves its contacts; one the agent adds is checked.
		if _, err := w.c.UpdateDeal(ctx, w.boss, deal.ID, crm.DealInput{ContactIDs: &[]parley.ID{w.openContact, w.ceo}}); err != nil {
			t.Fatal(err)
		}
		loner, _ := w.c.CreateContact(ctx, w.agent, crm.ContactInput{Name: ptr("Walk-in buyer")})
		kept, err := w.c.UpdateDeal(ctx, w.agent, deal.ID, crm.DealInput{ContactIDs: &[]parley.ID{w.ceo, w.openContact, loner.ID, loner.ID}})
		if err != nil || !slices.Equal(kept.ContactIDs, []parley.ID{w.ceo, w.openContact, loner.ID}) {
			t.Errorf("the agent's save of the contacts: %+v %v", kept, err)
		}

		// Access follows the conversations.
		secret, err := w.c.CreateDeal(ctx, w.boss, crm.DealInput{Name: ptr("Board deal"), ConversationIDs: []parley.ID{w.secret.ID}})
		if err != nil {
			t.Fatal(err)
		}
		loose, _ := w.c.CreateDeal(ctx, w.agent, crm.DealInput{Name: ptr("Walk-in")})
		for _, tc := range []struct {
			who        string
			a          parley.Actor
			id         parley.ID
			read, edit string
		}{
			{"agent, hidden inbox", w.agent, secret.ID, parley.ENOTFOUND, parley.ENOTFOUND},
			{"agent, guessed", w.agent, loose.ID + 1000, parley.ENOTFOUND, parley.ENOTFOUND},
			{"viewer, open inbox", w.viewer, deal.ID, "", parley.EFORBIDDEN},
			{"viewer, no conversations", w.viewer, loose.ID, "", parley.EFORBIDDEN},
			{"agent, no conversations", w.agent, loose.ID, "", ""},
		} {
			if _, err := w.c.Deal(ctx, tc.a, tc.id); parley.ErrorCode(err) != tc.read {
				t.Errorf("%s reads: %v", tc.who, err)
			}
			if _, err := w.c.UpdateDeal(ctx, tc.a, tc.id, crm.DealInput{Name: ptr("Renamed")}); parley.ErrorCode(err) != tc.edit {
				t.Errorf("%s edits: %v", tc.who, err)
			}
		}
		// Unlinked from its only conversation, the hidden inbox's deal stays
		// that inbox's.
		if _, err := w.c.LinkDeal(ctx, w.boss, secret.ID, w.secret.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := w.c.Deal(ctx, w.agent, secret.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("an unlinked deal of the hidden inbox: %v", err)
		}
		all, _ := w.c.Deals(ctx, w.agent, store.DealFilter{})
		if len(all) != 2 || slices.ContainsFunc(all, func(d parley.Deal) bool { return d.ID == secret.ID }) {
			t.Errorf("the agent lists %d deals", len(all))
		}
		for name, f := range map[string]store.DealFilter{
			"contact": {ContactID: w.openContact}, "company": {CompanyID: client.ID}, "conversation": {ConversationID: w.open.ID},
			"closed": {Status: parley.StatusClosed}, "owner": {OwnerID: &w.agent.UserID},
		} {
			if got, _ := w.c.Deals(ctx, w.agent, f); len(got) != 1 || got[0].ID != deal.ID {
				t.Errorf("by %s: %d deals", name, len(got))
			}
		}

		// Linked to a conversation of the open inbox, the loose deal is that
		// inbox's; unlinked, everyone's again.
		if _, err := w.c.LinkDeal(ctx, w.agent, loose.ID, w.secret.ID, true); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("linked to a conversation the agent cannot see: %v", err)
		}
		other := w.receive(w.inbox, "jo.home@mail.example")
		if d, err := w.c.LinkDeal(ctx, w.agent, loose.ID, other.ID, true); err != nil || !slices.Equal(d.ConversationIDs, []parley.ID{other.ID}) {
			t.Errorf("link: %+v %v", d, err)
		}
		// Merging the other contact in carries the deal's contact over.
		w.c.UpdateDeal(ctx, w.agent, loose.ID, crm.DealInput{ContactIDs: &[]parley.ID{*other.ContactID}})
		if _, err := w.c.Merge(ctx, w.agent, w.openContact, *other.ContactID); err != nil {
			t.Fatal(err)
		}
		if d, _ := w.c.Deal(ctx, w.agent, loose.ID); !slices.Equal(d.ContactIDs, []parley.ID{w.openContact}) {
			t.Errorf("after the merge the deal is with %v", d.ContactIDs)
		}

		if err := w.c.DeletePipeline(ctx, w.boss, sales.ID); parley.ErrorReason(err) != "pipeline_in_use" {
			t.Errorf("a pipeline holding deals: %v", err)
		}
		if err := w.c.DeleteDeal(ctx, w.viewer, loose.ID); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("a viewer deletes: %v", err)
		}
		if err := w.c.DeleteDeal(ctx, w.agent, loose.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.c.Deal(ctx, w.agent, loose.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("deleted: %v", err)
		}
	})
}

// TestStageKindChange: a stage that becomes closed closes every deal in
// it, more than a page of them.
func TestStageKindChange(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newContactWorld(t, s)
		sales, err := w.c.CreatePipeline(ctx, w.boss, parley.Pipeline{Kind: parley.PipelineDeals, Name: "Sales", Stages: []parley.Stage{{Name: "Lead"}, {Name: "New"}}})
		if err != nil {
			t.Fatal(err)
		}
		const n = 520
		at := parley.Now()
		err = s.InTx(ctx, func(tx *store.Tx) error {
			for range n {
				d := &parley.Deal{Name: "Bulk", PipelineID: sales.ID, StageID: sales.Stages[0].ID, Status: parley.StatusOpen, CreatedAt: at, UpdatedAt: at}
				if err := tx.CreateDeal(ctx, d); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		sales.Stages[0].Closed = true
		if _, err := w.c.UpdatePipeline(ctx, w.boss, sales.ID, *sales); err != nil {
			t.Fatal(err)
		}
		open, _ := s.Deals(ctx, store.DealFilter{PipelineID: sales.ID, Status: parley.StatusOpen, Limit: 500})
		if len(open) != 0 {
			t.Errorf("%d deals still open", len(open))
		}
	})
}

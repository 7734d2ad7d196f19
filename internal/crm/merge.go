package crm

import (
	"context"
	"maps"
	"slices"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Merge folds the contact gone into the contact kept (SPEC CRM-1): one
// customer known twice. Kept's conversations, tickets, deals, chat
// visitors, consents and lists gain gone's; its addresses and phones
// follow its own; its name, owner, company, block and each field it lacks
// are gone's. Gone is deleted.
// Each conversation that moves says so in its timeline, and kept's page
// lists who was merged in (ContactMerges). a must be able to act for both.
func (s *Service) Merge(ctx context.Context, a parley.Actor, keptID, goneID parley.ID) (*parley.Contact, error) {
	if keptID == goneID {
		return nil, parley.Invalid("contact_id", "is the contact itself: choose another to merge into it")
	}
	var out *parley.Contact
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		// Both rows locked, the lower id first: two merges of the same pair,
		// either way round, wait for each other rather than deadlock.
		var kept, gone *parley.Contact
		var keptErr, goneErr error
		if keptID < goneID {
			kept, keptErr = s.mayContact(ctx, &tx.Q, a, keptID, auth.Act)
			gone, goneErr = s.mayContact(ctx, &tx.Q, a, goneID, auth.Act)
		} else {
			gone, goneErr = s.mayContact(ctx, &tx.Q, a, goneID, auth.Act)
			kept, keptErr = s.mayContact(ctx, &tx.Q, a, keptID, auth.Act)
		}
		if keptErr != nil {
			return keptErr
		}
		if parley.ErrorCode(goneErr) == parley.ENOTFOUND {
			return parley.Invalid("contact_id", "no such contact")
		}
		if goneErr != nil {
			return goneErr
		}
		moved, err := tx.ContactConversationIDs(ctx, goneID, "")
		if err != nil {
			return err
		}
		readable, err := auth.Readable(ctx, &tx.Q, a)
		if err != nil {
			return err
		}
		// The timelines say gone's name as a sees it; the record keeps where
		// it was learnt, for each reader (ContactMerges).
		goneSeen := gone.Seen(readable)
		fold(kept, gone)
		now := s.now()
		m := store.ContactMerge{ContactID: kept.ID, MergedID: gone.ID, Name: gone.Name, NameInbox: gone.NameInbox, Emails: gone.Emails, MergedAt: now}
		if a.Kind == parley.ActorUser {
			m.UserID = &a.UserID
		}
		if err := tx.MergeContact(ctx, kept, gone, m); err != nil {
			return err
		}
		data := map[string]any{"contact_id": kept.ID, "from_contact_id": gone.ID, "name": goneSeen.Name, "email": gone.Email}
		for _, id := range moved {
			inbox, err := tx.InboxOf(ctx, id)
			if err != nil {
				return err
			}
			e := parley.NewEvent(parley.EventContactMerged, a, now, data)
			e.ConversationID, e.InboxID = &id, &inbox
			tx.Append(e)
		}
		if len(moved) == 0 {
			tx.Append(parley.NewEvent(parley.EventContactMerged, a, now, data))
		}
		out = kept.Seen(readable)
		return nil
	})
	return out, err
}

// fold gives kept what only gone has: addresses and phones after its own,
// a name, an owner, fields. Where both have one, kept's stands.
func fold(kept, gone *parley.Contact) {
	for _, e := range gone.Emails {
		if !slices.Contains(kept.Emails, e) {
			kept.Emails = append(kept.Emails, e)
		}
	}
	for _, p := range gone.Phones {
		if !slices.Contains(kept.Phones, p) {
			kept.Phones = append(kept.Phones, p)
		}
	}
	if kept.Name == "" {
		kept.Name, kept.NameInbox = gone.Name, gone.NameInbox
	}
	if kept.OwnerID == nil {
		kept.OwnerID = gone.OwnerID
	}
	if kept.CompanyID == nil {
		kept.CompanyID = gone.CompanyID
	}
	// A blocked sender stays blocked under the contact kept: their
	// addresses are its now.
	if kept.BlockedAt == nil {
		kept.BlockedAt = gone.BlockedAt
	}
	details := maps.Clone(gone.Details)
	if details == nil {
		details = map[string]string{}
	}
	maps.Copy(details, kept.Details)
	kept.Details = details
}

// ContactMerges returns who was merged into a contact, oldest first, to
// whoever may see it.
func (s *Service) ContactMerges(ctx context.Context, a parley.Actor, id parley.ID) ([]store.ContactMerge, error) {
	if _, err := s.mayContact(ctx, &s.store.Q, a, id, auth.Read); err != nil {
		return nil, err
	}
	ms, err := s.store.ContactMerges(ctx, id)
	if err != nil {
		return nil, err
	}
	readable, err := auth.Readable(ctx, s.store, a)
	if err != nil {
		return nil, err
	}
	for i, m := range ms {
		if m.NameInbox != nil && !readable(*m.NameInbox) {
			ms[i].Name = "" // learnt in an inbox a cannot read
		}
	}
	return ms, nil
}

package chat

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// MaxFlows bounds an inbox's chat flows.
const MaxFlows = 100

// Flows returns an inbox's chat flows in order (admins).
func (s *Service) Flows(ctx context.Context, a parley.Actor, inboxID parley.ID) ([]Flow, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	if _, err := s.store.Inbox(ctx, inboxID); err != nil {
		return nil, err
	}
	return s.flows(ctx, s.store.Q, inboxID)
}

func (s *Service) flows(ctx context.Context, q store.Q, inboxID parley.ID) ([]Flow, error) {
	stored, err := q.ChatFlows(ctx, inboxID)
	if err != nil {
		return nil, err
	}
	flows, err := decodeFlows(stored)
	for i := range flows {
		s.pictureURL(&flows[i])
	}
	return flows, err
}

// FlowsUsingList names the flows, of any inbox, that show to or hide from
// a contact list, read with q: such a list is not deleted
// (crm.Options.InUse).
func FlowsUsingList(ctx context.Context, q *store.Q, listID parley.ID) ([]string, error) {
	stored, err := q.EveryChatFlow(ctx)
	if err != nil {
		return nil, err
	}
	flows, err := decodeFlows(stored)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, f := range flows {
		if f.AudienceList == listID && (f.Audience == "in_list" || f.Audience == "not_in_list") {
			names = append(names, f.Name)
		}
	}
	return names, nil
}

func decodeFlows(stored []store.ChatFlow) ([]Flow, error) {
	out := make([]Flow, len(stored))
	for i := range stored {
		if err := json.Unmarshal([]byte(stored[i].Settings), &out[i]); err != nil {
			return nil, fmt.Errorf("chat flow %d: %w", stored[i].ID, err)
		}
		out[i].ID = stored[i].ID
	}
	return out, nil
}

// SaveFlow creates a flow (id 0), last in its inbox's order, or replaces
// one (admins).
func (s *Service) SaveFlow(ctx context.Context, a parley.Actor, inboxID parley.ID, in Flow) (*Flow, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	f, err := in.Normalize()
	if err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Inbox(ctx, inboxID); err != nil {
			return err
		}
		if err := people(ctx, tx, &f.Heading); err != nil {
			return err
		}
		if f.AudienceList != 0 {
			if _, err := tx.ContactList(ctx, f.AudienceList); parley.ErrorCode(err) == parley.ENOTFOUND {
				return parley.Invalid("audience_list", "names no contact list")
			} else if err != nil {
				return err
			}
		}
		if f.Routing != nil {
			if err := f.Routing.Check(ctx, tx, "routing."); err != nil {
				return err
			}
		}
		change := "updated"
		stored := &store.ChatFlow{ID: in.ID, InboxID: inboxID, CreatedAt: parley.Now()}
		f.Picture = nil // set on its own (SetPicture); saving keeps it
		if in.ID != 0 {
			old, err := tx.ChatFlow(ctx, in.ID)
			if err != nil || old.InboxID != inboxID {
				return parley.NotFound("chat flow")
			}
			stored.Position = old.Position
			var was Flow
			if err := json.Unmarshal([]byte(old.Settings), &was); err != nil {
				return err
			}
			f.Picture = was.Picture
		} else {
			change = "created"
			if n, err := tx.ChatFlows(ctx, inboxID); err != nil || len(n) >= MaxFlows {
				if err == nil {
					err = parley.Errorf(parley.ECONFLICT, "an inbox has at most %d chat flows", MaxFlows)
				}
				return err
			}
		}
		f.ID = 0 // the id is the row's, not the settings'
		raw, err := json.Marshal(f)
		if err != nil {
			return err
		}
		stored.Settings = string(raw)
		if in.ID == 0 {
			err = tx.CreateChatFlow(ctx, stored)
		} else {
			err = tx.UpdateChatFlow(ctx, stored)
		}
		if err != nil {
			return err
		}
		f.ID = stored.ID
		tx.Append(flowEvent(a, inboxID, f.ID, change))
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.pictureURL(&f)
	return &f, nil
}

// people checks that the people and teams a heading names exist.
func people(ctx context.Context, tx *store.Tx, h *Heading) error {
	ids := slices.Clone(h.UserIDs)
	if h.FallbackUserID != nil {
		ids = append(ids, *h.FallbackUserID)
	}
	names, err := tx.UserNames(ctx, ids)
	if err != nil {
		return err
	}
	for i, id := range h.UserIDs {
		if _, ok := names[id]; !ok {
			return parley.Invalid(fmt.Sprintf("heading.user_ids[%d]", i), "names no one")
		}
	}
	if h.FallbackUserID != nil {
		if _, ok := names[*h.FallbackUserID]; !ok {
			return parley.Invalid("heading.fallback_user_id", "names no one")
		}
	}
	for i, id := range h.TeamIDs {
		if _, err := tx.Team(ctx, id); err != nil {
			return parley.Invalid(fmt.Sprintf("heading.team_ids[%d]", i), "names no team")
		}
	}
	return nil
}

// DeleteFlow removes a flow (admins).
func (s *Service) DeleteFlow(ctx context.Context, a parley.Actor, inboxID, id parley.ID) error {
	if err := auth.Admin(a); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		old, err := tx.ChatFlow(ctx, id)
		if err != nil || old.InboxID != inboxID {
			return parley.NotFound("chat flow")
		}
		if err := tx.DeleteChatFlow(ctx, id); err != nil {
			return err
		}
		tx.Append(flowEvent(a, inboxID, id, "deleted"))
		return nil
	})
}

// OrderFlows puts an inbox's flows in the order of ids, which must name
// each of them once (admins).
func (s *Service) OrderFlows(ctx context.Context, a parley.Actor, inboxID parley.ID, ids []parley.ID) ([]Flow, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	var out []Flow
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		stored, err := tx.ChatFlows(ctx, inboxID)
		if err != nil {
			return err
		}
		byID := map[parley.ID]*store.ChatFlow{}
		for i := range stored {
			byID[stored[i].ID] = &stored[i]
		}
		if len(ids) != len(stored) {
			return parley.Invalid("ids", "must name each of the inbox's %d flows once", len(stored))
		}
		for pos, id := range ids {
			f, ok := byID[id]
			if !ok {
				return parley.Invalid(fmt.Sprintf("ids[%d]", pos), "is not one of the inbox's flows, or is named twice")
			}
			delete(byID, id)
			f.Position = pos
			if err := tx.UpdateChatFlow(ctx, f); err != nil {
				return err
			}
		}
		tx.Append(flowEvent(a, inboxID, 0, "moved"))
		out, err = s.flows(ctx, tx.Q, inboxID)
		return err
	})
	return out, err
}

func flowEvent(a parley.Actor, inboxID, id parley.ID, change string) parley.Event {
	e := parley.NewEvent(parley.EventChatFlowChanged, a, parley.Now(), map[string]any{"flow_id": id, "change": change})
	e.InboxID = &inboxID
	return e
}

// shuffle picks up to n of ids, at random when there are more (SPEC CHT-5).
func shuffle(ids []parley.ID, n int) []parley.ID {
	ids = slices.Clone(ids)
	if len(ids) > n {
		rand.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
		ids = ids[:n]
	}
	return ids
}

package crm

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Pipelines (SPEC CRM-3) are ordered stages that tickets move through;
// admins define them, everyone signed in reads them. A stage is open or
// closed: a ticket reaching a closed stage is closed. A stage or pipeline
// that holds tickets is never removed under them.

// MaxStages bounds a pipeline's stages.
const MaxStages = 20

// Pipelines returns the pipelines of a kind, with their stages in order.
func (s *Service) Pipelines(ctx context.Context, a parley.Actor, kind parley.PipelineKind) ([]parley.Pipeline, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	return s.store.Pipelines(ctx, kind)
}

// checkPipeline normalises a pipeline's name and stages, naming the field
// at fault: a name, 1 to MaxStages stages with distinct names, at least
// one open.
func checkPipeline(p *parley.Pipeline) error {
	p.Name = strings.TrimSpace(p.Name)
	if p.Name == "" || len([]rune(p.Name)) > 100 {
		return parley.Invalid("name", "is required, up to 100 characters")
	}
	if len(p.Stages) == 0 || len(p.Stages) > MaxStages {
		return parley.Invalid("stages", "must have 1 to %d stages", MaxStages)
	}
	seen := map[string]bool{}
	open := false
	for i := range p.Stages {
		st := &p.Stages[i]
		st.Name = strings.TrimSpace(st.Name)
		field := fmt.Sprintf("stages[%d].name", i)
		if st.Name == "" || len([]rune(st.Name)) > 60 {
			return parley.Invalid(field, "is required, up to 60 characters")
		}
		if seen[strings.ToLower(st.Name)] {
			return parley.Invalid(field, "%q names two stages", st.Name).Because("stage_twice")
		}
		seen[strings.ToLower(st.Name)] = true
		open = open || !st.Closed
	}
	if !open {
		return parley.Invalid("stages", "need at least one open stage: where would a new ticket go?").Because("no_open_stage")
	}
	return nil
}

// CreatePipeline adds a pipeline (admins), last of its kind. A name its
// kind already has is ECONFLICT.
func (s *Service) CreatePipeline(ctx context.Context, a parley.Actor, p parley.Pipeline) (*parley.Pipeline, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	if p.Kind != parley.PipelineTickets && p.Kind != parley.PipelineDeals {
		return nil, parley.Invalid("kind", "must be ticket or deal")
	}
	if err := checkPipeline(&p); err != nil {
		return nil, err
	}
	for i := range p.Stages {
		p.Stages[i].ID = 0
	}
	p.CreatedAt = s.now()
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreatePipeline(ctx, &p); err != nil {
			return pipelineError(err, p.Name)
		}
		tx.Append(pipelineEvent(a, &p, "created", p.CreatedAt))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// UpdatePipeline renames a pipeline and sets its stages as listed
// (admins): stages with an id are kept, renamed and reordered, new ones
// added, missing ones removed — unless tickets are in them (ECONFLICT
// naming the stage). A stage that becomes closed closes its tickets, one
// that opens reopens them.
func (s *Service) UpdatePipeline(ctx context.Context, a parley.Actor, id parley.ID, in parley.Pipeline) (*parley.Pipeline, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	if err := checkPipeline(&in); err != nil {
		return nil, err
	}
	var out *parley.Pipeline
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.Pipeline(ctx, id)
		if err != nil {
			return err
		}
		counts, err := tx.StageTickets(ctx, id)
		if err != nil {
			return err
		}
		listed := map[parley.ID]bool{}
		for i, st := range in.Stages {
			if st.ID == 0 {
				continue
			}
			if p.Stage(st.ID) == nil || listed[st.ID] {
				return parley.Invalid(fmt.Sprintf("stages[%d].id", i), "is not a stage of this pipeline, or is listed twice")
			}
			listed[st.ID] = true
		}
		channels, err := tx.ChannelTicketsOf(ctx, id)
		if err != nil {
			return err
		}
		for _, st := range p.Stages {
			for _, c := range channels {
				if !listed[st.ID] && c.StageID == st.ID {
					return (&parley.Error{Code: parley.ECONFLICT, Field: "stages",
						Message: fmt.Sprintf("a channel opens its tickets in stage %q: change it first", st.Name)}).Because("stage_used_by_channel")
				}
			}
			if !listed[st.ID] && counts[st.ID] > 0 {
				return (&parley.Error{Code: parley.ECONFLICT, Field: "stages",
					Message: fmt.Sprintf("stage %q holds %d %ss: move them first", st.Name, counts[st.ID], p.Kind)}).Because("stage_in_use")
			}
		}
		now := s.now()
		p.Name, p.Stages = in.Name, in.Stages
		if err := tx.UpdatePipeline(ctx, p); err != nil {
			return pipelineError(err, p.Name)
		}
		if err := s.syncStatus(ctx, tx, a, p, now); err != nil {
			return err
		}
		tx.Append(pipelineEvent(a, p, "updated", now))
		out = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// syncStatus sets each ticket of a pipeline whose stage changed kind to
// the stage's kind, with an event for each.
func (s *Service) syncStatus(ctx context.Context, tx *store.Tx, a parley.Actor, p *parley.Pipeline, now time.Time) error {
	closed := map[parley.ID]bool{}
	for _, st := range p.Stages {
		closed[st.ID] = st.Closed
	}
	if p.Kind == parley.PipelineDeals {
		return syncDeals(ctx, tx, a, p, closed, now)
	}
	for _, status := range []parley.Status{parley.StatusOpen, parley.StatusClosed} {
		var after *store.Cursor
		for {
			ts, err := tx.Tickets(ctx, store.TicketFilter{PipelineID: p.ID, Status: status, After: after, Limit: 500})
			if err != nil {
				return err
			}
			if len(ts) == 0 {
				break
			}
			// The next page is after this one as it was read: a ticket
			// changed here is newer than the cursor, and must not move it.
			next := &store.Cursor{At: ts[len(ts)-1].UpdatedAt, ID: ts[len(ts)-1].ID}
			for i := range ts {
				t := &ts[i]
				want := parley.StatusOpen
				if closed[t.StageID] {
					want = parley.StatusClosed
				}
				if t.Status == want {
					continue
				}
				t.Status, t.UpdatedAt = want, now
				if err := tx.UpdateTicket(ctx, t); err != nil {
					return err
				}
				if err := ticketEvent(ctx, tx, a, t, parley.EventTicketUpdated, now, map[string]any{"ticket_id": t.ID, "subject": t.Subject,
					"fields": []string{"status"}, "status": t.Status}); err != nil {
					return err
				}
			}
			if len(ts) < 500 {
				break
			}
			after = next
		}
	}
	return nil
}

// syncDeals is syncStatus for a deal pipeline.
func syncDeals(ctx context.Context, tx *store.Tx, a parley.Actor, p *parley.Pipeline, closed map[parley.ID]bool, now time.Time) error {
	var after *store.Cursor
	for {
		ds, err := tx.Deals(ctx, store.DealFilter{PipelineID: p.ID, After: after, Limit: 500})
		if err != nil || len(ds) == 0 {
			return err
		}
		// The next page is after this one as it was read.
		next := &store.Cursor{At: ds[len(ds)-1].UpdatedAt, ID: ds[len(ds)-1].ID}
		for i := range ds {
			d := &ds[i]
			want := parley.StatusOpen
			if closed[d.StageID] {
				want = parley.StatusClosed
			}
			if d.Status == want {
				continue
			}
			d.Status, d.UpdatedAt = want, now
			if err := tx.UpdateDeal(ctx, d); err != nil {
				return err
			}
			if err := dealEvent(ctx, tx, a, d, parley.EventDealUpdated, now, map[string]any{"status": d.Status}); err != nil {
				return err
			}
		}
		if len(ds) < 500 {
			return nil
		}
		after = next
	}
}

// DeletePipeline removes a pipeline (admins); one that holds tickets is
// ECONFLICT.
func (s *Service) DeletePipeline(ctx context.Context, a parley.Actor, id parley.ID) error {
	if err := auth.Admin(a); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.Pipeline(ctx, id)
		if err != nil {
			return err
		}
		counts, err := tx.StageTickets(ctx, id)
		if err != nil {
			return err
		}
		n := 0
		for _, c := range counts {
			n += c
		}
		if n > 0 {
			return (&parley.Error{Code: parley.ECONFLICT, Message: fmt.Sprintf("pipeline %q holds %d %ss: move or delete them first", p.Name, n, p.Kind)}).Because("pipeline_in_use")
		}
		if channels, err := tx.ChannelTicketsOf(ctx, id); err != nil || len(channels) > 0 {
			if err != nil {
				return err
			}
			return (&parley.Error{Code: parley.ECONFLICT, Message: fmt.Sprintf("a channel opens its tickets in pipeline %q: change it first", p.Name)}).Because("pipeline_used_by_channel")
		}
		if err := tx.DeletePipeline(ctx, id); err != nil {
			return err
		}
		tx.Append(pipelineEvent(a, p, "deleted", s.now()))
		return nil
	})
}

func pipelineEvent(a parley.Actor, p *parley.Pipeline, change string, at time.Time) parley.Event {
	return parley.NewEvent(parley.EventPipelineChanged, a, at, map[string]any{"pipeline_id": p.ID, "kind": p.Kind, "name": p.Name, "change": change})
}

// pipelineError says a taken name as the conflict it is.
func pipelineError(err error, name string) error {
	if parley.ErrorCode(err) == parley.ECONFLICT {
		return (&parley.Error{Code: parley.ECONFLICT, Field: "name", Message: fmt.Sprintf("a pipeline is already named %q", name)}).Because("pipeline_name_taken")
	}
	return err
}

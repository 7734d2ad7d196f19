package conversation

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Cursor is a position in a list, past which the next page starts.
type Cursor = store.Cursor

// ListFilter selects conversations (SPEC VEW-1..4).
type ListFilter struct {
	InboxID   parley.ID // 0: every inbox the actor can read
	View      string    // a parley.View*, "channel:<label>" or "all"; default open (parley.ViewAll when searching)
	Status    parley.Status
	Placement parley.Placement
	Channel   string // a channel label: email, chat, bots, forms, calls, api
	Assignee  string // a user id, "me" or "none"
	TeamID    parley.ID
	// Date ranges: from inclusive, to exclusive.
	CreatedFrom, CreatedTo, ActiveFrom, ActiveTo *time.Time
	Hide                                         []parley.Placement // e.g. filtered, trash
	Oldest                                       bool
	Query                                        string // search (SPEC VEW-3)
	After                                        *Cursor
	Limit                                        int
}

// SearchCap bounds the candidates of each kind a search ranks.
const SearchCap = 500

// List returns a page of the conversations the actor may read that match the
// filter: a view's list by cursor, or search results by relevance then
// recency. An inbox the actor cannot read is ENOTFOUND; a bad filter is
// EINVALID naming it.
func (s *Service) List(ctx context.Context, a parley.Actor, f ListFilter) ([]parley.Conversation, error) {
	inboxes, err := s.readable(ctx, a, f.InboxID)
	if err != nil {
		return nil, err
	}
	v, err := viewQuery(a, f)
	if err != nil {
		return nil, err
	}
	v.InboxIDs = inboxes
	if f.Query == "" {
		return s.store.ListView(ctx, v)
	}
	terms, err := store.ParseSearch(f.Query)
	if err != nil {
		return nil, err
	}
	// Each rank's conversations are loaded a page at a time (doubling)
	// until the filters have let enough through.
	limit := max(f.Limit, 1)
	var out []parley.Conversation
	err = s.store.Search(ctx, terms, inboxes, v.Placements, SearchCap, func(hits []parley.ID) (bool, error) {
		if v.MentionOf != nil {
			mentioned, err := s.store.MentionTimes(ctx, *v.MentionOf, hits)
			if err != nil {
				return false, err
			}
			hits = slices.DeleteFunc(hits, func(id parley.ID) bool { _, ok := mentioned[id]; return !ok })
		}
		for from, n := 0, limit; from < len(hits) && len(out) < limit; from, n = from+n, 2*n {
			convs, err := s.store.ConversationsByID(ctx, hits[from:min(from+n, len(hits))])
			if err != nil {
				return false, err
			}
			for i := range convs {
				if v.Matches(&convs[i]) {
					out = append(out, convs[i])
					if len(out) == limit {
						break
					}
				}
			}
		}
		return len(out) < limit, nil
	})
	return out, err
}

// readable returns the inboxes to list: the one asked for, if the actor may
// read it, or all they may read.
func (s *Service) readable(ctx context.Context, a parley.Actor, inboxID parley.ID) ([]parley.ID, error) {
	if inboxID == 0 {
		return auth.ReadableInboxIDs(ctx, s.store, a)
	}
	if err := auth.Inbox(ctx, s.store, a, inboxID, auth.Read); err != nil {
		return nil, err
	}
	return []parley.ID{inboxID}, nil
}

var allPlacements = []parley.Placement{parley.PlacementInbox, parley.PlacementFiltered, parley.PlacementSpam, parley.PlacementTrash}

// Cursor is where the page that ends with c stops, for the next page of f:
// Sent pages by the latest email sent, every other view by last activity.
func (f ListFilter) Cursor(c *parley.Conversation) store.Cursor {
	if f.View == parley.ViewSent && f.Query == "" && c.LastSentAt != nil {
		return store.Cursor{At: *c.LastSentAt, ID: c.ID}
	}
	return store.Cursor{At: c.LastActivityAt, ID: c.ID}
}

// viewQuery turns a view and filters into the store's query.
func viewQuery(a parley.Actor, f ListFilter) (store.ViewQuery, error) {
	v := store.ViewQuery{Oldest: f.Oldest, After: f.After, Limit: f.Limit,
		CreatedFrom: f.CreatedFrom, CreatedTo: f.CreatedTo, ActiveFrom: f.ActiveFrom, ActiveTo: f.ActiveTo}
	view := f.View
	switch {
	case view != "":
	case f.Placement != "":
		view = parley.ViewEverything
	case f.Query != "":
		// A search covers every conversation the reader may read, open
		// and closed (SPEC VEW-3); a view narrows it only when asked for.
		view = parley.ViewAll
	default:
		view = parley.ViewOpen
	}
	inbox, open, closed := []parley.Placement{parley.PlacementInbox}, []parley.Status{parley.StatusOpen}, []parley.Status{parley.StatusClosed}
	noBot := false
	switch {
	case view == parley.ViewEverything:
		v.Placements = allPlacements
	case view == parley.ViewAll:
		// Spam and trash only when the placement filter chooses them.
		v.Placements = []parley.Placement{parley.PlacementInbox, parley.PlacementFiltered}
		if f.Placement != "" {
			v.Placements = allPlacements
		}
	case view == parley.ViewMentions:
		if a.Kind != parley.ActorUser {
			return v, parley.Invalid("view", "mentions needs a signed-in user")
		}
		id := a.UserID
		v.Placements, v.MentionOf = []parley.Placement{parley.PlacementInbox, parley.PlacementFiltered}, &id
	case view == parley.ViewOpen:
		// A chat still with a bot is in bots only (SPEC CHT-14).
		v.Placements, v.Statuses, v.Bot = inbox, open, &noBot
	case view == parley.ViewMine:
		if a.Kind != parley.ActorUser {
			return v, parley.Invalid("view", "mine needs a signed-in user")
		}
		id := a.UserID
		v.Placements, v.Statuses, v.AssigneeID, v.Bot = inbox, open, &id, &noBot
	case view == parley.ViewUnassigned:
		v.Placements, v.Statuses, v.Unassigned, v.Bot = inbox, open, true, &noBot
	case view == parley.ViewClosed:
		v.Placements, v.Statuses = inbox, closed
	case view == parley.ViewSent:
		v.Placements, v.Sent = inbox, true
	case view == parley.ViewFiltered:
		v.Placements = []parley.Placement{parley.PlacementFiltered}
	case view == parley.ViewSpam:
		v.Placements = []parley.Placement{parley.PlacementSpam}
	case view == parley.ViewTrash:
		v.Placements = []parley.Placement{parley.PlacementTrash}
	case strings.HasPrefix(view, parley.ViewChannelPrefix):
		kind, bot, ok := parley.LabelKind(strings.TrimPrefix(view, parley.ViewChannelPrefix))
		if !ok {
			return v, parley.Invalid("view", "unknown channel view %q", view)
		}
		v.Placements, v.Statuses, v.Channel, v.Bot = inbox, open, kind, &bot
	default:
		return v, parley.Invalid("view", "unknown view %q", view)
	}

	if f.Placement != "" {
		if !slices.Contains(v.Placements, f.Placement) {
			v.Placements = nil
		} else {
			v.Placements = []parley.Placement{f.Placement}
		}
	}
	v.Placements = slices.DeleteFunc(slices.Clone(v.Placements), func(p parley.Placement) bool { return slices.Contains(f.Hide, p) })
	if f.Status != "" {
		if len(v.Statuses) > 0 && !slices.Contains(v.Statuses, f.Status) {
			v.Placements = nil // the view and the filter exclude each other
		}
		v.Statuses = []parley.Status{f.Status}
	}
	if f.Channel != "" {
		kind, bot, ok := parley.LabelKind(f.Channel)
		if !ok {
			return v, parley.Invalid("channel", "must be email, chat, bots, forms, calls or api")
		}
		if v.Channel != "" && v.Channel != kind || v.Bot != nil && *v.Bot != bot {
			v.Placements = nil
		}
		v.Channel, v.Bot = kind, &bot
	}
	switch f.Assignee {
	case "":
	case "none":
		if v.AssigneeID != nil {
			v.Placements = nil
		}
		v.Unassigned = true
	default:
		var id parley.ID
		if f.Assignee == "me" && a.Kind == parley.ActorUser {
			id = a.UserID
		} else {
			n, err := strconv.ParseInt(f.Assignee, 10, 64)
			if err != nil || n <= 0 {
				return v, parley.Invalid("assignee", "must be a user id, me or none")
			}
			id = parley.ID(n)
		}
		if v.Unassigned || v.AssigneeID != nil && *v.AssigneeID != id {
			v.Placements = nil
		}
		v.AssigneeID = &id
	}
	if f.TeamID != 0 {
		id := f.TeamID
		v.TeamID = &id
	}
	return v, nil
}

// Counts are the live counts beside the views (SPEC VEW-1).
type Counts struct {
	// Views are by view id; "mine" is the actor's, "mentions" the
	// conversations mentioning the actor that they have not read since.
	Views map[string]int64
	// Assignees is each user's open conversations, by user id.
	Assignees map[parley.ID]int64
}

// Counts returns the counts of every view, and each assignee's open count,
// over the inbox asked for or every inbox the actor may read. They come from
// counters kept with the conversations, never from scanning them.
func (s *Service) Counts(ctx context.Context, a parley.Actor, inboxID parley.ID) (*Counts, error) {
	inboxes, err := s.readable(ctx, a, inboxID)
	if err != nil {
		return nil, err
	}
	raw, err := s.store.ViewCounts(ctx, inboxes)
	if err != nil {
		return nil, err
	}
	out := &Counts{Views: map[string]int64{}, Assignees: map[parley.ID]int64{}}
	for _, v := range []string{parley.ViewOpen, parley.ViewUnassigned, parley.ViewFiltered, parley.ViewClosed,
		parley.ViewSent, parley.ViewSpam, parley.ViewTrash} {
		out.Views[v] = raw[v]
	}
	for _, l := range parley.ChannelLabels() {
		out.Views[parley.ViewChannelPrefix+l] = raw[parley.ViewChannelPrefix+l]
	}
	if a.Kind == parley.ActorUser {
		out.Views[parley.ViewMine] = raw[parley.AssigneeCountKey(a.UserID)]
		// Mentions counts what is unread: a mention is news until read.
		if out.Views[parley.ViewMentions], err = s.store.UnreadMentions(ctx, a.UserID, inboxes); err != nil {
			return nil, err
		}
	}
	for k, n := range raw {
		if id, ok := strings.CutPrefix(k, "assignee:"); ok {
			if uid, err := strconv.ParseInt(id, 10, 64); err == nil {
				out.Assignees[parley.ID(uid)] = n
			}
		}
	}
	return out, nil
}

// MarkRead records that the actor has read a conversation now; MarkUnread
// undoes it. Either needs read access only.
func (s *Service) MarkRead(ctx context.Context, a parley.Actor, id parley.ID, read bool) error {
	if a.Kind != parley.ActorUser {
		return parley.Errorf(parley.EUNAUTHORIZED, "sign in first")
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := auth.Conversation(ctx, tx, a, id, auth.Read); err != nil {
			return err
		}
		if read {
			return tx.MarkRead(ctx, a.UserID, id, s.clock())
		}
		return tx.MarkUnread(ctx, a.UserID, id)
	})
}

// Unread returns, for each conversation, whether the actor has a customer
// message, or a mention of them, in it they have not read.
func (s *Service) Unread(ctx context.Context, a parley.Actor, convs []parley.Conversation) (map[parley.ID]bool, error) {
	out := map[parley.ID]bool{}
	if a.Kind != parley.ActorUser || len(convs) == 0 {
		return out, nil
	}
	ids := make([]parley.ID, len(convs))
	for i, c := range convs {
		ids[i] = c.ID
	}
	reads, mentions, err := s.store.ReadAndMentionTimes(ctx, a.UserID, ids)
	if err != nil {
		return nil, err
	}
	for _, c := range convs {
		at, ok := reads[c.ID]
		news := c.LastCustomerAt
		if m, mentioned := mentions[c.ID]; mentioned && (news == nil || m.After(*news)) {
			news = &m
		}
		out[c.ID] = news != nil && (!ok || at.Before(*news))
	}
	return out, nil
}

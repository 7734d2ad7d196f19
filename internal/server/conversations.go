package server

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
)

// ViewInput selects conversations as a list does: by view and filters.
// It is exported only because huma reads the parameters of exported
// embedded structs alone.
// The list and bulk actions on a whole view share it.
type ViewInput struct {
	Inbox       parley.ID `query:"inbox" doc:"Only this inbox; default every inbox you can see."`
	View        string    `query:"view" doc:"open (default; with q: conversations), mine, unassigned, mentions (a comment mentions you), channel:<email|chat|bots|forms|calls|api>, filtered, closed, sent (an agent sent an email in it, newest sent first), spam, trash, conversations (open and closed, outside spam and trash), or all (spam and trash too)."`
	Status      string    `query:"status" enum:"open,closed"`
	Placement   string    `query:"placement" enum:"inbox,filtered,spam,trash"`
	Channel     string    `query:"channel" enum:"email,chat,bots,forms,calls,api"`
	Assignee    string    `query:"assignee" doc:"A user id, me, or none for unassigned."`
	Team        parley.ID `query:"team"`
	CreatedFrom time.Time `query:"created_from" doc:"RFC 3339; inclusive."`
	CreatedTo   time.Time `query:"created_to" doc:"RFC 3339; exclusive."`
	ActiveFrom  time.Time `query:"active_from" doc:"Last activity from, RFC 3339; inclusive."`
	ActiveTo    time.Time `query:"active_to" doc:"Last activity before, RFC 3339; exclusive."`
	Hide        []string  `query:"hide,explode:false" enum:"filtered,spam,trash" doc:"Placements to leave out, e.g. hide=filtered,trash."`
	Sort        string    `query:"sort" enum:"newest,oldest" default:"newest"`
	Q           string    `query:"q" maxLength:"200" doc:"Search subjects, messages, contact names and emails: words, \"quoted phrases\", prefix*. Without a view it covers every conversation you may read, open and closed, outside spam and trash. Results rank by relevance, then recency."`
	Cursor      string    `query:"cursor" doc:"next_cursor of the previous page."`
}

// filter returns the list filter in selects, without a limit.
func (in *ViewInput) filter() (conversation.ListFilter, error) {
	after, err := decodeCursor(in.Cursor)
	if err != nil {
		return conversation.ListFilter{}, err
	}
	f := conversation.ListFilter{InboxID: in.Inbox, View: in.View, Status: parley.Status(in.Status),
		Placement: parley.Placement(in.Placement), Channel: in.Channel, Assignee: in.Assignee, TeamID: in.Team,
		CreatedFrom: timeOrNil(in.CreatedFrom), CreatedTo: timeOrNil(in.CreatedTo),
		ActiveFrom: timeOrNil(in.ActiveFrom), ActiveTo: timeOrNil(in.ActiveTo),
		Oldest: in.Sort == "oldest", Query: in.Q, After: after}
	for _, h := range in.Hide {
		f.Hide = append(f.Hide, parley.Placement(h))
	}
	return f, nil
}

type listConversationsInput struct {
	ViewInput
	Limit int `query:"limit" minimum:"1" maximum:"200" default:"50"`
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = parley.Normalize(t)
	return &t
}

func (s *Server) listConversations(ctx context.Context, a parley.Actor, in *listConversationsInput) (*body[listJSON[present.ConversationJSON]], error) {
	f, err := in.filter()
	if err != nil {
		return nil, err
	}
	limit := in.Limit
	if limit == 0 {
		limit = 50
	}
	f.Limit = limit + 1
	if in.Q != "" {
		f.Limit = limit // search results are one ranked page
	}
	convs, err := s.conv.List(ctx, a, f)
	if err != nil {
		return nil, err
	}
	var next *string
	if len(convs) > limit {
		convs = convs[:limit]
		c := encodeCursor(f.Cursor(&convs[limit-1]))
		next = &c
	}
	items, err := s.conversationViews(ctx, a, convs)
	if err != nil {
		return nil, err
	}
	out := list(items)
	out.Body.NextCursor = next
	return out, nil
}

// names loads the names a page mentions, and those only: the users and
// teams by id, the contacts as a sees them. Nothing is cached, so a rename
// shows on the next page, whichever node serves it.
func (s *Server) names(ctx context.Context, a parley.Actor, m *present.Mentions) (*present.Names, error) {
	users, teams, err := s.org.Names(ctx, a, m.Users, m.Teams)
	if err != nil {
		return nil, err
	}
	contacts, err := s.conv.ContactsSeen(ctx, a, m.Contacts)
	if err != nil {
		return nil, err
	}
	return &present.Names{Users: users, Teams: teams, Contacts: contacts}, nil
}

func (s *Server) conversationViews(ctx context.Context, a parley.Actor, convs []parley.Conversation) ([]present.ConversationJSON, error) {
	var m present.Mentions
	for i := range convs {
		m.Conversation(&convs[i])
	}
	n, err := s.names(ctx, a, &m)
	if err != nil {
		return nil, err
	}
	unread, err := s.conv.Unread(ctx, a, convs)
	if err != nil {
		return nil, err
	}
	out := make([]present.ConversationJSON, len(convs))
	for i := range convs {
		out[i] = n.Conversation(&convs[i])
		out[i].Unread = unread[convs[i].ID]
	}
	return out, nil
}

func (s *Server) conversationOut(ctx context.Context, a parley.Actor, c *parley.Conversation) (*body[present.ConversationJSON], error) {
	views, err := s.conversationViews(ctx, a, []parley.Conversation{*c})
	if err != nil {
		return nil, err
	}
	return &body[present.ConversationJSON]{views[0]}, nil
}

// Cursors are opaque to clients: base64 of "<unix micro>.<id>".
func encodeCursor(c conversation.Cursor) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%d.%d", c.At.UnixMicro(), c.ID))
}

func decodeCursor(s string) (*conversation.Cursor, error) {
	if s == "" {
		return nil, nil
	}
	bad := parley.Invalid("cursor", "is not a cursor this API gave out")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	at, id, ok := strings.Cut(string(b), ".")
	if !ok {
		return nil, bad
	}
	us, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil {
		return nil, bad
	}
	return &conversation.Cursor{At: time.UnixMicro(us).UTC(), ID: parley.ID(n)}, nil
}

func (s *Server) getConversation(ctx context.Context, a parley.Actor, in *idInput) (*body[present.ConversationJSON], error) {
	c, err := s.conv.Get(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return s.conversationOut(ctx, a, c)
}

// action adapts a use-case that changes a conversation to a route.
func (s *Server) action(fn func(context.Context, parley.Actor, parley.ID) (*parley.Conversation, error)) func(context.Context, parley.Actor, *idInput) (*body[present.ConversationJSON], error) {
	return func(ctx context.Context, a parley.Actor, in *idInput) (*body[present.ConversationJSON], error) {
		c, err := fn(ctx, a, in.ID)
		if err != nil {
			return nil, err
		}
		return s.conversationOut(ctx, a, c)
	}
}

// markRead and markUnread set the caller's unread marker.
func (s *Server) markRead(ctx context.Context, a parley.Actor, in *idInput) (*struct{}, error) {
	return nil, s.conv.MarkRead(ctx, a, in.ID, true)
}

func (s *Server) markUnread(ctx context.Context, a parley.Actor, in *idInput) (*struct{}, error) {
	return nil, s.conv.MarkRead(ctx, a, in.ID, false)
}

type viewsInput struct {
	Inbox parley.ID `query:"inbox" doc:"Only this inbox; default every inbox you can see."`
}

type viewCountJSON struct {
	ID    string `json:"id" doc:"The view, as given to GET /conversations?view=."`
	Count int64  `json:"count" doc:"Conversations in the view; for mentions, those that mention you since you last read them."`
}

type assigneeCountJSON struct {
	UserID   parley.ID `json:"user_id"`
	Name     string    `json:"name"`
	Initials string    `json:"initials"`
	Open     int64     `json:"open"`
}

type viewsJSON struct {
	Views      []viewCountJSON     `json:"views"`
	Assignees  []assigneeCountJSON `json:"assignees" doc:"Open conversations per person, for the assignee filter."`
	Unassigned int64               `json:"unassigned"`
}

// views answers the counts beside each view and each assignee (SPEC VEW-1).
func (s *Server) views(ctx context.Context, a parley.Actor, in *viewsInput) (*body[viewsJSON], error) {
	c, err := s.conv.Counts(ctx, a, in.Inbox)
	if err != nil {
		return nil, err
	}
	out := viewsJSON{Unassigned: c.Views[parley.ViewUnassigned]}
	order := []string{parley.ViewOpen, parley.ViewMine, parley.ViewUnassigned, parley.ViewMentions}
	for _, l := range parley.ChannelLabels() {
		order = append(order, parley.ViewChannelPrefix+l)
	}
	order = append(order, parley.ViewFiltered, parley.ViewClosed, parley.ViewSent, parley.ViewSpam, parley.ViewTrash)
	for _, v := range order {
		out.Views = append(out.Views, viewCountJSON{ID: v, Count: c.Views[v]})
	}
	users, err := s.org.Users(ctx, a)
	if err != nil {
		return nil, err
	}
	out.Assignees = []assigneeCountJSON{}
	for _, u := range users {
		if u.Role == parley.RoleViewer {
			continue
		}
		out.Assignees = append(out.Assignees, assigneeCountJSON{UserID: u.ID, Name: u.Name, Initials: present.Initials(u.Name), Open: c.Assignees[u.ID]})
	}
	return &body[viewsJSON]{out}, nil
}

func (s *Server) deleteConversation(ctx context.Context, a parley.Actor, in *idInput) (*struct{}, error) {
	return nil, s.conv.Delete(ctx, a, in.ID)
}

// seqCursor reads a cursor that is the last id or seq of the page before
// (none: from the start).
func seqCursor(cursor string) (int64, error) {
	if cursor == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(cursor, 10, 64)
	if err != nil || n < 0 {
		return 0, parley.Invalid("cursor", "is not a cursor this API gave out")
	}
	return n, nil
}

type timelineInput struct {
	ID     parley.ID `path:"id"`
	Cursor string    `query:"cursor" doc:"next_cursor of the previous page."`
	Limit  int       `query:"limit" minimum:"1" maximum:"500" default:"100"`
}

func (s *Server) timeline(ctx context.Context, a parley.Actor, in *timelineInput) (*body[listJSON[present.TimelineItemJSON]], error) {
	after, err := seqCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	limit := in.Limit
	if limit == 0 {
		limit = 100
	}
	items, err := s.conv.Timeline(ctx, a, in.ID, after, limit+1)
	if err != nil {
		return nil, err
	}
	var next *string
	if len(items) > limit {
		items = items[:limit]
		c := strconv.FormatInt(items[limit-1].Seq, 10)
		next = &c
	}
	var m present.Mentions
	for i := range items {
		m.Actor(&items[i].Event)
	}
	n, err := s.names(ctx, a, &m)
	if err != nil {
		return nil, err
	}
	out := make([]present.TimelineItemJSON, len(items))
	for i, it := range items {
		out[i] = n.TimelineItem(&it.Event, it.Message, it.Attachments)
	}
	res := list(out)
	res.Body.NextCursor = next
	return res, nil
}

type bodyInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		Text string `json:"text,omitempty"`
		HTML string `json:"html,omitempty"`
	}
}

type replyInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		Text string `json:"text,omitempty"`
		HTML string `json:"html,omitempty"`
		Via  string `json:"via,omitempty" enum:"email" doc:"Answer by email on a conversation from another channel (SPEC CNV-12); the contact must have an email address."`
		// Attachments are ids from POST /api/v1/uploads.
		Attachments []parley.ID `json:"attachments,omitempty" maxItems:"20" doc:"Your uploads (POST /api/v1/uploads) to send with it."`
		// To makes an email reply's recipients explicit: exactly To, Cc
		// and Bcc. Without it, Cc and Bcc add copies beside whoever was on
		// the customer's last email.
		To  []mailboxJSON `json:"to,omitempty" maxItems:"20" doc:"Email replies: whom to write to. Given, the reply goes to exactly to, cc and bcc (see GET /conversations/{id}/recipients for the contact and reply-all). Omitted, it goes to the contact and copies whoever else was on their last email, plus cc and bcc."`
		Cc  []mailboxJSON `json:"cc,omitempty" maxItems:"20" doc:"Email replies: more people to copy."`
		Bcc []mailboxJSON `json:"bcc,omitempty" maxItems:"20" doc:"Email replies: copies that appear in no header."`
	}
}

func (s *Server) reply(ctx context.Context, a parley.Actor, in *replyInput) (*body[present.MessageJSON], error) {
	m, err := s.conv.Reply(ctx, a, in.ID, conversation.Body{Text: in.Body.Text, HTML: in.Body.HTML, Via: parley.ChannelKind(in.Body.Via),
		Attachments: in.Body.Attachments, To: mailboxes(in.Body.To), Cc: mailboxes(in.Body.Cc), Bcc: mailboxes(in.Body.Bcc)})
	if err != nil {
		return nil, err
	}
	return s.messageView(ctx, a, m)
}

// messageView renders a message with its attachments.
func (s *Server) messageView(ctx context.Context, a parley.Actor, m *parley.Message) (*body[present.MessageJSON], error) {
	atts, err := s.conv.Attachments(ctx, a, m)
	if err != nil {
		return nil, err
	}
	return &body[present.MessageJSON]{*present.Message(m, atts)}, nil
}

type recipientsJSON struct {
	To       []mailboxJSON `json:"to" doc:"The contact: whom Reply writes to."`
	Cc       []mailboxJSON `json:"cc" doc:"Whoever else was on the contact's last email, but our own and role-based addresses: whom Reply all copies."`
	Uncopied int           `json:"uncopied" doc:"People left out of cc because the last email copied more than 20."`
}

// recipients says whom a reply writes to (SPEC CMP-1), so the composer
// shows it before sending.
func (s *Server) recipients(ctx context.Context, a parley.Actor, in *idInput) (*body[recipientsJSON], error) {
	r, err := s.conv.Recipients(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	out := recipientsJSON{To: []mailboxJSON{}, Cc: []mailboxJSON{}, Uncopied: r.Uncopied}
	for _, m := range r.To {
		out.To = append(out.To, mailboxJSON{Email: m.Email, Name: m.Name})
	}
	for _, m := range r.Cc {
		out.Cc = append(out.Cc, mailboxJSON{Email: m.Email, Name: m.Name})
	}
	return &body[recipientsJSON]{out}, nil
}

func (s *Server) comment(ctx context.Context, a parley.Actor, in *bodyInput) (*body[present.MessageJSON], error) {
	m, err := s.conv.Comment(ctx, a, in.ID, conversation.Body{Text: in.Body.Text, HTML: in.Body.HTML})
	if err != nil {
		return nil, err
	}
	return &body[present.MessageJSON]{*present.Message(m, nil)}, nil
}

type assignInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		UserID *parley.ID `json:"user_id" nullable:"true" doc:"The new assignee, or null to unassign."`
		TeamID *parley.ID `json:"team_id,omitempty" nullable:"true"`
	}
}

func (s *Server) assign(ctx context.Context, a parley.Actor, in *assignInput) (*body[present.ConversationJSON], error) {
	c, err := s.conv.Assign(ctx, a, in.ID, conversation.Assignment{UserID: in.Body.UserID, TeamID: in.Body.TeamID})
	if err != nil {
		return nil, err
	}
	return s.conversationOut(ctx, a, c)
}

type bulkInput struct {
	ViewInput
	Body struct {
		IDs    []parley.ID `json:"ids,omitempty" maxItems:"500" doc:"The conversations to act on; or, with all, none."`
		All    bool        `json:"all,omitempty" doc:"Act on the whole view that the query parameters select, as GET /conversations does, a page at a time: call again with cursor set to next_cursor until it is null."`
		Action string      `json:"action" enum:"close,reopen,trash,spam,restore,assign"`
		UserID *parley.ID  `json:"user_id,omitempty" nullable:"true" doc:"For assign: the assignee, or null to unassign."`
		TeamID *parley.ID  `json:"team_id,omitempty" nullable:"true" doc:"For assign: the team."`
	}
}

type bulkItemJSON struct {
	ID      parley.ID   `json:"id"`
	OK      bool        `json:"ok"`
	Status  int         `json:"status" doc:"The HTTP status this item alone would have had."`
	Error   string      `json:"error,omitempty"`
	Changed bool        `json:"changed" doc:"Whether the action changed the conversation; undo only those that changed."`
	Before  *bulkBefore `json:"before,omitempty" doc:"The conversation as it was, to undo the action: present when ok."`
}

type bulkBefore struct {
	Status     parley.Status    `json:"status"`
	Placement  parley.Placement `json:"placement"`
	AssigneeID *parley.ID       `json:"assignee_id"`
	TeamID     *parley.ID       `json:"team_id"`
}

// bulk applies one action to many conversations, atomically per item, and
// reports each (SPEC CNV-10): the ids given, or with all a page of the
// view the query selects. Items the caller cannot see are 404, as alone.
func (s *Server) bulk(ctx context.Context, a parley.Actor, in *bulkInput) (*body[listJSON[bulkItemJSON]], error) {
	to := conversation.Assignment{UserID: in.Body.UserID, TeamID: in.Body.TeamID}
	var res []conversation.BulkResult
	var next *conversation.Cursor
	var err error
	switch {
	case in.Body.All && len(in.Body.IDs) > 0:
		return nil, parley.Invalid("body.ids", "give ids or all, not both")
	case in.Body.All:
		var f conversation.ListFilter
		if f, err = in.filter(); err != nil {
			return nil, err
		}
		res, next, err = s.conv.BulkView(ctx, a, f, in.Body.Action, to)
	default:
		res, err = s.conv.Bulk(ctx, a, in.Body.IDs, in.Body.Action, to)
	}
	if err != nil {
		return nil, err
	}
	out := make([]bulkItemJSON, len(res))
	for i, r := range res {
		out[i] = bulkItemJSON{ID: r.ID, OK: r.Err == nil, Status: 200, Changed: r.Changed}
		if r.Err != nil {
			out[i].Status = statusOf(parley.ErrorCode(r.Err))
			out[i].Error = parley.ErrorMessage(r.Err)
			if out[i].Status >= 500 {
				s.log.Error("bulk item", "id", r.ID, "err", r.Err)
			}
			continue
		}
		b := r.Before
		out[i].Before = &bulkBefore{Status: b.Status, Placement: b.Placement, AssigneeID: b.AssigneeID, TeamID: b.TeamID}
	}
	page := list(out)
	if next != nil {
		c := encodeCursor(*next)
		page.Body.NextCursor = &c
	}
	return page, nil
}

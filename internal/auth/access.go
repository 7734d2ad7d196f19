package auth

import (
	"context"

	"github.com/parleyhq/parley/internal/parley"
)

// Perm is what an actor wants to do in an inbox.
type Perm int

// Permissions in an inbox.
const (
	// Read sees the inbox's conversations, messages and timeline.
	Read Perm = iota
	// Act replies, comments, assigns, closes, moves (SPEC INB-2).
	Act
)

// Memberships is what access decisions read. *store.Q (and so the store and
// a transaction) provides it.
type Memberships interface {
	IsInboxMember(ctx context.Context, inboxID, userID parley.ID) (bool, error)
	MemberInboxIDs(ctx context.Context, userID parley.ID) ([]parley.ID, error)
	InboxIDs(ctx context.Context) ([]parley.ID, error)
	Conversation(ctx context.Context, id parley.ID) (*parley.Conversation, error)
}

// Decide is the access rule (SPEC ORG-2, INB-2) as a pure function:
//   - a member may read; an agent or admin member may act;
//   - an admin may read every inbox but act only where a member;
//   - a viewer never acts;
//   - whoever may not read gets ENOTFOUND, never a hint that it exists;
//   - whoever may read but not act gets EFORBIDDEN.
func Decide(a parley.Actor, member bool, p Perm) error {
	if a.Kind == parley.ActorSystem {
		return nil
	}
	if a.Kind != parley.ActorUser {
		return parley.NotFound("inbox")
	}
	canRead := member || a.Role == parley.RoleAdmin
	if !canRead {
		return parley.NotFound("inbox")
	}
	if p == Read {
		return nil
	}
	switch {
	case a.Role == parley.RoleViewer:
		return parley.Errorf(parley.EFORBIDDEN, "viewers cannot act in an inbox")
	case !member:
		return parley.Errorf(parley.EFORBIDDEN, "only members of this inbox can act in it")
	}
	return nil
}

// Inbox checks that a may do p in an inbox.
func Inbox(ctx context.Context, m Memberships, a parley.Actor, inboxID parley.ID, p Perm) error {
	member, err := isMember(ctx, m, a, inboxID)
	if err != nil {
		return err
	}
	return Decide(a, member, p)
}

// Conversation loads a conversation that a may do p in. A conversation the
// actor may not read is ENOTFOUND, exactly as one that does not exist.
func Conversation(ctx context.Context, m Memberships, a parley.Actor, id parley.ID, p Perm) (*parley.Conversation, error) {
	c, err := m.Conversation(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := Inbox(ctx, m, a, c.InboxID, p); err != nil {
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			return nil, parley.NotFound("conversation")
		}
		return nil, err
	}
	return c, nil
}

// ReadableInboxIDs returns the inboxes whose conversations a may see: every
// inbox for an admin, the inboxes they are a member of for anyone else.
func ReadableInboxIDs(ctx context.Context, m Memberships, a parley.Actor) ([]parley.ID, error) {
	switch {
	case a.Kind == parley.ActorSystem, a.Kind == parley.ActorUser && a.Role == parley.RoleAdmin:
		return m.InboxIDs(ctx)
	case a.Kind == parley.ActorUser:
		return m.MemberInboxIDs(ctx, a.UserID)
	}
	return nil, nil
}

// Readable returns whether a may read an inbox, as a function over the
// inboxes ReadableInboxIDs lists.
func Readable(ctx context.Context, m Memberships, a parley.Actor) (func(parley.ID) bool, error) {
	ids, err := ReadableInboxIDs(ctx, m, a)
	if err != nil {
		return nil, err
	}
	set := make(map[parley.ID]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return func(id parley.ID) bool { return set[id] }, nil
}

// Admin checks that a is an admin (SPEC ORG-2: settings, inboxes, channels).
func Admin(a parley.Actor) error {
	if a.Kind == parley.ActorSystem || a.Kind == parley.ActorUser && a.Role == parley.RoleAdmin {
		return nil
	}
	return parley.Errorf(parley.EFORBIDDEN, "only admins can do this")
}

// Author checks that a may write what the whole team shares (templates,
// snippets, articles, documents): anyone signed in but viewers.
func Author(a parley.Actor) error {
	switch {
	case a.Kind == parley.ActorSystem:
		return nil
	case a.Kind != parley.ActorUser:
		return parley.Errorf(parley.EUNAUTHORIZED, "sign in first")
	case a.Role == parley.RoleViewer:
		return parley.Errorf(parley.EFORBIDDEN, "viewers cannot change what the team shares")
	}
	return nil
}

func isMember(ctx context.Context, m Memberships, a parley.Actor, inboxID parley.ID) (bool, error) {
	if a.Kind != parley.ActorUser {
		return false, nil
	}
	return m.IsInboxMember(ctx, inboxID, a.UserID)
}

// Contact checks that a may do p to a contact whose conversations are
// conversationIDs: an admin may; anyone else needs p in the inbox of one of
// them. Whoever can read none of them gets ENOTFOUND; whoever can read one
// but not act gets the EFORBIDDEN that says why. A contact without
// conversations (imported, created by hand) is the whole team's: everyone
// signed in reads it, everyone but viewers acts (SPEC CRM-1).
func Contact(ctx context.Context, m Memberships, a parley.Actor, conversationIDs []parley.ID, p Perm) error {
	if Admin(a) == nil {
		return nil
	}
	if len(conversationIDs) == 0 {
		if a.Kind != parley.ActorUser {
			return parley.NotFound("contact")
		}
		if p == Act {
			return Author(a)
		}
		return nil
	}
	var denied error
	for _, id := range conversationIDs {
		_, err := Conversation(ctx, m, a, id, p)
		if err == nil {
			return nil
		}
		if parley.ErrorCode(err) != parley.ENOTFOUND {
			denied = err
		}
	}
	if denied != nil {
		return denied
	}
	return parley.NotFound("contact")
}

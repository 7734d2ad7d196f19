package parley

import (
	"strconv"
	"strings"
)

// Views (SPEC VEW-1). Each is a saved filter with a live count.
const (
	ViewOpen       = "open"       // every open conversation in the inbox
	ViewMine       = "mine"       // open, assigned to me
	ViewUnassigned = "unassigned" // open, assigned to no one
	ViewFiltered   = "filtered"   // auto-generated, role-based or blocked senders
	ViewClosed     = "closed"     // closed, in the inbox
	ViewSent       = "sent"       // an agent sent an email in it, replies too (SPEC CNV-13)
	ViewMentions   = "mentions"   // a comment in it mentions me (SPEC COL-1)
	// ViewAll is every conversation the reader may read, open and closed,
	// outside spam and trash: what a search covers unless narrowed.
	ViewAll = "conversations"
	// ViewEverything is every placement, spam and trash included.
	ViewEverything = "all"
	ViewSpam       = "spam"
	ViewTrash      = "trash"
	// ViewChannelPrefix starts the per-channel views: "channel:email",
	// "channel:chat", "channel:bots", "channel:forms", "channel:calls",
	// "channel:api". They hold open conversations in the inbox.
	ViewChannelPrefix = "channel:"
)

// Origins: who started a conversation.
const (
	OriginCustomer = "customer"
	OriginAgent    = "agent"
)

// ChannelLabels returns the per-channel views, in the order the app lists
// them (a new slice each time: nobody can change them).
func ChannelLabels() []string { return []string{"email", "chat", "bots", "forms", "calls", "api"} }

// ChannelLabel is the per-channel view a conversation belongs to: its
// channel's kind, except chat conversations still with a bot, which are
// "bots" (SPEC CHT-14).
func ChannelLabel(kind ChannelKind, bot bool) string {
	switch {
	case kind == ChannelChat && bot:
		return "bots"
	case kind == ChannelForm:
		return "forms"
	case kind == ChannelCall:
		return "calls"
	}
	return string(kind)
}

// LabelKind returns the channel kind and bot flag of a per-channel view
// label, and whether the label is known.
func LabelKind(label string) (ChannelKind, bool, bool) {
	switch label {
	case "email", "api":
		return ChannelKind(label), false, true
	case "chat":
		return ChannelChat, false, true
	case "bots":
		return ChannelChat, true, true
	case "forms", "form":
		return ChannelForm, false, true
	case "calls", "call":
		return ChannelCall, false, true
	}
	return "", false, false
}

// AssigneeCountKey is the count key of a user's open conversations: the
// "(12)" beside their name, and the "mine" view of that user.
func AssigneeCountKey(id ID) string { return "assignee:" + strconv.FormatInt(int64(id), 10) }

// AssigneeOfCountKey is the user of an AssigneeCountKey.
func AssigneeOfCountKey(key string) (ID, bool) {
	s, ok := strings.CutPrefix(key, "assignee:")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return ID(n), err == nil
}

// CountKeys returns the keys of the counts a conversation adds one to: the
// views it is in, and its assignee's open count. "mine" is the assignee's
// key for the reader.
func (c *Conversation) CountKeys() []string {
	var keys []string
	switch c.Placement {
	case PlacementInbox:
		switch {
		case c.Status == StatusOpen && c.Bot:
			// With a bot, a chat is in bots only: nobody's to answer yet
			// (SPEC CHT-14, VEW-1).
			keys = append(keys, ViewChannelPrefix+ChannelLabel(c.ChannelKind, c.Bot))
		case c.Status == StatusOpen:
			keys = append(keys, ViewOpen, ViewChannelPrefix+ChannelLabel(c.ChannelKind, c.Bot))
			if c.AssigneeID == nil {
				keys = append(keys, ViewUnassigned)
			} else {
				keys = append(keys, AssigneeCountKey(*c.AssigneeID))
			}
		default:
			keys = append(keys, ViewClosed)
		}
		if c.LastSentAt != nil {
			keys = append(keys, ViewSent)
		}
	case PlacementFiltered:
		keys = append(keys, ViewFiltered)
	case PlacementSpam:
		keys = append(keys, ViewSpam)
	case PlacementTrash:
		keys = append(keys, ViewTrash)
	}
	return keys
}

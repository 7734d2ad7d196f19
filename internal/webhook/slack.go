package webhook

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Chat-tool posts (SPEC CHN-10): an inbox may post its new conversations,
// and if asked its assignments, to a Slack-compatible incoming webhook,
// each with a link back. They go through the same queue as webhooks — in
// order, retried, logged — as {"text": …} written in the language the
// admin chose.

// KindSlack is an inbox's chat-tool endpoint.
const KindSlack = "slack"

// SlackInput is what an admin says of an inbox's posts; nil fields are
// unchanged.
type SlackInput struct {
	URL         *string
	Assignments *bool   // post assignments too
	Locale      *string // en or fr
	Enabled     *bool
}

// slackTypes are the events an inbox's posts are made of.
func slackTypes(assignments bool) []string {
	if assignments {
		return []string{parley.EventConversationCreated, parley.EventAssigned, parley.EventReassigned}
	}
	return []string{parley.EventConversationCreated}
}

// Slack returns an inbox's chat-tool endpoint, or ENOTFOUND (admins).
func (s *Service) Slack(ctx context.Context, a parley.Actor, inboxID parley.ID) (*store.Webhook, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	if _, err := s.store.Inbox(ctx, inboxID); err != nil {
		return nil, err
	}
	w, err := slackOf(ctx, &s.store.Q, inboxID)
	if err == nil && w == nil {
		err = parley.NotFound("chat-tool post")
	}
	return w, err
}

func slackOf(ctx context.Context, q *store.Q, inboxID parley.ID) (*store.Webhook, error) {
	all, err := q.Webhooks(ctx, KindSlack, false)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if w := &all[i]; w.InboxID != nil && *w.InboxID == inboxID {
			return w, nil
		}
	}
	return nil, nil
}

// SetSlack makes or changes an inbox's chat-tool posts (admins).
func (s *Service) SetSlack(ctx context.Context, a parley.Actor, inboxID parley.ID, in SlackInput) (*store.Webhook, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	if _, err := s.store.Inbox(ctx, inboxID); err != nil {
		return nil, err
	}
	w, err := slackOf(ctx, &s.store.Q, inboxID)
	if err != nil {
		return nil, err
	}
	var types *[]string
	if in.Assignments != nil {
		t := slackTypes(*in.Assignments)
		types = &t
	}
	if w != nil {
		return s.Update(ctx, a, w.ID, Input{URL: in.URL, EventTypes: types, Enabled: in.Enabled, Locale: in.Locale})
	}
	if in.URL == nil {
		return nil, parley.Invalid("url", "is required").Because("url_invalid")
	}
	now := parley.Normalize(s.opts.Now())
	w = &store.Webhook{Kind: KindSlack, InboxID: &inboxID, Secret: NewSecret(), Enabled: true, Locale: "en", EventTypes: slackTypes(false), CreatedAt: now, UpdatedAt: now}
	if err := s.apply(ctx, w, Input{URL: in.URL, EventTypes: types, Enabled: in.Enabled, Locale: in.Locale}); err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateWebhook(ctx, w); err != nil {
			return err
		}
		tx.Append(changed(a, w, "created", "", now))
		return nil
	})
	return w, err
}

// RemoveSlack stops an inbox's chat-tool posts (admins).
func (s *Service) RemoveSlack(ctx context.Context, a parley.Actor, inboxID parley.ID) error {
	w, err := s.Slack(ctx, a, inboxID)
	if err != nil {
		return err
	}
	return s.Delete(ctx, a, w.ID)
}

// slackWords are a post's sentences, by language.
var slackWords = map[string]map[string]string{
	"en": {
		"created":  "New conversation in %s from %s: %s",
		"assigned": "%s assigned to %s by %s",
		"team":     "team %s",
		"someone":  "someone",
		"untitled": "(no subject)",
		"test":     "Parley is connected: this inbox's new conversations will be posted here.",
	},
	"fr": {
		"created":  "Nouvelle conversation dans %s de %s : %s",
		"assigned": "%s attribuée à %s par %s",
		"team":     "l’équipe %s",
		"someone":  "quelqu’un",
		"untitled": "(sans objet)",
		"test":     "Parley est connecté : les nouvelles conversations de cette boîte seront publiées ici.",
	},
}

// slackEscape makes what a customer wrote inert in a post: &, < and > are
// Slack's markup; an @ is kept from waking a whole channel (@channel,
// @everyone in the tools that speak Slack's language) and "](" from
// making a Markdown link, each by a word joiner nobody sees.
var slackEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "@", "@\u2060", "](", "]\u2060(")

// toSlack queues the posts an event makes for the inboxes that want them.
func (s *Service) toSlack(ctx context.Context, tx *store.Tx, e *parley.Event) error {
	if e.InboxID == nil || e.ConversationID == nil || !slices.Contains(slackTypes(true), e.Type) {
		return nil
	}
	w, err := slackOf(ctx, &tx.Q, *e.InboxID)
	if err != nil || w == nil || !wants(w.EventTypes, e.Type) {
		return err
	}
	text, err := s.slackText(ctx, tx, e, w.Locale)
	if err != nil || text == "" {
		return err
	}
	body, err := json.Marshal(map[string]any{"text": text})
	if err != nil {
		return err
	}
	now := parley.Normalize(s.opts.Now())
	return tx.AddDelivery(ctx, &store.Delivery{EndpointID: w.ID, MessageID: fmt.Sprintf("evt_%d_%d", w.ID, e.Seq), Seq: e.Seq, EventType: e.Type,
		Payload: body, State: store.DeliveryPending, NextAt: now, CreatedAt: now})
}

// slackText writes a post: what happened, to which conversation (a link
// into the app), by whom.
func (s *Service) slackText(ctx context.Context, tx *store.Tx, e *parley.Event, locale string) (string, error) {
	words := slackWords[locale]
	if words == nil {
		words = slackWords["en"]
	}
	c, err := tx.Conversation(ctx, *e.ConversationID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if c.Placement != parley.PlacementInbox {
		return "", nil // filtered (a blocked sender), spam or trash: nobody is called to it
	}
	title := c.Subject
	if title == "" {
		title = words["untitled"]
	}
	link := "<" + s.opts.BaseURL + "/inbox/all/all/c/" + strconv.FormatInt(int64(c.ID), 10) + "|" + slackEscape.Replace(title) + ">"
	if e.Type == parley.EventConversationCreated {
		inbox, err := tx.Inbox(ctx, c.InboxID)
		if err != nil {
			return "", err
		}
		who := words["someone"]
		if c.ContactID != nil {
			contact, err := tx.Contact(ctx, *c.ContactID)
			if err != nil {
				return "", err
			}
			who = cmp.Or(contact.Name, contact.Email, contact.Phone, who)
		}
		return fmt.Sprintf(words["created"], "*"+slackEscape.Replace(inbox.Name)+"*", slackEscape.Replace(who), link), nil
	}
	var moved struct {
		To     *parley.ID `json:"to_user_id"`
		ToTeam *parley.ID `json:"to_team_id"`
	}
	if err := json.Unmarshal(e.Data, &moved); err != nil {
		return "", err
	}
	ids := []parley.ID{}
	if moved.To != nil {
		ids = append(ids, *moved.To)
	}
	if e.ActorID != nil && e.ActorKind == parley.ActorUser {
		ids = append(ids, *e.ActorID)
	}
	names, err := tx.UserNames(ctx, ids)
	if err != nil {
		return "", err
	}
	to := words["someone"]
	switch {
	case moved.To != nil:
		to = names[*moved.To]
	case moved.ToTeam != nil:
		team, err := tx.Team(ctx, *moved.ToTeam)
		if err != nil {
			return "", err
		}
		to = fmt.Sprintf(words["team"], team.Name)
	}
	by := "Parley"
	if e.ActorID != nil && e.ActorKind == parley.ActorUser {
		by = names[*e.ActorID]
	}
	return fmt.Sprintf(words["assigned"], link, slackEscape.Replace(to), slackEscape.Replace(by)), nil
}

package conversation_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

func TestSearch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		names := map[parley.ID]string{}
		add := func(name string, ch *parley.Channel, in conversation.Inbound) parley.ID {
			in.NewConversation = true
			id := w.receive(ch, in).ConversationID
			names[id] = name
			return id
		}
		add("invoice", w.supportAPI, conversation.Inbound{ContactEmail: "jo.lima@acme.example", ContactName: "Jo Lima",
			Subject: "Invoice 2024-117 is wrong", Text: "The total on my invoice does not match the order."})
		add("delivery", w.supportAPI, conversation.Inbound{ContactEmail: "amy@example.org", ContactName: "Amy Stone",
			Subject: "Late parcel", Text: "My parcel was due on Monday. The invoice arrived, the parcel did not."})
		closed := add("closed", w.supportAPI, conversation.Inbound{ContactEmail: "zed@example.org", ContactName: "Zed",
			Subject: "Refund", Text: "Please refund the broken kettle."})
		if _, err := w.svc.Close(ctx, w.ana, closed); err != nil {
			t.Fatal(err)
		}
		add("secret", w.restrAPI, conversation.Inbound{ContactEmail: "vip@example.org", ContactName: "Very Important",
			Subject: "Contract renewal", Text: "Our kettle contract, the invoice and the parcel."})
		html := add("html", w.supportAPI, conversation.Inbound{ContactEmail: "h@example.org",
			HTML: "<p>Bonjour, la <b>facture</b> est fausse</p>"})
		if _, err := w.svc.Trash(ctx, w.ana, html); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Comment(ctx, w.ana, closed, conversation.Body{Text: "Internal: warehouse confirmed breakage"}); err != nil {
			t.Fatal(err)
		}

		tests := []struct {
			actor parley.Actor
			q     string
			hide  []parley.Placement
			want  []string // in rank order
		}{
			{w.ana, "kettle", nil, []string{"closed", "secret"}},               // open and closed alike; the comment made closed the most recent
			{w.bob, "kettle", nil, []string{"closed"}},                         // never another inbox's
			{w.ana, "invoice", nil, []string{"invoice", "secret", "delivery"}}, // subject match ranks first
			{w.ana, `"invoice does not"`, nil, []string{"invoice"}},            // phrase
			{w.ana, `"does invoice"`, nil, nil},                                // a phrase is in order
			{w.ana, "parc*", nil, []string{"delivery", "secret"}},              // prefix; delivery's subject matches too
			{w.ana, "lima", nil, []string{"invoice"}},                          // contact name
			{w.ana, "jo.lima@acme.example", nil, []string{"invoice"}},          // contact email
			{w.ana, "acme", nil, []string{"invoice"}},                          // part of an email
			{w.ana, "warehouse", nil, []string{"closed"}},                      // internal comments too
			{w.ana, "facture", nil, nil},                                       // the trash only when asked for (below)
			{w.ana, "facture", []parley.Placement{parley.PlacementTrash}, nil}, // hide=trash
			{w.ana, "kettle contract", nil, []string{"secret"}},                // every term must match
			{w.ana, "nothing-like-this", nil, nil},
		}
		for _, tt := range tests {
			got, err := w.svc.List(ctx, tt.actor, conversation.ListFilter{Query: tt.q, Hide: tt.hide, Limit: 20})
			if err != nil {
				t.Errorf("%q: %v", tt.q, err)
				continue
			}
			var gotNames []string
			for _, c := range got {
				gotNames = append(gotNames, names[c.ID])
			}
			if len(gotNames) != len(tt.want) {
				t.Errorf("%s searching %q: %v, want %v", tt.actor.Name, tt.q, gotNames, tt.want)
				continue
			}
			for i := range gotNames {
				if gotNames[i] != tt.want[i] {
					t.Errorf("%s searching %q: %v, want %v", tt.actor.Name, tt.q, gotNames, tt.want)
					break
				}
			}
		}
		// Filters combine with search, and a view narrows it when given.
		got, err := w.svc.List(ctx, w.ana, conversation.ListFilter{Query: "kettle", Status: parley.StatusOpen, Limit: 20})
		if err != nil || len(got) != 1 || names[got[0].ID] != "secret" {
			t.Errorf("kettle, open only: %v %v, want secret", got, err)
		}
		got, err = w.svc.List(ctx, w.ana, conversation.ListFilter{Query: "kettle", View: parley.ViewOpen, Limit: 20})
		if err != nil || len(got) != 1 || names[got[0].ID] != "secret" {
			t.Errorf("kettle in All open: %v %v, want secret", got, err)
		}
		// html-only messages are found, in the trash when it is chosen.
		got, err = w.svc.List(ctx, w.ana, conversation.ListFilter{Query: "facture", Placement: parley.PlacementTrash, Limit: 20})
		if err != nil || len(got) != 1 || names[got[0].ID] != "html" {
			t.Errorf("facture in the trash: %v %v, want html", got, err)
		}
		for _, bad := range []string{`"unbalanced`, "   ", "***", `""`} {
			_, err := w.svc.List(ctx, w.ana, conversation.ListFilter{Query: bad, Limit: 20})
			if parley.ErrorCode(err) != parley.EINVALID || parley.ErrorField(err) != "q" {
				t.Errorf("query %q: %v, want EINVALID naming q", bad, err)
			}
		}
	})
}

func TestParseSearch(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []store.SearchTerm
	}{
		{"Invoice", []store.SearchTerm{{Words: []string{"invoice"}}}},
		{`refund "late parcel" inv*`, []store.SearchTerm{{Words: []string{"refund"}}, {Words: []string{"late", "parcel"}}, {Words: []string{"inv"}, Prefix: true}}},
		{`a OR b NEAR(c) -d`, []store.SearchTerm{{Words: []string{"a"}}, {Words: []string{"or"}}, {Words: []string{"b"}}, {Words: []string{"near", "c"}}, {Words: []string{"d"}}}},
		{"Équipe été", []store.SearchTerm{{Words: []string{"équipe"}}, {Words: []string{"été"}}}},
		{"order-123", []store.SearchTerm{{Words: []string{"order", "123"}}}},
	} {
		got, err := store.ParseSearch(tt.in)
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if len(got) != len(tt.want) {
			t.Errorf("%q: %+v, want %+v", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i].Prefix != tt.want[i].Prefix || len(got[i].Words) != len(tt.want[i].Words) {
				t.Errorf("%q: %+v, want %+v", tt.in, got, tt.want)
				break
			}
			for j := range got[i].Words {
				if got[i].Words[j] != tt.want[i].Words[j] {
					t.Errorf("%q: %+v, want %+v", tt.in, got, tt.want)
				}
			}
		}
	}
}

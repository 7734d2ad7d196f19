package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestWidgetFiles: a visitor sends a file with a message, the agent sees
// it; an agent's file reaches the visitor at a signed address, which
// serves that file and no other; too large is 413, a stranger 401.
func TestWidgetFiles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		_, key := chatChannel(t, w)
		v := openWidget(t, w, key, "", 0)
		conv := v.write("m1", "Here is my receipt").Message.ConversationID
		upload := func(token, name string, data []byte) (int, widgetMsg) {
			t.Helper()
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			mw.WriteField("client_id", "f-"+name)
			mw.WriteField("text", "The receipt")
			// As a browser sends it, with the file's type.
			kind := "application/octet-stream"
			if strings.HasSuffix(name, ".png") {
				kind = "image/png"
			}
			fw, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {`form-data; name="file"; filename="` + name + `"`},
				"Content-Type": {kind}})
			fw.Write(data)
			mw.Close()
			req, _ := http.NewRequest("POST", w.a.url+"/widget/v1/messages?inbox="+key, &b)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("X-Parley-Visitor", token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var out widgetMsg
			json.NewDecoder(res.Body).Decode(&out)
			return res.StatusCode, out
		}
		png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
		status, got := upload(v.token, "receipt.png", png)
		if status != 201 || got.Message == nil || got.Message.ConversationID != conv || len(got.Message.Files) != 1 {
			t.Fatalf("a file from the visitor: %d %+v", status, got)
		}
		file := got.Message.Files[0]
		if file.Name != "receipt.png" || file.ContentType != "image/png" {
			t.Errorf("the file: %+v", file)
		}
		// The visitor's stream hears of it too (another tab).
		if live := v.next(); live.Type != "message" || len(live.Message.Files) != 1 {
			t.Errorf("the stream after an upload: %+v", live)
		}
		site := &client{api: w.a, name: "site", http: &http.Client{}}
		if got := site.call("GET", file.URL, nil); got.status != 200 || !bytes.Equal(got.raw, png) ||
			!strings.HasPrefix(got.header.Get("Content-Disposition"), "inline") {
			t.Errorf("the signed address: %d %v", got.status, got.header)
		}
		forged := file.URL[:strings.LastIndex(file.URL, "/")+1] + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		if got := site.call("GET", forged, nil); got.status != 404 {
			t.Errorf("a forged signature: %d", got.status)
		}
		// The agent sees it in the thread.
		found := false
		for _, it := range w.ana.must(200, "GET", path("/conversations/%d/timeline", conv), nil).items() {
			if m, _ := it["message"].(map[string]any); m != nil {
				if atts, _ := m["attachments"].([]any); len(atts) == 1 && atts[0].(map[string]any)["name"] == "receipt.png" {
					found = true
				}
			}
		}
		if !found {
			t.Error("the agent does not see the visitor's file")
		}
		// An agent's file reaches the visitor.
		up := w.ana.must(201, "POST", "/api/v1/uploads?name=label.pdf", "%PDF-1.4 label")
		w.ana.must(201, "POST", path("/conversations/%d/replies", conv), map[string]any{"text": "Print this", "attachments": []parley.ID{up.id()}})
		reply := v.next()
		if len(reply.Message.Files) != 1 || reply.Message.Files[0].Name != "label.pdf" {
			t.Fatalf("the agent's file in the widget: %+v", reply.Message)
		}
		if got := site.call("GET", reply.Message.Files[0].URL, nil); got.status != 200 || !strings.HasPrefix(got.header.Get("Content-Disposition"), "attachment") {
			t.Errorf("a document's address: %d %v", got.status, got.header)
		}

		if status, _ := upload(v.token, "big.bin", make([]byte, 10<<20+1)); status != 413 {
			t.Errorf("an 11 MB file: %d, want 413", status)
		}
		if status, _ := upload("forged.token", "x.png", png); status != 401 {
			t.Errorf("a file from no visitor: %d, want 401", status)
		}
	})
}

// TestWidgetPeople: a flow's heading shows up to three of its people with
// their pictures, and an agent's message its author's, each at a signed
// address anyone may load; a forged one is not there.
func TestWidgetPeople(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		_, key := chatChannel(t, w)
		png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
		w.ana.must(200, "PUT", path("/me/avatar"), png)
		_, bobID := userID(t, w, "bob")
		tier2 := parley.ID(w.admin.must(200, "GET", path("/teams"), nil).items()[0]["id"].(float64)) // ana, carol
		w.admin.must(201, "POST", path("/inboxes/%d/chat-flows", w.sales), map[string]any{"name": "Team", "enabled": true,
			"heading": map[string]any{"kind": "team", "user_ids": []parley.ID{bobID}, "team_ids": []parley.ID{tier2}}})
		site := &client{api: w.a, name: "site", http: &http.Client{}}
		shown := site.must(200, "GET", "/widget/v1/config?inbox="+key+"&url="+shop, nil)
		people, _ := shown.body["people"].([]any)
		if len(people) != 3 {
			t.Fatalf("the heading's people: %s, want three of bob, ana, carol", shown.raw)
		}
		var avatar string
		for _, p := range people {
			if m := p.(map[string]any); m["name"] == "ana" {
				avatar, _ = m["avatar"].(string)
			} else if m["avatar"] != nil {
				t.Errorf("%v has no picture, yet an address", m)
			}
		}
		if got := site.call("GET", avatar, nil); got.status != 200 || got.header.Get("Content-Type") != "image/png" {
			t.Fatalf("ana's picture at %q: %d %v", avatar, got.status, got.header)
		}
		if got := site.call("GET", avatar[:strings.LastIndex(avatar, "/")+1]+"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", nil); got.status != 404 {
			t.Errorf("a forged picture address: %d", got.status)
		}
		v := openWidget(t, w, key, "", 0)
		conv := v.write("m1", "Hi").Message.ConversationID
		w.ana.must(201, "POST", path("/conversations/%d/replies", conv), map[string]string{"text": "Hello!"})
		var reply struct {
			Message struct {
				AuthorAvatar string `json:"author_avatar"`
			} `json:"message"`
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, raw, err := v.conn.Read(ctx)
		if err != nil || json.Unmarshal(raw, &reply) != nil || reply.Message.AuthorAvatar != avatar {
			t.Errorf("the reply's author picture: %s, want %s (%v)", raw, avatar, err)
		}
	})
}

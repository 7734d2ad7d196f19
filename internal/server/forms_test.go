package server_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// formPost posts to a form as a browser or a script would: body is JSON
// when contentType says so, else an HTML form; redirects are not followed.
func formPost(t *testing.T, base, key, contentType, body string, headers ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("POST", base+"/f/"+key, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(raw)
}

// TestForms: a form takes posts from its page, a server and its sites
// only; a good one opens a conversation with each field in its first
// message and the submitter as the contact, answered by email; a bad one
// names each field, in JSON or beside the field in the page; a bot's is
// dropped, a double post stored once, and too many from one address are
// told when to try again.
func TestForms(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		// An admin checks the fields a form is given.
		for _, bad := range []struct {
			fields any
			field  string
		}{
			{[]any{map[string]any{"key": "Order No", "label": "Order", "type": "text"}}, "body.config.fields[0].key"},
			{[]any{map[string]any{"key": "email", "label": "Mail", "type": "text"}}, "body.config.fields[0].key"},
			{[]any{map[string]any{"key": "topic", "label": "Topic", "type": "select"}}, "body.config.fields[0].options"},
			{[]any{map[string]any{"key": "topic", "label": "", "type": "text"}}, "body.config.fields[0].label"},
			{[]any{map[string]any{"key": "topic", "label": "Topic", "type": "colour"}}, "body.config.fields[0].type"},
		} {
			r := w.admin.call("POST", path("/inboxes/%d/channels", w.sales), map[string]any{"kind": "form", "name": "Contact", "config": map[string]any{"fields": bad.fields}})
			if r.status != 400 || !strings.Contains(string(r.raw), bad.field) {
				t.Errorf("form with fields %v: %d %s, want 400 naming %s", bad.fields, r.status, r.raw, bad.field)
			}
		}
		if r := w.ana.call("POST", path("/inboxes/%d/channels", w.sales), map[string]any{"kind": "form", "name": "Contact"}); r.status != 403 {
			t.Errorf("an agent adds a form: %d", r.status)
		}
		form := w.admin.must(201, "POST", path("/inboxes/%d/channels", w.sales), map[string]any{"kind": "form", "name": "Contact us", "config": map[string]any{
			"allowed_origins": []string{"https://shop.example/"},
			"fields": []any{
				map[string]any{"key": "order", "label": "Order number", "type": "text", "required": true},
				map[string]any{"key": "topic", "label": "Topic", "type": "select", "options": []string{"Billing", "Delivery"}},
				map[string]any{"key": "details", "label": "Details", "type": "textarea"},
				map[string]any{"key": "agree", "label": "I agree", "type": "checkbox", "required": true},
			}}})
		key, _ := form.body["public_key"].(string)
		if key == "" {
			t.Fatalf("a form has no public key: %s", form.raw)
		}
		base := w.a.url
		conversations := func() []map[string]any {
			return w.admin.must(200, "GET", path("/conversations?inbox=%d&view=all", w.sales), nil).items()
		}

		// A script on the form's site posts JSON.
		status, h, body := formPost(t, base, key, "application/json",
			`{"name":"Zoé","email":"Zoe@Example.org","order":"A-17","topic":"Delivery","details":"Late\nagain","agree":true}`,
			"Origin", "https://shop.example")
		if status != 201 || h.Get("Access-Control-Allow-Origin") != "https://shop.example" {
			t.Fatalf("JSON from the form's site: %d %v %s", status, h, body)
		}
		list := conversations()
		if len(list) != 1 || list[0]["subject"] != "Contact us" {
			t.Fatalf("after one submission: %v", list)
		}
		conv := parley.ID(list[0]["id"].(float64))
		tl := string(w.ana.must(200, "GET", path("/conversations/%d/timeline", conv), nil).raw)
		for _, want := range []string{`"form":"Contact us"`, `"key":"order","label":"Order number","type":"text","value":"A-17"`,
			`"value":"Late\nagain"`, `"key":"agree","label":"I agree","type":"checkbox","value":"yes"`, `Order number: A-17`} {
			if !strings.Contains(tl, want) {
				t.Errorf("the first message lacks %s: %s", want, tl)
			}
		}
		contact := w.ana.must(200, "GET", path("/conversations/%d", conv), nil).body["contact"].(map[string]any)
		if contact["email"] != "zoe@example.org" || contact["name"] != "Zoé" {
			t.Errorf("the submitter as contact: %v", contact)
		}
		// The agent's answer goes by email, to the submitter.
		reply := w.ana.must(201, "POST", path("/conversations/%d/replies", conv), map[string]any{"text": "It left today."})
		email, _ := reply.body["email"].(map[string]any)
		if to, _ := email["to"].([]any); len(to) != 1 || !strings.Contains(string(reply.raw), "zoe@example.org") {
			t.Errorf("a reply on a form's conversation: %s, want an email to the submitter", reply.raw)
		}

		cases := []struct {
			name        string
			contentType string
			body        string
			headers     []string
			status      int
			want        []string // in the answer
			opens       bool
		}{
			{name: "another site", contentType: "application/json", body: `{"email":"a@example.org","order":"1","agree":true}`,
				headers: []string{"Origin", "https://evil.example"}, status: 403},
			{name: "bad JSON fields", contentType: "application/json", body: `{"email":"nope","topic":"Refund"}`, status: 400,
				want: []string{`"location":"body.email","reason":"email_invalid"`, `"location":"body.order","reason":"required"`,
					`"location":"body.topic","reason":"choice_invalid"`, `"location":"body.agree","reason":"required"`}},
			{name: "an HTML post", contentType: "application/x-www-form-urlencoded",
				body: url.Values{"email": {"max@example.org"}, "order": {"B-2"}, "agree": {"yes"}, "_sid": {"sub-1"}}.Encode(), status: 303, opens: true},
			{name: "the same HTML post again", contentType: "application/x-www-form-urlencoded",
				body: url.Values{"email": {"max@example.org"}, "order": {"B-2"}, "agree": {"yes"}, "_sid": {"sub-1"}}.Encode(), status: 303},
			{name: "an HTML post with an error", contentType: "application/x-www-form-urlencoded",
				body: url.Values{"email": {"max@example.org"}, "details": {"kept <b>as typed</b>"}, "agree": {"yes"}}.Encode(), status: 400,
				want: []string{`aria-invalid="true" aria-describedby="f-order-error"`, `id="f-order-error">This field is required.`, `kept &lt;b&gt;as typed&lt;/b&gt;</textarea>`}},
			{name: "a bot", contentType: "application/x-www-form-urlencoded",
				body: url.Values{"email": {"bot@example.org"}, "order": {"1"}, "agree": {"yes"}, "_hp": {"http://spam.example"}}.Encode(), status: 303},
		}
		opened := 1
		for _, tt := range cases {
			status, _, body := formPost(t, base, key, tt.contentType, tt.body, tt.headers...)
			if status != tt.status {
				t.Errorf("%s: %d %s, want %d", tt.name, status, body, tt.status)
			}
			for _, want := range tt.want {
				if !strings.Contains(body, want) {
					t.Errorf("%s: the answer lacks %s: %s", tt.name, want, body)
				}
			}
			if tt.opens {
				opened++
			}
			if n := len(conversations()); n != opened {
				t.Errorf("%s: %d conversations, want %d", tt.name, n, opened)
			}
		}

		// The page: in the form's language or the one asked, framed by its
		// sites only.
		res, err := http.Get(base + "/f/" + key + "?lang=fr&embed=1")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(page), "Votre e-mail") ||
			!strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'self' https://shop.example") || res.Header.Get("X-Frame-Options") != "" {
			t.Errorf("the page in French: %d %v %s", res.StatusCode, res.Header, page)
		}
		// A script from the site asks first.
		req, _ := http.NewRequest("OPTIONS", base+"/f/"+key, nil)
		req.Header.Set("Origin", "https://shop.example")
		if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 204 || res.Header.Get("Access-Control-Allow-Methods") != "POST" {
			t.Errorf("preflight: %v %v", res, err)
		}
		if status, _, _ := formPost(t, base, "nosuchform", "application/json", `{}`); status != 404 {
			t.Errorf("an unknown form: %d", status)
		}
		w.admin.must(200, "PATCH", path("/channels/%d", form.id()), map[string]any{"enabled": false})
		if status, _, _ := formPost(t, base, key, "application/json", `{"email":"a@example.org","order":"1","agree":true}`); status != 409 {
			t.Errorf("a form turned off: %d", status)
		}
		w.admin.must(200, "PATCH", path("/channels/%d", form.id()), map[string]any{"enabled": true})
		// One address posts a few times; then it is told when to try again.
		for i := 0; ; i++ {
			status, h, _ := formPost(t, base, key, "application/json", `{"email":"flood@example.org","order":"1","agree":true}`)
			if status == 429 {
				if h.Get("Retry-After") == "" {
					t.Error("429 without Retry-After")
				}
				break
			}
			if status != 201 || i > 10 {
				t.Fatalf("post %d from one address: %d", i, status)
			}
		}
	})
}

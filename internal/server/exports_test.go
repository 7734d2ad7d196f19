package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/export"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestExports: an admin exports an inbox, follows its progress and
// downloads the archive, which holds that inbox's conversation and not
// another's; agents and viewers may do none of it, and a guessed id is
// not found.
func TestExports(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		viewer, _ := w.a.user("vic", parley.RoleViewer)
		sales := w.push(w.salesAPI, "sms-1", "jo@example.org", "Where is my sales order?")
		w.push(w.vipAPI, "wa-1", "vip@example.org", "A secret VIP matter")
		salesConv := sales.num("conversation_id")

		e := w.admin.must(202, "POST", path("/exports"), map[string]any{"inbox_id": w.sales})
		id := e.id()
		if e.body["state"] != "queued" || e.body["inbox_name"] != "Sales" || e.body["everything"] != false {
			t.Fatalf("started: %s", e.raw)
		}
		if r := w.admin.call("POST", path("/exports"), map[string]any{"inbox_id": 999999}); r.status != 400 ||
			r.body["type"] != "urn:parley:problem:export_inbox" {
			t.Errorf("an inbox that is not there: %d %s", r.status, r.raw)
		}
		if r := w.admin.call("GET", path("/exports/%d/download", id), nil); r.status != 409 || r.body["type"] != "urn:parley:problem:export_not_ready" {
			t.Errorf("downloaded before ready: %d %s", r.status, r.raw)
		}

		// Who may: admins only; a guessed id is not found.
		for _, tc := range []struct {
			who          *client
			method, path string
			want         int
		}{
			{w.ana, "POST", path("/exports"), 403},
			{viewer, "POST", path("/exports"), 403},
			{w.ana, "GET", path("/exports"), 403},
			{viewer, "GET", path("/exports"), 403},
			{w.ana, "GET", path("/exports/%d", id), 403},
			{viewer, "GET", path("/exports/%d/download", id), 403},
			{w.ana, "GET", path("/exports/%d/download", id), 403},
			{w.ana, "DELETE", path("/exports/%d", id), 403},
			{viewer, "DELETE", path("/exports/%d", id), 403},
			{w.admin, "GET", path("/exports/%d", id+1000), 404},
			{w.admin, "GET", path("/exports/%d/download", id+1000), 404},
			{w.admin, "DELETE", path("/exports/%d", id+1000), 404},
		} {
			if r := tc.who.call(tc.method, tc.path, map[string]any{}); r.status != tc.want {
				t.Errorf("%s %s %s: %d %s, want %d", tc.who.name, tc.method, tc.path, r.status, r.raw, tc.want)
			}
		}

		if ran, err := w.a.exports.RunOnce(context.Background()); !ran || err != nil {
			t.Fatalf("the runner: %v %v", ran, err)
		}
		got := w.admin.must(200, "GET", path("/exports/%d", id), nil)
		if got.body["state"] != "ready" || got.num("done") != 1 || got.num("total") != 1 || got.num("size") == 0 ||
			got.body["download_url"] != path("/exports/%d/download", id) || got.body["expires_at"] == nil {
			t.Fatalf("ready: %s", got.raw)
		}
		if items := w.admin.must(200, "GET", path("/exports"), nil).items(); len(items) != 1 || items[0]["state"] != "ready" {
			t.Errorf("listed: %v", items)
		}

		dl := w.admin.must(200, "GET", path("/exports/%d/download", id), nil)
		if !strings.HasPrefix(dl.header.Get("Content-Disposition"), "attachment") || !strings.Contains(dl.header.Get("Content-Disposition"), ".tar.gz") ||
			dl.header.Get("Content-Type") != "application/gzip" || int64(len(dl.raw)) != int64(got.num("size")) {
			t.Errorf("download headers %v, %d bytes", dl.header, len(dl.raw))
		}
		files := untar(t, dl.raw)
		var conv map[string]any
		if err := json.Unmarshal(bytes.TrimSpace(files["conversations.jsonl"]), &conv); err != nil || conv["id"] != salesConv {
			t.Errorf("conversations.jsonl: %q (%v), want conversation %v alone", files["conversations.jsonl"], err, salesConv)
		}
		if !bytes.Contains(files["messages.jsonl"], []byte("Where is my sales order?")) || bytes.Contains(bytes.Join(values(files), nil), []byte("VIP")) {
			t.Errorf("messages.jsonl: %q", files["messages.jsonl"])
		}

		w.admin.must(204, "DELETE", path("/exports/%d", id), nil)
		w.admin.must(404, "GET", path("/exports/%d", id), nil)
	})
}

func values(m map[string][]byte) [][]byte {
	var out [][]byte
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// untar reads a gzip'd tar into its files.
func untar(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	files, err := export.ReadFiles(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

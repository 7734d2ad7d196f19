package server_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"testing"

	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/store/storetest"
)

var update = flag.Bool("update", false, "rewrite docs/openapi.json")

// TestOpenAPIDocument keeps docs/openapi.json equal to what the server
// serves. The web app's API types are generated from that file at every
// build and type check: a route or field the API changes without the app
// following fails them.
func TestOpenAPIDocument(t *testing.T) {
	a := newAPI(t, storetest.New(t, "sqlite", nil), server.Config{Version: "1"})
	c := &client{api: a, name: "anyone", http: &http.Client{}}
	res := c.must(200, "GET", "/api/v1/openapi.json", nil)
	var doc bytes.Buffer
	if err := json.Indent(&doc, res.raw, "", "  "); err != nil {
		t.Fatal(err)
	}
	doc.WriteByte('\n')
	const file = "../../docs/openapi.json"
	if *update {
		if err := os.WriteFile(file, doc.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, doc.Bytes()) {
		t.Errorf("%s differs from the served document: run go test ./internal/server -run TestOpenAPIDocument -update", file)
	}
}

package webhook

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestTypesCoverTheLog: every event type parley declares is either one an
// endpoint may ask for or a private one, never both and never neither — so
// a new event is decided on, not forgotten (three of issue 18's were).
func TestTypesCoverTheLog(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../parley/event.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Values) != 1 || !strings.HasPrefix(vs.Names[0].Name, "Event") {
			return true
		}
		if lit, ok := vs.Values[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			v, _ := strconv.Unquote(lit.Value)
			declared = append(declared, v)
		}
		return true
	})
	if len(declared) < 70 {
		t.Fatalf("read %d event types from parley/event.go: the parse missed them", len(declared))
	}
	for _, typ := range declared {
		in, hidden := slices.Contains(Types, typ), slices.Contains(private, typ)
		if in == hidden {
			t.Errorf("%s: in Types %v, private %v; want exactly one", typ, in, hidden)
		}
	}
	for _, typ := range append(slices.Clone(Types), private...) {
		if !slices.Contains(declared, typ) {
			t.Errorf("%s is listed but parley declares no such event", typ)
		}
	}
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
)

// refusing is a querier that fails every statement with its name.
type refusing string

func (r refusing) ExecContext(context.Context, string, ...any) (sql.Result, error) {
	return nil, errors.New(string(r))
}

func (r refusing) QueryContext(context.Context, string, ...any) (*sql.Rows, error) {
	return nil, errors.New(string(r))
}

func (r refusing) QueryRowContext(context.Context, string, ...any) *sql.Row { return nil }

// TestListViewOnViewsPool checks that a list outside a transaction runs on
// the views' pool, whose connections keep generic plans (TestViewPlans
// checks what that pool plans), and one in a transaction on the
// transaction.
func TestListViewOnViewsPool(t *testing.T) {
	v := ViewQuery{InboxIDs: []parley.ID{1}, Placements: []parley.Placement{parley.PlacementInbox}}
	for _, tc := range []struct {
		name string
		q    *Q
		want string
	}{
		{"the store's reads", &Q{db: refusing("reader pool"), d: postgresDialect{}, views: refusing("views pool")}, "views pool"},
		{"in a transaction", &Q{db: refusing("transaction"), d: postgresDialect{}}, "transaction"},
	} {
		if _, err := tc.q.ListView(context.Background(), v); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: ListView ran on %v, want the %s", tc.name, err, tc.want)
		}
	}
}

// TestViewLimit: PostgreSQL's view statement carries its limit in the text,
// which a generic plan needs; SQLite's binds it, so that limits of 1 to 200
// do not fill its statement cache with texts.
func TestViewLimit(t *testing.T) {
	v := ViewQuery{InboxIDs: []parley.ID{1, 2}, Placements: []parley.Placement{parley.PlacementInbox}, Statuses: []parley.Status{parley.StatusOpen}, Limit: 51}
	for _, tc := range []struct {
		d    dialect
		want string
	}{
		{postgresDialect{}, "LIMIT 51"},
		{sqliteDialect{}, "LIMIT $"},
	} {
		query, args := viewSQL(v, tc.d)
		if strings.Count(query, tc.want) != 3 { // two branches and their merge
			t.Errorf("%s: %q, want %q three times", tc.d.name(), query, tc.want)
		}
		if bound := slices.Contains(args, any(51)); bound != (tc.d.name() == "sqlite") {
			t.Errorf("%s: limit bound = %v (args %v)", tc.d.name(), bound, args)
		}
	}
}

package store_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestPostgresSessionSettings: the store's PostgreSQL connections do not
// compile queries (JIT cost ~5 ms a search at 1M conversations for a
// query that ran in 3).
func TestPostgresSessionSettings(t *testing.T) {
	s := storetest.New(t, "postgres", nil) // skipped without PostgreSQL
	if jit, err := s.Setting(context.Background(), "jit"); err != nil || jit != "off" {
		t.Errorf("jit = %q, %v; want off", jit, err)
	}
}

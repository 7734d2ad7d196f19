package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestSearchBudgetOnPostgres: a candidate query over search's time budget
// is ended by PostgreSQL itself, quickly, as no match rather than an
// error, and its connection is kept (cancelled from the driver instead,
// it ran on in the server and the connection was dropped).
func TestSearchBudgetOnPostgres(t *testing.T) {
	s := storetest.New(t, "postgres", nil) // skipped without PostgreSQL
	hits, before, after, took, err := s.SearchOverBudget(context.Background(), `SELECT 1 FROM pg_sleep(5)`)
	if err != nil || hits != 0 {
		t.Fatalf("over budget: %d hits, %v; want nothing found and no error", hits, err)
	}
	if took > time.Second {
		t.Errorf("the query over budget took %v", took)
	}
	if before != after {
		t.Errorf("the search ran on server process %d, then %d: its connection was dropped", before, after)
	}
}

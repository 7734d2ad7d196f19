// Package jobs runs Parley's background work: periodic tasks (the trash
// purge) and the database-backed queue (outbound mail, webhooks) whose jobs
// are enqueued in the transaction that asks for them.
package jobs

import (
	"context"
	"log/slog"
	"time"
)

// Task is a periodic piece of work. It must be safe to run on several nodes
// at once: the database decides who wins.
type Task struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) error
}

// Schedule runs each task once at start and then every Every, until ctx ends.
// A failing task is logged and tried again at its next turn.
func Schedule(ctx context.Context, log *slog.Logger, tasks ...Task) {
	for _, t := range tasks {
		go func() {
			tick := time.NewTicker(t.Every)
			defer tick.Stop()
			for {
				if err := t.Run(ctx); err != nil && ctx.Err() == nil {
					log.Error("job failed", "job", t.Name, "err", err)
				}
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
			}
		}()
	}
}

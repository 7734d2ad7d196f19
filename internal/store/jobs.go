package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// Job is a unit of background work in the queue.
type Job struct {
	ID          parley.ID
	Kind        string
	Payload     json.RawMessage
	State       string // queued, done, failed
	RunAt       time.Time
	Attempts    int // started so far
	MaxAttempts int
	LastError   string
	CreatedAt   time.Time
	FinishedAt  *time.Time
}

// Job states.
const (
	JobQueued = "queued"
	JobDone   = "done"
	JobFailed = "failed"
)

const jobColumns = `id, kind, payload, state, run_at, attempts, max_attempts, last_error, created_at, finished_at`

func scanJob(sc interface{ Scan(...any) error }, j *Job) error {
	var payload string
	if err := sc.Scan(&j.ID, &j.Kind, &payload, &j.State, &j.RunAt, &j.Attempts, &j.MaxAttempts, &j.LastError, &j.CreatedAt, &j.FinishedAt); err != nil {
		return err
	}
	j.Payload = json.RawMessage(payload)
	return nil
}

// Enqueue adds a job to run at j.RunAt and sets j.ID. It runs only if the
// transaction commits.
func (tx *Tx) Enqueue(ctx context.Context, j *Job) error {
	if j.MaxAttempts <= 0 {
		return fmt.Errorf("store: enqueue %s: max attempts must be positive", j.Kind)
	}
	payload := string(j.Payload)
	if payload == "" {
		payload = "{}"
	}
	j.State = JobQueued
	err := tx.db.QueryRowContext(ctx, `INSERT INTO jobs (kind, payload, state, run_at, max_attempts, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, j.Kind, payload, j.State, j.RunAt, j.MaxAttempts, j.CreatedAt).Scan(&j.ID)
	return tx.wrap(err, "enqueue %s", j.Kind)
}

// ClaimJobs takes up to limit due jobs for this worker until now+lease:
// their attempt count goes up, and no other worker takes them before the
// lease ends. A worker that dies mid-job leaves it to be claimed again when
// the lease runs out.
func (s *Store) ClaimJobs(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Job, error) {
	var out []Job
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		out, err = appendRows(ctx, &tx.Q, nil, "claim jobs", `SELECT `+jobColumns+` FROM jobs
			WHERE state = 'queued' AND run_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)
			ORDER BY run_at, id LIMIT $2`+s.d.claimLock(), []any{now, limit}, scanJob)
		if err != nil {
			return err
		}
		for i := range out {
			out[i].Attempts++
			if err := tx.exec1(ctx, "job", `UPDATE jobs SET attempts = $2, locked_until = $3 WHERE id = $1`,
				out[i].ID, out[i].Attempts, now.Add(lease)); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// FinishJob records a job's end: done, failed for good, or (with retryAt
// set) queued again for retryAt after a failed attempt.
func (tx *Tx) FinishJob(ctx context.Context, id parley.ID, state string, retryAt time.Time, lastError string, now time.Time) error {
	if state == JobQueued {
		return tx.exec1(ctx, "job", `UPDATE jobs SET run_at = $2, locked_until = NULL, last_error = $3 WHERE id = $1`, id, retryAt, lastError)
	}
	return tx.exec1(ctx, "job", `UPDATE jobs SET state = $2, locked_until = NULL, last_error = $3, finished_at = $4 WHERE id = $1`,
		id, state, lastError, now)
}

// Job returns a job, or ENOTFOUND.
func (q *Q) Job(ctx context.Context, id parley.ID) (*Job, error) {
	var j Job
	if err := scanJob(q.db.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = $1`, id), &j); err != nil {
		return nil, q.notFound(err, "job")
	}
	return &j, nil
}

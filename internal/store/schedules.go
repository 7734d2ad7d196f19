package store

import (
	"context"

	"github.com/parleyhq/parley/internal/parley"
)

// Schedule is a person's working week as stored (SPEC ORG-4): their time
// zone, their hours (JSON, read by org), and what the schedule last set.
type Schedule struct {
	UserID   parley.ID
	TimeZone string
	Hours    string
	State    parley.Availability
}

const scheduleColumns = `user_id, time_zone, hours, state`

func scanSchedule(sc interface{ Scan(...any) error }, s *Schedule) error {
	return sc.Scan(&s.UserID, &s.TimeZone, &s.Hours, &s.State)
}

// Schedule returns a user's schedule, or ENOTFOUND when they have none.
func (q *Q) Schedule(ctx context.Context, userID parley.ID) (*Schedule, error) {
	var s Schedule
	err := scanSchedule(q.db.QueryRowContext(ctx, `SELECT `+scheduleColumns+` FROM availability_schedules WHERE user_id = $1`, userID), &s)
	if err != nil {
		return nil, q.notFound(err, "schedule")
	}
	return &s, nil
}

// Schedules returns the schedules of active users.
func (q *Q) Schedules(ctx context.Context) ([]Schedule, error) {
	return appendRows(ctx, q, nil, "schedules", `SELECT s.user_id, s.time_zone, s.hours, s.state
		FROM availability_schedules s JOIN users u ON u.id = s.user_id
		WHERE u.deactivated_at IS NULL ORDER BY s.user_id`, nil, scanSchedule)
}

// SetSchedule creates or replaces a user's schedule.
func (tx *Tx) SetSchedule(ctx context.Context, s Schedule) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO availability_schedules (user_id, time_zone, hours, state) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id) DO UPDATE SET time_zone = excluded.time_zone, hours = excluded.hours, state = excluded.state`,
		s.UserID, s.TimeZone, s.Hours, s.State)
	return tx.wrap(err, "set schedule of user %d", s.UserID)
}

// DeleteSchedule removes a user's schedule; having none is not an error.
func (tx *Tx) DeleteSchedule(ctx context.Context, userID parley.ID) error {
	_, err := tx.db.ExecContext(ctx, `DELETE FROM availability_schedules WHERE user_id = $1`, userID)
	return tx.wrap(err, "delete schedule of user %d", userID)
}

// SwitchSchedule records that a user's schedule now says to, if it still
// said from: it reports false when another node switched it first.
func (tx *Tx) SwitchSchedule(ctx context.Context, userID parley.ID, from, to parley.Availability) (bool, error) {
	r, err := tx.db.ExecContext(ctx, `UPDATE availability_schedules SET state = $3 WHERE user_id = $1 AND state = $2`, userID, from, to)
	if err != nil {
		return false, tx.wrap(err, "switch schedule of user %d", userID)
	}
	n, err := r.RowsAffected()
	return n == 1, tx.wrap(err, "switch schedule of user %d", userID)
}

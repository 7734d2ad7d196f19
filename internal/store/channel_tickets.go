package store

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// ChannelTickets is a channel's "treat incoming conversations as tickets"
// (SPEC CRM-3): the pipeline and stage a new conversation's ticket opens
// in, and its owner — nil: whoever owns the conversation, as it changes.
type ChannelTickets struct {
	ChannelID  parley.ID
	PipelineID parley.ID
	StageID    parley.ID
	OwnerID    *parley.ID
	UpdatedAt  time.Time
}

const channelTicketsColumns = `channel_id, pipeline_id, stage_id, owner_id, updated_at`

func scanChannelTickets(sc interface{ Scan(...any) error }, c *ChannelTickets) error {
	return sc.Scan(&c.ChannelID, &c.PipelineID, &c.StageID, &c.OwnerID, &c.UpdatedAt)
}

// ChannelTickets returns a channel's ticket setting, or ENOTFOUND when it
// opens none.
func (q *Q) ChannelTickets(ctx context.Context, channelID parley.ID) (*ChannelTickets, error) {
	var c ChannelTickets
	if err := scanChannelTickets(q.db.QueryRowContext(ctx, `SELECT `+channelTicketsColumns+` FROM channel_tickets WHERE channel_id = $1`, channelID), &c); err != nil {
		return nil, q.notFound(err, "ticket setting")
	}
	return &c, nil
}

// ChannelTicketsOf returns the channels' ticket settings that use a
// pipeline.
func (q *Q) ChannelTicketsOf(ctx context.Context, pipelineID parley.ID) ([]ChannelTickets, error) {
	return appendRows(ctx, q, nil, "ticket settings", `SELECT `+channelTicketsColumns+` FROM channel_tickets WHERE pipeline_id = $1 ORDER BY channel_id`,
		[]any{pipelineID}, scanChannelTickets)
}

// PutChannelTickets sets a channel's ticket setting.
func (tx *Tx) PutChannelTickets(ctx context.Context, c *ChannelTickets) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO channel_tickets (`+channelTicketsColumns+`) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (channel_id) DO UPDATE SET pipeline_id = excluded.pipeline_id, stage_id = excluded.stage_id, owner_id = excluded.owner_id,
		updated_at = excluded.updated_at`, c.ChannelID, c.PipelineID, c.StageID, c.OwnerID, c.UpdatedAt)
	return tx.wrap(err, "put ticket setting")
}

// DeleteChannelTickets stops a channel opening tickets; none set is no
// change.
func (tx *Tx) DeleteChannelTickets(ctx context.Context, channelID parley.ID) error {
	_, err := tx.db.ExecContext(ctx, `DELETE FROM channel_tickets WHERE channel_id = $1`, channelID)
	return tx.wrap(err, "delete ticket setting")
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/parleyhq/parley/internal/parley"
)

// Pipelines returns the pipelines of a kind with their stages, in order.
func (q *Q) Pipelines(ctx context.Context, kind parley.PipelineKind) ([]parley.Pipeline, error) {
	ps, err := appendRows(ctx, q, nil, "pipelines", `SELECT id, kind, name, position, created_at FROM pipelines WHERE kind = $1 ORDER BY position, id`,
		[]any{kind}, scanPipeline)
	if err != nil {
		return nil, err
	}
	at := map[parley.ID]int{}
	for i, p := range ps {
		at[p.ID] = i
	}
	err = q.eachRow(ctx, "stages", `SELECT s.id, s.pipeline_id, s.name, s.position, s.closed FROM pipeline_stages s
		JOIN pipelines p ON p.id = s.pipeline_id WHERE p.kind = $1 ORDER BY s.pipeline_id, s.position, s.id`, []any{kind}, func(rows *sql.Rows) error {
		var s parley.Stage
		if err := scanStage(rows, &s); err != nil {
			return err
		}
		if i, ok := at[s.PipelineID]; ok {
			ps[i].Stages = append(ps[i].Stages, s)
		}
		return nil
	})
	return ps, err
}

// Pipeline returns a pipeline with its stages, or ENOTFOUND; in a
// transaction on PostgreSQL its row stays locked to the end, so its
// stages change one writer at a time.
func (q *Q) Pipeline(ctx context.Context, id parley.ID) (*parley.Pipeline, error) {
	var p parley.Pipeline
	if err := scanPipeline(q.db.QueryRowContext(ctx, `SELECT id, kind, name, position, created_at FROM pipelines WHERE id = $1`+q.lock, id), &p); err != nil {
		return nil, q.notFound(err, "pipeline")
	}
	var err error
	p.Stages, err = appendRows(ctx, q, nil, "stages", `SELECT id, pipeline_id, name, position, closed FROM pipeline_stages
		WHERE pipeline_id = $1 ORDER BY position, id`, []any{id}, scanStage)
	return &p, err
}

func scanPipeline(sc interface{ Scan(...any) error }, p *parley.Pipeline) error {
	return sc.Scan(&p.ID, &p.Kind, &p.Name, &p.Position, &p.CreatedAt)
}

func scanStage(sc interface{ Scan(...any) error }, s *parley.Stage) error {
	return sc.Scan(&s.ID, &s.PipelineID, &s.Name, &s.Position, &s.Closed)
}

// CreatePipeline inserts p, last of its kind, with its stages, and sets
// their ids. A name its kind already has is ECONFLICT.
func (tx *Tx) CreatePipeline(ctx context.Context, p *parley.Pipeline) error {
	err := tx.db.QueryRowContext(ctx, `INSERT INTO pipelines (kind, name, position, created_at)
		VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM pipelines WHERE kind = $1), $3) RETURNING id, position`,
		p.Kind, p.Name, p.CreatedAt).Scan(&p.ID, &p.Position)
	if err != nil {
		return tx.wrap(err, "create pipeline")
	}
	return tx.putStages(ctx, p)
}

// UpdatePipeline saves p's name and its stages as listed, in that order:
// a stage with an id is renamed and moved, one without is added and given
// its id, and the stages it no longer lists are removed (the caller checks
// no ticket is in them).
func (tx *Tx) UpdatePipeline(ctx context.Context, p *parley.Pipeline) error {
	if err := tx.exec1(ctx, "pipeline", `UPDATE pipelines SET name = $2 WHERE id = $1`, p.ID, p.Name); err != nil {
		return err
	}
	var b binder
	del := `DELETE FROM pipeline_stages WHERE pipeline_id = ` + b.add(p.ID)
	var keep []string
	for _, s := range p.Stages {
		if s.ID != 0 {
			keep = append(keep, b.add(s.ID))
		}
	}
	if len(keep) > 0 {
		del += ` AND id NOT IN (` + strings.Join(keep, ", ") + `)`
	}
	if _, err := tx.db.ExecContext(ctx, del, b.args...); err != nil {
		return tx.wrap(err, "remove stages")
	}
	return tx.putStages(ctx, p)
}

// putStages writes p's stages in order, inserting the new ones.
func (tx *Tx) putStages(ctx context.Context, p *parley.Pipeline) error {
	for i := range p.Stages {
		s := &p.Stages[i]
		s.PipelineID, s.Position = p.ID, i+1
		if s.ID == 0 {
			if err := tx.db.QueryRowContext(ctx, `INSERT INTO pipeline_stages (pipeline_id, name, position, closed) VALUES ($1, $2, $3, $4) RETURNING id`,
				p.ID, s.Name, s.Position, s.Closed).Scan(&s.ID); err != nil {
				return tx.wrap(err, "add stage")
			}
			continue
		}
		if err := tx.exec1(ctx, "stage", `UPDATE pipeline_stages SET name = $3, position = $4, closed = $5 WHERE id = $1 AND pipeline_id = $2`,
			s.ID, p.ID, s.Name, s.Position, s.Closed); err != nil {
			return err
		}
	}
	return nil
}

// DeletePipeline removes a pipeline and its stages (the caller checks it
// holds no ticket), or is ENOTFOUND.
func (tx *Tx) DeletePipeline(ctx context.Context, id parley.ID) error {
	return tx.exec1(ctx, "pipeline", `DELETE FROM pipelines WHERE id = $1`, id)
}

// StageTickets counts the tickets, or deals, in each stage of a pipeline.
func (q *Q) StageTickets(ctx context.Context, pipelineID parley.ID) (map[parley.ID]int, error) {
	out := map[parley.ID]int{}
	err := q.eachRow(ctx, "stage records", `SELECT stage_id, COUNT(*) FROM (SELECT stage_id FROM tickets WHERE pipeline_id = $1
		UNION ALL SELECT stage_id FROM deals WHERE pipeline_id = $1) r GROUP BY stage_id`, []any{pipelineID},
		func(rows *sql.Rows) error {
			var id parley.ID
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				return err
			}
			out[id] = n
			return nil
		})
	return out, err
}

// binder numbers the arguments of a query built piece by piece.
type binder struct{ args []any }

// owner is the condition that column holds the owner id, or, for 0, no
// owner: the lists' owner filter.
func (b *binder) owner(column string, id parley.ID) string {
	if id == 0 {
		return column + " IS NULL"
	}
	return column + " = " + b.add(id)
}

// list binds each of ids and returns their placeholders, comma-separated.
func (b *binder) list(ids []parley.ID) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = b.add(id)
	}
	return strings.Join(out, ", ")
}

// add binds x and returns its placeholder.
func (b *binder) add(x any) string {
	b.args = append(b.args, x)
	return fmt.Sprintf("$%d", len(b.args))
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/parleyhq/parley/internal/parley"
)

const insertAudit = `INSERT INTO audit_entries
	(at, action, actor_kind, actor_id, actor_name, address, subject_kind, subject_id, seq, before_data, after_data)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`

// auditEvents writes an audit entry for each of the transaction's events
// the audit log records, with the address of the request in ctx: after
// flushEvents, so each carries its event's seq, in the same transaction.
func (tx *Tx) auditEvents(ctx context.Context) error {
	for i := range tx.events {
		e := &tx.events[i]
		if !parley.Audited(e.Type) {
			continue
		}
		kind, id := parley.AuditSubject(e)
		a := parley.AuditEntry{At: e.At, Action: e.Type, ActorKind: e.ActorKind, ActorID: e.ActorID,
			Address: parley.AddressOf(ctx), SubjectKind: kind, SubjectID: id, Seq: &e.Seq, Before: e.Before, After: parley.AuditData(e)}
		if err := tx.AppendAudit(ctx, &a); err != nil {
			return err
		}
	}
	return nil
}

// AppendAudit writes an audit entry in tx.
func (tx *Tx) AppendAudit(ctx context.Context, a *parley.AuditEntry) error {
	return tx.wrap(appendAudit(ctx, tx.tx, a), "append audit entry")
}

// AppendAudit writes an audit entry on its own: what is recorded changed
// nothing else (a failed sign-in).
func (s *Store) AppendAudit(ctx context.Context, a *parley.AuditEntry) error {
	return s.wrap(appendAudit(ctx, s.w, a), "append audit entry")
}

func appendAudit(ctx context.Context, db querier, a *parley.AuditEntry) error {
	if a.Address == "" {
		a.Address = parley.AddressOf(ctx)
	}
	a.At = parley.Normalize(a.At)
	return db.QueryRowContext(ctx, insertAudit, a.At, a.Action, a.ActorKind, a.ActorID, a.ActorName, a.Address,
		a.SubjectKind, a.SubjectID, a.Seq, nullJSON(a.Before), nullJSON(a.After)).Scan(&a.ID)
}

func nullJSON(b json.RawMessage) sql.NullString {
	if len(b) == 0 || string(b) == "null" {
		return sql.NullString{}
	}
	return sql.NullString{String: string(b), Valid: true}
}

// AuditEntries returns a page of the audit log, newest first, with each
// user actor's name as it is now.
func (q *Q) AuditEntries(ctx context.Context, f parley.AuditFilter) ([]parley.AuditEntry, error) {
	var b binder
	where := []string{"1 = 1"}
	if f.BeforeID > 0 {
		where = append(where, "a.id < "+b.add(f.BeforeID))
	}
	if f.ActorID != nil {
		where = append(where, "a.actor_id = "+b.add(*f.ActorID)+" AND a.actor_kind = "+b.add(parley.ActorUser))
	}
	if f.Since != nil {
		where = append(where, "a.at >= "+b.add(parley.Normalize(*f.Since)))
	}
	if f.Until != nil {
		where = append(where, "a.at < "+b.add(parley.Normalize(*f.Until)))
	}
	if len(f.Actions) > 0 {
		var or []string
		for _, act := range f.Actions {
			if prefix, ok := strings.CutSuffix(act, "."); ok {
				or = append(or, "a.action LIKE "+b.add(likeEscape(prefix)+".%")+` ESCAPE '\'`)
			} else {
				or = append(or, "a.action = "+b.add(act))
			}
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	query := `SELECT a.id, a.at, a.action, a.actor_kind, a.actor_id,
			CASE WHEN a.actor_kind = 'user' THEN COALESCE(u.name, a.actor_name) ELSE a.actor_name END,
			a.address, a.subject_kind, a.subject_id, a.seq, a.before_data, a.after_data
		FROM audit_entries a LEFT JOIN users u ON a.actor_kind = 'user' AND u.id = a.actor_id
		WHERE ` + strings.Join(where, " AND ") + ` ORDER BY a.id DESC LIMIT ` + b.add(limit)
	return appendRows(ctx, q, []parley.AuditEntry(nil), "audit entries", query, b.args,
		func(sc interface{ Scan(...any) error }, a *parley.AuditEntry) error {
			var before, after sql.NullString
			if err := sc.Scan(&a.ID, &a.At, &a.Action, &a.ActorKind, &a.ActorID, &a.ActorName, &a.Address,
				&a.SubjectKind, &a.SubjectID, &a.Seq, &before, &after); err != nil {
				return err
			}
			if before.Valid {
				a.Before = json.RawMessage(before.String)
			}
			if after.Valid {
				a.After = json.RawMessage(after.String)
			}
			return nil
		})
}

// likeEscape escapes s for a LIKE pattern with ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

package store

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/parleyhq/parley/internal/parley"
)

const companyColumns = `m.id, m.name, m.domain, m.owner_id, m.created_at, m.details,
	(SELECT COUNT(*) FROM contacts k WHERE k.company_id = m.id)`

func scanCompany(sc interface{ Scan(...any) error }, c *parley.Company) error {
	var details string
	if err := sc.Scan(&c.ID, &c.Name, &c.Domain, &c.OwnerID, &c.CreatedAt, &details, &c.Contacts); err != nil {
		return err
	}
	if details != "" {
		return json.Unmarshal([]byte(details), &c.Details)
	}
	return nil
}

// SetCompanyDetail saves a company's value of a field, or removes it when
// value is empty.
func (tx *Tx) SetCompanyDetail(ctx context.Context, id parley.ID, key, value string) error {
	var raw string
	if err := tx.db.QueryRowContext(ctx, `SELECT details FROM companies WHERE id = $1`+tx.lock, id).Scan(&raw); err != nil {
		return tx.notFound(err, "company")
	}
	details := map[string]string{}
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &details); err != nil {
			return err
		}
	}
	if value == "" {
		delete(details, key)
	} else {
		details[key] = value
	}
	return tx.exec1(ctx, "company", `UPDATE companies SET details = $2 WHERE id = $1`, id, detailsText(details))
}

// CreateCompany inserts c and sets its id.
func (tx *Tx) CreateCompany(ctx context.Context, c *parley.Company) error {
	err := tx.db.QueryRowContext(ctx, `INSERT INTO companies (name, name_folded, domain, owner_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		c.Name, strings.ToLower(c.Name), c.Domain, c.OwnerID, c.CreatedAt).Scan(&c.ID)
	return tx.wrap(err, "create company")
}

// UpdateCompany saves a company's name, domain and owner.
func (tx *Tx) UpdateCompany(ctx context.Context, c *parley.Company) error {
	return tx.exec1(ctx, "company", `UPDATE companies SET name = $2, name_folded = $3, domain = $4, owner_id = $5 WHERE id = $1`,
		c.ID, c.Name, strings.ToLower(c.Name), c.Domain, c.OwnerID)
}

// DeleteCompany removes a company; its contacts and tickets stay, without
// it.
func (tx *Tx) DeleteCompany(ctx context.Context, id parley.ID) error {
	return tx.exec1(ctx, "company", `DELETE FROM companies WHERE id = $1`, id)
}

// Company returns a company, or ENOTFOUND.
func (q *Q) Company(ctx context.Context, id parley.ID) (*parley.Company, error) {
	var c parley.Company
	if err := scanCompany(q.db.QueryRowContext(ctx, `SELECT `+companyColumns+` FROM companies m WHERE m.id = $1`, id), &c); err != nil {
		return nil, q.notFound(err, "company")
	}
	return &c, nil
}

// CompanyFilter chooses a page of companies, newest first.
type CompanyFilter struct {
	Query   string     // the start of the name or of the domain
	Name    string     // the whole name, in any case
	Domains []string   // only those with one of these domains
	OwnerID *parley.ID // 0: without an owner
	After   parley.ID
	Limit   int
}

// Companies returns a page of companies.
func (q *Q) Companies(ctx context.Context, f CompanyFilter) ([]parley.Company, error) {
	var b binder
	where := []string{"1 = 1"}
	if f.Query != "" {
		// The start of the name or of the domain, served by an index: a
		// range in byte order on SQLite, LIKE with text_pattern_ops on
		// PostgreSQL (migration 00039).
		start := strings.ToLower(f.Query)
		if q.d.name() == "sqlite" {
			lo, hi := b.add(start), b.add(start[:len(start)-1]+string([]byte{start[len(start)-1] + 1}))
			where = append(where, "(m.name_folded >= "+lo+" AND m.name_folded < "+hi+" OR m.domain >= "+lo+" AND m.domain < "+hi+")")
		} else {
			pattern := b.add(strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(start) + "%")
			where = append(where, "(m.name_folded LIKE "+pattern+" OR m.domain LIKE "+pattern+")")
		}
	}
	if f.Name != "" {
		where = append(where, "m.name_folded = "+b.add(strings.ToLower(f.Name)))
	}
	if f.Domains != nil {
		if len(f.Domains) == 0 {
			return []parley.Company{}, nil
		}
		list := make([]string, len(f.Domains))
		for i, d := range f.Domains {
			list[i] = b.add(d)
		}
		where = append(where, "m.domain IN ("+strings.Join(list, ", ")+")")
	}
	if f.OwnerID != nil {
		where = append(where, b.owner("m.owner_id", *f.OwnerID))
	}
	if f.After > 0 {
		where = append(where, "m.id < "+b.add(f.After))
	}
	return appendRows(ctx, q, []parley.Company{}, "companies", `SELECT `+companyColumns+` FROM companies m WHERE `+strings.Join(where, " AND ")+
		` ORDER BY m.id DESC LIMIT `+b.add(f.Limit), b.args, scanCompany)
}

// CompanyConversations returns the conversations of a company's contacts
// in inboxes, most recently active first, up to limit.
func (q *Q) CompanyConversations(ctx context.Context, companyID parley.ID, inboxes []parley.ID, limit int) ([]parley.Conversation, error) {
	if len(inboxes) == 0 {
		return nil, nil
	}
	var b binder
	query := `SELECT ` + conversationColumns + conversationFrom + ` WHERE c.contact_id IN (SELECT id FROM contacts WHERE company_id = ` + b.add(companyID) +
		`) AND c.inbox_id IN (` + b.list(inboxes) + `) ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ` + b.add(limit)
	return appendRows(ctx, q, nil, "company conversations", query, b.args, scanConversation)
}

// AttachCompanies puts every third contact at one of the n companies
// whose ids run from first (the bench's seed).
func (tx *Tx) AttachCompanies(ctx context.Context, first parley.ID, n int) error {
	_, err := tx.db.ExecContext(ctx, `UPDATE contacts SET company_id = $1 + (id % $2) WHERE id % 3 = 0`, first, n)
	return tx.wrap(err, "attach companies")
}

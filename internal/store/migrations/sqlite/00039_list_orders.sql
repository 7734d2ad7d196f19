-- +goose Up
-- A pipeline's tickets or deals, all or of one status, most recently
-- changed first, read in index order (W3: an open stage of 100k tickets
-- sorted every row and took 0.8 s); companies found by the start of their
-- name or domain.
CREATE INDEX tickets_pipeline_updated ON tickets (pipeline_id, updated_at, id);
CREATE INDEX tickets_pipeline_status ON tickets (pipeline_id, status, updated_at, id);
CREATE INDEX deals_pipeline_updated ON deals (pipeline_id, updated_at, id);
CREATE INDEX deals_pipeline_status ON deals (pipeline_id, status, updated_at, id);
CREATE INDEX companies_name ON companies (name_folded);
CREATE INDEX companies_domain_prefix ON companies (domain);

-- +goose Down
DROP INDEX companies_domain_prefix;
DROP INDEX companies_name;
DROP INDEX deals_pipeline_status;
DROP INDEX deals_pipeline_updated;
DROP INDEX tickets_pipeline_status;
DROP INDEX tickets_pipeline_updated;

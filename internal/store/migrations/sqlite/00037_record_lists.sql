-- +goose Up
-- The tickets and deals lists without a pipeline (a contact's, a company's,
-- everyone's) are most recently changed first: an index in that order, so
-- a page never sorts them all (W3).
CREATE INDEX tickets_updated ON tickets (updated_at, id);
CREATE INDEX deals_updated ON deals (updated_at, id);

-- +goose Down
DROP INDEX deals_updated;
DROP INDEX tickets_updated;

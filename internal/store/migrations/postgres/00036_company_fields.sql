-- +goose Up
-- Companies have custom fields as contacts do (SPEC CRM-1): a field is for
-- contacts or for companies, its key unique across both; a company's
-- values live in companies.details under each key.
ALTER TABLE contact_fields ADD COLUMN applies_to TEXT NOT NULL DEFAULT 'contact';
ALTER TABLE companies ADD COLUMN details TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE companies DROP COLUMN details;
ALTER TABLE contact_fields DROP COLUMN applies_to;

-- +goose Up
-- A company's page suggests the contacts with an address at its domain
-- (SPEC CRM-1): each address keeps its domain, indexed.
ALTER TABLE contact_emails ADD COLUMN domain TEXT NOT NULL DEFAULT '';
UPDATE contact_emails SET domain = split_part(email, '@', 2);
CREATE INDEX contact_emails_domain ON contact_emails (domain, contact_id);

-- +goose Down
DROP INDEX contact_emails_domain;
ALTER TABLE contact_emails DROP COLUMN domain;

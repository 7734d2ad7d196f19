-- +goose Up
-- The contacts list finds an address by its start (SPEC CRM-1): a range
-- of the address in byte order, whatever the database's collation.
CREATE INDEX contact_emails_prefix ON contact_emails (email text_pattern_ops);

-- +goose Down
DROP INDEX contact_emails_prefix;

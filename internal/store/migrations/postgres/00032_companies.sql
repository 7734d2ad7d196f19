-- +goose Up
-- Companies (SPEC CRM-1): the organisations contacts work for. A domain
-- suggests a company for a contact with an address there; a contact is
-- only ever attached by a person.
CREATE TABLE companies (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT NOT NULL,
    domain     TEXT NOT NULL DEFAULT '',
    owner_id   BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX companies_domain ON companies (domain) WHERE domain <> '';
ALTER TABLE contacts ADD COLUMN company_id BIGINT NULL REFERENCES companies (id) ON DELETE SET NULL;
CREATE INDEX contacts_company ON contacts (company_id, id) WHERE company_id IS NOT NULL;
ALTER TABLE tickets ADD COLUMN company_id BIGINT NULL REFERENCES companies (id) ON DELETE SET NULL;
CREATE INDEX tickets_company ON tickets (company_id) WHERE company_id IS NOT NULL;

-- +goose Down
DROP INDEX tickets_company;
ALTER TABLE tickets DROP COLUMN company_id;
DROP INDEX contacts_company;
ALTER TABLE contacts DROP COLUMN company_id;
DROP TABLE companies;

-- +goose Up
-- A contact has several phones as it has several emails (SPEC CRM-1), the
-- first the primary; unlike an email a phone may be shared (a switchboard).
CREATE TABLE contact_phones (
    contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    phone      TEXT NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (contact_id, phone)
);
CREATE INDEX contact_phones_phone ON contact_phones (phone);
INSERT INTO contact_phones (contact_id, phone, position) SELECT id, phone, 0 FROM contacts WHERE phone <> '';
ALTER TABLE contacts DROP COLUMN phone;

-- Two contacts merged into one: who was merged in, as they were, so the
-- kept contact's page says so after the other is gone.
CREATE TABLE contact_merges (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    merged_id  BIGINT NOT NULL,
    name       TEXT NOT NULL,
    emails     TEXT NOT NULL,
    user_id    BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    merged_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX contact_merges_contact ON contact_merges (contact_id, id);
-- A contact merged away is found by its old id: links to it still lead
-- somewhere.
CREATE INDEX contact_merges_merged ON contact_merges (merged_id);

-- +goose Down
DROP TABLE contact_merges;
ALTER TABLE contacts ADD COLUMN phone TEXT NOT NULL DEFAULT '';
UPDATE contacts SET phone = COALESCE((SELECT p.phone FROM contact_phones p WHERE p.contact_id = contacts.id ORDER BY p.position LIMIT 1), '');
DROP TABLE contact_phones;

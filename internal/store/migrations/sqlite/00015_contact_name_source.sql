-- +goose Up
-- The inbox whose message gave a contact its name. Contacts are shared by
-- the organisation, inboxes may be restricted: a name learnt from a
-- restricted inbox's mail is shown to those who may read that inbox only
-- (NULL: a person set it, everyone sees it). Existing names came from their
-- contact's first conversation.
ALTER TABLE contacts ADD COLUMN name_inbox_id BIGINT NULL;
UPDATE contacts SET name_inbox_id = (
    SELECT cv.inbox_id FROM conversations cv WHERE cv.contact_id = contacts.id ORDER BY cv.id LIMIT 1
) WHERE name <> '';

-- +goose Down
ALTER TABLE contacts DROP COLUMN name_inbox_id;

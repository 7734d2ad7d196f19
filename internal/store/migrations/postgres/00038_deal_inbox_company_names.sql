-- +goose Up
-- A deal seen through a conversation stays that inbox's when it has no
-- conversation any more, as a ticket does (tickets.inbox_id).
ALTER TABLE deals ADD COLUMN inbox_id BIGINT NULL REFERENCES inboxes (id) ON DELETE CASCADE;
UPDATE deals SET inbox_id = (SELECT c.inbox_id FROM deal_conversations dc JOIN conversations c ON c.id = dc.conversation_id
    WHERE dc.deal_id = deals.id ORDER BY dc.conversation_id LIMIT 1);
-- A company's name as search compares it, folded in Go (SQLite's LOWER
-- folds ASCII only).
ALTER TABLE companies ADD COLUMN name_folded TEXT NOT NULL DEFAULT '';
UPDATE companies SET name_folded = LOWER(name);
-- A merged contact's name shows to those who may read the inbox it was
-- learnt in, as on the contact itself.
ALTER TABLE contact_merges ADD COLUMN name_inbox_id BIGINT NULL;

-- +goose Down
ALTER TABLE contact_merges DROP COLUMN name_inbox_id;
ALTER TABLE companies DROP COLUMN name_folded;
ALTER TABLE deals DROP COLUMN inbox_id;

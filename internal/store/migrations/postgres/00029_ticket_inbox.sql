-- +goose Up
-- A ticket opened from conversations keeps the inbox it came from: when
-- its conversations are gone (purged, unlinked), only that inbox's readers
-- still see it — never, suddenly, everyone. NULL: a ticket opened on its
-- own, which everyone signed in sees.
ALTER TABLE tickets ADD COLUMN inbox_id BIGINT NULL REFERENCES inboxes (id) ON DELETE CASCADE;

-- +goose Down
ALTER TABLE tickets DROP COLUMN inbox_id;

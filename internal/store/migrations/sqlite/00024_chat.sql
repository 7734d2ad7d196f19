-- +goose Up
-- Live chat (SPEC CHT-1, CHT-11). A chat channel is named on websites by
-- its public key (data-inbox="…" in the tag). A visitor is who the widget
-- speaks for: the browser keeps a signed identity (uid) and the visitor is
-- stored once they first write, with the contact their messages are from.
ALTER TABLE channels ADD COLUMN public_key TEXT NULL;
CREATE UNIQUE INDEX channels_public_key ON channels (public_key);

CREATE TABLE visitors (
    id         INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    uid        TEXT NOT NULL UNIQUE,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX visitors_contact ON visitors (contact_id);

-- An inbox's chat flows (SPEC CHT-2): the first enabled one that matches
-- the visitor and the page shows. settings is the flow as JSON (chat.Flow).
CREATE TABLE chat_flows (
    id         INTEGER PRIMARY KEY,
    inbox_id   INTEGER NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    settings   TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX chat_flows_inbox ON chat_flows (inbox_id, position);

-- +goose Down
DROP TABLE chat_flows;
DROP TABLE visitors;
DROP INDEX channels_public_key;
ALTER TABLE channels DROP COLUMN public_key;

-- +goose Up
-- Live chat (SPEC CHT-1, CHT-11). A chat channel is named on websites by
-- its public key (data-inbox="…" in the tag). A visitor is who the widget
-- speaks for: the browser keeps a signed identity (uid) and the visitor is
-- stored once they first write, with the contact their messages are from.
ALTER TABLE channels ADD COLUMN public_key TEXT NULL;
-- Whether closing a chat emails its visitor a transcript (SPEC CHT-12).
ALTER TABLE inboxes ADD COLUMN chat_transcripts BOOLEAN NOT NULL DEFAULT TRUE;
CREATE UNIQUE INDEX channels_public_key ON channels (public_key);

CREATE TABLE visitors (
    id         INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    uid        TEXT NOT NULL UNIQUE,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    -- The conversation the widget shows them: found by the visitor, never
    -- by their contact, so an email a visitor types opens no one else's.
    conversation_id INTEGER NULL REFERENCES conversations (id) ON DELETE SET NULL,
    -- When a widget of theirs last said it was open: a visitor who has
    -- left is answered by email (SPEC CNV-12).
    seen_at    TIMESTAMP NULL,
    -- The language their widget speaks (en, fr): their transcript's.
    locale     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX visitors_contact ON visitors (contact_id);
CREATE INDEX visitors_conversation ON visitors (conversation_id);

-- What a contact agreed to, when and in which words (SPEC CHT-10): to the
-- processing of their data, or to be contacted about a subscription.
CREATE TABLE contact_consents (
    id           INTEGER PRIMARY KEY,
    contact_id   INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('processing', 'subscription')),
    subscription TEXT NOT NULL DEFAULT '',
    text         TEXT NOT NULL,
    channel_id   INTEGER NULL REFERENCES channels (id) ON DELETE SET NULL,
    given_at     TIMESTAMP NOT NULL
);
CREATE INDEX contact_consents_contact ON contact_consents (contact_id, id);

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

-- The routing rule a conversation opened with when it is not its
-- channel's (a chat flow's, SPEC CHT-2): its later decisions — a customer
-- writing again, the queue draining — follow it too.
CREATE TABLE conversation_routing (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    rule            TEXT NOT NULL
);

-- +goose Down
DROP TABLE conversation_routing;
DROP TABLE contact_consents;
DROP TABLE chat_flows;
DROP TABLE visitors;
DROP INDEX channels_public_key;
ALTER TABLE channels DROP COLUMN public_key;
ALTER TABLE inboxes DROP COLUMN chat_transcripts;

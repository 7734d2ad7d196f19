-- +goose Up
-- Contact lists (SPEC CHT-3: a chat flow shows to the contacts in a list,
-- or hides from them): named sets of contacts that admins keep and agents
-- fill from the sidebar.
CREATE TABLE contact_lists (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE contact_list_members (
    list_id    BIGINT NOT NULL REFERENCES contact_lists (id) ON DELETE CASCADE,
    contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    added_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (list_id, contact_id)
);
CREATE INDEX contact_list_members_contact ON contact_list_members (contact_id);

-- +goose Down
DROP TABLE contact_list_members;
DROP TABLE contact_lists;

-- +goose Up
-- Deals (SPEC CRM-1): what a customer may buy, moved through a deal
-- pipeline's stages, with an amount in a currency, a close date, the
-- contacts and company it is with and the conversations it came from.
CREATE TABLE deals (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT NOT NULL,
    amount      TEXT NOT NULL DEFAULT '',
    currency    TEXT NOT NULL DEFAULT '',
    pipeline_id BIGINT NOT NULL REFERENCES pipelines (id),
    stage_id    BIGINT NOT NULL REFERENCES pipeline_stages (id),
    status      TEXT NOT NULL,
    owner_id    BIGINT NULL REFERENCES users (id),
    close_date  TEXT NOT NULL DEFAULT '',
    company_id  BIGINT NULL REFERENCES companies (id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX deals_stage ON deals (pipeline_id, stage_id, updated_at, id);
CREATE INDEX deals_company ON deals (company_id) WHERE company_id IS NOT NULL;

CREATE TABLE deal_contacts (
    deal_id    BIGINT NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    PRIMARY KEY (deal_id, contact_id)
);
CREATE INDEX deal_contacts_contact ON deal_contacts (contact_id);

CREATE TABLE deal_conversations (
    deal_id         BIGINT NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    PRIMARY KEY (deal_id, conversation_id)
);
CREATE INDEX deal_conversations_conversation ON deal_conversations (conversation_id);

-- +goose Down
DROP TABLE deal_conversations;
DROP TABLE deal_contacts;
DROP TABLE deals;

-- Parley's SQLite schema after migration 53
-- Written by TestSchemaFile -update: do not edit (schema.go).

CREATE TABLE org (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    name       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
, allow_private_targets BOOLEAN NOT NULL DEFAULT FALSE, require_two_factor TEXT NOT NULL DEFAULT 'none');

CREATE TABLE users (
    id                 INTEGER PRIMARY KEY,
    email              TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    role               TEXT NOT NULL CHECK (role IN ('admin', 'agent', 'viewer')),
    password_hash      TEXT NOT NULL DEFAULT '',
    routable           BOOLEAN NOT NULL DEFAULT TRUE,
    availability       TEXT NOT NULL DEFAULT 'available' CHECK (availability IN ('available', 'away')),
    reassign_when_away BOOLEAN NOT NULL DEFAULT FALSE,
    created_at         TIMESTAMP NOT NULL
, meeting_link TEXT NOT NULL DEFAULT '', avatar_blob TEXT NOT NULL DEFAULT '', avatar_type TEXT NOT NULL DEFAULT '', locale TEXT NOT NULL DEFAULT '', deactivated_at TIMESTAMP NULL, routed_us BIGINT NOT NULL DEFAULT 0);

CREATE TABLE teams (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE team_members (
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);

CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
, user_agent TEXT NOT NULL DEFAULT '', address TEXT NOT NULL DEFAULT '', last_seen_at TIMESTAMP NULL);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NULL
, expires_at TIMESTAMP NULL, read_only BOOLEAN NOT NULL DEFAULT FALSE);

CREATE TABLE login_links (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP NULL
);

CREATE TABLE inbox_users (
    inbox_id INTEGER NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (inbox_id, user_id)
);

CREATE TABLE inbox_teams (
    inbox_id INTEGER NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    team_id  INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    PRIMARY KEY (inbox_id, team_id)
);

CREATE TABLE channels (
    id         INTEGER PRIMARY KEY,
    inbox_id   INTEGER NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('api', 'email', 'chat', 'form', 'call')),
    name       TEXT NOT NULL,
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    config     TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL
, builtin BOOLEAN NOT NULL DEFAULT FALSE, mailbox TEXT NULL, routing TEXT NOT NULL DEFAULT '', public_key TEXT NULL);

CREATE TABLE contacts (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT '',
    owner_id   INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    blocked_at TIMESTAMP NULL,
    created_at TIMESTAMP NOT NULL
, search_text TEXT NOT NULL DEFAULT '', name_inbox_id BIGINT NULL, details TEXT NOT NULL DEFAULT '', company_id BIGINT NULL REFERENCES companies (id) ON DELETE SET NULL);

CREATE TABLE contact_emails (
    email      TEXT PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0
, domain TEXT NOT NULL DEFAULT '');

CREATE TABLE conversations (
    id               INTEGER PRIMARY KEY,
    inbox_id         INTEGER NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    channel_id       INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    contact_id       INTEGER NULL REFERENCES contacts (id) ON DELETE SET NULL,
    subject          TEXT NOT NULL DEFAULT '',
    preview          TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    placement        TEXT NOT NULL CHECK (placement IN ('inbox', 'filtered', 'spam', 'trash')),
    assignee_id      INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    team_id          INTEGER NULL REFERENCES teams (id) ON DELETE SET NULL,
    created_at       TIMESTAMP NOT NULL,
    last_activity_at TIMESTAMP NOT NULL,
    last_customer_at TIMESTAMP NULL,
    last_agent_at    TIMESTAMP NULL,
    closed_at        TIMESTAMP NULL,
    trashed_at       TIMESTAMP NULL
, channel_kind TEXT NOT NULL DEFAULT 'api', bot BOOLEAN NOT NULL DEFAULT FALSE, origin TEXT NOT NULL DEFAULT 'customer' CHECK (origin IN ('customer', 'agent')), mail_token TEXT NULL, last_sent_at TIMESTAMP NULL);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('message', 'comment')),
    direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    author_id       INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    contact_id      INTEGER NULL REFERENCES contacts (id) ON DELETE SET NULL,
    text            TEXT NOT NULL DEFAULT '',
    html            TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL
, email TEXT NOT NULL DEFAULT '', bot TEXT NOT NULL DEFAULT '', bridge TEXT NOT NULL DEFAULT '', form TEXT NOT NULL DEFAULT '', call_log TEXT NOT NULL DEFAULT '');

CREATE TABLE inbound_keys (
    channel_id      INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    dedupe_key      TEXT NOT NULL,
    conversation_id INTEGER NULL,
    message_id      INTEGER NULL,
    created_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (channel_id, dedupe_key)
);

CREATE TABLE events (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    type            TEXT NOT NULL,
    inbox_id        INTEGER NULL,
    conversation_id INTEGER NULL,
    message_id      INTEGER NULL,
    actor_kind      TEXT NOT NULL,
    actor_id        INTEGER NULL,
    at              TIMESTAMP NOT NULL,
    data            TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE view_counts (
    inbox_id INTEGER NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    view     TEXT NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (inbox_id, view)
);

CREATE TABLE conversation_reads (
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    read_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, conversation_id)
);

CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2');

CREATE VIRTUAL TABLE subjects_fts USING fts5(subject, content='conversations', content_rowid='id', tokenize='unicode61 remove_diacritics 2');

CREATE TABLE mail_threads (
    inbox_id        INTEGER NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    thread_key      TEXT NOT NULL,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    ours            BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (inbox_id, thread_key)
);

CREATE TABLE mail_participants (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    email           TEXT NOT NULL,
    PRIMARY KEY (conversation_id, email)
);

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    message_id   INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    blob         TEXT NOT NULL,
    content_id   TEXT NOT NULL DEFAULT '',
    inline       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMP NOT NULL
);

CREATE TABLE quarantine (
    id         INTEGER PRIMARY KEY,
    channel_id INTEGER NULL REFERENCES channels (id) ON DELETE SET NULL,
    source     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    size       INTEGER NOT NULL,
    blob       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    state        TEXT NOT NULL CHECK (state IN ('queued', 'done', 'failed')),
    run_at       TIMESTAMP NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    locked_until TIMESTAMP NULL,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP NULL
);

CREATE TABLE mailbox_state (
    channel_id   INTEGER PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    uid_validity INTEGER NOT NULL DEFAULT 0,
    last_uid     INTEGER NOT NULL DEFAULT 0,
    synced_at    TIMESTAMP NULL,
    last_error   TEXT NOT NULL DEFAULT '',
    error_at     TIMESTAMP NULL,
    owner        TEXT NOT NULL DEFAULT '',
    lease_until  TIMESTAMP NULL
);

CREATE TABLE raw_mail (
    message_id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    raw        BLOB NOT NULL
);

CREATE TABLE uploads (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    blob         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);

CREATE TABLE from_verifications (
    token_hash TEXT PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    email      TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP NULL
);

CREATE TABLE library_items (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('template', 'snippet', 'article')),
    title      TEXT NOT NULL,
    shortcut   TEXT NULL,
    subject    TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL DEFAULT '',
    url        TEXT NOT NULL DEFAULT '',
    created_by INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
, language TEXT NOT NULL DEFAULT '');

CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    blob         TEXT NOT NULL,
    token        TEXT NOT NULL UNIQUE,
    created_by   INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL
);

CREATE TABLE "inboxes" (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    slug       TEXT NOT NULL UNIQUE,
    access     TEXT NOT NULL CHECK (access IN ('everyone', 'specific')),
    created_at TIMESTAMP NOT NULL
, chat_transcripts BOOLEAN NOT NULL DEFAULT TRUE);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP NULL
);

CREATE TABLE mentions (
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message_id      INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    created_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, message_id)
);

CREATE TABLE consumer_cursors (
    name       TEXT PRIMARY KEY,
    seq        INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE user_open_counts (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    count   INTEGER NOT NULL
);

CREATE TABLE routing_queue (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    queued_at       TIMESTAMP NOT NULL
);

CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('assigned', 'message', 'mention')),
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    actor_kind      TEXT NOT NULL,
    actor_id        INTEGER NULL,
    created_at      TIMESTAMP NOT NULL,
    read_at         TIMESTAMP NULL,
    mailed_at       TIMESTAMP NULL,
    UNIQUE (user_id, seq)
);

CREATE TABLE user_presence (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    seen_at TIMESTAMP NOT NULL
);

CREATE TABLE notification_mail (
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, conversation_id)
);

CREATE TABLE notification_muted (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    medium  TEXT NOT NULL,
    PRIMARY KEY (user_id, kind, medium)
);

CREATE TABLE availability_schedules (
    user_id   INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    time_zone TEXT NOT NULL,
    hours     TEXT NOT NULL,
    state     TEXT NOT NULL CHECK (state IN ('available', 'away'))
);

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

CREATE TABLE contact_consents (
    id           INTEGER PRIMARY KEY,
    contact_id   INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('processing', 'subscription')),
    subscription TEXT NOT NULL DEFAULT '',
    text         TEXT NOT NULL,
    channel_id   INTEGER NULL REFERENCES channels (id) ON DELETE SET NULL,
    given_at     TIMESTAMP NOT NULL
);

CREATE TABLE chat_flows (
    id         INTEGER PRIMARY KEY,
    inbox_id   INTEGER NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    settings   TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE conversation_routing (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    rule            TEXT NOT NULL
);

CREATE TABLE contact_lists (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE contact_list_members (
    list_id    INTEGER NOT NULL REFERENCES contact_lists (id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    added_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (list_id, contact_id)
);

CREATE TABLE bot_runs (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    flow_id         INTEGER NOT NULL,
    bot             TEXT NOT NULL,
    run             TEXT NOT NULL,
    -- due_at is when the step it waits on times out; NULL: it does not.
    due_at          TIMESTAMP NULL,
    updated_at      TIMESTAMP NOT NULL
);

CREATE TABLE pipelines (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (kind, name)
);

CREATE TABLE pipeline_stages (
    id          INTEGER PRIMARY KEY,
    pipeline_id INTEGER NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    closed      BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE tickets (
    id          INTEGER PRIMARY KEY,
    subject     TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    pipeline_id INTEGER NOT NULL REFERENCES pipelines (id),
    stage_id    INTEGER NOT NULL REFERENCES pipeline_stages (id),
    status      TEXT NOT NULL,
    priority    TEXT NOT NULL,
    owner_id    INTEGER NULL REFERENCES users (id),
    contact_id  INTEGER NULL REFERENCES contacts (id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
, follows_id INTEGER NULL REFERENCES conversations (id) ON DELETE SET NULL, inbox_id INTEGER NULL REFERENCES inboxes (id) ON DELETE CASCADE, company_id BIGINT NULL REFERENCES companies (id) ON DELETE SET NULL);

CREATE TABLE ticket_conversations (
    ticket_id       INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    PRIMARY KEY (ticket_id, conversation_id)
);

CREATE TABLE channel_tickets (
    channel_id  INTEGER PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    pipeline_id INTEGER NOT NULL REFERENCES pipelines (id),
    stage_id    INTEGER NOT NULL REFERENCES pipeline_stages (id),
    owner_id    INTEGER NULL REFERENCES users (id),
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE contact_fields (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    label      TEXT NOT NULL,
    type       TEXT NOT NULL,
    choices    TEXT NOT NULL DEFAULT '',
    position   INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
, applies_to TEXT NOT NULL DEFAULT 'contact');

CREATE TABLE contact_phones (
    contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    phone      TEXT NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (contact_id, phone)
);

CREATE TABLE contact_merges (
    id         INTEGER PRIMARY KEY,
    contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    merged_id  BIGINT NOT NULL,
    name       TEXT NOT NULL,
    emails     TEXT NOT NULL,
    user_id    BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    merged_at  TIMESTAMP NOT NULL
, name_inbox_id BIGINT NULL);

CREATE TABLE companies (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    domain     TEXT NOT NULL DEFAULT '',
    owner_id   BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
, details TEXT NOT NULL DEFAULT '', name_folded TEXT NOT NULL DEFAULT '');

CREATE TABLE deals (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    amount      TEXT NOT NULL DEFAULT '',
    currency    TEXT NOT NULL DEFAULT '',
    pipeline_id BIGINT NOT NULL REFERENCES pipelines (id),
    stage_id    BIGINT NOT NULL REFERENCES pipeline_stages (id),
    status      TEXT NOT NULL,
    owner_id    BIGINT NULL REFERENCES users (id),
    close_date  TEXT NOT NULL DEFAULT '',
    company_id  BIGINT NULL REFERENCES companies (id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
, inbox_id BIGINT NULL REFERENCES inboxes (id) ON DELETE CASCADE);

CREATE TABLE deal_contacts (
    deal_id    BIGINT NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    PRIMARY KEY (deal_id, contact_id)
);

CREATE TABLE deal_conversations (
    deal_id         BIGINT NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    PRIMARY KEY (deal_id, conversation_id)
);

CREATE VIRTUAL TABLE contacts_fts USING fts5(search_text, content='contacts', content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5 6');

CREATE TABLE webhook_endpoints (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL DEFAULT 'webhook',
    url             TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    secret          TEXT NOT NULL,
    event_types     TEXT NOT NULL DEFAULT '[]',
    inbox_id        BIGINT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    channel_id      BIGINT NULL REFERENCES channels (id) ON DELETE CASCADE,
    enabled         BOOLEAN NOT NULL DEFAULT TRUE,
    disabled_reason TEXT NOT NULL DEFAULT '',
    failures        INTEGER NOT NULL DEFAULT 0,
    lease_owner     TEXT NOT NULL DEFAULT '',
    lease_until     TIMESTAMP NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
, locale TEXT NOT NULL DEFAULT 'en');

CREATE TABLE webhook_deliveries (
    id           INTEGER PRIMARY KEY,
    endpoint_id  BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    message_id   TEXT NOT NULL,
    seq          BIGINT NOT NULL DEFAULT 0,
    event_type   TEXT NOT NULL,
    payload      TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      TIMESTAMP NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    done_at      TIMESTAMP NULL
);

CREATE TABLE webhook_attempts (
    id           INTEGER PRIMARY KEY,
    delivery_id  BIGINT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at           TIMESTAMP NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    duration_ms  INTEGER NOT NULL DEFAULT 0,
    response     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE two_factor (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret     TEXT NOT NULL,
    enabled_at TIMESTAMP NULL,
    last_step  BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE recovery_codes (
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   TIMESTAMP NULL,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE audit_entries (
    id           INTEGER PRIMARY KEY,
    at           TIMESTAMP NOT NULL,
    action       TEXT NOT NULL,
    actor_kind   TEXT NOT NULL,
    actor_id     BIGINT NULL,
    actor_name   TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT '',
    subject_kind TEXT NOT NULL DEFAULT '',
    subject_id   BIGINT NULL,
    seq          BIGINT NULL,
    before_data  TEXT NULL,
    after_data   TEXT NULL
);

CREATE TABLE sso_settings (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    name             TEXT NOT NULL,
    issuer           TEXT NOT NULL,
    client_id        TEXT NOT NULL,
    client_secret    TEXT NOT NULL DEFAULT '',
    enabled          BOOLEAN NOT NULL DEFAULT FALSE,
    join_role        TEXT NOT NULL DEFAULT '',
    password_sign_in BOOLEAN NOT NULL DEFAULT TRUE,
    allowed_domains  TEXT NOT NULL DEFAULT '',
    updated_at       TIMESTAMP NOT NULL
);

CREATE TABLE sso_states (
    state_hash TEXT PRIMARY KEY,
    nonce      TEXT NOT NULL,
    verifier   TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE TABLE sso_identities (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, issuer),
    UNIQUE (issuer, subject)
);

CREATE TABLE exports (
    id           INTEGER PRIMARY KEY,
    inbox_id     INTEGER NULL REFERENCES inboxes (id) ON DELETE SET NULL,
    inbox_name   TEXT NOT NULL DEFAULT '',
    everything   BOOLEAN NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'ready', 'failed')),
    created_by   INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL,
    started_at   TIMESTAMP NULL,
    heartbeat_at TIMESTAMP NULL,
    finished_at  TIMESTAMP NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    done         BIGINT NOT NULL DEFAULT 0,
    total        BIGINT NOT NULL DEFAULT 0,
    size         BIGINT NOT NULL DEFAULT 0,
    file         TEXT NOT NULL DEFAULT '',
    error        TEXT NOT NULL DEFAULT ''
);

CREATE TABLE inbox_retention (
    inbox_id   INTEGER PRIMARY KEY REFERENCES inboxes (id) ON DELETE CASCADE,
    days       INTEGER NOT NULL CHECK (days BETWEEN 1 AND 3650),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE erased_keys (
    hash      TEXT PRIMARY KEY,
    kind      TEXT NOT NULL,
    erased_at TIMESTAMP NOT NULL
);

CREATE TABLE blob_orphans (
    blob     TEXT PRIMARY KEY,
    noted_at TIMESTAMP NOT NULL
);

CREATE VIRTUAL TABLE messages_vocab USING fts5vocab(messages_fts, instance);

CREATE VIRTUAL TABLE subjects_vocab USING fts5vocab(subjects_fts, instance);

CREATE VIRTUAL TABLE contacts_vocab USING fts5vocab(contacts_fts, instance);

CREATE INDEX team_members_user ON team_members (user_id);

CREATE INDEX sessions_user ON sessions (user_id);

CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE INDEX inbox_users_user ON inbox_users (user_id);

CREATE INDEX inbox_teams_team ON inbox_teams (team_id);

CREATE INDEX channels_inbox ON channels (inbox_id);

CREATE INDEX contact_emails_contact ON contact_emails (contact_id, position);

CREATE INDEX conversations_contact ON conversations (contact_id);

CREATE INDEX conversations_trash ON conversations (trashed_at) WHERE placement = 'trash';

CREATE INDEX messages_conversation ON messages (conversation_id, id);

CREATE INDEX inbound_keys_conversation ON inbound_keys (conversation_id);

CREATE INDEX events_conversation ON events (conversation_id, seq);

CREATE INDEX conversation_reads_conversation ON conversation_reads (conversation_id);

CREATE INDEX conversations_view ON conversations
    (inbox_id, placement, status, last_activity_at, id, assignee_id, channel_kind, bot, team_id, origin, created_at);

CREATE INDEX conversations_assignee ON conversations
    (inbox_id, placement, status, assignee_id, last_activity_at, id, channel_kind, bot, team_id, created_at);

CREATE INDEX conversations_channel ON conversations
    (inbox_id, placement, status, channel_kind, bot, last_activity_at, id, assignee_id, team_id, created_at);

CREATE INDEX conversations_team ON conversations
    (inbox_id, placement, status, team_id, last_activity_at, id, assignee_id, channel_kind, bot, created_at);

CREATE INDEX conversations_origin ON conversations
    (inbox_id, placement, origin, last_activity_at, id, status, assignee_id, channel_kind, bot, team_id, created_at);

CREATE UNIQUE INDEX channels_builtin ON channels (inbox_id) WHERE builtin;

CREATE UNIQUE INDEX channels_mailbox ON channels (mailbox);

CREATE UNIQUE INDEX conversations_mail_token ON conversations (mail_token);

CREATE INDEX mail_threads_conversation ON mail_threads (conversation_id);

CREATE INDEX attachments_message ON attachments (message_id);

CREATE INDEX attachments_blob ON attachments (blob);

CREATE INDEX quarantine_created ON quarantine (created_at, id);

CREATE INDEX jobs_due ON jobs (run_at, id) WHERE state = 'queued';

CREATE INDEX uploads_user ON uploads (user_id);

CREATE UNIQUE INDEX library_shortcut ON library_items (shortcut) WHERE shortcut IS NOT NULL;

CREATE INDEX library_kind ON library_items (kind, title);

CREATE INDEX password_resets_user ON password_resets (user_id);

CREATE INDEX conversations_sent ON conversations
    (inbox_id, placement, last_sent_at, id, status, assignee_id, channel_kind, bot, team_id, created_at);

CREATE INDEX mentions_user ON mentions (user_id, conversation_id, created_at);

CREATE INDEX mentions_conversation ON mentions (conversation_id);

CREATE INDEX routing_queue_order ON routing_queue (queued_at, conversation_id);

CREATE INDEX notifications_user ON notifications (user_id, id);

CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

CREATE INDEX notifications_conversation ON notifications (conversation_id);

CREATE UNIQUE INDEX channels_public_key ON channels (public_key);

CREATE INDEX visitors_contact ON visitors (contact_id);

CREATE INDEX visitors_conversation ON visitors (conversation_id);

CREATE INDEX contact_consents_contact ON contact_consents (contact_id, id);

CREATE INDEX chat_flows_inbox ON chat_flows (inbox_id, position);

CREATE INDEX contact_list_members_contact ON contact_list_members (contact_id);

CREATE INDEX bot_runs_due ON bot_runs (due_at) WHERE due_at IS NOT NULL;

CREATE INDEX pipeline_stages_pipeline ON pipeline_stages (pipeline_id, position);

CREATE INDEX tickets_stage ON tickets (pipeline_id, stage_id, updated_at, id);

CREATE INDEX tickets_contact ON tickets (contact_id);

CREATE INDEX ticket_conversations_conversation ON ticket_conversations (conversation_id);

CREATE INDEX tickets_follows ON tickets (follows_id) WHERE follows_id IS NOT NULL;

CREATE INDEX contact_phones_phone ON contact_phones (phone);

CREATE INDEX contact_merges_contact ON contact_merges (contact_id, id);

CREATE INDEX contact_merges_merged ON contact_merges (merged_id);

CREATE INDEX companies_domain ON companies (domain) WHERE domain <> '';

CREATE INDEX contacts_company ON contacts (company_id, id) WHERE company_id IS NOT NULL;

CREATE INDEX tickets_company ON tickets (company_id) WHERE company_id IS NOT NULL;

CREATE INDEX deals_stage ON deals (pipeline_id, stage_id, updated_at, id);

CREATE INDEX deals_company ON deals (company_id) WHERE company_id IS NOT NULL;

CREATE INDEX deal_contacts_contact ON deal_contacts (contact_id);

CREATE INDEX deal_conversations_conversation ON deal_conversations (conversation_id);

CREATE INDEX contact_emails_domain ON contact_emails (domain, contact_id);

CREATE INDEX tickets_updated ON tickets (updated_at, id);

CREATE INDEX deals_updated ON deals (updated_at, id);

CREATE INDEX tickets_pipeline_updated ON tickets (pipeline_id, updated_at, id);

CREATE INDEX tickets_pipeline_status ON tickets (pipeline_id, status, updated_at, id);

CREATE INDEX deals_pipeline_updated ON deals (pipeline_id, updated_at, id);

CREATE INDEX deals_pipeline_status ON deals (pipeline_id, status, updated_at, id);

CREATE INDEX companies_name ON companies (name_folded);

CREATE INDEX companies_domain_prefix ON companies (domain);

CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (endpoint_id, id) WHERE state = 'pending';

CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

CREATE UNIQUE INDEX webhook_endpoints_one_bridge ON webhook_endpoints (channel_id) WHERE kind = 'bridge';

CREATE UNIQUE INDEX webhook_endpoints_one_slack ON webhook_endpoints (inbox_id) WHERE kind = 'slack';

CREATE INDEX webhook_deliveries_done ON webhook_deliveries (done_at) WHERE state <> 'pending';

CREATE INDEX audit_entries_action ON audit_entries (action, id);

CREATE INDEX audit_entries_actor ON audit_entries (actor_id, id);

CREATE INDEX audit_entries_at ON audit_entries (at);

CREATE INDEX sso_states_expires ON sso_states (expires_at);

CREATE INDEX exports_state ON exports (state, id);

CREATE INDEX conversations_closed ON conversations (inbox_id, closed_at) WHERE status = 'closed';

CREATE INDEX webhook_deliveries_seq ON webhook_deliveries (seq);

CREATE INDEX events_message ON events (message_id) WHERE message_id IS NOT NULL;

CREATE INDEX jobs_finished ON jobs (finished_at) WHERE state <> 'queued';

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER subjects_fts_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO subjects_fts (rowid, subject) VALUES (new.id, new.subject);
END;

CREATE TRIGGER subjects_fts_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO subjects_fts (subjects_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
END;

CREATE TRIGGER subjects_fts_update AFTER UPDATE OF subject ON conversations BEGIN
    INSERT INTO subjects_fts (subjects_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
    INSERT INTO subjects_fts (rowid, subject) VALUES (new.id, new.subject);
END;

CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;

CREATE TRIGGER contacts_fts_update AFTER UPDATE OF search_text ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO contacts_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

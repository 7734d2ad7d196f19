-- +goose Up
-- Search by recency on PostgreSQL (issue 19). A GIN index answers "which
-- rows hold these words" but not "the newest of them": a common word's
-- every match was fetched and sorted, so search first filtered the newest
-- 5,000 rows one by one (3–4 µs a row). These indexes hold each row's
-- words again, each prefixed by the row's bucket, its id's 2,048-id
-- range ('4882.order'): one GIN lookup of the newest buckets' words finds
-- the newest matches and fetches no others, however common the word
-- (store/search_postgres.go; docs/views.md "How search ranks").
-- +goose StatementBegin
CREATE FUNCTION parley_search_buckets(v tsvector, id bigint) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN array_to_tsvector(ARRAY(SELECT (id >> 11)::text || '.' || w FROM unnest(tsvector_to_array(v)) AS w));
-- +goose StatementEnd
-- Without GIN's pending list (fastupdate): new rows' entries wait there
-- until a cleanup, and every search reads the whole list: 4 ms a probe
-- after a thousand new messages.
CREATE INDEX messages_search_buckets ON messages USING gin (parley_search_buckets(search, id)) WITH (fastupdate = off);
CREATE INDEX conversations_search_buckets ON conversations USING gin (parley_search_buckets(search, id)) WITH (fastupdate = off);
CREATE INDEX contacts_search_buckets ON contacts USING gin (parley_search_buckets(search, id)) WITH (fastupdate = off);

-- +goose Down
DROP INDEX contacts_search_buckets;
DROP INDEX conversations_search_buckets;
DROP INDEX messages_search_buckets;
DROP FUNCTION parley_search_buckets(tsvector, bigint);

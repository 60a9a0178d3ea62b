-- Retrieval speed (issue 4 benchmarks).
-- BM25 reads whole posting lists; with tf, doc_len and groups in the primary key's leaf tuples those reads are
-- index-only scans (once autovacuum has set the visibility map) instead of one heap page per posting.
ALTER TABLE knowledge_postings DROP CONSTRAINT knowledge_postings_pkey;
ALTER TABLE knowledge_postings ADD PRIMARY KEY (tenant_id, term, chunk_id) INCLUDE (tf, doc_len, access_groups);
